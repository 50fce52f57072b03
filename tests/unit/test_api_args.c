// SPDX-License-Identifier: BSD-2-Clause
/*
 * The public API with bad arguments, and the parts that need no kernel:
 * NULL handles, option structs of other sizes, unknown ids, strerror.
 * None of these may crash or need privileges.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vosfp/vosfp.h>

static void test_null_handle_everywhere(void **state)
{
	uint64_t p, b;
	uint16_t ports[4] = { 5060 };
	char buf[64];
	int mode, verdict;
	uint32_t id;
	struct vosfp_policy_iter *it;

	(void)state;
	assert_int_equal(vosfp_attach(NULL, "eth0", 0, &mode), -EINVAL);
	assert_int_equal(vosfp_detach(NULL, "eth0"), -EINVAL);
	assert_int_equal(vosfp_attachment_count(NULL), -EINVAL);
	assert_int_equal(vosfp_attachment_get(NULL, 0, buf, sizeof(buf), &mode, &id), -EINVAL);
	assert_int_equal(vosfp_policy_add(NULL, 0, "192.0.2.0/24"), -EINVAL);
	assert_int_equal(vosfp_policy_remove(NULL, 0, "192.0.2.0/24"), -EINVAL);
	assert_int_equal(vosfp_policy_clear(NULL, 0), -EINVAL);
	assert_int_equal(vosfp_policy_count(NULL, 0), -EINVAL);
	assert_int_equal(vosfp_policy_capacity(NULL, 0), -EINVAL);
	assert_int_equal(vosfp_policy_iter_open(NULL, 0, &it), -EINVAL);
	assert_int_equal(vosfp_policy_iter_next(NULL, buf, sizeof(buf)), -EINVAL);
	vosfp_policy_iter_close(NULL);
	assert_int_equal(vosfp_config_set_ports(NULL, ports, 1), -EINVAL);
	assert_int_equal(vosfp_config_get_ports(NULL, ports, 4), -EINVAL);
	assert_int_equal(vosfp_config_set(NULL, "ports", "5060"), -EINVAL);
	assert_int_equal(vosfp_config_get(NULL, "ports", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(vosfp_counter_read(NULL, 0, &p, &b), -EINVAL);
	assert_int_equal(vosfp_counters_reset(NULL), -EINVAL);
	assert_int_equal(vosfp_xsk_register(NULL, 0, 3), -EINVAL);
	assert_int_equal(vosfp_xsk_unregister(NULL, 0), -EINVAL);
	assert_int_equal(vosfp_test_packet(NULL, buf, 60, &verdict), -EINVAL);
	assert_int_equal(vosfp_unpin(NULL), -EINVAL);
	assert_non_null(vosfp_last_error(NULL));
	vosfp_close(NULL);
}

static void test_open_opts_sizes(void **state)
{
	struct {
		struct vosfp_open_opts opts;
		char newer_field[16];
	} big;
	struct vosfp_open_opts tiny = { .sz = 1 };
	struct vosfp *h = (struct vosfp *)0x1;

	(void)state;
	assert_int_equal(vosfp_open(NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_open(&tiny, &h), -EINVAL);
	assert_null(h);
	assert_non_null(strstr(vosfp_open_error(), "sz"));

	/* A newer caller's larger struct: unknown non-zero fields are refused
	 * before anything is touched. */
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.opts.pin_root = "/nonexistent-vosfp-test/x";
	big.newer_field[3] = 1;
	assert_int_equal(vosfp_open(&big.opts, &h), -EOPNOTSUPP);
	assert_non_null(strstr(vosfp_open_error(), "does not know"));

	/* Zero tail: accepted as far as the options go; the pin root (not on
	 * bpffs) is what fails, and it is named. */
	big.newer_field[3] = 0;
	assert_int_equal(vosfp_open(&big.opts, &h), -EOPNOTSUPP);
	assert_non_null(strstr(vosfp_open_error(), "not on bpffs"));

	/* Checked before anything is created. */
	struct vosfp_open_opts cap = { .sz = sizeof(cap), .pin_root = "/nonexistent-vosfp-test/x",
				       .block_capacity = 0xffffffffu };
	assert_int_equal(vosfp_open(&cap, &h), -EINVAL);
	assert_non_null(strstr(vosfp_open_error(), "capacity"));

	struct vosfp_open_opts empty = { .sz = sizeof(empty), .pin_root = "" };
	assert_int_equal(vosfp_open(&empty, &h), -EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(vosfp_counter_count(), 10);
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_SCANNER), "scanner");
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_RATE_LIMITED), "rate_limited");
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_BANNED), "banned");
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_PASSED), "passed");
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_STEALTH), "stealth");
	assert_string_equal(vosfp_counter_name(VOSFP_CTR_KEEPALIVE), "keepalive");
	assert_null(vosfp_counter_name(-1));
	assert_null(vosfp_counter_name(vosfp_counter_count()));
	assert_int_equal(vosfp_counter_is_drop(VOSFP_CTR_BLOCKED), 1);
	assert_int_equal(vosfp_counter_is_drop(VOSFP_CTR_PASSED), 0);
	assert_int_equal(vosfp_counter_is_drop(99), -EINVAL);
	assert_int_equal(vosfp_list_count(), 2);
	assert_string_equal(vosfp_list_name(VOSFP_LIST_BLOCK), "block");
	assert_string_equal(vosfp_list_name(VOSFP_LIST_ALLOW), "allow");
	assert_null(vosfp_list_name(2));
	assert_string_equal(vosfp_mode_name(VOSFP_MODE_GENERIC), "generic");
	assert_null(vosfp_mode_name(3));
	assert_string_equal(vosfp_config_key_name(0), "ports");
	assert_non_null(vosfp_config_key_help(0));
	assert_null(vosfp_config_key_name(99));
	assert_string_equal(vosfp_version(), "0.1.0");
}

