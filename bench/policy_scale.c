// SPDX-License-Identifier: BSD-2-Clause
/*
 * Policy lists at scale: for lists of 10 to 1,000,000 mixed IPv4/IPv6
 * prefixes, the time to load a file into an empty list and to replace it
 * (both atomic replaces), to add one entry (a diff), the kernel memory the
 * list takes, and the per-packet lookup cost of a blocked and a clean
 * source through BPF_PROG_TEST_RUN, against the empty-program floor of the
 * same run. A benchmark, not a test: nothing here asserts a time.
 *
 * usage: policy_scale VOSFP_BPF_OBJECT [--sizes N,N,...] [--rounds K] [--repeat R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <vosfp/vosfp.h>

#include "bench_prog.h"
#include "vosfp_shared.h"
#include "frame.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The memory the kernel accounts to a map (fdinfo's memlock), 0 if unknown. */
static long long map_memlock(int fd)
{
	char path[64], line[256];
	long long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &bytes) == 1)
			break;
	if (f)
		fclose(f);
	return bytes;
}

/* Kernel memory of the block list: its inner maps (tables and entries
 * array) in both generation slots, read through the pinned outer maps.
 * The fixed bit and Bloom arrays (24 MB for all lists) are not counted. */
static long long block_list_bytes(const char *root)
{
	long long total = 0;
	char path[256];
	int ofd;

	snprintf(path, sizeof(path), "%s/%s", root, VOSFP_MAP_POL_TABLES);
	ofd = bpf_obj_get(path);
	/* The block list's inner maps: both generations, every kind. */
	for (__u32 key = VOSFP_POL_INNER(VOSFP_POL_SLOT(VOSFP_LIST_BLOCK, 0), 0);
	     ofd >= 0 && key < VOSFP_POL_INNER(VOSFP_POL_SLOT(VOSFP_LIST_BLOCK, 1) + 1, 0); key++) {
		__u32 id;
		int fd;

		if (bpf_map_lookup_elem(ofd, &key, &id))
			continue; /* that generation was never made */
		fd = bpf_map_get_fd_by_id(id);
		if (fd >= 0) {
			total += map_memlock(fd);
			close(fd);
		}
	}
	if (ofd >= 0)
		close(ofd);
	return total;
}

/*
 * n prefixes shaped like real block lists: three quarters IPv4 (60 %
 * hosts, 30 % /24, 8 % /17../23, 2 % /25../31), a quarter IPv6 (/32, /48,
 * /64, /128). 10.0.0.0/8 and 2001:db8::/32 are kept out, for the probes.
 */
static void write_list(const char *path, size_t n, uint32_t seed)
{
	FILE *f = fopen(path, "w");

	rng = 0x9e3779b97f4a7c15ull ^ seed;
	for (size_t i = 0; i < n; i++) {
		uint32_t r = rnd() % 100;

		if (i % 4 != 3) {
			uint32_t len = r < 60 ? 32 : r < 90 ? 24 : r < 98 ? 17 + rnd() % 7 : 25 + rnd() % 7;
			uint32_t a = (rnd() << 8 ^ rnd()) & (len ? ~0u << (32 - len) : 0);

			if ((a >> 24) == 10)
				a ^= 0x01000000;
			fprintf(f, "%u.%u.%u.%u/%u\n", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, len);
		} else {
			static const int lens[] = { 32, 48, 64, 128 };
			int len = lens[r % 4];
			uint16_t w[8] = { 0 };

			w[0] = 0x2000 | (rnd() & 0x0fff);
			for (int k = 1; k < len / 16; k++)
				w[k] = (uint16_t)rnd();
			if (w[0] == 0x2001 && w[1] == 0x0db8)
				w[1] = 0x0db9;
			fprintf(f, "%x:%x:%x:%x:%x:%x:%x:%x/%d\n", w[0], w[1], w[2], w[3], w[4], w[5],
				w[6], w[7], len);
		}
	}
	/* The probes' entries: a host, a /24, an IPv6 /48. */
	fprintf(f, "10.1.2.3\n10.9.9.0/24\n2001:db8:1::/48\n");
	fclose(f);
}

struct probe {
	const char *name, *src;
};

