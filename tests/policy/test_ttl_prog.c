// SPDX-License-Identifier: BSD-2-Clause
/*
 * The program honours a TTL by itself: a source under a short block entry
 * is dropped (counter "blocked"), and once the TTL is over it passes, with
 * no policy call in between (no daemon, nothing removes the entry). Covers an IPv4 /24, an
 * IPv4 host, an IPv6 prefix, and a permanent entry next to them that must
 * keep dropping. Needs root; exit 77 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"

static const char register_msg[] =
	"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKnashds7\r\n"
	"To: <sip:bob@example.com>\r\nFrom: <sip:bob@example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\nContent-Length: 0\r\n\r\n";

static struct vosfp *h;
static int fails;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The TTL must outlast the four policy changes and the checks before the
 * sleep. They take milliseconds here but seconds in an emulated guest
 * (Debian 11's kernel installs a generation's inner maps one at a time), so
 * the TTL is ten times one trial change, and at least 2 s. */
static unsigned pick_ttl(void)
{
	double t0 = now_s(), took;

	if (vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, "198.51.100.0/24", 60) ||
	    vosfp_policy_remove(h, VOSFP_LIST_BLOCK, "198.51.100.0/24"))
		return 0;
	took = now_s() - t0;
	return took * 10 < 2 ? 2 : (unsigned)(took * 10) + 1;
}

/* Runs a REGISTER from src; checks the verdict and whether it was counted
 * as "blocked". */
static void expect(const char *what, const char *src, int verdict, int blocked)
{
	struct frame_spec s = { .src = src, .payload = register_msg,
				.payload_len = sizeof(register_msg) - 1 };
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
	uint8_t frame[2048];
	size_t len = frame_build(&s, frame, sizeof(frame));

	if (!len || vosfp_test_packet_ex(h, frame, len, &o)) {
		printf("FAIL %s: %s\n", what, vosfp_last_error(h));
		fails++;
		return;
	}
	if (o.verdict != verdict || (o.reason == VOSFP_CTR_BLOCKED) != blocked) {
		printf("FAIL %s: verdict %d counted as %s, expected %d%s\n", what, o.verdict,
		       o.reason >= 0 ? vosfp_counter_name(o.reason) : "none", verdict,
		       blocked ? " as blocked" : ", not as blocked");
		fails++;
		return;
	}
	printf("ok   %s\n", what);
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	char root[128];
	unsigned ttl;
	int err;

	if (geteuid() != 0)
		return test_skip("needs root (CAP_BPF) to load the XDP program");
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tttl-%d-%d", getpid(), rand());
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err) {
		printf("%s: %s\n", err == -EPERM ? "SKIP" : "FAIL", vosfp_open_error());
		return err == -EPERM ? TEST_SKIPPED : 1;
	}
	/* The program is verified on the first packet: seconds on a slow
	 * machine (an emulator), which must not eat into the 2 s TTLs. */
	expect("a source on no list passes", "192.0.2.78", VOSFP_VERDICT_PASS, 0);
	ttl = pick_ttl();
	if (!ttl || vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, "203.0.113.0/24", ttl) ||
	    vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, "192.0.2.77", ttl) ||
	    vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, "2001:db8:bad::/48", ttl) ||
	    vosfp_policy_add(h, VOSFP_LIST_BLOCK, "198.18.0.0/15")) {
		printf("FAIL setup: %s\n", vosfp_last_error(h));
		fails++;
		goto out;
	}
	expect("a /24 under a TTL drops", "203.0.113.7", VOSFP_VERDICT_DROP, 1);
	expect("a host under a TTL drops", "192.0.2.77", VOSFP_VERDICT_DROP, 1);
	expect("an IPv6 prefix under a TTL drops", "2001:db8:bad::7", VOSFP_VERDICT_DROP, 1);
	expect("its neighbour passes", "192.0.2.78", VOSFP_VERDICT_PASS, 0);
	/* Nothing touches the policy from here on: only the clock moves. */
	sleep(ttl + 1);
	expect("the /24 passes once expired", "203.0.113.7", VOSFP_VERDICT_PASS, 0);
	expect("the host passes once expired", "192.0.2.77", VOSFP_VERDICT_PASS, 0);
	expect("the IPv6 prefix passes once expired", "2001:db8:bad::7", VOSFP_VERDICT_PASS, 0);
	expect("a permanent entry still drops", "198.18.3.4", VOSFP_VERDICT_DROP, 1);
out:
	vosfp_unpin(h);
	vosfp_close(h);
	printf("policy-ttl-program: %d failed\n", fails);
	return fails ? 1 : 0;
}
