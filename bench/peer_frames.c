// SPDX-License-Identifier: BSD-2-Clause
/* The frame classes of peer_cost (see peer_frames.h). */
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "peer_frames.h"

/* The sources. "Unknown" shares its /24 (and /64) with the allowed host, as
 * in packet_cost: the allow-list check then reads that block's entry, the
 * dearer case, so the figures compare with packet_cost's. */
#define V4_UNKNOWN "192.0.2.99"
#define V4_ALLOWED "192.0.2.10"
#define V4_IN_PREFIX "198.19.7.7"     /* in 198.18.0.0/15 */
#define V4_HOST "203.0.113.7"
#define V6_UNKNOWN "2001:db8:99::99"
#define V6_ALLOWED "2001:db8:99::10"
#define V6_IN_PREFIX "3fff:a00:0:7::7" /* in 3fff:a00::/32 */
#define V6_HOST "2001:db8:dead::7"

const char *const peer_block_list[] = { "198.18.0.0/15", V4_HOST, "3fff:a00::/32", V6_HOST, NULL };
const char *const peer_allow_list[] = { V4_ALLOWED, V6_ALLOWED, NULL };

#define INVITE_SIZE 600
#define URI_SIZE 120

/* A 600-byte INVITE whose Request-URI is 120 bytes long, with SDP, and its
 * User-Agent (not a scanner's) next to last, so that finding it walks every
 * header before: the full inspection of issue 15. Returns its length
 * (INVITE_SIZE), 0 if it does not fit. */
static size_t invite(char *buf, size_t cap)
{
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.99\r\ns=-\r\nc=IN IP4 192.0.2.99\r\n"
				  "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
	char uri[URI_SIZE + 1], tail[256];
	size_t n, t;

	n = (size_t)snprintf(uri, sizeof(uri),
			     "sip:+4930123456789@trunk-fra-01.customers.sip.example.com;user=phone;"
			     "transport=udp;x-route=");
	memset(uri + n, 'a', URI_SIZE - n);
	uri[URI_SIZE] = '\0';
	n = (size_t)snprintf(buf, cap,
		"INVITE %s SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-8a4c6f8d2b\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:alice@example.org>;tag=8f2c1a9b\r\n"
		"To: <sip:+4930123456789@sip.example.com>\r\n"
		"Call-ID: 9b1e35c1a9f64c2e8d7f@192.0.2.99\r\n"
		"CSeq: 1 INVITE\r\n"
		"Contact: <sip:alice@192.0.2.99:5060>\r\n"
		"Content-Type: application/sdp\r\n"
		"X-Padding: ", uri);
	t = (size_t)snprintf(tail, sizeof(tail),
			     "\r\nUser-Agent: Linphone/5.2.0\r\n"
			     "Content-Length: %zu\r\n\r\n%s", strlen(sdp), sdp);
	if (n + t >= INVITE_SIZE || INVITE_SIZE > cap)
		return 0;
	/* The padding header's value takes up what is left to 600 bytes. */
	memset(buf + n, 'x', INVITE_SIZE - n - t);
	memcpy(buf + INVITE_SIZE - t, tail, t);
	return INVITE_SIZE;
}

static struct peer_class *set(struct peer_class *c, const char *name, const char *src,
			       uint16_t dport, int expected, double target, int blocked)
{
	*c = (struct peer_class){ .name = name, .src = src, .dport = dport, .expected = expected,
				  .target = target, .blocked = blocked };
	return c;
}

static void text(struct peer_class *c, const char *s)
{
	c->payload_len = strlen(s);
	memcpy(c->payload, s, c->payload_len);
}

static void bytes(struct peer_class *c, const void *b, size_t len)
{
	c->payload_len = len;
	memcpy(c->payload, b, len);
}

/* The classes of one family, from its sources, into c; returns how many. */
static int family(struct peer_class *c, int v6)
{
	static const char blocked[] = "REGISTER sip:example.com SIP/2.0\r\nCSeq: 1 REGISTER\r\n\r\n";
	static const char stealth[] =
		"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK1\r\n"
		"From: <sip:100@192.0.2.99>;tag=1\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 1\r\n"
		"CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
	/* User-Agent is the 7th header. */
	static const char scanner[] =
		"REGISTER sip:198.51.100.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2\r\n"
		"From: <sip:100@198.51.100.1>;tag=2\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 2\r\n"
		"CSeq: 1 REGISTER\r\nContact: <sip:100@192.0.2.99:5060>\r\n"
		"User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";
	const char *unknown = v6 ? V6_UNKNOWN : V4_UNKNOWN;
	int n = 0;

	bytes(set(&c[n++], "non-SIP UDP (port 53)", unknown, 53, XDP_PASS, PEER_TARGET_NON_SIP, 0),
	      "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12); /* DNS */
	text(set(&c[n++], v6 ? "blocked prefix (/32)" : "blocked prefix (/15)",
		 v6 ? V6_IN_PREFIX : V4_IN_PREFIX, 0, XDP_DROP, PEER_TARGET_CHEAP, 1), blocked);
	text(set(&c[n++], "blocked host", v6 ? V6_HOST : V4_HOST, 0, XDP_DROP, PEER_TARGET_CHEAP, 1),
	     blocked);
	text(set(&c[n++], "stealth OPTIONS", unknown, 0, XDP_DROP, PEER_TARGET_CHEAP, 0), stealth);
	bytes(set(&c[n++], "malformed (binary)", unknown, 0, XDP_DROP, PEER_TARGET_CHEAP, 0),
	      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage", 19);
	text(set(&c[n++], "keep-alive CRLFCRLF", unknown, 0, XDP_PASS, PEER_TARGET_CHEAP, 0),
	     "\r\n\r\n");
	text(set(&c[n++], "scanner REGISTER (UA 7th)", unknown, 0, XDP_DROP, PEER_TARGET_FULL, 0),
	     scanner);
	set(&c[n], "600 B INVITE (allowed)", v6 ? V6_ALLOWED : V4_ALLOWED, 0, XDP_PASS, 0, 0);
	c[n].payload_len = invite(c[n].payload, sizeof(c[n].payload));
	n++;
	set(&c[n], "600 B INVITE (unknown)", unknown, 0, XDP_PASS, PEER_TARGET_FULL, 0);
	c[n].payload_len = invite(c[n].payload, sizeof(c[n].payload));
	n++;
	return n;
}

int peer_classes(struct peer_class **out)
{
	static struct peer_class classes[18];
	int n = family(classes, 0);

	n += family(classes + n, 1);
	*out = classes;
	return n;
}
