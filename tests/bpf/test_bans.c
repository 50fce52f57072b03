// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bans an attacker cannot turn against the operator, in the kernel through
 * BPF_PROG_TEST_RUN: verified sources learnt by the TC egress program from
 * the server's responses, the two ban tables and their fill levels, IPv6
 * header chains past the walk, later IPv4 fragments, IPv4-mapped
 * addresses. Each test opens a pin root of its own. Needs root and BPF;
 * skipped with the reason otherwise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <cmocka.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"

#define NONE (-1)
#define SERVER4 "198.51.100.1"
#define SERVER6 "2001:db8:5060::1"

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
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/vosfp-tbans-%d-%d", getpid(), rand());
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

/* Runs a frame through the XDP program; asserts the verdict and that it
 * was counted under `reason` alone, by one packet (the library tells). */
static void expect_spec(const struct frame_spec *s, int verdict, int reason)
{
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
	uint8_t frame[4096];
	size_t len = frame_build(s, frame, sizeof(frame));

	assert_true(len > 0);
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &o), 0);
	assert_int_equal(o.verdict, verdict);
	if (o.reason != reason)
		fail_msg("counted as %s (%d), expected %s", o.reason >= 0 ?
			 vosfp_counter_name(o.reason) : "none or several", o.reason,
			 vosfp_counter_name(reason));
}

/* A frame the server sends: from its SIP port to `to`. */
static void egress(const char *to, const char *payload)
{
	struct frame_spec s = { .src = strchr(to, ':') ? SERVER6 : SERVER4, .dst = to,
				.sport = 5060, .dport = 5070, .payload = payload,
				.payload_len = strlen(payload) };
	uint8_t frame[4096];
	size_t len;
	int verdict = -1;

	len = frame_build(&s, frame, sizeof(frame));
	assert_true(len > 0);
	assert_int_equal(vosfp_test_egress(h, frame, len, &verdict), 0);
	assert_int_equal(verdict, 0); /* TC_ACT_OK: egress never drops */
}

static struct vosfp_ban_stats stats(void)
{
	struct vosfp_ban_stats st = { .sz = sizeof(st) };

	assert_int_equal(vosfp_ban_stats(h, &st), 0);
	return st;
}

static int is_banned(const char *addr)
{
	struct vosfp_ban_iter *it;
	char a[64];
	int found = 0;

	assert_int_equal(vosfp_ban_iter_open(h, &it), 0);
	while (vosfp_ban_iter_next(it, a, sizeof(a), NULL, NULL) == 1)
		found |= !strcmp(a, addr);
	vosfp_ban_iter_close(it);
	return found;
}

static char *response(char *buf, size_t cap, const char *status, const char *cseq)
{
	snprintf(buf, cap,
		 "SIP/2.0 %s\r\nVia: SIP/2.0/UDP 192.0.2.50:5070;branch=z9hG4bK-1;rport=5070\r\n"
		 "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:alice@example.com>;tag=b2\r\n"
		 "Call-ID: 1-abc@192.0.2.50\r\n%s\r\nContact: <sip:alice@192.0.2.50:5070>\r\n"
		 "Content-Length: 0\r\n\r\n",
		 status, cseq);
	return buf;
}

static const char scanner_msg[] =
	"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
