// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp_test_packet_ex(): the verdict and the reason (the counter the
 * frame was counted under) of dry runs through the real program, for
 * each decision a policy change makes, and the opts rules (sz, fields
 * past the library's struct). Runs under a pin root of its own (root_env).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "root_env.h"

static const char options[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n"
			      "Max-Forwards: 70\r\n"
			      "From: <sip:probe@192.0.2.10>;tag=1\r\n"
			      "To: <sip:100@198.51.100.1>\r\n"
			      "Call-ID: 1@192.0.2.10\r\n"
			      "CSeq: 1 OPTIONS\r\n"
			      "Content-Length: 0\r\n\r\n";

static void expect(struct vosfp *h, const uint8_t *frame, size_t len, int verdict, int reason)
{
	struct vosfp_test_packet_opts o = { .sz = sizeof(o), .verdict = -9, .reason = -9 };

	if (vosfp_test_packet_ex(h, frame, len, &o))
		fail_msg("vosfp_test_packet_ex: %s", vosfp_last_error(h));
	if (o.verdict != verdict || o.reason != reason)
		fail_msg("verdict %d reason %d (%s), expected %d and %d (%s)", o.verdict, o.reason,
			 o.reason >= 0 ? vosfp_counter_name(o.reason) : "-", verdict, reason,
			 reason >= 0 ? vosfp_counter_name(reason) : "-");
}

static void test_reasons(void **state)
{
	struct frame_spec spec = { .src = "192.0.2.10", .payload = options,
				   .payload_len = sizeof(options) - 1 };
	uint8_t frame[1500], junk[1500];
	size_t len = frame_build(&spec, frame, sizeof(frame)), jlen;
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(len > 0);
	spec.payload = "hello, not SIP\r\n";
	spec.payload_len = strlen(spec.payload);
	jlen = frame_build(&spec, junk, sizeof(junk));
	assert_true(jlen > 0);
	h = open_root(env.root[ROOT_MAIN], 0);

	expect(h, frame, len, VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	expect(h, junk, jlen, VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "192.0.2.10"), 0);
	expect(h, frame, len, VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.0/24"), 0);
	expect(h, frame, len, VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	/* Not to a SIP port: passed and counted nowhere. */
	assert_int_equal(vosfp_config_set(h, "ports", "5080"), 0);
	expect(h, frame, len, VOSFP_VERDICT_PASS, VOSFP_REASON_NONE);

	assert_int_equal(vosfp_config_set(h, "ports", "5060"), 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_ALLOW), 0);
	vosfp_close(h);
}

static void test_opts_rules(void **state)
{
	struct frame_spec spec = { .src = "192.0.2.11", .payload = options,
				   .payload_len = sizeof(options) - 1 };
	uint8_t frame[1500];
	size_t len = frame_build(&spec, frame, sizeof(frame));
	struct {
		struct vosfp_test_packet_opts o;
		int newer_field;
	} big = { { .sz = sizeof(big) }, 1 };
	struct vosfp_test_packet_opts o = { .sz = sizeof(size_t) };
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, NULL), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "opts is NULL"));
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &o), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "too small"));
	/* A newer caller's field this library does not know: refused. */
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &big.o), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "does not know"));
	big.newer_field = 0;
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &big.o), 0);
	assert_int_equal(big.o.reason, VOSFP_CTR_STEALTH);
	/* An older caller's struct, up to verdict: reason is left alone. */
	o.sz = offsetof(struct vosfp_test_packet_opts, reason);
	o.reason = 1234;
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &o), 0);
	assert_int_equal(o.verdict, VOSFP_VERDICT_DROP);
	assert_int_equal(o.reason, 1234);
	/* The frame's own checks are vosfp_test_packet's. */
	o.sz = sizeof(o);
	assert_int_equal(vosfp_test_packet_ex(h, frame, 8, &o), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "frame of 8 bytes"));
	assert_int_equal(vosfp_test_packet_ex(NULL, frame, len, &o), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_test_packet_ex: no handle"));
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_opts_rules),
	};

	failed = cmocka_run_group_tests_name("api-reason", tests, root_env_setup,
					     root_env_teardown);
	/* 77: meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason ? 77 : 0;
}
