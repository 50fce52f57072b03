// SPDX-License-Identifier: BSD-2-Clause
/*
 * Differential test: a million random and mutated frames through the XDP
 * program in the kernel (BPF_PROG_TEST_RUN) and through the host reference;
 * every verdict must be the same, and the kernel's counters must add up to
 * the reference's reasons. Deterministic for a given seed (VOSFP_SEED,
 * default fixed); VOSFP_FRAMES sets the count. Needs root and BPF.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "reference.h"
#include "skip.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fast, and enough to explore. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* Seed payloads: the shapes that matter to the classifier. */
#define SEED(text) { text, sizeof(text) - 1 }
static const struct {
	const char *bytes;
	size_t len;
} seeds[] = {
	SEED("OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK1\r\n"
	"To: <sip:100@198.51.100.1>\r\nFrom: <sip:a@192.0.2.99>;tag=1\r\nCall-ID: x1\r\n"
	"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"),
	SEED("INVITE sip:+493012345678;npdi;rn=+4930@example.com;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2\r\nMax-Forwards: 70\r\n"
	"To: <sip:+493012345678@example.com>\r\nFrom: <sip:alice@example.org>;tag=9\r\n"
	"Call-ID: 3848276298220188511@example.org\r\nCSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.99>\r\nUser-Agent: Linphone/5.2\r\nContent-Type: application/sdp\r\n"
	"Content-Length: 129\r\n\r\nv=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.99\r\ns=-\r\n"
	"c=IN IP4 192.0.2.99\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"),
	SEED("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99\r\nUser-Agent: friendly-scanner\r\n"
	"To: <sip:100@example.com>\r\nFrom: <sip:100@example.com>;tag=2\r\nCall-ID: r\r\n"
	"CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"),
	SEED("REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99\r\nCSeq: 2 REGISTER\r\n"
	"user-agent :  SIPVicious 0.3\r\nContent-Length: 0\r\n\r\n"),
	SEED("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bK3\r\nCSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n\r\n"),
	SEED("SIP/2.0 486 Busy Here\r\n\r\n"),
	SEED("BYE sip:alice@192.0.2.99 SIP/2.0\r\nCSeq: 2 BYE\r\n\r\n"),
	SEED("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n\r\n"),
	SEED("SUBSCRIBE sip:presence@example.com SIP/2.0\r\nEvent: presence\r\nUser-Agent: smap\r\n\r\n"),
	SEED("\r\n\r\n"),
	SEED("\r\n"),
	SEED("\x00\x01\x00\x00\x21\x12\xa4\x42\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"),
	SEED("GET / HTTP/1.1\r\nHost: 198.51.100.1\r\n\r\n"),
	SEED("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03com\x00\x00\x01\x00\x01"),
	SEED("\r\nMESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: 5\r\n\r\nhello"),
};

static const char *const sources[] = {
	"192.0.2.99", "203.0.113.7", "192.0.2.10", "2001:db8:99::1", "2001:db8:bad::7",
	"2001:db8:600d::10",
};

/* Bytes that move a parser from one state to another. */
static const uint8_t interesting[] = { ' ', '\r', '\n', ':', '/', '0', 'S', 's', '\t', 0, 0xff, '-', 'U' };

static size_t make_frame(uint8_t *out, size_t cap)
{
	uint8_t payload[3000];
	size_t plen;
	size_t pick = below(sizeof(seeds) / sizeof(seeds[0]));
	struct frame_spec s = { 0 };
	size_t len;

	plen = seeds[pick].len;
	memcpy(payload, seeds[pick].bytes, plen);
	switch (below(8)) {
	case 0: /* random bytes */
		plen = below(200);
		for (size_t i = 0; i < plen; i++)
			payload[i] = (uint8_t)rnd();
		break;
	case 1: { /* splice two seeds */
		size_t o = below(sizeof(seeds) / sizeof(seeds[0]));
		size_t cut = below(plen + 1), olen = seeds[o].len, from = below(olen + 1);

		if (cut + olen - from < sizeof(payload)) {
			memcpy(payload + cut, seeds[o].bytes + from, olen - from);
			plen = cut + olen - from;
		}
		break;
	}
	case 2: /* long Request-URI */
		if (plen > 12 && payload[0] != 'S') {
			size_t at = 8 + below(4), extra = below(1300);

			if (plen + extra > sizeof(payload))
				break;

			memmove(payload + at + extra, payload + at, plen - at);
			memset(payload + at, 'a' + (int)below(26), extra);
			plen += extra;
		}
		break;
	default:
		break;
	}
	/* Mutations: flips, interesting bytes, truncation. */
	for (int m = (int)below(4); m > 0 && plen; m--) {
		size_t at = below(plen);

		if (below(2))
			payload[at] ^= (uint8_t)(1u << below(8));
		else
			payload[at] = interesting[below(sizeof(interesting))];
	}
	if (below(4) == 0)
		plen = below(plen + 1);

	s.src = sources[below(sizeof(sources) / sizeof(sources[0]))];
	s.payload = payload;
	s.payload_len = plen;
	s.l4 = below(10) == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	/* Mostly the SIP port; now and then its neighbour in the port bitmap's
	 * word, or any port at all (not ours, or by chance ours). */
	switch (below(24)) {
	case 0:
	case 1:
		s.dport = 5061;
		break;
	case 2:
		s.dport = (uint16_t)below(65536);
		break;
	default:
		s.dport = 5060;
	}
	s.vlans = below(6) == 0 ? (int)below(3) : 0;
	s.ip_option_words = below(8) == 0 ? (int)below(11) : 0;
	s.v6_ext = below(8) == 0;
	s.v6_chain = below(16) == 0 ? (int)below(9) : 0; /* with v6_ext, 7+ can pass the walk */
	s.frag = below(16) == 0 ? (enum frag_kind)(1 + below(2)) : FRAG_NONE;
	len = frame_build(&s, out, cap);
	/* Frame-level damage: truncate anywhere, or flip a header byte. */
	if (len && below(10) == 0)
		len = 14 + below(len - 13);
	if (len && below(20) == 0)
		out[below(len < 80 ? len : 80)] ^= (uint8_t)(1u << below(8));
	return len;
}

