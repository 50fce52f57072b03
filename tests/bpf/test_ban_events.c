// SPDX-License-Identifier: BSD-2-Clause
/*
 * The program's automatic bans as events (the ring buffer, read through
 * vosfp_ban_events_*), in the kernel through BPF_PROG_TEST_RUN: exactly one
 * event when a ban is created (scanner, rate limit; IPv4 and IPv6), none
 * for a source already banned or a verified source spared, a full ring
 * counted in events_lost, and the API's bad inputs. Each test opens a pin
 * root of its own. Needs root and BPF; skipped with the reason otherwise.
 */
#include <errno.h>
#include <poll.h>
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

#define SERVER4 "198.51.100.1"
#define BAN_TTL 600
#define MAX_SEEN 8192

static struct vosfp *h;
static struct vosfp_ban_events *ev;
static char pin_root[128];
static const char *skip_reason;

/* What the callback was given. */
struct seen {
	char addr[64];
	int reason;
	uint32_t ttl, left;
};
static struct seen seen[MAX_SEEN];
static int nseen;

static int open_root(void **state)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	int err;

	(void)state;
	h = NULL;
	ev = NULL;
	if (geteuid() != 0) {
		skip_reason = "needs root (CAP_BPF) to load the program";
		return 0;
	}
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/vosfp-tbanev-%d-%d", getpid(), rand());
	opts.pin_root = pin_root;
	err = vosfp_open(&opts, &h);
	if (err) {
		skip_reason = vosfp_open_error();
		return err == -EPERM || err == -EOPNOTSUPP ? 0 : -1;
	}
	if (vosfp_config_set(h, "ban_ttl", "600") || vosfp_ban_events_open(h, &ev))
		return -1;
	return 0;
}