static const char scanner_register[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 1 REGISTER\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
static const char register_msg[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";
static const char options_msg[] =
	"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

#define MSG(m) .payload = (m), .payload_len = sizeof(m) - 1

/* 1a: a 2xx to REGISTER or INVITE verifies its destination; a scanner
 * frame or a burst from it is dropped and not banned. 401, 200 to OPTIONS
 * and a provisional response verify nothing: those sources are banned. */
static void test_verified_source_not_banned(void **state)
{
	const char *x = "192.0.2.50", *x6 = "2001:db8:77::50", *inv = "192.0.2.51";
	const char *y = "192.0.2.60", *z = "192.0.2.61", *t = "192.0.2.62";
	struct vosfp_ban_stats st0, st1;
	char buf[1024];

	(void)state;
	SKIP_UNLESS_BPF();
	st0 = stats();
	egress(x, response(buf, sizeof(buf), "200 OK", "CSeq: 2 REGISTER"));
	egress(x6, response(buf, sizeof(buf), "200 OK", "cseq:\t7  register"));
	egress(inv, response(buf, sizeof(buf), "202 Accepted", "CSeq: 314159 INVITE"));
	egress(y, response(buf, sizeof(buf), "401 Unauthorized", "CSeq: 1 REGISTER"));
	egress(z, response(buf, sizeof(buf), "200 OK", "CSeq: 1 OPTIONS"));
	egress(t, response(buf, sizeof(buf), "180 Ringing", "CSeq: 1 INVITE"));
	st1 = stats();
	assert_int_equal(st1.verified_used - st0.verified_used, 3);
	assert_int_equal(st1.verified_learned - st0.verified_learned, 3);

	/* The verified: dropped as scanners, not banned, then served. */
	expect_spec(&(struct frame_spec){ .src = x, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	expect_spec(&(struct frame_spec){ .src = x6, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	expect_spec(&(struct frame_spec){ .src = inv, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	assert_false(is_banned(x));
	assert_false(is_banned(x6));
	assert_false(is_banned(inv));
	expect_spec(&(struct frame_spec){ .src = x, MSG(register_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
	expect_spec(&(struct frame_spec){ .src = x6, MSG(register_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
	assert_int_equal(stats().auto_spared - st0.auto_spared, 3);

	/* A burst over the rate limit: dropped, not banned. */
	assert_int_equal(vosfp_config_set(h, "rate_limit", "1"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_burst", "2"), 0);
	for (int i = 0; i < 3; i++)
		expect_spec(&(struct frame_spec){ .src = inv, MSG(register_msg) },
			    i < 2 ? VOSFP_VERDICT_PASS : VOSFP_VERDICT_DROP,
			    i < 2 ? VOSFP_CTR_PASSED : VOSFP_CTR_RATE_LIMITED);
	assert_false(is_banned(inv));
	expect_spec(&(struct frame_spec){ .src = inv, MSG(register_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_RATE_LIMITED);
	assert_int_equal(vosfp_config_set(h, "rate_limit", "0"), 0);

	/* The others were never verified: banned on the same evidence. */
	expect_spec(&(struct frame_spec){ .src = y, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	expect_spec(&(struct frame_spec){ .src = z, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	expect_spec(&(struct frame_spec){ .src = t, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);
	assert_true(is_banned(y) && is_banned(z) && is_banned(t));
	expect_spec(&(struct frame_spec){ .src = y, MSG(register_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_BANNED);

	/* Responses from another port, or a verified_ttl of 0, learn nothing. */
	st0 = stats();
	{
		struct frame_spec s = { .src = SERVER4, .dst = "192.0.2.63", .sport = 5099,
					.dport = 5070,
					.payload = response(buf, sizeof(buf), "200 OK",
							    "CSeq: 1 REGISTER") };
		uint8_t frame[4096];
		size_t len;
		int v;

		s.payload_len = strlen(buf);
		len = frame_build(&s, frame, sizeof(frame));
		assert_int_equal(vosfp_test_egress(h, frame, len, &v), 0);
	}
	assert_int_equal(vosfp_config_set(h, "verified_ttl", "0"), 0);
	egress("192.0.2.64", response(buf, sizeof(buf), "200 OK", "CSeq: 1 REGISTER"));
	assert_int_equal(stats().verified_used, st0.verified_used);
	/* Off: nobody is spared any more, not even those learnt before. */
	assert_int_equal(vosfp_config_set(h, "verified_ttl", "604800"), 0);
}

/* 2: a chain of extension headers longer than the walk (six) is ours: the
 * source decisions apply and an unknown source's frame is dropped, where
 * it used to pass every check unseen. Six still classify as before. */
static void test_ipv6_chain_past_walk(void **state)
{
	const char *unknown = "2001:db8:99::1";

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "2001:db8:bad::/48"), 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "2001:db8:600d::10"), 0);
	assert_int_equal(vosfp_ban_add(h, "2001:db8:99::66", 60), 0);
	for (int chain = 4; chain <= 16; chain++) {
		int walked = chain <= 6;

		expect_spec(&(struct frame_spec){ .src = unknown, .v6_chain = chain,
						  MSG(scanner_msg) },
			    VOSFP_VERDICT_DROP, walked ? VOSFP_CTR_STEALTH : VOSFP_CTR_MALFORMED);
		expect_spec(&(struct frame_spec){ .src = unknown, .v6_chain = chain,
						  MSG(register_msg) },
			    walked ? VOSFP_VERDICT_PASS : VOSFP_VERDICT_DROP,
			    walked ? VOSFP_CTR_PASSED : VOSFP_CTR_MALFORMED);
		expect_spec(&(struct frame_spec){ .src = "2001:db8:bad::7", .v6_chain = chain,
						  MSG(register_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
		expect_spec(&(struct frame_spec){ .src = "2001:db8:99::66", .v6_chain = chain,
						  MSG(register_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
		expect_spec(&(struct frame_spec){ .src = "2001:db8:600d::10", .v6_chain = chain,
						  MSG(options_msg) },
			    VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
		/* Whatever the port, as the port is what cannot be seen. */
		if (!walked)
			expect_spec(&(struct frame_spec){ .src = unknown, .v6_chain = chain,
							  .dport = 443, MSG(register_msg) },
				    VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	}
	/* Two from v6_ext and five more: seven. */
	expect_spec(&(struct frame_spec){ .src = unknown, .v6_ext = 1, .v6_chain = 4,
					  MSG(options_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	expect_spec(&(struct frame_spec){ .src = unknown, .v6_ext = 1, .v6_chain = 5,
					  MSG(options_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	/* Later fragments behind a long chain still get only the source
	 * decisions, as before. */
	expect_spec(&(struct frame_spec){ .src = unknown, .v6_chain = 5, .frag = FRAG_LATER,
					  MSG(register_msg) },
		    VOSFP_VERDICT_PASS, NONE);
}

/* 3: a flood of spoofed scanner sources past the automatic table's
 * capacity: the ban by hand survives, the refused bans are counted, the
 * first scanners stay banned (nothing is evicted). A full table of bans
 * by hand refuses the next with ENOSPC. */
static void test_ban_tables_flood(void **state)
{
	const char *manual = "192.0.2.200";
	struct vosfp_ban_stats st;
	uint8_t frame[4096];
	struct frame_spec s = { .payload = scanner_register,
				.payload_len = sizeof(scanner_register) - 1 };
	char src[32];
	uint32_t cap, extra = 1000;
	size_t len;
	int v, err;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_add(h, manual, 3600), 0);
	st = stats();
	assert_int_equal(st.manual_used, 1);
	assert_int_equal(st.auto_used, 0);
	cap = st.auto_capacity;
	assert_true(cap >= 1024 && cap <= 1u << 20);
	for (uint32_t i = 0; i < cap + extra; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		s.src = src;
		len = frame_build(&s, frame, sizeof(frame));
		assert_int_equal(vosfp_test_packet(h, frame, len, &v), 0);
		assert_int_equal(v, VOSFP_VERDICT_DROP);
	}
	st = stats();
	assert_int_equal(st.auto_used, cap);
	assert_int_equal(st.auto_refused, extra);
	assert_int_equal(st.manual_used, 1);
	expect_spec(&(struct frame_spec){ .src = manual, MSG(register_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_BANNED);
	expect_spec(&(struct frame_spec){ .src = "10.0.0.0", MSG(register_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	/* A refused one: its scanner packets are still dropped one by one. */
	snprintf(src, sizeof(src), "10.%u.%u.%u", ((cap + 1) >> 16) & 255, ((cap + 1) >> 8) & 255,
		 (cap + 1) & 255);
	expect_spec(&(struct frame_spec){ .src = src, MSG(register_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
	expect_spec(&(struct frame_spec){ .src = src, MSG(scanner_register) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_SCANNER);

	/* Bans by hand: up to the capacity, then ENOSPC, nothing evicted. */
	cap = st.manual_capacity;
	for (uint32_t i = 1; i < cap; i++) {
		snprintf(src, sizeof(src), "172.%u.%u.%u", 16 + ((i >> 16) & 15), (i >> 8) & 255,
			 i & 255);
		assert_int_equal(vosfp_ban_add(h, src, 3600), 0);
	}
	err = vosfp_ban_add(h, "192.0.2.201", 3600);
	assert_int_equal(err, -ENOSPC);
	snprintf(src, sizeof(src), "ban table full (%u)", cap);
	assert_non_null(strstr(vosfp_last_error(h), src));
	/* Replacing an existing ban still works when full. */
	assert_int_equal(vosfp_ban_add(h, manual, 60), 0);
	assert_int_equal(stats().manual_used, cap);
	expect_spec(&(struct frame_spec){ .src = manual, MSG(register_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_BANNED);
}

/* 4: a scanner User-Agent in a later IPv4 fragment is not seen: the
 * fragment passes and its source is not banned (per-packet inspection;
 * a legitimately fragmented INVITE must not be dropped to close it). */
static void test_later_fragment_passes(void **state)
{
	static const char tail[] = "Max-Forwards: 70\r\nUser-Agent: friendly-scanner\r\n"
				   "Content-Length: 0\r\n\r\n";
	const char *src = "192.0.2.70";

	(void)state;
	SKIP_UNLESS_BPF();
	expect_spec(&(struct frame_spec){ .src = src, .frag = FRAG_LATER, MSG(tail) },
		    VOSFP_VERDICT_PASS, NONE);
	expect_spec(&(struct frame_spec){ .src = src, .frag = FRAG_LATER, MSG(scanner_register) },
		    VOSFP_VERDICT_PASS, NONE);
	assert_false(is_banned(src));
	expect_spec(&(struct frame_spec){ .src = src, MSG(register_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
}

/* 5: IPv4-mapped IPv6 text blocks, allows and bans the IPv4 host. */
static void test_v4_mapped_policy(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "::ffff:203.0.114.0/120"), 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "::ffff:192.0.2.10"), 0);
	assert_int_equal(vosfp_ban_add(h, "::ffff:192.0.2.55", 60), 0);
	expect_spec(&(struct frame_spec){ .src = "203.0.114.5", MSG(register_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	expect_spec(&(struct frame_spec){ .src = "192.0.2.10", MSG(options_msg) },
		    VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
	expect_spec(&(struct frame_spec){ .src = "192.0.2.55", MSG(register_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_true(is_banned("192.0.2.55"));
	assert_int_equal(vosfp_ban_remove(h, "::ffff:192.0.2.55"), 0);
	assert_int_equal(vosfp_policy_remove(h, VOSFP_LIST_BLOCK, "203.0.114.0/24"), 0);
	expect_spec(&(struct frame_spec){ .src = "203.0.114.5", MSG(register_msg) },
		    VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
}

/* Bad input to the new calls: a clear error, nothing done. */
static void test_bad_arguments(void **state)
{
	struct vosfp_ban_stats st = { .sz = sizeof(st) }, small = { .sz = sizeof(size_t) };
	uint8_t frame[16] = { 0 };
	int v = -1;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_stats(NULL, &st), -EINVAL);
	assert_int_equal(vosfp_ban_stats(h, NULL), -EINVAL);
	assert_int_equal(vosfp_ban_stats(h, &small), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "sz"));
	assert_int_equal(vosfp_test_egress(NULL, frame, sizeof(frame), &v), -EINVAL);
	assert_int_equal(vosfp_test_egress(h, NULL, sizeof(frame), &v), -EINVAL);
	assert_int_equal(vosfp_test_egress(h, frame, sizeof(frame), NULL), -EINVAL);
	assert_int_equal(vosfp_test_egress(h, frame, 13, &v), -EINVAL);
	assert_int_equal(vosfp_test_egress(h, frame, 4000, &v), -EINVAL);
	assert_int_equal(v, -1);
	/* A frame that is no response learns nothing and is not dropped. */
	assert_int_equal(vosfp_test_egress(h, frame, sizeof(frame), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vosfp_config_set(h, "verified_ttl", "2592001"), -EINVAL);
	assert_int_equal(vosfp_config_set(h, "verified_ttl", "-1"), -EINVAL);
	assert_int_equal(vosfp_ban_stats(h, &st), 0);
	assert_int_equal(st.verified_used, 0);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verified_source_not_banned, open_root,
						close_root),
		cmocka_unit_test_setup_teardown(test_ipv6_chain_past_walk, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_ban_tables_flood, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_later_fragment_passes, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_v4_mapped_policy, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_bad_arguments, open_root, close_root),
	};

	srand((unsigned)getpid());
	failed = cmocka_run_group_tests_name("bpf-bans", tests, NULL, NULL);
	return failed ? failed : skip_reason ? TEST_SKIPPED : 0;
}
