// SPDX-License-Identifier: BSD-2-Clause
/*
 * The commonest junk at a SIP port is decided without a call to the
 * classifier's global function (issue 15, bpf/sip_fast.h). The object under
 * test is the program built with tests/bpf/fast_path_probe.h, which counts
 * the frames for which the decision calls the classifier (fentry on a BPF
 * function would need no special build, but some kernels refuse tracing
 * programs on BPF programs, as this project's machine does). Crafted frames
 * run through BPF_PROG_TEST_RUN on the library's maps: keep-alives, a
 * stealth OPTIONS and binary junk make no call and keep their verdicts and
 * counters; an INVITE and an OPTIONS after a leading CRLF still make one (so
 * the count moves where it should).
 *
 * usage: test_fast_path PROBE_BUILD_OF_VOSFP_BPF_O. Needs root and BPF;
 * exits 77 with the reason otherwise.
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

#include "frame.h"
#include "obj_pins.h"

static int failures;

#define CHECK(cond, ...)                                     \
	do {                                                 \
		if (cond) {                                  \
			printf("ok   ");                     \
		} else {                                     \
			printf("FAIL ");                     \
			failures++;                          \
		}                                            \
		printf(__VA_ARGS__);                         \
		printf("\n");                                \
	} while (0)

/* The program from the object, on the maps the library made under root. */
static int load_vosfp(const char *object, const char *root, struct bpf_object **out)
{
	struct bpf_object *obj = bpf_object__open_file(object, NULL);
	struct bpf_map *map;
	char path[512];

	if (!obj)
		return -errno;
	*out = obj;
	bpf_object__for_each_map(map, obj) {
		/* The probe's own map is the test's, not the root's: not pinned,
		 * so that the root goes away whole with vosfp_unpin(). */
		if (!strcmp(bpf_map__name(map), "vosfp_test_asked") ||
		    obj_pin_path(map, root, path, sizeof(path)))
			continue;
		if (obj_use_pin(map, path))
			return -EINVAL;
	}
	if (bpf_object__load(obj))
		return -errno;
	return bpf_program__fd(bpf_object__find_program_by_name(obj, "vosfp_xdp"));
}

struct frame_case {
	const char *what;
	const char *payload;
	size_t len;
	int verdict;
	int reason;
	__u64 calls;
};

int main(int argc, char **argv)
{
	static const char options[] =
		"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK1\r\n"
		"From: <sip:100@192.0.2.99>;tag=1\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 1\r\n"
		"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	static const char invite[] =
		"INVITE sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK2\r\n"
		"From: <sip:a@192.0.2.99>;tag=2\r\nTo: <sip:100@198.51.100.1>\r\nCall-ID: 2\r\n"
		"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
	static const char crlf_options[] = "\r\nOPTIONS sip:100@198.51.100.1 SIP/2.0\r\n\r\n";
	const struct frame_case cases[] = {
		{ "keep-alive CRLFCRLF", "\r\n\r\n", 4, XDP_PASS, VOSFP_CTR_KEEPALIVE, 0 },
		{ "keep-alive CRLF", "\r\n", 2, XDP_PASS, VOSFP_CTR_KEEPALIVE, 0 },
		{ "stealth OPTIONS", options, sizeof(options) - 1, XDP_DROP, VOSFP_CTR_STEALTH, 0 },
		{ "binary junk", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage", 19, XDP_DROP,
		  VOSFP_CTR_MALFORMED, 0 },
		{ "INVITE (full inspection)", invite, sizeof(invite) - 1, XDP_PASS, VOSFP_CTR_PASSED,
		  1 },
		{ "OPTIONS after a leading CRLF", crlf_options, sizeof(crlf_options) - 1, XDP_DROP,
		  VOSFP_CTR_STEALTH, 1 },
	};
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct bpf_object *obj = NULL;
	int prog_fd, map_fd = -1, ncpu = libbpf_num_possible_cpus(), rc = 1;
	struct vosfp *h = NULL;
	char root[128];
	__u64 *percpu, seen[64] = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: %s VOSFP_BPF_OBJECT\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root (CAP_BPF, CAP_PERFMON) to load and trace the program\n");
		return 77;
	}
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tfast-%d", getpid());
	opts.pin_root = root;
	if (vosfp_open(&opts, &h)) {
		printf("SKIP: %s\n", vosfp_open_error());
		return 77;
	}
	prog_fd = load_vosfp(argv[1], root, &obj);
	map_fd = obj ? bpf_object__find_map_fd_by_name(obj, "vosfp_test_asked") : -1;
	percpu = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*percpu)) : NULL;
	if (prog_fd < 0 || map_fd < 0 || !percpu) {
		printf("FAIL: load %s: %d; its vosfp_test_asked map: %d (not the probe build?)\n",
		       argv[1], prog_fd, map_fd);
		goto out;
	}

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frame_spec s = { .src = "192.0.2.99", .payload = cases[i].payload,
					.payload_len = cases[i].len };
		__u32 zero = 0;
		__u64 calls = 0;
		uint64_t pkts = 0, bytes = 0;
		int got;
		uint8_t frame[512];
		size_t len = frame_build(&s, frame, sizeof(frame));
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = (__u32)len,
			    .repeat = 1);

		memset(percpu, 0, (size_t)ncpu * sizeof(*percpu));
		bpf_map_update_elem(map_fd, &zero, percpu, 0);
		if (!len || bpf_prog_test_run_opts(prog_fd, &t) ||
		    bpf_map_lookup_elem(map_fd, &zero, percpu)) {
			CHECK(0, "%s: frame or run failed: %s", cases[i].what, strerror(errno));
			continue;
		}
		for (int c = 0; c < ncpu; c++)
			calls += percpu[c];
		got = vosfp_counter_read(h, cases[i].reason, &pkts, &bytes);
		CHECK(!got && pkts == ++seen[cases[i].reason], "%s: counted as %s", cases[i].what,
		      vosfp_counter_name(cases[i].reason));
		CHECK((int)t.retval == cases[i].verdict && calls == cases[i].calls,
		      "%s: verdict %u (want %d), classifier calls %llu (want %llu)", cases[i].what,
		      t.retval, cases[i].verdict, (unsigned long long)calls,
		      (unsigned long long)cases[i].calls);
	}
	rc = failures ? 1 : 0;
out:
	free(percpu);
	bpf_object__close(obj);
	vosfp_unpin(h);
	vosfp_close(h);
	return rc;
}
