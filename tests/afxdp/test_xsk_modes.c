// SPDX-License-Identifier: BSD-2-Clause
/*
 * Which passed packets the program hands to an AF_XDP socket, for every
 * xsk_redirect / xsk_allowed setting (docs/filter.md, "AF_XDP"), through the
 * real program with BPF_PROG_TEST_RUN: with a socket in the XSKMAP entry of
 * queue 0, a packet the config wants comes out XDP_REDIRECT counted as
 * redirected, any other keeps XDP_PASS and its own reason. The socket need
 * not be bound: a dry run never performs the redirect, only the program's
 * choice is under test. A socket closed leaves the map by itself (fail-open).
 * Runs under a pin root of its own (root_env).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include <cmocka.h>

#include "frame.h"
#include "root_env.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

static const char invite[] = "INVITE sip:100@198.51.100.1 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n"
			     "Max-Forwards: 70\r\n"
			     "From: <sip:a@192.0.2.10>;tag=1\r\n"
			     "To: <sip:100@198.51.100.1>\r\n"
			     "Call-ID: 1@192.0.2.10\r\n"
			     "CSeq: 1 INVITE\r\n"
			     "Content-Length: 0\r\n\r\n";
static const char response[] = "SIP/2.0 200 OK\r\n"
			       "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-2\r\n"
			       "From: <sip:100@198.51.100.1>;tag=2\r\n"
			       "To: <sip:a@192.0.2.10>;tag=3\r\n"
			       "Call-ID: 2@198.51.100.1\r\n"
			       "CSeq: 1 OPTIONS\r\n"
			       "Content-Length: 0\r\n\r\n";
static const char options[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-3\r\n"
			      "CSeq: 1 OPTIONS\r\n"
			      "Content-Length: 0\r\n\r\n";

enum { F_INVITE, F_RESPONSE, F_KEEPALIVE, F_JUNK, F_ALLOWED, F_TCP, F_FRAG, F_STEALTH, NF };

static const char *const fname[NF] = {
	"INVITE", "response", "keep-alive", "malformed let through", "allowed source", "TCP",
	"first fragment", "stealth OPTIONS",
};
/* The reason each is counted under when it does not go to the socket. */
static const int own_reason[NF] = { VOSFP_CTR_PASSED, VOSFP_CTR_PASSED, VOSFP_CTR_KEEPALIVE,
				    VOSFP_CTR_PASSED, VOSFP_CTR_ALLOWED, VOSFP_CTR_PASSED,
				    VOSFP_CTR_PASSED, VOSFP_CTR_STEALTH };

static uint8_t frames[NF][1600];
static size_t lens[NF];

static void build(void)
{
	static const struct {
		const char *src;
		const char *payload;
		int l4;
		enum frag_kind frag;
	} f[NF] = {
		[F_INVITE] = { "192.0.2.10", invite, 0, FRAG_NONE },
		[F_RESPONSE] = { "192.0.2.10", response, 0, FRAG_NONE },
		[F_KEEPALIVE] = { "192.0.2.10", "\r\n\r\n", 0, FRAG_NONE },
		[F_JUNK] = { "192.0.2.10", "hello, not SIP\r\n", 0, FRAG_NONE },
		[F_ALLOWED] = { "203.0.113.5", options, 0, FRAG_NONE },
		[F_TCP] = { "192.0.2.10", invite, IPPROTO_TCP, FRAG_NONE },
		[F_FRAG] = { "192.0.2.10", invite, 0, FRAG_FIRST },
		[F_STEALTH] = { "192.0.2.10", options, 0, FRAG_NONE },
	};

	for (int i = 0; i < NF; i++) {
		struct frame_spec s = { .src = f[i].src, .payload = f[i].payload,
					.payload_len = strlen(f[i].payload), .l4 = f[i].l4,
					.frag = f[i].frag };

		lens[i] = frame_build(&s, frames[i], sizeof(frames[i]));
		assert_true(lens[i] > 0);
	}
	/* A real first fragment: its UDP length covers the whole datagram,
	 * 1480 bytes more than this fragment (Ethernet 14 + IPv4 20, then the
	 * UDP length at byte 4 of its header). */
	{
		uint8_t *ulen = frames[F_FRAG] + 14 + 20 + 4;
		unsigned int v = (unsigned int)(ulen[0] << 8 | ulen[1]) + 1480;

		ulen[0] = (uint8_t)(v >> 8);
		ulen[1] = (uint8_t)v;
	}
}