static void test_strerror(void **state)
{
	/* Every errno the library returns itself. */
	static const int errs[] = { EINVAL, ENOENT, EEXIST, ENODEV, EBUSY, EOPNOTSUPP, EPERM,
				    EACCES, ENOSPC, ENOMEM, ERANGE, ENAMETOOLONG, E2BIG,
				    ENOTDIR, EIO, ESRCH, ENOLINK };

	(void)state;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		assert_string_equal(vosfp_strerror(errs[i]), vosfp_strerror(-errs[i]));
		assert_string_not_equal(vosfp_strerror(-errs[i]), "unknown error");
	}
	assert_string_equal(vosfp_strerror(0), "success");
	assert_string_equal(vosfp_strerror(-4242), "unknown error");
}

static int log_calls;
static char last_log[1024];

static void record_log(int level, const char *msg, void *user)
{
	assert_ptr_equal(user, &log_calls);
	assert_true(level >= VOSFP_LOG_WARN && level <= VOSFP_LOG_DEBUG);
	snprintf(last_log, sizeof(last_log), "%s", msg);
	log_calls++;
}

static void test_log_callback(void **state)
{
	struct vosfp_open_opts tiny = { .sz = 1 };
	struct vosfp *h;
	size_t n;

	(void)state;
	vosfp_set_log_callback(record_log, &log_calls);
	assert_int_equal(vosfp_open(&tiny, &h), -EINVAL);
	assert_true(log_calls > 0);
	n = strlen(last_log);
	assert_true(n > 0);
	assert_int_not_equal(last_log[n - 1], '\n');
	assert_non_null(strstr(last_log, "sz"));

	/* NULL discards: no more calls. */
	vosfp_set_log_callback(NULL, NULL);
	log_calls = 0;
	assert_int_equal(vosfp_open(&tiny, &h), -EINVAL);
	assert_int_equal(log_calls, 0);
}

static void *fail_open_in_thread(void *arg)
{
	struct vosfp_open_opts tiny = { .sz = 1 };
	struct vosfp *h;

	(void)arg;
	vosfp_open(&tiny, &h);
	return strstr(vosfp_open_error(), "sz") ? &log_calls : NULL;
}

static void test_open_error_detail_per_thread(void **state)
{
	char long_root[5000];
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = long_root };
	struct vosfp *h;

	(void)state;
	memset(long_root, 'a', sizeof(long_root) - 1);
	long_root[0] = '/';
	long_root[sizeof(long_root) - 1] = '\0';
	assert_int_equal(vosfp_open(&opts, &h), -EINVAL);
	assert_non_null(strstr(vosfp_open_error(), "too long"));
	/* Another thread's failure has its own detail and leaves ours. */
	pthread_t t;
	void *ok = NULL;
	assert_int_equal(pthread_create(&t, NULL, fail_open_in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ok), 0);
	assert_non_null(ok);
	assert_non_null(strstr(vosfp_open_error(), "too long"));
	/* A relative or top-level root is not below a bpffs mount. */
	opts.pin_root = "relative";
	assert_int_equal(vosfp_open(&opts, &h), -EINVAL);
	assert_string_not_equal(vosfp_open_error(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_handle_everywhere),
		cmocka_unit_test(test_open_opts_sizes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_log_callback),
		cmocka_unit_test(test_open_error_detail_per_thread),
	};

	return cmocka_run_group_tests_name("api-args", tests, NULL, NULL);
}
