// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp against a floor and a peer, in one run (issue 15): every frame
 * class of peer_frames.c goes through BPF_PROG_TEST_RUN on the empty XDP
 * program (the floor), the vosfp object configured by the library, an
 * xdp-filter program already loaded by bench/peers.sh (by its id) and,
 * optionally, an older vosfp object. The programs take turns within each
 * round, the first of a round rotating, so that no program always runs
 * right after another; each figure is the median of its rounds. What is
 * compared is the delta over the floor. With --runs N, all of it is done N
 * times, each run on maps and programs loaded anew, and each figure is the
 * median of the runs' figures; "new-old" is the median of the runs' paired
 * differences (vosfp's delta minus the old object's, in the same run). A
 * run's placement in memory moves both programs together, by up to twice
 * a class's cost on the machines of bench/README.md ("Plain frames in one
 * step"), so the paired figure is the one to compare two objects by.
 * A benchmark, not a test: nothing asserts a time. Exit 3 if vosfp gave a
 * class a verdict other than the expected one in any run (a functional
 * error), 1 if the setup failed, 2 on usage.
 *
 * usage: peer_cost VOSFP_OBJECT [--xdp-filter-id ID] [--compare OLD_OBJECT]
 *                  [--rounds N] [--repeat N] [--runs N] [--pin-root DIR] [--csv]
 *        peer_cost --blocked-sources
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <vosfp/vosfp.h>

#include "bench_prog.h"
#include "frame.h"
#include "obj_pins.h"
#include "peer_frames.h"

enum { P_FLOOR, P_VOSFP, P_XDPF, P_OLD, P_MAX };
static const char *const prog_names[P_MAX] = { "floor", "vosfp", "xdp-filter", "old" };

#define MAX_ROUNDS 101
#define MAX_RUNS 51
#define MAX_CLASSES 32

struct opts {
	const char *object, *old, *pin_root;
	unsigned rounds, repeat, runs, xdpf_id;
	int csv;
};

static const char *verdict_name(int v)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };

	return v >= 0 && v < 5 ? names[v] : "?";
}

static int usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s VOSFP_OBJECT [--xdp-filter-id ID] [--compare OLD_OBJECT]\n"
		"          [--rounds N (1-%d, default 15)] [--repeat N (default 1000000)]\n"
		"          [--runs N (1-%d, default 1)]\n"
		"          [--pin-root DIR (default /sys/fs/bpf/vosfp-peers-PID)] [--csv]\n"
		"       %s --blocked-sources\n",
		argv0, MAX_ROUNDS, MAX_RUNS, argv0);
	return 2;
}

/* A whole unsigned number in [min, max], or -1. */
static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < min || v > max ? -1 : v;
}

static int parse(int argc, char **argv, struct opts *o)
{
	long v;

	*o = (struct opts){ .rounds = 15, .repeat = 1000000, .runs = 1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--csv")) {
			o->csv = 1;
			continue;
		}
		if (a[0] != '-') {
			if (o->object)
				return -1;
			o->object = a;
			continue;
		}
		if (!val) {
			fprintf(stderr, "%s needs a value\n", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--compare")) {
			o->old = val;
		} else if (!strcmp(a, "--pin-root")) {
			o->pin_root = val;
		} else if (!strcmp(a, "--rounds")) {
			if ((v = number(val, 1, MAX_ROUNDS)) < 0) {
				fprintf(stderr, "--rounds: 1 to %d, not '%s'\n", MAX_ROUNDS, val);
				return -1;
			}
			o->rounds = (unsigned)v;
		} else if (!strcmp(a, "--repeat")) {
			if ((v = number(val, 1, 100000000)) < 0) {
				fprintf(stderr, "--repeat: 1 to 100000000, not '%s'\n", val);
				return -1;
			}
			o->repeat = (unsigned)v;
		} else if (!strcmp(a, "--runs")) {
			if ((v = number(val, 1, MAX_RUNS)) < 0) {
				fprintf(stderr, "--runs: 1 to %d, not '%s'\n", MAX_RUNS, val);
				return -1;
			}
			o->runs = (unsigned)v;
		} else if (!strcmp(a, "--xdp-filter-id")) {
			if ((v = number(val, 1, 0x7fffffff)) < 0) {
				fprintf(stderr, "--xdp-filter-id: a program id, not '%s'\n", val);
				return -1;
			}
			o->xdpf_id = (unsigned)v;
		} else {
			fprintf(stderr, "unknown option %s\n", a);
			return -1;
		}
	}
	return o->object ? 0 : -1;
}

