// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bans without expiry and bans of up to 10 years, in the kernel through
 * BPF_PROG_TEST_RUN: VOSFP_BAN_PERMANENT in vosfp_ban_add_ex() makes a ban
 * the program keeps dropping and the iterator reports with 0 seconds
 * left; a year-long ban goes in; the old call keeps refusing a TTL of 0.
 * Needs root and BPF; skipped with the reason otherwise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <vosfp/vosfp.h>

#include "frame.h"

#define YEAR (365u * 86400)
#define TEN_YEARS (10u * YEAR)

static struct vosfp *h;
static char pin_root[128];
static const char *skip_reason;

static int open_root(void **state)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	int err;

	(void)state;
	h = NULL;
	if (geteuid() != 0) {
		skip_reason = "needs root (CAP_BPF) to load the programs";
		return 0;
	}
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/vosfp-tperm-%d-%d", getpid(), rand());
	opts.pin_root = pin_root;
	err = vosfp_open(&opts, &h);
	if (err) {
		skip_reason = vosfp_open_error();
		return err == -EPERM || err == -EOPNOTSUPP ? 0 : -1;
	}
	return 0;
}

static int close_root(void **state)
{
	(void)state;
	if (h) {
		vosfp_unpin(h);
		vosfp_close(h);
		h = NULL;
	}
	return 0;
}

#define SKIP_UNLESS_BPF()                                                                 \
	do {                                                                              \
		if (skip_reason) {                                                        \
			print_message("skipped: %s\n", skip_reason);                      \
			skip();                                                           \
		}                                                                         \
	} while (0)

static const char register_msg[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";

/* A clean REGISTER from src through the program: its verdict and reason. */
static void expect_from(const char *src, int verdict, int reason)
{
	struct frame_spec s = { .src = src, .dst = strchr(src, ':') ? "2001:db8:5060::1"
								     : "198.51.100.1",
				.payload = register_msg, .payload_len = sizeof(register_msg) - 1 };
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
	uint8_t frame[4096];
	size_t len = frame_build(&s, frame, sizeof(frame));

	assert_true(len > 0);
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &o), 0);
	assert_int_equal(o.verdict, verdict);
	assert_int_equal(o.reason, reason);
}

/* The seconds left of addr's ban, or -1 when it is not banned. */
static long ttl_left(const char *addr)
{
	struct vosfp_ban_iter *it;
	char a[64];
	uint32_t ttl;
	int reason;
	long found = -1;

	assert_int_equal(vosfp_ban_iter_open(h, &it), 0);
	while (vosfp_ban_iter_next(it, a, sizeof(a), &ttl, &reason) == 1)
		if (!strcmp(a, addr)) {
			found = ttl;
			assert_int_equal(reason, VOSFP_CTR_BANNED);
		}
	vosfp_ban_iter_close(it);
	return found;
}

static void test_permanent_ban(void **state)
{
	struct vosfp_ban_add_opts o = { .sz = sizeof(o), .flags = VOSFP_BAN_PERMANENT };
	struct vosfp_ban_stats st = { .sz = sizeof(st) };

	(void)state;
	SKIP_UNLESS_BPF();
	expect_from("192.0.2.80", VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.80", &o), 0);
	assert_int_equal(vosfp_ban_add_ex(h, "2001:db8:80::1", &o), 0);
	expect_from("192.0.2.80", VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	expect_from("2001:db8:80::1", VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	/* 0 seconds left: permanent (a live timed ban has at least 1). */
	assert_int_equal(ttl_left("192.0.2.80"), 0);
	assert_int_equal(ttl_left("2001:db8:80::1"), 0);
	/* Walking the list left them alone, and they count as live. */
	expect_from("192.0.2.80", VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_int_equal(vosfp_ban_stats(h, &st), 0);
	assert_int_equal(st.manual_used, 2);
	/* A timed ban replaces the permanent one, and unban lifts either. */
	assert_int_equal(vosfp_ban_add(h, "192.0.2.80", 60), 0);
	assert_true(ttl_left("192.0.2.80") >= 59 && ttl_left("192.0.2.80") <= 60);
	assert_int_equal(vosfp_ban_remove(h, "2001:db8:80::1"), 0);
	assert_int_equal(ttl_left("2001:db8:80::1"), -1);
	expect_from("2001:db8:80::1", VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
}

static void test_long_bans(void **state)
{
	struct vosfp_ban_add_opts o = { .sz = sizeof(o), .ttl_seconds = TEN_YEARS };
	long left;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_add(h, "192.0.2.81", YEAR), 0);
	left = ttl_left("192.0.2.81");
	assert_true(left > YEAR - 60 && left <= YEAR);
	expect_from("192.0.2.81", VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.82", &o), 0);
	left = ttl_left("192.0.2.82");
	assert_true(left > TEN_YEARS - 60 && left <= TEN_YEARS);
	assert_int_equal(vosfp_ban_add(h, "192.0.2.83", TEN_YEARS + 1), -EINVAL);
	assert_int_equal(ttl_left("192.0.2.83"), -1);
}

/* Each bad form is refused with a reason and bans nothing. */
static void test_bad_forms(void **state)
{
	struct vosfp_ban_add_opts o = { .sz = sizeof(o) };

	(void)state;
	SKIP_UNLESS_BPF();
	/* The 0.1 call keeps its meaning: 0 is a mistake, not "for good". */
	assert_int_equal(vosfp_ban_add(h, "192.0.2.90", 0), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "permanent"));
	/* The opts form without the flag: 0 is no TTL at all. */
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.90", &o), -EINVAL);
	o.flags = VOSFP_BAN_PERMANENT;
	o.ttl_seconds = 60;
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.90", &o), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "takes no TTL"));
	o.flags = 2;
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.90", &o), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "unknown flags"));
	assert_int_equal(ttl_left("192.0.2.90"), -1);
	expect_from("192.0.2.90", VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_permanent_ban, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_long_bans, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_bad_forms, open_root, close_root),
	};

	srand((unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
