// SPDX-License-Identifier: BSD-2-Clause
/*
 * The XDP program in the kernel, through BPF_PROG_TEST_RUN (via the public
 * vosfp_test_packet): crafted frames, each asserting the verdict and that
 * exactly the expected counter moved, by one packet and the frame's bytes.
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
#include <netinet/in.h>
#include <linux/if_ether.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"
#include "vosfp_shared.h"

#define NONE (-1) /* no counter moves */
#define BLOCKED4 "203.0.113.7"
#define ALLOWED4 "192.0.2.10"
#define UNKNOWN4 "192.0.2.99"
#define BLOCKED6 "2001:db8:bad::7"
#define ALLOWED6 "2001:db8:600d::10"
#define UNKNOWN6 "2001:db8:99::1"

static struct vosfp *h;
static char pin_root[128];
static const char *skip_reason;

static int setup(void **state)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	int err;

	(void)state;
	if (geteuid() != 0) {
		skip_reason = "needs root (CAP_BPF) to load the XDP program";
		return 0;
	}
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/vosfp-tprog-%d-%d", getpid(), rand());
	opts.pin_root = pin_root;
	err = vosfp_open(&opts, &h);
	if (err) {
		skip_reason = vosfp_open_error();
		return err == -EPERM || err == -EOPNOTSUPP ? 0 : -1;
	}
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, "203.0.113.0/24") ||
	    vosfp_policy_add(h, VOSFP_LIST_BLOCK, "2001:db8:bad::/48") ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, ALLOWED4) ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, ALLOWED6) ||
	    /* block beats allow: an allowed host inside a blocked network */
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, "203.0.113.8"))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (h) {
		vosfp_unpin(h);
		vosfp_close(h);
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

static void snapshot(uint64_t packets[], uint64_t bytes[])
{
	for (int id = 0; id < vosfp_counter_count(); id++)
		assert_int_equal(vosfp_counter_read(h, id, &packets[id], &bytes[id]), 0);
}

/* Runs a frame; asserts the verdict and that only `reason` moved. */
static void expect_frame(const uint8_t *frame, size_t len, int verdict, int reason)
{
	uint64_t p0[32], b0[32], p1[32], b1[32];
	int got = -1;

	snapshot(p0, b0);
	assert_int_equal(vosfp_test_packet(h, frame, len, &got), 0);
	snapshot(p1, b1);
	assert_int_equal(got, verdict);
	for (int id = 0; id < vosfp_counter_count(); id++) {
		uint64_t want = id == reason;

		if (p1[id] - p0[id] != want)
			fail_msg("counter %s moved by %llu, expected %llu", vosfp_counter_name(id),
				 (unsigned long long)(p1[id] - p0[id]), (unsigned long long)want);
		assert_int_equal(b1[id] - b0[id], want ? len : 0);
	}
}

static void expect_spec(const struct frame_spec *s, int verdict, int reason)
{
	uint8_t frame[4096];
	size_t len = frame_build(s, frame, sizeof(frame));

	assert_true(len > 0);
	expect_frame(frame, len, verdict, reason);
}

static const char options_msg[] =
	"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\nTo: <sip:100@198.51.100.1>\r\n"
	"From: <sip:probe@192.0.2.99>;tag=1928301774\r\nCall-ID: a84b4c76e66710\r\n"
	"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
static const char register_msg[] =
	"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKnashds7\r\n"
	"To: <sip:bob@example.com>\r\nFrom: <sip:bob@example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContent-Length: 0\r\n\r\n";
static const char response_msg[] =
	"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK74bf9\r\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n\r\n";
static const char garbage_msg[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not SIP at all";

#define MSG(m) .payload = (m), .payload_len = sizeof(m) - 1

/* A family-parametrised case: run it for IPv4 and IPv6 sources. */
struct family {
	const char *blocked, *allowed, *unknown;
};
static const struct family families[] = {
	{ BLOCKED4, ALLOWED4, UNKNOWN4 },
	{ BLOCKED6, ALLOWED6, UNKNOWN6 },
};

static void test_blocked_allowed_stealth(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		const struct family *fa = &families[f];

		expect_spec(&(struct frame_spec){ .src = fa->blocked, MSG(register_msg) }, VOSFP_VERDICT_DROP,
			    VOSFP_CTR_BLOCKED);
		expect_spec(&(struct frame_spec){ .src = fa->allowed, MSG(options_msg) }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_ALLOWED);
		expect_spec(&(struct frame_spec){ .src = fa->allowed, MSG(garbage_msg) }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_ALLOWED);
		expect_spec(&(struct frame_spec){ .src = fa->unknown, MSG(options_msg) }, VOSFP_VERDICT_DROP,
			    VOSFP_CTR_STEALTH);
		expect_spec(&(struct frame_spec){ .src = fa->unknown, MSG(register_msg) }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_PASSED);
		expect_spec(&(struct frame_spec){ .src = fa->unknown, MSG(response_msg) }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_PASSED);
		expect_spec(&(struct frame_spec){ .src = fa->unknown, MSG(garbage_msg) }, VOSFP_VERDICT_DROP,
			    VOSFP_CTR_MALFORMED);
	}
	/* Block beats allow. */
	expect_spec(&(struct frame_spec){ .src = "203.0.113.8", MSG(options_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_BLOCKED);
}

static void test_long_request_uri(void **state)
{
	static char msg[2048];
	static const int uri_lengths[] = { 40, 200, 500, 1000, 1024 };

	(void)state;
	SKIP_UNLESS_BPF();
	for (size_t i = 0; i < sizeof(uri_lengths) / sizeof(uri_lengths[0]); i++) {
		int n = snprintf(msg, sizeof(msg), "INVITE sip:+4930123456789");
		int want = uri_lengths[i] - (n - 7);

		for (int k = 0; k < want; k++)
			msg[n++] = ";=abcdefgh"[k % 10];
		n += snprintf(msg + n, sizeof(msg) - (size_t)n,
			      " SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99\r\nContent-Length: 0\r\n\r\n");
		for (int f = 0; f < 2; f++)
			expect_spec(&(struct frame_spec){ .src = families[f].unknown, .payload = msg,
							  .payload_len = (size_t)n },
				    VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	}
}

static void test_keepalives(void **state)
{
	/* A STUN binding request: type 0x0001, length 0, magic cookie, id. */
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
					  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		const char *src = families[f].unknown;

		/* Padded to 60 bytes by the builder: the padding is not payload. */
		expect_spec(&(struct frame_spec){ .src = src, MSG("\r\n") }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_KEEPALIVE);
		expect_spec(&(struct frame_spec){ .src = src, MSG("\r\n\r\n") }, VOSFP_VERDICT_PASS,
			    VOSFP_CTR_KEEPALIVE);
		expect_spec(&(struct frame_spec){ .src = src, .payload = stun, .payload_len = 20 },
			    VOSFP_VERDICT_PASS, VOSFP_CTR_KEEPALIVE);
		expect_spec(&(struct frame_spec){ .src = src, MSG("\r\n\r\n\r\n") }, VOSFP_VERDICT_DROP,
			    VOSFP_CTR_MALFORMED);
		expect_spec(&(struct frame_spec){ .src = src, .payload = "", .payload_len = 0 },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	}
}

static void test_not_ours_passes_uncounted(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		/* Another port, even from a blocked source and with junk. */
		expect_spec(&(struct frame_spec){ .src = families[f].blocked, .dport = 53,
						  MSG(garbage_msg) },
			    VOSFP_VERDICT_PASS, NONE);
		expect_spec(&(struct frame_spec){ .src = families[f].unknown, .dport = 5061,
						  MSG(options_msg) },
			    VOSFP_VERDICT_PASS, NONE);
	}
	expect_spec(&(struct frame_spec){ .ethertype = ETH_P_ARP }, VOSFP_VERDICT_PASS, NONE);
	expect_spec(&(struct frame_spec){ .ethertype = 0x88cc /* LLDP */ }, VOSFP_VERDICT_PASS, NONE);
}

static void test_tcp(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		expect_spec(&(struct frame_spec){ .src = families[f].blocked, .l4 = IPPROTO_TCP,
						  MSG(register_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
		expect_spec(&(struct frame_spec){ .src = families[f].allowed, .l4 = IPPROTO_TCP,
						  MSG(options_msg) },
			    VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
		/* No payload checks on a byte stream: junk and OPTIONS pass. */
		expect_spec(&(struct frame_spec){ .src = families[f].unknown, .l4 = IPPROTO_TCP,
						  MSG(garbage_msg) },
			    VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
		expect_spec(&(struct frame_spec){ .src = families[f].unknown, .l4 = IPPROTO_TCP,
						  MSG(options_msg) },
			    VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	}
}

static void test_vlan_options_extensions(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int vlans = 1; vlans <= 2; vlans++)
		for (int f = 0; f < 2; f++) {
			expect_spec(&(struct frame_spec){ .src = families[f].unknown, .vlans = vlans,
							  MSG(options_msg) },
				    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
			expect_spec(&(struct frame_spec){ .src = families[f].blocked, .vlans = vlans,
							  MSG(register_msg) },
				    VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
		}
	for (int words = 1; words <= 10; words++)
		expect_spec(&(struct frame_spec){ .src = UNKNOWN4, .ip_option_words = words,
						  MSG(options_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN6, .v6_ext = 1, MSG(options_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN6, .v6_ext = 1, .vlans = 2,
					  MSG(register_msg) },
		    VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
}

static void test_fragments(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		const struct family *fa = &families[f];

		/* First fragments are classified on their UDP header. */
		expect_spec(&(struct frame_spec){ .src = fa->unknown, .frag = FRAG_FIRST,
						  MSG(options_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
		/* Later fragments: no ports; only the block list applies. */
		expect_spec(&(struct frame_spec){ .src = fa->unknown, .frag = FRAG_LATER,
						  MSG(garbage_msg) },
			    VOSFP_VERDICT_PASS, NONE);
		expect_spec(&(struct frame_spec){ .src = fa->blocked, .frag = FRAG_LATER,
						  MSG(garbage_msg) },
			    VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	}
	expect_spec(&(struct frame_spec){ .src = UNKNOWN6, .v6_ext = 1, .frag = FRAG_LATER,
					  MSG(garbage_msg) },
		    VOSFP_VERDICT_PASS, NONE);
}

/* Builds s into frame, sets byte `at` to `value` (at < 0: none), runs it. */
static void expect_edited(const struct frame_spec *s, int at, uint8_t value, int verdict,
			  int reason)
{
	uint8_t frame[4096];
	size_t len = frame_build(s, frame, sizeof(frame));

	assert_true(len > 0);
	if (at >= 0)
		frame[at] = value;
	expect_frame(frame, len, verdict, reason);
}

/*
 * The plain-frame step (bpf/plain_frames.h) reads an IPv4 port before it
 * checks the header, and passes frames on checks fewer than the full
 * parse's: each such case from a blocked source, where "ours" would be a
 * drop, must still pass uncounted, as the full parse makes it.
 */
static void test_plain_frame_edges(void **state)
{
	/* Bytes 2-3 of the destination are 5060: with IHL 4 the "port"
	 * read where IHL points is 5060. */
	static const char *const dst_5060 = "198.51.19.196";
	const int ip = 14;

	(void)state;
	SKIP_UNLESS_BPF();
	/* The control: the same frames with their headers intact are ours. */
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, .dst = dst_5060, MSG(register_msg) },
		      -1, 0, VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	/* IHL below 5, the "port" a SIP port or not: the full parse refuses. */
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, .dst = dst_5060, MSG(register_msg) },
		      ip, 0x44, VOSFP_VERDICT_PASS, NONE);
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, MSG(register_msg) }, ip, 0x44,
		      VOSFP_VERDICT_PASS, NONE);
	/* Version 6 in an IPv4 frame; a total length below the header's. */
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, MSG(register_msg) }, ip, 0x65,
		      VOSFP_VERDICT_PASS, NONE);
	{
		uint8_t frame[4096];
		size_t len = frame_build(&(struct frame_spec){ .src = BLOCKED4, MSG(register_msg) },
					 frame, sizeof(frame));

		assert_true(len > 0);
		frame[ip + 2] = 0;
		frame[ip + 3] = 16;
		expect_frame(frame, len, VOSFP_VERDICT_PASS, NONE);
	}
	/* Neither UDP nor TCP (ICMP, ICMPv6): not ours... */
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, MSG(register_msg) }, ip + 9,
		      IPPROTO_ICMP, VOSFP_VERDICT_PASS, NONE);
	expect_edited(&(struct frame_spec){ .src = BLOCKED6, MSG(register_msg) }, ip + 6,
		      IPPROTO_ICMPV6, VOSFP_VERDICT_PASS, NONE);
	/* ...but a later fragment meets the source decisions whatever its
	 * protocol says. */
	expect_edited(&(struct frame_spec){ .src = BLOCKED4, .frag = FRAG_LATER, MSG(garbage_msg) },
		      ip + 9, IPPROTO_ICMP, VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	/* A TCP header too short for parse_l4, its port a SIP port. */
	for (int f = 0; f < 2; f++) {
		uint8_t frame[4096];
		struct frame_spec s = { .src = families[f].blocked, .l4 = IPPROTO_TCP,
					MSG(register_msg) };
		size_t l4 = 14 + (f ? 40 : 20);

		assert_true(frame_build(&s, frame, sizeof(frame)) > l4 + 20);
		expect_frame(frame, l4 + 4, VOSFP_VERDICT_PASS, NONE);
		expect_frame(frame, l4 + 19, VOSFP_VERDICT_PASS, NONE);
		expect_frame(frame, l4 + 20, VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	}
}

static void test_config_changes(void **state)
{
	uint16_t ports[] = { 5080 };

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set_ports(h, ports, 1), 0);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN4, .dport = 5060, MSG(options_msg) },
		    VOSFP_VERDICT_PASS, NONE);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN4, .dport = 5080, MSG(options_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	assert_int_equal(vosfp_config_set(h, "ports", "5060"), 0);

	assert_int_equal(vosfp_config_set(h, "malformed_drop", "off"), 0);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN4, MSG(garbage_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
	assert_int_equal(vosfp_config_set(h, "malformed_drop", "on"), 0);

	assert_int_equal(vosfp_config_set(h, "stealth_methods", "none"), 0);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN4, MSG(options_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
	assert_int_equal(vosfp_config_set(h, "stealth_methods", "REGISTER,OPTIONS"), 0);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN6, MSG(register_msg) }, VOSFP_VERDICT_DROP,
		    VOSFP_CTR_STEALTH);
	assert_int_equal(vosfp_config_set(h, "stealth_methods", "OPTIONS"), 0);
	expect_spec(&(struct frame_spec){ .src = UNKNOWN6, MSG(register_msg) }, VOSFP_VERDICT_PASS,
		    VOSFP_CTR_PASSED);
}

/* Cut an IPv4 and an IPv6 OPTIONS frame at every byte: never aborted,
 * never a crash. Cut inside the headers: not ours, pass uncounted. With a
 * full UDP header: the payload rules decide on what is present. */
static void test_truncation(void **state)
{
	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++) {
		uint8_t frame[4096];
		struct frame_spec s = { .src = families[f].unknown, MSG(options_msg) };
		size_t len = frame_build(&s, frame, sizeof(frame));
		size_t headers = 14 + (f ? 40 : 20) + 8;

		for (size_t cut = 14; cut < len; cut++) {
			int verdict = -1;

			assert_int_equal(vosfp_test_packet(h, frame, cut, &verdict), 0);
			assert_int_not_equal(verdict, VOSFP_VERDICT_ABORTED);
			if (cut < headers)
				assert_int_equal(verdict, VOSFP_VERDICT_PASS);
			else
				/* A cut method is malformed; from "OPTIONS " on,
				 * stealth. */
				assert_int_equal(verdict, VOSFP_VERDICT_DROP);
		}
		for (size_t cut = 14; cut < headers; cut++)
			expect_frame(frame, cut, VOSFP_VERDICT_PASS, NONE);
		/* The method cut short, or without its space: malformed. Once
		 * "OPTIONS " is there, the request is stealth whatever follows:
		 * a stealth method from a source on no list needs no more. */
		expect_frame(frame, headers + 5, VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
		expect_frame(frame, headers + 7, VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
		expect_frame(frame, headers + 8, VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
		expect_frame(frame, headers + 10, VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
		expect_frame(frame, headers + strlen("OPTIONS sip:100@198.51.100.1 SIP/2.0\r"),
			     VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	}
}

static void test_unconfigured_root_defaults(void **state)
{
	char value[64];

	(void)state;
	SKIP_UNLESS_BPF();
	/* A fresh root starts with the documented defaults. */
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct vosfp *h2;
	char root[160];

	snprintf(root, sizeof(root), "%s-defaults", pin_root);
	opts.pin_root = root;
	assert_int_equal(vosfp_open(&opts, &h2), 0);
	assert_int_equal(vosfp_config_get(h2, "ports", value, sizeof(value)), 0);
	assert_string_equal(value, "5060");
	assert_int_equal(vosfp_config_get(h2, "stealth_methods", value, sizeof(value)), 0);
	assert_string_equal(value, "OPTIONS");
	assert_int_equal(vosfp_config_get(h2, "malformed_drop", value, sizeof(value)), 0);
	assert_string_equal(value, "on");
	assert_int_equal(vosfp_unpin(h2), 0);
	vosfp_close(h2);
}

/* A REGISTER carrying the given User-Agent line at position `pos` among
 * the headers (0: first header), from `src`; returns the payload length. */
static size_t register_with_ua(char *buf, size_t cap, const char *ua_line, int pos)
{
	static const char *const headers[] = {
		"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-524287-1\r\n",
		"Max-Forwards: 70\r\n",
		"To: <sip:100@198.51.100.1>\r\n",
		"From: <sip:100@198.51.100.1>;tag=8f2c\r\n",
		"Call-ID: 9b1e35c1a9f6@192.0.2.99\r\n",
		"CSeq: 1 REGISTER\r\n",
		"Contact: <sip:100@192.0.2.99:5060>\r\n",
	};
	size_t n = (size_t)snprintf(buf, cap, "REGISTER sip:198.51.100.1 SIP/2.0\r\n");

	for (int i = 0; i <= 7; i++) {
		if (i == pos)
			n += (size_t)snprintf(buf + n, cap - n, "%s\r\n", ua_line);
		if (i < 7)
			n += (size_t)snprintf(buf + n, cap - n, "%s", headers[i]);
	}
	n += (size_t)snprintf(buf + n, cap - n, "Content-Length: 0\r\n\r\n");
	return n;
}

static void expect_payload(const char *src, const void *payload, size_t len, int verdict,
			   int reason)
{
	expect_spec(&(struct frame_spec){ .src = src, .payload = payload, .payload_len = len },
		    verdict, reason);
}

/* A REGISTER from UNKNOWN4 with ua_line as its pos-th header, expected to
 * get verdict and reason. */
static void expect_ua(const char *ua_line, int pos, int verdict, int reason)
{
	char msg[1024];
	size_t n = register_with_ua(msg, sizeof(msg), ua_line, pos);

	expect_payload(UNKNOWN4, msg, n, verdict, reason);
}

/* The default signatures and autoban again, as the other tests expect. */
static void scanners_default(void)
{
	assert_int_equal(vosfp_config_set(h, "user_agents",
					  "friendly-scanner,sipvicious,sipcli,VaxSIPUserAgent,"
					  "pplsip,iWar,sundayddr,SIVuS,smap"),
			 0);
	assert_int_equal(vosfp_config_set(h, "autoban", "on"), 0);
}

static void test_scanner_user_agents(void **state)
{
	static const char *const scanners[] = {
		"User-Agent: friendly-scanner",	 "User-Agent: sipvicious 0.3.3",
		"user-agent: SIPCLI/v1.8",	 "USER-AGENT: VaxSIPUserAgent/3.1",
		"User-Agent:pplsip",		 "User-Agent : iWar",
		"User-Agent:\tsundayddr",	 "User-Agent: SIVuS PhoneScanner",
		"User-Agent: smap 0.6.0",
	};
	static const char *const legit[] = {
		"User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)", "User-Agent: Asterisk PBX 20.5",
		"User-Agent: sipcl", /* shorter than the signature */
		"X-User-Agent: friendly-scanner", "User-Agents: friendly-scanner",
		"Server: friendly-scanner",
	};
	char msg[1024], v6src[64];
	size_t n;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	for (size_t i = 0; i < sizeof(scanners) / sizeof(scanners[0]); i++)
		for (int pos = 0; pos <= 7; pos += 7) {
			n = register_with_ua(msg, sizeof(msg), scanners[i], pos);
			expect_payload(UNKNOWN4, msg, n, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
			snprintf(v6src, sizeof(v6src), "2001:db8:99::%zx", i + 1);
			expect_payload(v6src, msg, n, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
			/* Allowed sources are never inspected. */
			expect_payload(ALLOWED4, msg, n, VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
		}
	for (size_t i = 0; i < sizeof(legit) / sizeof(legit[0]); i++)
		expect_ua(legit[i], 3, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	/* A scanner name in the body, after the headers, is not a User-Agent. */
	n = (size_t)snprintf(msg, sizeof(msg),
			     "MESSAGE sip:100@198.51.100.1 SIP/2.0\r\nCSeq: 1 MESSAGE\r\n"
			     "Content-Length: 30\r\n\r\nUser-Agent: friendly-scanner\r\n");
	expect_payload(UNKNOWN4, msg, n, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	/* A custom set replaces the default; "none" turns the check off. */
	assert_int_equal(vosfp_config_set(h, "user_agents", "Evil Dialer,friendly-scanner"), 0);
	expect_ua("User-Agent: evil dialer 2.0", 2, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	expect_ua("User-Agent: sipvicious", 2, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	assert_int_equal(vosfp_config_set(h, "user_agents", "none"), 0);
	expect_ua("User-Agent: friendly-scanner", 2, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	scanners_default();
}

/* The most keys a set may have (256), each with its bit in the config's
 * key bitmap (vosfp_config.ua_keys): every one of them is found, a value
 * that shares no key passes, and a smaller set that replaces it clears the
 * bits of the keys it drops. */
static void test_scanner_key_bitmap(void **state)
{
	static char list[256 * 12], ua[64];
	size_t used = 0;

	(void)state;
	SKIP_UNLESS_BPF();
	for (int i = 0; i < 256; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%sk%03d-scan",
					 i ? "," : "", i);
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	assert_int_equal(vosfp_config_set(h, "user_agents", list), 0);
	for (int i = 0; i < 256; i++) {
		snprintf(ua, sizeof(ua), "User-Agent: K%03d-Scanner/1.0", i);
		expect_ua(ua, i % 8, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
		/* The same key, not the same signature. */
		snprintf(ua, sizeof(ua), "User-Agent: k%03d-phone", i);
		expect_ua(ua, i % 8, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	}
	expect_ua("User-Agent: friendly-scanner", 3, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	assert_int_equal(vosfp_config_set(h, "user_agents", "k007-scan"), 0);
	expect_ua("User-Agent: k007-scan", 3, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	expect_ua("User-Agent: k008-scan", 3, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	scanners_default();
}

/* Keys that share a slot of the signature table (vosfp_ua_key_bit), found
 * by search among "XYcd" and "wxyz" (lower-case letters: the fold keeps
 * them). */
static uint32_t fold4(const char *s)
{
	return ((uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[1] << 8 |
		(uint32_t)(unsigned char)s[2] << 16 | (uint32_t)(unsigned char)s[3] << 24) |
	       0x20202020u;
}

/* Two "??cd" keys in one slot: a short signature's candidate (its tail is
 * its last 4 bytes, the key the first 4) must not match a value of the
 * other key whose other bytes are the same. */
static void test_scanner_slot_shared(void **state)
{
	static int seen[VOSFP_UA_KEY_BITS][2];
	char a[8] = "", b[8] = "", line[64];

	(void)state;
	SKIP_UNLESS_BPF();
	memset(seen, 0, sizeof(seen));
	for (int x = 0; x < 26 * 26 && !b[0]; x++) {
		char k[5] = { (char)('a' + x / 26), (char)('a' + x % 26), 'c', 'd', 0 };
		uint32_t bit = vosfp_ua_key_bit(fold4(k));

		if (seen[bit][0]) {
			int y = seen[bit][1];

			snprintf(a, sizeof(a), "%c%ccdqq", 'a' + y / 26, 'a' + y % 26);
			snprintf(b, sizeof(b), "%scdqq", (char[3]){ k[0], k[1], 0 });
		}
		seen[bit][0] = 1;
		seen[bit][1] = x;
	}
	assert_true(b[0]);
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	assert_int_equal(vosfp_config_set(h, "user_agents", a), 0);
	snprintf(line, sizeof(line), "User-Agent: %s/1.0", a);
	expect_ua(line, 2, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	snprintf(line, sizeof(line), "User-Agent: %s/1.0", b);
	expect_ua(line, 2, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	scanners_default();
}

/* Five keys in one slot: refused with the reason, and the set before it
 * stays in force. */
static void test_scanner_slot_full(void **state)
{
	static char keys[VOSFP_UA_KEY_BITS][5][5];
	static int count[VOSFP_UA_KEY_BITS];
	char list[64] = "", got[256];
	const char *why;

	(void)state;
	SKIP_UNLESS_BPF();
	memset(count, 0, sizeof(count));
	for (int x = 0; x < 26 * 26 * 26 * 26 && !list[0]; x++) {
		char k[5] = { (char)('a' + x / 17576), (char)('a' + x / 676 % 26),
			      (char)('a' + x / 26 % 26), (char)('a' + x % 26), 0 };
		uint32_t bit = vosfp_ua_key_bit(fold4(k));

		memcpy(keys[bit][count[bit]++], k, 5);
		if (count[bit] == 5)
			snprintf(list, sizeof(list), "%s,%s,%s,%s,%s", keys[bit][0], keys[bit][1],
				 keys[bit][2], keys[bit][3], keys[bit][4]);
	}
	assert_true(list[0]);
	assert_int_equal(vosfp_config_set(h, "user_agents", list), -E2BIG);
	why = vosfp_last_error(h);
	assert_non_null(strstr(why, "share its lookup slot"));
	assert_int_equal(vosfp_config_get(h, "user_agents", got, sizeof(got)), 0);
	/* Shown as matched: folded to lower case, sorted. */
	assert_string_equal(got, "friendly-scanner,iwar,pplsip,sipcli,sipvicious,sivus,smap,"
				 "sundayddr,vaxsipuseragent");
}

static void test_autoban_and_ttl(void **state)
{
	const char *src = "192.0.2.77";
	char msg[1024];
	size_t n;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set(h, "ban_ttl", "1"), 0);
	n = register_with_ua(msg, sizeof(msg), "User-Agent: friendly-scanner", 1);
	expect_payload(src, msg, n, VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
	/* Banned now: even a clean request, even TCP, is dropped as banned. */
	expect_payload(src, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_DROP,
		       VOSFP_CTR_BANNED);
	expect_spec(&(struct frame_spec){ .src = src, .l4 = IPPROTO_TCP, MSG(register_msg) },
		    VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
	/* The program itself lets the ban lapse: no process is involved. */
	usleep(1100 * 1000);
	expect_payload(src, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
		       VOSFP_CTR_PASSED);
	/* A ban by hand; block still comes first, allow comes after bans. */
	assert_int_equal(vosfp_ban_add(h, ALLOWED4, 60), 0);
	expect_payload(ALLOWED4, options_msg, sizeof(options_msg) - 1, VOSFP_VERDICT_DROP,
		       VOSFP_CTR_BANNED);
	assert_int_equal(vosfp_ban_remove(h, ALLOWED4), 0);
	assert_int_equal(vosfp_ban_remove(h, ALLOWED4), -ENOENT);
	expect_payload(ALLOWED4, options_msg, sizeof(options_msg) - 1, VOSFP_VERDICT_PASS,
		       VOSFP_CTR_ALLOWED);
	assert_int_equal(vosfp_config_set(h, "ban_ttl", "3600"), 0);
}

static void test_rate_limit(void **state)
{
	const char *src = "192.0.2.88", *src6 = "2001:db8:88::1";
	struct vosfp_ban_iter *it;
	char addr[64];
	uint32_t ttl;
	int reason, found = 0;

	(void)state;
	SKIP_UNLESS_BPF();
	/* 1 request per second, burst 3: a quick run of 5 lets exactly 3 by. */
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_limit", "1"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_burst", "3"), 0);
	for (int i = 0; i < 5; i++) {
		int over = i >= 3;

		expect_payload(src, register_msg, sizeof(register_msg) - 1,
			       over ? VOSFP_VERDICT_DROP : VOSFP_VERDICT_PASS,
			       over ? VOSFP_CTR_RATE_LIMITED : VOSFP_CTR_PASSED);
	}
	/* Responses and keep-alives are not requests: never limited. */
	expect_payload(src, response_msg, sizeof(response_msg) - 1, VOSFP_VERDICT_PASS,
		       VOSFP_CTR_PASSED);
	expect_payload(src, "\r\n\r\n", 4, VOSFP_VERDICT_PASS, VOSFP_CTR_KEEPALIVE);
	/* Each source has its own bucket. */
	expect_payload(UNKNOWN4, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
		       VOSFP_CTR_PASSED);
	/* With autoban, going over the limit bans the source. */
	assert_int_equal(vosfp_config_set(h, "autoban", "on"), 0);
	for (int i = 0; i < 4; i++)
		expect_payload(src6, register_msg, sizeof(register_msg) - 1,
			       i < 3 ? VOSFP_VERDICT_PASS : VOSFP_VERDICT_DROP,
			       i < 3 ? VOSFP_CTR_PASSED : VOSFP_CTR_RATE_LIMITED);
	expect_payload(src6, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_DROP,
		       VOSFP_CTR_BANNED);
	assert_int_equal(vosfp_ban_iter_open(h, &it), 0);
	while (vosfp_ban_iter_next(it, addr, sizeof(addr), &ttl, &reason) == 1)
		if (!strcmp(addr, src6)) {
			found = 1;
			assert_int_equal(reason, VOSFP_CTR_RATE_LIMITED);
			assert_true(ttl > 0 && ttl <= 3600);
		}
	vosfp_ban_iter_close(it);
	assert_true(found);
	assert_int_equal(vosfp_ban_remove(h, src6), 0);
	assert_int_equal(vosfp_config_set(h, "rate_limit", "0"), 0);
}

/* Entries in the pinned rate table. */
static int rate_entries(void)
{
	struct vosfp_addr_key key, next;
	char path[192];
	int fd, n = 0;

	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_RATE, pin_root);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	for (int err = bpf_map_get_next_key(fd, NULL, &key); !err;
	     err = bpf_map_get_next_key(fd, &key, &next), key = next)
		n++;
	close(fd);
	return n;
}

/* A source's first request leaves nothing in the rate table (a flood of
 * spoofed sources would churn it): only the second within an interval
 * goes in, and the limit is what it was (vosfp_shared.h, "First
 * sightings"). explain sees the first one's use of the bucket. */
static void test_rate_first_sightings(void **state)
{
	const char *flooder = "192.0.2.77";
	struct vosfp_explain e = { .sz = sizeof(e) };
	int before;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_limit", "1"), 0);
	assert_int_equal(vosfp_config_set(h, "rate_burst", "3"), 0);
	before = rate_entries();
	for (int i = 0; i < 1000; i++) {
		char src[32];

		snprintf(src, sizeof(src), "100.64.%d.%d", i / 250, i % 250 + 1);
		expect_payload(src, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
			       VOSFP_CTR_PASSED);
	}
	/* The last one sent, at once: the interval is a second (rate_limit 1),
	 * and the loop above can take longer than that. */
	assert_int_equal(vosfp_explain_source(h, "100.64.3.250", &e), 0);
	assert_int_equal(rate_entries(), before);
	assert_int_equal(e.rate_tracked, 1);
	assert_int_equal(e.rate_tokens, 2);
	assert_int_equal(vosfp_explain_source(h, "100.64.200.7", &e), 0);
	assert_int_equal(e.rate_tracked, 0);
	assert_int_equal(e.rate_tokens, 3);
	/* One source's quick run: the second request puts it in the table,
	 * and exactly the burst gets by. */
	for (int i = 0; i < 5; i++)
		expect_payload(flooder, register_msg, sizeof(register_msg) - 1,
			       i < 3 ? VOSFP_VERDICT_PASS : VOSFP_VERDICT_DROP,
			       i < 3 ? VOSFP_CTR_PASSED : VOSFP_CTR_RATE_LIMITED);
	assert_int_equal(rate_entries(), before + 1);
	assert_int_equal(vosfp_explain_source(h, flooder, &e), 0);
	assert_int_equal(e.rate_tokens, 0);
	assert_int_equal(vosfp_config_set(h, "rate_limit", "0"), 0);
	assert_int_equal(vosfp_config_set(h, "autoban", "on"), 0);
}

static void test_trusted_only(void **state)
{
	static const char bad_line_invite[] = "INVITE sip:100@198.51.100.1 SIP/3.0\r\n\r\n";

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_config_set(h, "trusted_only", "on"), 0);
	for (int f = 0; f < 2; f++) {
		expect_payload(families[f].unknown, register_msg, sizeof(register_msg) - 1,
			       VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
		expect_payload(families[f].unknown, response_msg, sizeof(response_msg) - 1,
			       VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
		expect_payload(families[f].allowed, register_msg, sizeof(register_msg) - 1,
			       VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
	}
	/* Settled on the method: the broken rest of the line is not read. */
	expect_payload(UNKNOWN4, bad_line_invite, sizeof(bad_line_invite) - 1,
		       VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	assert_int_equal(vosfp_config_set(h, "trusted_only", "off"), 0);
	expect_payload(UNKNOWN4, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
		       VOSFP_CTR_PASSED);
	expect_payload(UNKNOWN4, bad_line_invite, sizeof(bad_line_invite) - 1,
		       VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
}

/* Only a stealth method is settled early: with OPTIONS out of the stealth
 * set, an OPTIONS whose line is broken is malformed again, and a good one
 * passes. */
static void test_early_stealth_only_for_stealth_methods(void **state)
{
	static const char bad_options[] = "OPTIONS sip:100@198.51.100.1 RTSP/1.0\r\n\r\n";

	(void)state;
	SKIP_UNLESS_BPF();
	for (int f = 0; f < 2; f++)
		expect_payload(families[f].unknown, bad_options, sizeof(bad_options) - 1,
			       VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
	assert_int_equal(vosfp_config_set(h, "stealth_methods", "REGISTER"), 0);
	for (int f = 0; f < 2; f++) {
		expect_payload(families[f].unknown, bad_options, sizeof(bad_options) - 1,
			       VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
		expect_payload(families[f].unknown, options_msg, sizeof(options_msg) - 1,
			       VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	}
	assert_int_equal(vosfp_config_set(h, "stealth_methods", "OPTIONS"), 0);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_allowed_stealth),
		cmocka_unit_test(test_long_request_uri),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_not_ours_passes_uncounted),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_vlan_options_extensions),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_plain_frame_edges),
		cmocka_unit_test(test_config_changes),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unconfigured_root_defaults),
		cmocka_unit_test(test_scanner_user_agents),
		cmocka_unit_test(test_scanner_key_bitmap),
		cmocka_unit_test(test_scanner_slot_shared),
		cmocka_unit_test(test_scanner_slot_full),
		cmocka_unit_test(test_autoban_and_ttl),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_rate_first_sightings),
		cmocka_unit_test(test_trusted_only),
		cmocka_unit_test(test_early_stealth_only_for_stealth_methods),
	};

	srand((unsigned)getpid());
	failed = cmocka_run_group_tests_name("bpf-program", tests, setup, teardown);
	/* meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : skip_reason ? TEST_SKIPPED : 0;
}