static unsigned verified_insns(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.verified_insns;
}

/* The library makes and fills the maps under root; the objects load on them. */
static int configure(struct vosfp *h)
{
	for (int i = 0; peer_block_list[i]; i++)
		if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, peer_block_list[i]) < 0)
			return -1;
	for (int i = 0; peer_allow_list[i]; i++)
		if (vosfp_policy_add(h, VOSFP_LIST_ALLOW, peer_allow_list[i]) < 0)
			return -1;
	/* No auto-ban and so no bans: every run of a class meets the same path. */
	return vosfp_config_set(h, "autoban", "off");
}

/* The older object on this build's maps. A map this build does not pin
 * stays the object's own (and empty), said on stdout, rather than pinned
 * under root, which vosfp_unpin() would then fail to empty. fd or -errno. */
static int load_old(const char *object, const char *root, struct bpf_object **out)
{
	struct bpf_object *obj = bpf_object__open_file(object, NULL);
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[512];
	int err;

	if (!obj)
		return -errno;
	bpf_object__for_each_map(map, obj) {
		if (obj_pin_path(map, root, path, sizeof(path)))
			continue;
		if (access(path, F_OK)) {
			printf("# old: map %s is not in this build: the old program's own, empty\n",
			       bpf_map__name(map));
			continue;
		}
		err = obj_use_pin(map, path);
		if (err) {
			bpf_object__close(obj);
			return err;
		}
	}
	prog = bpf_object__find_program_by_name(obj, "vosfp_xdp");
	if (!prog || bpf_object__load(obj)) {
		err = prog ? -errno : -ENOENT;
		bpf_object__close(obj);
		return err;
	}
	*out = obj;
	return bpf_program__fd(prog);
}

/* One class's figures: from one run (the medians of its rounds), or from
 * all runs (the floor's median, plus the median of each program's deltas
 * over the floor of its run). paired: vosfp's delta minus the old object's,
 * that run's or the median of the runs'. */
struct result {
	double ns[P_MAX];
	int verdict[P_MAX];
	double paired;
};

/* Runs one frame on every program present (fd >= 0), rotating their order
 * round by round; the medians go to r. -1 if a run failed. */
static int measure(const int *fd, const uint8_t *frame, size_t len, const struct opts *o,
		   struct result *r)
{
	static double ns[P_MAX][MAX_ROUNDS];

	for (unsigned k = 0; k < o->rounds; k++) {
		for (int j = 0; j < P_MAX; j++) {
			int p = (int)((k + (unsigned)j) % P_MAX);

			if (fd[p] < 0)
				continue;
			ns[p][k] = bench_run(fd[p], frame, len, o->repeat, &r->verdict[p]);
			if (ns[p][k] < 0) {
				fprintf(stderr, "test run of %s failed: %s\n", prog_names[p],
					strerror(errno));
				return -1;
			}
		}
	}
	for (int p = 0; p < P_MAX; p++)
		r->ns[p] = fd[p] < 0 ? -1 : bench_median(ns[p], (int)o->rounds);
	r->paired = fd[P_OLD] < 0 ? 0 : r->ns[P_VOSFP] - r->ns[P_OLD];
	return 0;
}

