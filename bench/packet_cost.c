// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-packet cost of the XDP program, class by class, through
 * BPF_PROG_TEST_RUN, as a ratio to a floor measured in the same run: an
 * empty XDP program (return XDP_PASS) given the same frame. Floor and
 * class runs alternate, and each figure is the median of several rounds,
 * so that a noisy neighbour moves both alike. A benchmark, not a test:
 * nothing here asserts a time.
 *
 * usage: packet_cost VOSFP_BPF_OBJECT [--rounds K] [--repeat R] [--csv] [--bans N]
 *
 * --bans N: N bans by hand (198.18.0.0 upwards, none of the classes'
 * sources) before the runs, so that the unknown sources meet the ban
 * check with bans present (bench/README.md, "Ban pre-filter").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <vosfp/vosfp.h>

#include "bench_prog.h"
#include "frame.h"

struct bench_class {
	const char *name;
	struct frame_spec spec;
	char payload[2048];
};

/* A legitimate INVITE with SDP, padded with headers to about `size` bytes. */
static size_t invite(char *buf, size_t cap, size_t size)
{
	size_t n = (size_t)snprintf(buf, cap,
		"INVITE sip:+4930123456789@sip.example.com;user=phone SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-524287-1---8a4c6f8d2b\r\n"
		"Max-Forwards: 70\r\n"
		"Contact: <sip:alice@192.0.2.99:5060;transport=udp>\r\n"
		"To: <sip:+4930123456789@sip.example.com;user=phone>\r\n"
		"From: \"Alice\" <sip:alice@example.org>;tag=8f2c1a9b\r\n"
		"Call-ID: 9b1e35c1a9f64c2e8d7f@192.0.2.99\r\n"
		"CSeq: 1 INVITE\r\n"
		"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
		"User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n"
		"Content-Type: application/sdp\r\n");
	const char *sdp = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.99\r\ns=-\r\n"
			  "c=IN IP4 192.0.2.99\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8\r\n"
			  "a=rtpmap:0 PCMU/8000\r\n";
	while (n + strlen(sdp) + 40 < size && n + 40 < cap)
		n += (size_t)snprintf(buf + n, cap - n, "X-Padding: %.*s\r\n",
				      (int)(size - n - strlen(sdp) - 40 < 20 ? size - n - strlen(sdp) - 40 : 20),
				      "abcdefghijklmnopqrstuvwxyz");
	n += (size_t)snprintf(buf + n, cap - n, "Content-Length: %zu\r\n\r\n%s", strlen(sdp), sdp);
	return n;
}