static void dump(const uint8_t *f, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", f[i], (i + 1) % 32 ? "" : "\n");
	fprintf(stderr, "\n");
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	uint64_t expected[VOSFP_CTR_BANNED + 1] = { 0 }, before[16], after[16];
	long frames = getenv("VOSFP_FRAMES") ? atol(getenv("VOSFP_FRAMES")) : 1000000;
	char root[128];
	struct vosfp *h;
	long mismatches = 0;
	int err, nctr = vosfp_counter_count();

	rng_state = getenv("VOSFP_SEED") ? strtoull(getenv("VOSFP_SEED"), NULL, 0) : 0;
	if (!rng_state) /* xorshift stays at 0 forever */
		rng_state = 0x5eed5eedull;
	if (geteuid() != 0)
		return test_skip("needs root and BPF (BPF_PROG_TEST_RUN)");
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tdiff-%d", getpid());
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err) {
		printf("SKIP: cannot load the program: %s\n", vosfp_open_error());
		return err == -EPERM ? TEST_SKIPPED : 1;
	}
	/* The reference is stateless: no bans, no rate limit. */
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK4) || vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK6) ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW4) || vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW6) ||
	    vosfp_config_set(h, "autoban", "off") || vosfp_config_set(h, "user_agents", REF_SCANNERS)) {
		fprintf(stderr, "setup: %s\n", vosfp_last_error(h));
		goto fail;
	}
	for (int id = 0; id < nctr && id < 16; id++)
		vosfp_counter_read(h, id, &before[id], NULL);

	printf("seed 0x%llx, %ld frames\n", (unsigned long long)rng_state, frames);
	for (long i = 0; i < frames; i++) {
		uint8_t frame[4096];
		size_t len = make_frame(frame, sizeof(frame));
		struct ref_verdict ref;
		int got;

		if (len < 14)
			continue;
		ref = reference_verdict(frame, len);
		if (ref.reason >= 0)
			expected[ref.reason]++;
		err = vosfp_test_packet(h, frame, len, &got);
		if (err) {
			fprintf(stderr, "frame %ld: %s\n", i, vosfp_last_error(h));
			goto fail;
		}
		if (got != ref.verdict && ++mismatches <= 5) {
			fprintf(stderr, "frame %ld: kernel %d, reference %d (reason %s), %zu bytes:\n",
				i, got, ref.verdict, ref.reason >= 0 ? vosfp_counter_name(ref.reason) : "none",
				len);
			dump(frame, len);
		}
	}
	for (int id = 0; id < nctr && id < 16; id++) {
		vosfp_counter_read(h, id, &after[id], NULL);
		if (after[id] - before[id] != expected[id]) {
			fprintf(stderr, "counter %s: kernel %llu, reference %llu\n", vosfp_counter_name(id),
				(unsigned long long)(after[id] - before[id]),
				(unsigned long long)expected[id]);
			mismatches++;
		} else {
			printf("  %-12s %8llu\n", vosfp_counter_name(id), (unsigned long long)expected[id]);
		}
	}
	vosfp_unpin(h);
	vosfp_close(h);
	printf("%ld mismatches in %ld frames\n", mismatches, frames);
	return mismatches ? 1 : 0;
fail:
	vosfp_unpin(h);
	vosfp_close(h);
	return 1;
}