/* The figures of n runs of one class (run[k], k < n) into agg. */
static void aggregate(const struct result *run, unsigned n, struct result *agg)
{
	double v[MAX_RUNS];

	for (unsigned k = 0; k < n; k++)
		v[k] = run[k].ns[P_FLOOR];
	agg->ns[P_FLOOR] = bench_median(v, (int)n);
	for (int p = 0; p < P_MAX; p++) {
		agg->verdict[p] = run[n - 1].verdict[p];
		if (p == P_FLOOR)
			continue;
		if (run[0].ns[p] < 0) {
			agg->ns[p] = -1;
			continue;
		}
		for (unsigned k = 0; k < n; k++)
			v[k] = run[k].ns[p] - run[k].ns[P_FLOOR];
		agg->ns[p] = agg->ns[P_FLOOR] + bench_median(v, (int)n);
	}
	for (unsigned k = 0; k < n; k++)
		v[k] = run[k].paired;
	agg->paired = bench_median(v, (int)n);
}

static void header(const struct opts *o, const int *fd)
{
	if (o->csv) {
		printf("class,family,payload_bytes,floor_ns,vosfp_ns,vosfp_delta_ns,"
		       "xdp_filter_ns,xdp_filter_delta_ns,old_ns,old_delta_ns,ratio,target,"
		       "target_met,line_rate_ns,line_rate_met,expected,vosfp_verdict,"
		       "xdp_filter_verdict,old_verdict,vosfp_minus_old_ns\n");
		return;
	}
	printf("%-27s %-4s %5s %6s %7s %7s %7s %7s %6s %6s %-6s %7s %-6s  %s\n", "class", "ip",
	       "bytes", "floor", "vosfp+", "xdpf+", fd[P_OLD] >= 0 ? "old+" : "",
	       fd[P_OLD] >= 0 ? "new-old" : "", "ratio", "target", "", "ns/pkt", "<=67",
	       "verdicts: vosfp (expected) / xdp-filter / old");
}

static void row(const struct peer_class *c, const struct result *r, const int *fd,
		const struct opts *o)
{
	double floor = r->ns[P_FLOOR], dv = r->ns[P_VOSFP] - floor;
	double dx = fd[P_XDPF] >= 0 ? r->ns[P_XDPF] - floor : 0;
	double dold = fd[P_OLD] >= 0 ? r->ns[P_OLD] - floor : 0;
	/* A peer's delta under 1 ns is below the timer's resolution: no ratio. */
	int has_ratio = fd[P_XDPF] >= 0 && dx >= 1;
	double ratio = has_ratio ? (dv < 0 ? 0 : dv) / dx : 0;
	const char *met = !c->target || !has_ratio ? "-" : ratio <= c->target ? "met" : "missed";
	int drop = c->expected == XDP_DROP;
	const char *line = !drop ? "-" : r->ns[P_VOSFP] <= PEER_LINE_RATE_NS ? "met" : "missed";
	const char *fam = strchr(c->src, ':') ? "v6" : "v4";
	char ratio_s[16] = "-", target_s[16] = "-", xdpf_s[16] = "", old_s[16] = "", ns_s[16] = "-";
	char paired_s[16] = "";
	char verdicts[96];

	if (has_ratio)
		snprintf(ratio_s, sizeof(ratio_s), "%.2f", ratio);
	if (c->target)
		snprintf(target_s, sizeof(target_s), "%.1f", c->target);
	if (drop)
		snprintf(ns_s, sizeof(ns_s), "%.0f", r->ns[P_VOSFP]);
	if (o->csv) {
		if (fd[P_XDPF] >= 0)
			snprintf(xdpf_s, sizeof(xdpf_s), "%.1f,%.1f", r->ns[P_XDPF], dx);
		else
			snprintf(xdpf_s, sizeof(xdpf_s), ",");
		if (fd[P_OLD] >= 0)
			snprintf(old_s, sizeof(old_s), "%.1f,%.1f", r->ns[P_OLD], dold);
		else
			snprintf(old_s, sizeof(old_s), ",");
		if (fd[P_OLD] >= 0)
			snprintf(paired_s, sizeof(paired_s), "%.1f", r->paired);
		printf("%s,%s,%zu,%.1f,%.1f,%.1f,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", c->name, fam,
		       c->payload_len, floor, r->ns[P_VOSFP], dv, xdpf_s, old_s,
		       has_ratio ? ratio_s : "", c->target ? target_s : "",
		       strcmp(met, "-") ? met : "", drop ? ns_s : "", strcmp(line, "-") ? line : "",
		       verdict_name(c->expected), verdict_name(r->verdict[P_VOSFP]),
		       fd[P_XDPF] >= 0 ? verdict_name(r->verdict[P_XDPF]) : "",
		       fd[P_OLD] >= 0 ? verdict_name(r->verdict[P_OLD]) : "", paired_s);
		return;
	}
	if (fd[P_XDPF] >= 0)
		snprintf(xdpf_s, sizeof(xdpf_s), "%.1f", dx);
	if (fd[P_OLD] >= 0) {
		snprintf(old_s, sizeof(old_s), "%.1f", dold);
		snprintf(paired_s, sizeof(paired_s), "%+.1f", r->paired);
	}
	snprintf(verdicts, sizeof(verdicts), "%s%s%s%s / %s / %s", verdict_name(r->verdict[P_VOSFP]),
		 r->verdict[P_VOSFP] == c->expected ? "" : " WRONG (expected ",
		 r->verdict[P_VOSFP] == c->expected ? "" : verdict_name(c->expected),
		 r->verdict[P_VOSFP] == c->expected ? "" : ")",
		 fd[P_XDPF] >= 0 ? verdict_name(r->verdict[P_XDPF]) : "-",
		 fd[P_OLD] >= 0 ? verdict_name(r->verdict[P_OLD]) : "-");
	printf("%-27s %-4s %5zu %6.1f %7.1f %7s %7s %7s %6s %6s %-6s %7s %-6s  %s\n", c->name,
	       fam, c->payload_len, floor, dv, xdpf_s, old_s, paired_s, ratio_s, target_s, met,
	       ns_s, line, verdicts);
}

