// SPDX-License-Identifier: BSD-2-Clause
/*
 * The error and log model without the kernel: the thread's last error
 * (each thread its own, calls without a handle included), the version
 * numbers against the generated header, the log callback swapped while
 * other threads log, and libbpf's print function chained, not replaced.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/libbpf.h>
#include <vosfp/vosfp.h>

/* Two threads fail at the same time, then each reads its own error. */
struct failer {
	pthread_barrier_t *both_failed;
	int which;
	char seen[512];
	int err;
};

static void *fail_and_read(void *arg)
{
	struct failer *f = arg;
	uint32_t secs;

	if (f->which == 0)
		f->err = vosfp_duration_parse("12x", &secs);
	else
		f->err = vosfp_prefix_check("192.0.2.1/24", NULL, 0, NULL, 0);
	pthread_barrier_wait(f->both_failed);
	snprintf(f->seen, sizeof(f->seen), "%s", vosfp_error_last());
	return NULL;
}

static void test_last_error_per_thread(void **state)
{
	pthread_barrier_t barrier;
	struct failer f[2] = { { &barrier, 0, "", 0 }, { &barrier, 1, "", 0 } };
	pthread_t t[2];

	(void)state;
	vosfp_error_clear();
	assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fail_and_read, &f[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&barrier);
	assert_int_equal(f[0].err, -EINVAL);
	assert_int_equal(f[1].err, -EINVAL);
	assert_non_null(strstr(f[0].seen, "'12x': not a duration"));
	assert_null(strstr(f[0].seen, "host bits"));
	assert_non_null(strstr(f[1].seen, "host bits set"));
	/* This thread failed nothing: neither thread's error is here. */
	assert_string_equal(vosfp_error_last(), "");
}

