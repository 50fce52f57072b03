// SPDX-License-Identifier: BSD-2-Clause
/* Dry run of one frame through the loaded program (BPF_PROG_TEST_RUN). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

/* XDP test runs take at most a page minus headroom and tailroom; the TC
 * egress program's runs are held to the same bound. */
#define MAX_FRAME 3500

int vosfp__test_run(struct vosfp *h, const char *what, int (*prog_fd)(struct vosfp *h),
		    const void *frame, size_t len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int prog;

	if (!h)
		return vosfp__no_handle(what);
	if (!frame || !retval)
		return vosfp__fail(h, -EINVAL, "%s: frame and verdict are required", what);
	if (len < ETH_HLEN || len > MAX_FRAME)
		return vosfp__fail(h, -EINVAL, "frame of %zu bytes: must be %d to %d bytes", len,
				   ETH_HLEN, MAX_FRAME);
	prog = prog_fd(h);
	if (prog < 0)
		return prog;
	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.repeat = 1;
	if (bpf_prog_test_run_opts(prog, &opts))
		return vosfp__fail(h, -errno, "test run failed: %s", strerror(errno));
	*retval = opts.retval;
	return 0;
}

/* One run of the XDP program: the verdict, or a recorded negative errno. */
static int run_xdp(struct vosfp *h, const char *what, const void *frame, size_t len,
		   int *verdict)
{
	uint32_t ret;
	int err = vosfp__test_run(h, what, vosfp__prog_fd, frame, len, verdict ? &ret : NULL);

	if (err)
		return err;
	if (ret > XDP_REDIRECT)
		return vosfp__fail(h, -EIO, "unexpected XDP verdict %u", ret);
	*verdict = (int)ret;
	return 0;
}

VOSFP_API int vosfp_test_packet(struct vosfp *h, const void *frame, size_t len, int *verdict)
{
	int err = run_xdp(h, "vosfp_test_packet", frame, len, verdict);

	return err ? err : vosfp__ok(h);
}

/* The one counter that moved by one between before and after, on CPU cpu
 * (-1: summed over all); VOSFP_REASON_NONE if none moved, else
 * VOSFP_REASON_UNKNOWN (other traffic counted meanwhile, or a reason with
 * no public name). */
static int moved_counter(const uint64_t *before, const uint64_t *after, int ncpus, int cpu)
{
	int reason = VOSFP_REASON_NONE;

	for (int id = 0; id < VOSFP_CTR_SLOTS; id++) {
		uint64_t delta = 0;

		for (int c = 0; c < ncpus; c++) {
			size_t i = (size_t)c * VOSFP_CTR_SLOTS + (size_t)id;

			if (cpu < 0 || c == cpu)
				delta += after[i] - before[i];
		}
		if (!delta)
			continue;
		if (reason != VOSFP_REASON_NONE || delta != 1 || id >= vosfp_counter_count())
			return VOSFP_REASON_UNKNOWN;
		reason = id;
	}
	return reason;
}

/* The counter the run moved. BPF_PROG_TEST_RUN runs the program on the
 * caller's CPU, so when the caller was on one CPU before and after the run,
 * only that CPU's slots are looked at: live traffic on an attached root,
 * counted on other CPUs meanwhile, neither blurs the reason nor passes for
 * it (a frame not ours stays VOSFP_REASON_NONE). Otherwise (the thread
 * moved), the sums over all CPUs. */
static int run_reason(const uint64_t *before, const uint64_t *after, int ncpus, int cpu)
{
	return moved_counter(before, after, ncpus, cpu >= 0 && cpu < ncpus ? cpu : -1);
}

VOSFP_API int vosfp_test_packet_ex(struct vosfp *h, const void *frame, size_t len,
				   struct vosfp_test_packet_opts *opts)
{
	const size_t min_sz = offsetof(struct vosfp_test_packet_opts, verdict) + sizeof(int);
	int ncpus, cpu, verdict = 0, err;
	uint64_t *before, *after;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!opts || opts->sz < min_sz)
		return vosfp__fail(h, -EINVAL, "vosfp_test_packet_ex: opts is NULL or its sz %zu "
				   "too small", opts ? opts->sz : 0);
	for (size_t i = sizeof(*opts); i < opts->sz; i++)
		if (((const char *)opts)[i])
			return vosfp__fail(h, -EINVAL, "vosfp_test_packet_opts has fields this "
					   "libvosfp (%s) does not know", vosfp_version());
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return vosfp__fail(h, -ENOMEM, "cannot size the per-CPU counters");
	before = calloc(2 * (size_t)ncpus * VOSFP_CTR_SLOTS, sizeof(*before));
	if (!before)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	after = before + (size_t)ncpus * VOSFP_CTR_SLOTS;
	err = vosfp__counters_snapshot(h, before, ncpus);
	cpu = sched_getcpu();
	if (!err)
		err = run_xdp(h, "vosfp_test_packet_ex", frame, len, &verdict);
	if (cpu != sched_getcpu())
		cpu = -1;
	if (!err)
		err = vosfp__counters_snapshot(h, after, ncpus);
	if (!err) {
		opts->verdict = verdict;
		if (opts->sz >= offsetof(struct vosfp_test_packet_opts, reason) + sizeof(int))
			opts->reason = run_reason(before, after, ncpus, cpu);
	}
	free(before);
	return err ? err : vosfp__ok(h);
}