/*
 * One run: the library makes the maps anew under root, the floor, vosfp and
 * the old object load on them, and every class is measured into res. fd
 * holds xdp-filter's program (loaded by peers.sh, the same in every run);
 * the others are this run's and closed at its end, which leaves in have[]
 * which programs took part. verified: print the objects' verifier counts.
 * Returns how many classes vosfp gave a wrong verdict, or -1 if the setup
 * failed (said on stderr).
 */
static int one_run(const struct opts *o, const char *root, int xdpf_fd,
		   const struct peer_class *classes, int nclasses, struct result *res,
		   int *have, int verified)
{
	struct vosfp_open_opts vo = { .sz = sizeof(vo), .pin_root = root };
	struct bpf_object *obj = NULL, *old_obj = NULL;
	int fd[P_MAX] = { -1, -1, xdpf_fd, -1 }, wrong = -1;
	struct vosfp *h = NULL;

	if (vosfp_open(&vo, &h)) {
		fprintf(stderr, "open: %s\n", vosfp_open_error());
		return -1;
	}
	if (configure(h)) {
		fprintf(stderr, "setup: %s\n", vosfp_last_error(h));
		goto out;
	}
	fd[P_FLOOR] = bench_load_floor();
	fd[P_VOSFP] = bench_load_vosfp(o->object, root, &obj);
	if (fd[P_FLOOR] < 0 || fd[P_VOSFP] < 0) {
		fprintf(stderr, "load: %s: %s\n", fd[P_FLOOR] < 0 ? "the floor" : o->object,
			strerror(fd[P_FLOOR] < 0 ? -fd[P_FLOOR] : -fd[P_VOSFP]));
		goto out;
	}
	if (o->old) {
		/* The old object loads on the same maps; an older layout cannot. */
		fd[P_OLD] = load_old(o->old, root, &old_obj);
		if (fd[P_OLD] < 0) {
			fprintf(stderr, "%s: cannot load on this build's maps (%s): is its map "
				"layout older than this library's?\n", o->old, strerror(-fd[P_OLD]));
			goto out;
		}
	}
	if (verified) {
		printf("# verified_insns vosfp %u", verified_insns(fd[P_VOSFP]));
		if (fd[P_OLD] >= 0)
			printf(", old %u", verified_insns(fd[P_OLD]));
		printf("\n");
	}
	wrong = 0;
	for (int i = 0; i < nclasses; i++) {
		struct frame_spec spec = { .src = classes[i].src, .dport = classes[i].dport,
					   .payload = classes[i].payload,
					   .payload_len = classes[i].payload_len };
		uint8_t frame[2048];
		size_t len = frame_build(&spec, frame, sizeof(frame));

		if (!classes[i].payload_len || !len) {
			fprintf(stderr, "%s: the frame does not fit\n", classes[i].name);
			wrong = -1;
			goto out;
		}
		if (measure(fd, frame, len, o, &res[i])) {
			wrong = -1;
			goto out;
		}
		wrong += res[i].verdict[P_VOSFP] != classes[i].expected;
	}
	for (int p = 0; p < P_MAX; p++)
		have[p] = fd[p] >= 0 ? 0 : -1;
out:
	if (fd[P_FLOOR] >= 0)
		close(fd[P_FLOOR]);
	bpf_object__close(old_obj);
	bpf_object__close(obj);
	vosfp_unpin(h);
	vosfp_close(h);
	return wrong;
}