static void expect(struct vosfp *h, const char *setting, int i, int redirected)
{
	struct vosfp_test_packet_opts o = { .sz = sizeof(o), .verdict = -9, .reason = -9 };
	int verdict = redirected ? VOSFP_VERDICT_REDIRECT
				 : own_reason[i] == VOSFP_CTR_STEALTH ? VOSFP_VERDICT_DROP
								      : VOSFP_VERDICT_PASS;
	int reason = redirected ? VOSFP_CTR_REDIRECTED : own_reason[i];

	if (vosfp_test_packet_ex(h, frames[i], lens[i], &o))
		fail_msg("vosfp_test_packet_ex: %s", vosfp_last_error(h));
	if (o.verdict != verdict || o.reason != reason)
		fail_msg("%s, %s: verdict %d reason %d (%s), expected %d and %d (%s)", setting,
			 fname[i], o.verdict, o.reason,
			 o.reason >= 0 ? vosfp_counter_name(o.reason) : "-", verdict, reason,
			 vosfp_counter_name(reason));
}

/* want: one letter per frame, 'r' redirected, '-' not. */
static void expect_all(struct vosfp *h, const char *setting, const char *want)
{
	for (int i = 0; i < NF; i++)
		expect(h, setting, i, want[i] == 'r');
}

static void set(struct vosfp *h, const char *key, const char *value)
{
	if (vosfp_config_set(h, key, value))
		fail_msg("config %s %s: %s", key, value, vosfp_last_error(h));
}

static int xsk_socket(void)
{
	int fd = socket(AF_XDP, SOCK_RAW, 0);

	if (fd < 0)
		fail_msg("socket(AF_XDP): %s", strerror(errno));
	return fd;
}

static void test_modes(void **state)
{
	struct vosfp *h;
	char buf[64];
	int fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	build();
	h = open_root(env.root[ROOT_MAIN], 0);
	set(h, "malformed_drop", "off");
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "203.0.113.5"), 0);

	/* No socket: every setting leaves every packet to the stack. */
	expect_all(h, "no socket", "--------");
	fd = xsk_socket();
	assert_int_equal(vosfp_xsk_register(h, 0, fd), 0);

	/* The default is the behaviour from before the settings existed,
	 * less TCP and fragments. */
	assert_int_equal(vosfp_config_get(h, "xsk_redirect", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "all-passed");
	assert_int_equal(vosfp_config_get(h, "xsk_allowed", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "on");
	/*                                 INV RSP KA JNK ALW TCP FRG STL */
	expect_all(h, "all-passed, allowed on", "rrrrr---");
	set(h, "xsk_allowed", "off");
	expect_all(h, "all-passed, allowed off", "rrrr----");
	set(h, "xsk_redirect", "requests");
	expect_all(h, "requests, allowed off", "r-------");
	set(h, "xsk_allowed", "on");
	expect_all(h, "requests, allowed on", "r---r---");
	set(h, "xsk_redirect", "none");
	expect_all(h, "none, allowed on", "--------");
	assert_int_equal(vosfp_config_get(h, "xsk_allowed", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "on");
	set(h, "xsk_redirect", "all-passed");
	expect_all(h, "all-passed again", "rrrrr---");

	/* Unregistered: the stack again. */
	assert_int_equal(vosfp_xsk_unregister(h, 0), 0);
	expect_all(h, "unregistered", "--------");
	/* Closed without unregistering (a consumer killed): the kernel takes
	 * it out of the map, and the packets pass under their own reason. */
	assert_int_equal(vosfp_xsk_register(h, 0, fd), 0);
	expect(h, "registered again", F_INVITE, 1);
	close(fd);
	expect_all(h, "socket closed", "--------");

	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_ALLOW), 0);
	set(h, "malformed_drop", "on");
	vosfp_close(h);
}

/* A bad value is refused with the accepted ones named, and changes nothing. */
static void test_bad_values(void **state)
{
	static const char *const bad[] = { "", "None", "request", "all", "all-passed ",
					   "requests,all-passed" };
	struct vosfp *h;
	char buf[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	set(h, "xsk_redirect", "requests");
	set(h, "xsk_allowed", "off");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *want = *bad[i] ? "none, requests or all-passed" : "give 'none'";

		assert_int_equal(vosfp_config_set(h, "xsk_redirect", bad[i]), -EINVAL);
		assert_non_null(strstr(vosfp_last_error(h), want));
	}
	assert_int_equal(vosfp_config_set(h, "xsk_allowed", "yes please"), -EINVAL);
	assert_int_equal(vosfp_config_set(h, "xsk_allowed", ""), -EINVAL);
	assert_int_equal(vosfp_config_get(h, "xsk_redirect", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "requests");
	assert_int_equal(vosfp_config_get(h, "xsk_allowed", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "off");
	/* A buffer too small for the value is an error, not a cut word. */
	assert_int_equal(vosfp_config_get(h, "xsk_redirect", buf, 4), -ENOSPC);
	set(h, "xsk_redirect", "all-passed");
	set(h, "xsk_allowed", "on");
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_bad_values),
	};

	failed = cmocka_run_group_tests_name("afxdp-modes", tests, root_env_setup,
					     root_env_teardown);
	/* 77: meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason ? 77 : 0;
}