int main(int argc, char **argv)
{
	static const struct probe probes[] = {
		{ "v4 blocked host", "10.1.2.3" },  { "v4 blocked /24", "10.9.9.77" },
		{ "v4 clean", "10.200.0.1" },	    { "v6 blocked /48", "2001:db8:1::5" },
		{ "v6 clean", "2001:db8:ffff::1" },
	};
	const char *sizes = "10,10000,100000,1000000";
	unsigned rounds = 11, repeat = 200000;
	int floor_fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VOSFP_BPF_OBJECT [--sizes N,...] [--rounds K] [--repeat R]\n",
			argv[0]);
		return 2;
	}
	for (int i = 2; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--sizes"))
			sizes = argv[++i];
		else if (!strcmp(argv[i], "--rounds"))
			rounds = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--repeat"))
			repeat = (unsigned)atoi(argv[++i]);
	}
	floor_fd = bench_load_floor();
	if (floor_fd < 0) {
		fprintf(stderr, "cannot load the floor program\n");
		return 1;
	}
	printf("%9s %8s %8s %8s %9s %7s", "prefixes", "load s", "replace", "add ms", "maps MB",
	       "B/entry");
	for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++)
		printf(" | %s", probes[p].name);
	printf("   (ns over the floor; TCP SYN to 5060)\n");

	for (const char *s = sizes; *s;) {
		size_t n = strtoul(s, NULL, 10);
		struct vosfp_open_opts opts = { .sz = sizeof(opts) };
		char root[128], file_a[128], file_b[128];
		struct bpf_object *obj = NULL;
		struct vosfp *h = NULL;
		double t0, t_load, t_replace, t_add;
		long long mem;
		int prog_fd;

		s = strchr(s, ',') ? strchr(s, ',') + 1 : s + strlen(s);
		snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-scale-%d-%zu", getpid(), n);
		snprintf(file_a, sizeof(file_a), "/tmp/vosfp-scale-%d-a.txt", getpid());
		snprintf(file_b, sizeof(file_b), "/tmp/vosfp-scale-%d-b.txt", getpid());
		write_list(file_a, n, 1);
		write_list(file_b, n, 2);
		opts.pin_root = root;
		opts.block_capacity = (uint32_t)(n * 2 + 64);
		if (vosfp_open(&opts, &h)) {
			fprintf(stderr, "open: %s\n", vosfp_open_error());
			return 1;
		}
		t0 = now_s();
		if (vosfp_policy_load(h, VOSFP_LIST_BLOCK, file_a, VOSFP_LOAD_REPLACE) < 0)
			goto fail;
		t_load = now_s() - t0;
		mem = block_list_bytes(root); /* one generation: the first load's */
		t0 = now_s();
		if (vosfp_policy_load(h, VOSFP_LIST_BLOCK, file_b, VOSFP_LOAD_REPLACE) < 0)
			goto fail;
		t_replace = now_s() - t0;
		t0 = now_s();
		if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, "10.77.0.0/16") < 0)
			goto fail;
		t_add = now_s() - t0;
		if (vosfp_config_set(h, "autoban", "off"))
			goto fail;
		prog_fd = bench_load_vosfp(argv[1], root, &obj);
		if (prog_fd < 0)
			goto fail;
		printf("%9zu %8.3f %8.3f %8.1f %9.1f %7.0f", n, t_load, t_replace, t_add * 1e3,
		       (double)mem / 1e6, (double)mem / (double)n);
		for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
			struct frame_spec spec = { .src = probes[p].src, .l4 = IPPROTO_TCP };
			uint8_t frame[256];
			size_t len = frame_build(&spec, frame, sizeof(frame));
			double pr, fl;
			int verdict;

			bench_measure(prog_fd, floor_fd, frame, len, rounds, repeat, &pr, &fl, &verdict);
			printf(" | %5.1f %s", pr - fl, verdict == XDP_DROP ? "drop" : "pass");
		}
		printf("\n");
		fflush(stdout);
		bpf_object__close(obj);
		vosfp_unpin(h);
		vosfp_close(h);
		unlink(file_a);
		unlink(file_b);
		continue;
fail:
		fprintf(stderr, "%zu prefixes: %s\n", n, vosfp_last_error(h));
		bpf_object__close(obj);
		vosfp_unpin(h);
		vosfp_close(h);
		unlink(file_a);
		unlink(file_b);
		return 1;
	}
	return 0;
}