int main(int argc, char **argv)
{
	static struct result runs[MAX_CLASSES][MAX_RUNS];
	int have[P_MAX] = { -1, -1, -1, -1 }, xdpf_fd = -1, wrong = 0, err = 1, nclasses;
	struct peer_class *classes;
	struct opts o;
	char root[128];

	if (argc == 2 && !strcmp(argv[1], "--blocked-sources")) {
		nclasses = peer_classes(&classes);
		for (int i = 0; i < nclasses; i++)
			if (classes[i].blocked)
				printf("%s\n", classes[i].src);
		return 0;
	}
	if (parse(argc, argv, &o))
		return usage(argv[0]);
	if (access(o.object, R_OK) || (o.old && access(o.old, R_OK))) {
		fprintf(stderr, "%s: %s\n", access(o.object, R_OK) ? o.object : o.old,
			strerror(errno));
		return 1;
	}

	if (o.pin_root && strlen(o.pin_root) >= sizeof(root)) {
		fprintf(stderr, "--pin-root: longer than %zu characters\n", sizeof(root) - 1);
		return 2;
	}
	if (o.pin_root)
		snprintf(root, sizeof(root), "%s", o.pin_root);
	else
		snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-peers-%d", getpid());
	/* Its own root: the maps are removed at the end, so never someone else's.
	 * Each run removes them, and the next makes them anew there. */
	if (!access(root, F_OK)) {
		fprintf(stderr, "%s exists: give a pin root of this run's own\n", root);
		return 1;
	}
	if (o.xdpf_id) {
		xdpf_fd = bpf_prog_get_fd_by_id(o.xdpf_id);
		if (xdpf_fd < 0) {
			fprintf(stderr, "xdp-filter: no program %u: %s\n", o.xdpf_id, strerror(errno));
			return 1;
		}
	}
	nclasses = peer_classes(&classes);
	if (nclasses > MAX_CLASSES) {
		fprintf(stderr, "%d classes: more than %d\n", nclasses, MAX_CLASSES);
		goto out;
	}

	printf("# %u load(s) of %u rounds of %u runs, programs rotated within each round;"
	       " medians, ns\n", o.runs, o.rounds, o.repeat);
	for (unsigned k = 0; k < o.runs; k++) {
		struct result res[MAX_CLASSES];
		int w = one_run(&o, root, xdpf_fd, classes, nclasses, res, have, k == 0);

		if (w < 0)
			goto out;
		wrong += w;
		for (int i = 0; i < nclasses; i++)
			runs[i][k] = res[i];
	}
	header(&o, have);
	for (int i = 0; i < nclasses; i++) {
		struct result r;

		aggregate(runs[i], o.runs, &r);
		row(&classes[i], &r, have, &o);
	}
	fflush(stdout);
	if (wrong)
		fprintf(stderr, "vosfp gave %d class(es) a wrong verdict\n", wrong);
	err = wrong ? 3 : 0;
out:
	if (xdpf_fd >= 0)
		close(xdpf_fd);
	return err;
}