static void test_calls_without_handle(void **state)
{
	uint32_t secs = 0;
	uint64_t packets;
	char why[128];

	(void)state;
	vosfp_error_clear();
	assert_int_equal(vosfp_duration_parse("0", &secs), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "out of range"));
	/* A success does not clear it (as libgit2's git_error_last). */
	assert_int_equal(vosfp_duration_parse("2h", &secs), 0);
	assert_int_equal(secs, 7200);
	assert_non_null(strstr(vosfp_error_last(), "out of range"));
	vosfp_error_clear();
	assert_string_equal(vosfp_error_last(), "");

	/* The prefix check's why and the thread's error say the same. */
	assert_int_equal(vosfp_prefix_check("192.0.2.0 /24", NULL, 0, why, sizeof(why)), -EINVAL);
	assert_string_equal(vosfp_error_last(), why);
	assert_non_null(strstr(why, "white space"));

	/* A NULL handle names the call. */
	assert_int_equal(vosfp_counter_read(NULL, 0, &packets, NULL), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_counter_read: no handle"));
	assert_int_equal(vosfp_config_set(NULL, "ports", "5060"), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_config_set: no handle"));
	/* The policy engine's calls too (the prefix is checked after the handle). */
	assert_int_equal(vosfp_policy_add(NULL, VOSFP_LIST_BLOCK, "192.0.2.0/24"), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_add_ttl: no handle"));
	assert_int_equal(vosfp_policy_remove(NULL, VOSFP_LIST_BLOCK, "192.0.2.0/24"), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_remove: no handle"));
	assert_int_equal(vosfp_policy_clear(NULL, VOSFP_LIST_ALLOW), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_clear: no handle"));
	assert_int_equal(vosfp_policy_count(NULL, VOSFP_LIST_ALLOW), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_count: no handle"));
	assert_int_equal(vosfp_policy_load(NULL, VOSFP_LIST_BLOCK, "/dev/null", 0), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_load: no handle"));

	/* So does a NULL iterator or reader. */
	assert_int_equal(vosfp_ban_iter_next(NULL, why, sizeof(why), NULL, NULL), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_ban_iter_next: no iterator"));
	assert_int_equal(vosfp_ban_events_fd(NULL), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_ban_events_fd: no reader"));

	/* vosfp_open's own detail is kept, and also lands here. */
	{
		struct vosfp_open_opts o = { .sz = 1 };
		struct vosfp *h;

		assert_int_equal(vosfp_open(&o, &h), -EINVAL);
		assert_string_not_equal(vosfp_open_error(), "");
		assert_string_equal(vosfp_error_last(), vosfp_open_error());
	}
}

static void test_version_numbers(void **state)
{
	char text[32];

	(void)state;
	assert_int_equal(vosfp_version_major(), VOSFP_VERSION_MAJOR);
	assert_int_equal(vosfp_version_minor(), VOSFP_VERSION_MINOR);
	assert_int_equal(vosfp_version_patch(), VOSFP_VERSION_PATCH);
	snprintf(text, sizeof(text), "%d.%d.%d", vosfp_version_major(), vosfp_version_minor(),
		 vosfp_version_patch());
	assert_string_equal(vosfp_version(), text);
	assert_string_equal(vosfp_version(), VOSFP_VERSION);
	assert_int_equal(VOSFP_VERSION_NUMBER, VOSFP_VERSION_MAJOR << 16 |
			 VOSFP_VERSION_MINOR << 8 | VOSFP_VERSION_PATCH);
	/* meson passes its project version: the one the build was made with. */
	assert_string_equal(vosfp_version(), TEST_PROJECT_VERSION);
}

/* libbpf warns about an object that is no ELF, without privileges. */
static void provoke_libbpf_warning(void)
{
	static const char junk[64] = "not an ELF object";
	struct bpf_object *obj = bpf_object__open_mem(junk, sizeof(junk), NULL);

	assert_true(libbpf_get_error(obj) != 0 || obj == NULL);
}

/* Nothing reaches stderr when no one asked for libbpf's messages. */
static void test_default_is_silent(void **state)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	long size;

	(void)state;
	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	provoke_libbpf_warning();
	vosfp_set_log_callback(NULL, NULL);
	provoke_libbpf_warning();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	size = ftell(tmp);
	fclose(tmp);
	assert_int_equal(size, 0);
}

static int embedder_prints;

static int embedder_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];

	(void)level;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "libbpf:"))
		embedder_prints++;
	return 0;
}

static int callback_msgs;

static void count_msgs(int level, const char *msg, void *user)
{
	(void)level;
	if (user == &callback_msgs && strstr(msg, "libbpf:"))
		callback_msgs++;
}

/* The embedder set libbpf's print function after the library loaded;
 * setting the vosfp callback keeps it: both get libbpf's messages. */
static void test_libbpf_print_chained(void **state)
{
	(void)state;
	libbpf_set_print(embedder_print);
	vosfp_set_log_callback(count_msgs, &callback_msgs);
	embedder_prints = callback_msgs = 0;
	provoke_libbpf_warning();
	assert_true(callback_msgs > 0);
	assert_true(embedder_prints > 0);
	/* Without a callback the embedder's still gets them. */
	vosfp_set_log_callback(NULL, NULL);
	embedder_prints = callback_msgs = 0;
	provoke_libbpf_warning();
	assert_int_equal(callback_msgs, 0);
	assert_true(embedder_prints > 0);
}

/* Two callbacks, each with its own user: a message must never pair one
 * with the other's user while a thread swaps them. */
static int user_a, user_b, mismatches;

static void cb_a(int level, const char *msg, void *user)
{
	(void)level, (void)msg;
	if (user != &user_a)
		__atomic_add_fetch(&mismatches, 1, __ATOMIC_RELAXED);
}

static void cb_b(int level, const char *msg, void *user)
{
	(void)level, (void)msg;
	if (user != &user_b)
		__atomic_add_fetch(&mismatches, 1, __ATOMIC_RELAXED);
}

static void *log_a_lot(void *arg)
{
	uint32_t secs;

	(void)arg;
	/* Each failure logs its detail at debug level. */
	for (int i = 0; i < 20000; i++)
		vosfp_duration_parse("x", &secs);
	return NULL;
}

static void test_callback_swap(void **state)
{
	pthread_t t[2];

	(void)state;
	mismatches = 0;
	vosfp_set_log_callback(cb_a, &user_a);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, log_a_lot, NULL), 0);
	for (int i = 0; i < 20000; i++) {
		if (i & 1)
			vosfp_set_log_callback(cb_a, &user_a);
		else
			vosfp_set_log_callback(cb_b, &user_b);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	vosfp_set_log_callback(NULL, NULL);
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: before anything sets a print function or callback. */
		cmocka_unit_test(test_default_is_silent),
		cmocka_unit_test(test_last_error_per_thread),
		cmocka_unit_test(test_calls_without_handle),
		cmocka_unit_test(test_version_numbers),
		cmocka_unit_test(test_libbpf_print_chained),
		cmocka_unit_test(test_callback_swap),
	};

	return cmocka_run_group_tests_name("unit-errors", tests, NULL, NULL);
}