static int close_root(void **state)
{
	(void)state;
	vosfp_ban_events_close(ev);
	ev = NULL;
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

static int record(void *user, const char *addr, int reason, uint32_t ttl, uint32_t left)
{
	(void)user;
	if (nseen == MAX_SEEN)
		return -ENOSPC;
	snprintf(seen[nseen].addr, sizeof(seen[nseen].addr), "%s", addr);
	seen[nseen].reason = reason;
	seen[nseen].ttl = ttl;
	seen[nseen].left = left;
	nseen++;
	return 0;
}

/* Takes every waiting event into seen[]; returns how many. */
static int drain(void)
{
	int n;

	nseen = 0;
	n = vosfp_ban_events_consume(ev, record, NULL);
	assert_true(n >= 0);
	assert_int_equal(n, nseen);
	return n;
}

static int readable(void)
{
	struct pollfd p = { .fd = vosfp_ban_events_fd(ev), .events = POLLIN };

	assert_true(p.fd >= 0);
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void run(const char *src, const char *payload, int verdict, int reason)
{
	struct frame_spec s = { .src = src, .payload = payload, .payload_len = strlen(payload) };
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
	uint8_t frame[4096];
	size_t len = frame_build(&s, frame, sizeof(frame));

	assert_true(len > 0);
	assert_int_equal(vosfp_test_packet_ex(h, frame, len, &o), 0);
	assert_int_equal(o.verdict, verdict);
	assert_int_equal(o.reason, reason);
}

static const char scanner_msg[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 1 REGISTER\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
static const char register_msg[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";
static const char ok_register[] =
	"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.50:5070;branch=z9hG4bK-1;rport=5070\r\n"
	"From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:alice@example.com>;tag=b2\r\n"
	"Call-ID: 1-abc@192.0.2.50\r\nCSeq: 2 REGISTER\r\nContact: <sip:alice@192.0.2.50:5070>\r\n"
	"Content-Length: 0\r\n\r\n";

static void expect_one(const char *addr, int reason)
{
	assert_true(readable());
	assert_int_equal(drain(), 1);
	assert_string_equal(seen[0].addr, addr);
	assert_int_equal(seen[0].reason, reason);
	assert_int_equal(seen[0].ttl, BAN_TTL);
	assert_true(seen[0].left > 0 && seen[0].left <= BAN_TTL);
}

/* A scanner frame bans its source: one event; the next frame from it is
 * dropped as banned and makes none; lifted by hand, the next scanner frame
 * is a new ban and a new event. */
static void test_scanner_one_event(void **state)
{
	const char *x = "192.0.2.70", *x6 = "2001:db8:77::70";

	(void)state;
	SKIP_UNLESS_BPF();
	assert_false(readable());
	assert_int_equal(drain(), 0);
	run(x, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	expect_one(x, VOSFP_CTR_SCANNER);
	for (int i = 0; i < 3; i++)
		run(x, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_false(readable());
	assert_int_equal(drain(), 0);

	run(x6, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	expect_one(x6, VOSFP_CTR_SCANNER);

	assert_int_equal(vosfp_ban_remove(h, x), 0);
	run(x, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	expect_one(x, VOSFP_CTR_SCANNER);
}

/* A banned source by hand is not a new automatic ban either. */
static void test_manual_ban_no_event(void **state)
{
	const char *m = "192.0.2.71";

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_add(h, m, 60), 0);
	run(m, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_int_equal(drain(), 0);
}

/* A verified source's scanner frame is dropped, spared the ban: no event. */
static void test_verified_no_event(void **state)
{
	struct frame_spec s = { .src = SERVER4, .dst = "192.0.2.72", .sport = 5060,
				.dport = 5070, .payload = ok_register,
				.payload_len = sizeof(ok_register) - 1 };
	uint8_t frame[4096];
	size_t len;
	int verdict = -1;

	(void)state;
	SKIP_UNLESS_BPF();
	len = frame_build(&s, frame, sizeof(frame));
	assert_true(len > 0);
	assert_int_equal(vosfp_test_egress(h, frame, len, &verdict), 0);
	run("192.0.2.72", scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	assert_false(readable());
	assert_int_equal(drain(), 0);
}

/* Over the rate limit: one event, reason rate_limited; then banned. */
static void test_rate_limit_event(void **state)
{
	const char *r = "192.0.2.73";

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set(h, "rate_limit", "1"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_burst", "2"), 0);
	run(r, register_msg, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	run(r, register_msg, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	assert_int_equal(drain(), 0);
	run(r, register_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_RATE_LIMITED);
	expect_one(r, VOSFP_CTR_RATE_LIMITED);
	run(r, register_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	assert_int_equal(drain(), 0);
}

/* More bans than the ring holds before anyone reads: every ban is made,
 * each record either read or counted in events_lost. */
static void test_full_ring_counted(void **state)
{
	struct vosfp_ban_stats st0 = { .sz = sizeof(st0) }, st1 = { .sz = sizeof(st1) };
	const int n = 7000; /* 256 KiB holds some 5,400 records of 48 bytes */
	char addr[32];
	int got;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_stats(h, &st0), 0);
	for (int i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		run(addr, scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	}
	got = drain();
	assert_int_equal(vosfp_ban_stats(h, &st1), 0);
	assert_int_equal(st1.auto_used - st0.auto_used, n);
	assert_true(got > 0 && got < n);
	assert_int_equal(st1.events_lost - st0.events_lost, n - got);
	assert_string_equal(seen[0].addr, "10.0.0.0");
}

static int stop_at_first(void *user, const char *addr, int reason, uint32_t ttl,
			 uint32_t left)
{
	(void)user, (void)addr, (void)reason, (void)ttl, (void)left;
	return -ECANCELED;
}

/* Bad arguments are refused; a callback's error stops the reading and is
 * returned, and the records after it are still there. */
static void test_bad_input(void **state)
{
	struct vosfp_ban_events *none = (void *)1;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_events_open(NULL, &none), -EINVAL);
	assert_int_equal(vosfp_ban_events_open(h, NULL), -EINVAL);
	assert_int_equal(vosfp_ban_events_fd(NULL), -EINVAL);
	assert_int_equal(vosfp_ban_events_consume(NULL, record, NULL), -EINVAL);
	assert_int_equal(vosfp_ban_events_consume(ev, NULL, NULL), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "fn is NULL"));
	vosfp_ban_events_close(NULL);

	run("192.0.2.74", scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	run("192.0.2.75", scanner_msg, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	assert_int_equal(vosfp_ban_events_consume(ev, stop_at_first, NULL), -ECANCELED);
	expect_one("192.0.2.75", VOSFP_CTR_SCANNER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scanner_one_event, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_manual_ban_no_event, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_verified_no_event, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_rate_limit_event, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_full_ring_counted, open_root, close_root),
		cmocka_unit_test_setup_teardown(test_bad_input, open_root, close_root),
	};

	srand((unsigned)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