int main(int argc, char **argv)
{
	static struct bench_class classes[] = {
		{ .name = "non-SIP UDP (port 53)", .spec = { .src = "192.0.2.99", .dport = 53 } },
		{ .name = "blocked source", .spec = { .src = "203.0.113.7" } },
		{ .name = "stealth OPTIONS", .spec = { .src = "192.0.2.99" } },
		{ .name = "malformed (binary)", .spec = { .src = "192.0.2.99" } },
		{ .name = "keep-alive CRLFCRLF", .spec = { .src = "192.0.2.99" } },
		{ .name = "scanner REGISTER", .spec = { .src = "192.0.2.99" } },
		{ .name = "600 B INVITE, allowed", .spec = { .src = "192.0.2.10" } },
		{ .name = "600 B INVITE, unknown", .spec = { .src = "192.0.2.99" } },
	};
	const int nclasses = (int)(sizeof(classes) / sizeof(classes[0]));
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	unsigned rounds = 15, repeat = 200000, bans = 0;
	int csv = 0, floor_fd, prog_fd, err;
	struct bpf_object *obj = NULL;
	struct vosfp *h = NULL;
	char root[128];

	if (argc < 2) {
		fprintf(stderr, "usage: %s VOSFP_BPF_OBJECT [--rounds K] [--repeat R] [--csv] "
			"[--bans N]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bans") && i + 1 < argc)
			bans = (unsigned)atoi(argv[++i]);
	}
	if (rounds < 1 || rounds > 101 || repeat < 1 || bans > 65536) {
		fprintf(stderr, "bad --rounds, --repeat or --bans (at most 65536)\n");
		return 2;
	}

	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-bench-%d", getpid());
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err) {
		fprintf(stderr, "open: %s\n", vosfp_open_error());
		return 1;
	}
	/* Rate limit off and no bans: every run of a class meets the same path. */
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, "203.0.113.0/24") < 0 ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, "192.0.2.10") < 0 ||
	    vosfp_config_set(h, "autoban", "off")) {
		fprintf(stderr, "setup: %s\n", vosfp_last_error(h));
		goto out;
	}
	for (unsigned i = 0; i < bans; i++) {
		char a[32];

		snprintf(a, sizeof(a), "198.%u.%u.%u", 18 + (i >> 16), (i >> 8) & 255, i & 255);
		if (vosfp_ban_add(h, a, 3600)) {
			fprintf(stderr, "ban %s: %s\n", a, vosfp_last_error(h));
			goto out;
		}
	}
	if (bans)
		printf("# %u bans by hand\n", bans);
	floor_fd = bench_load_floor();
	prog_fd = bench_load_vosfp(argv[1], root, &obj);
	if (floor_fd < 0 || prog_fd < 0) {
		fprintf(stderr, "load: floor %d, vosfp %d\n", floor_fd, prog_fd);
		goto out;
	}
	{
		/* The verifier's work for the program, its global functions
		 * included: what a change to the program costs at load time. */
		struct bpf_prog_info info = { 0 };
		__u32 ilen = sizeof(info);

		if (!bpf_obj_get_info_by_fd(prog_fd, &info, &ilen))
			printf("# verified_insns %u\n", info.verified_insns);
	}

	memcpy(classes[0].payload, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	snprintf(classes[1].payload, 2048, "REGISTER sip:example.com SIP/2.0\r\nCSeq: 1 REGISTER\r\n\r\n");
	snprintf(classes[2].payload, 2048,
		 "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK1\r\n"
		 "From: <sip:100@192.0.2.99>;tag=1\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 1\r\n"
		 "CSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n");
	memcpy(classes[3].payload, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage", 19);
	snprintf(classes[4].payload, 2048, "\r\n\r\n");
	snprintf(classes[5].payload, 2048,
		 "REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2\r\n"
		 "From: <sip:100@198.51.100.1>;tag=2\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 2\r\n"
		 "CSeq: 1 REGISTER\r\nContact: <sip:100@192.0.2.99:5060>\r\n"
		 "User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n");
	invite(classes[6].payload, 2048, 600);
	invite(classes[7].payload, 2048, 600);

	if (csv)
		printf("class,payload_bytes,ns_per_packet,floor_ns,delta_ns,ratio,verdict\n");
	else
		printf("%-24s %8s %9s %9s %9s %7s  %s\n", "class", "payload", "ns/pkt", "floor",
		       "delta", "ratio", "verdict");
	for (int c = 0; c < nclasses; c++) {
		uint8_t frame[4096];
		double p, f;
		int verdict = -1;
		size_t len;

		classes[c].spec.payload = classes[c].payload;
		classes[c].spec.payload_len = c == 0 ? 12 : c == 3 ? 19 : strlen(classes[c].payload);
		len = frame_build(&classes[c].spec, frame, sizeof(frame));
		bench_measure(prog_fd, floor_fd, frame, len, rounds, repeat, &p, &f, &verdict);
		if (csv)
			printf("%s,%zu,%.1f,%.1f,%.1f,%.2f,%s\n", classes[c].name,
			       classes[c].spec.payload_len, p, f, p - f, p / f,
			       verdict == XDP_DROP ? "drop" : "pass");
		else
			printf("%-24s %8zu %9.1f %9.1f %9.1f %7.2f  %s\n", classes[c].name,
			       classes[c].spec.payload_len, p, f, p - f, p / f,
			       verdict == XDP_DROP ? "drop" : "pass");
	}
	err = 0;
out:
	bpf_object__close(obj);
	vosfp_unpin(h);
	vosfp_close(h);
	return err ? 1 : 0;
}
