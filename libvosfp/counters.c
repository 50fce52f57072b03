// SPDX-License-Identifier: BSD-2-Clause
/* Per-reason counters: a per-CPU array in the program, summed here over
 * CPUs and interface rows (the rows themselves: ifcounters.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

static const struct {
	const char *name;
	int drop;
} reasons[] = {
	[VOSFP_CTR_PASSED] = { "passed", 0 },	 [VOSFP_CTR_ALLOWED] = { "allowed", 0 },
	[VOSFP_CTR_BLOCKED] = { "blocked", 1 },	 [VOSFP_CTR_STEALTH] = { "stealth", 1 },
	[VOSFP_CTR_MALFORMED] = { "malformed", 1 }, [VOSFP_CTR_REDIRECTED] = { "redirected", 0 },
	[VOSFP_CTR_KEEPALIVE] = { "keepalive", 0 }, [VOSFP_CTR_SCANNER] = { "scanner", 1 },
	[VOSFP_CTR_RATE_LIMITED] = { "rate_limited", 1 }, [VOSFP_CTR_BANNED] = { "banned", 1 },
};

#define NREASONS ((int)(sizeof(reasons) / sizeof(reasons[0])))
/* The program counts by the same enum vosfp_counter (vosfp_ids.h): every
 * reason it counts needs a name here, and a slot in the counters map. */
_Static_assert(NREASONS <= VOSFP_CTR_SLOTS, "more reasons than counter slots");

VOSFP_API int vosfp_counter_count(void)
{
	return NREASONS;
}

VOSFP_API const char *vosfp_counter_name(int id)
{
	return id >= 0 && id < NREASONS ? reasons[id].name : NULL;
}

VOSFP_API int vosfp_counter_is_drop(int id)
{
	return id >= 0 && id < NREASONS ? reasons[id].drop : -EINVAL;
}

static struct vosfp_counter_val *percpu_buf(int *ncpus)
{
	*ncpus = libbpf_num_possible_cpus();
	if (*ncpus <= 0)
		return NULL;
	return calloc((size_t)*ncpus, sizeof(struct vosfp_counter_val));
}

int vosfp__counter_row_read(struct vosfp *h, uint32_t row, int id, uint64_t *packets,
			    uint64_t *bytes)
{
	int ncpus = libbpf_num_possible_cpus();
	struct vosfp_counter_val *vals;
	__u32 key = row * VOSFP_CTR_SLOTS + (uint32_t)id;
	uint64_t p = 0, b = 0;

	if (ncpus <= 0 || !(vals = calloc((size_t)ncpus, sizeof(*vals))))
		return vosfp__fail(h, -ENOMEM, "cannot size the per-CPU counters");
	if (bpf_map_lookup_elem(h->map_fd[MAP_COUNTERS], &key, vals)) {
		int err = -errno;

		free(vals);
		return vosfp__fail(h, err, "cannot read counter %s: %s", reasons[id].name,
				   strerror(-err));
	}
	for (int c = 0; c < ncpus; c++) {
		p += vals[c].packets;
		b += vals[c].bytes;
	}
	free(vals);
	if (packets)
		*packets = p;
	if (bytes)
		*bytes = b;
	return 0;
}

int vosfp__counter_sum(struct vosfp *h, int id, uint64_t *packets, uint64_t *bytes)
{
	uint64_t p = 0, b = 0;

	for (uint32_t row = 0; row < VOSFP_IFROWS; row++) {
		uint64_t rp, rb;
		int err = vosfp__counter_row_read(h, row, id, &rp, &rb);

		if (err)
			return err;
		p += rp;
		b += rb;
	}
	if (packets)
		*packets = p;
	if (bytes)
		*bytes = b;
	return 0;
}

/* The totals: every row (vosfp_shared.h), so what this returned before
 * counters had rows it still returns, and detaching never lowers it. */
VOSFP_API int vosfp_counter_read(struct vosfp *h, int id, uint64_t *packets, uint64_t *bytes)
{
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (id < 0 || id >= NREASONS)
		return vosfp__fail(h, -EINVAL, "unknown counter id %d (0-%d)", id, NREASONS - 1);
	err = vosfp__counter_sum(h, id, packets, bytes);
	return err ? err : vosfp__ok(h);
}

VOSFP_API int vosfp_counters_reset(struct vosfp *h)
{
	struct vosfp_counter_val *zeros;
	int ncpus;

	if (!h)
		return vosfp__no_handle(__func__);
	zeros = percpu_buf(&ncpus);
	if (!zeros)
		return vosfp__fail(h, -ENOMEM, "cannot size the per-CPU counters");
	for (__u32 key = 0; key < VOSFP_IFROWS * VOSFP_CTR_SLOTS; key++)
		if (bpf_map_update_elem(h->map_fd[MAP_COUNTERS], &key, zeros, BPF_ANY)) {
			int err = -errno;

			free(zeros);
			return vosfp__fail(h, err, "cannot reset counters: %s", strerror(-err));
		}
	free(zeros);
	return vosfp__ok(h);
}

int vosfp__counters_snapshot(struct vosfp *h, uint64_t *packets, int ncpus)
{
	struct vosfp_counter_val *vals = calloc((size_t)ncpus, sizeof(*vals));

	if (!vals)
		return vosfp__fail(h, -ENOMEM, "cannot size the per-CPU counters");
	/* Row "other" only: a test run has no ingress interface (ifindex 0),
	 * so it counts there, and one row keeps a dry run (and a replay, one
	 * per frame) at VOSFP_CTR_SLOTS lookups, not one per row as well. */
	for (__u32 s = 0; s < VOSFP_CTR_SLOTS; s++) {
		__u32 key = VOSFP_IFROW_OTHER * VOSFP_CTR_SLOTS + s;

		if (bpf_map_lookup_elem(h->map_fd[MAP_COUNTERS], &key, vals)) {
			int err = -errno;

			free(vals);
			return vosfp__fail(h, err, "cannot read the counters: %s", strerror(-err));
		}
		for (int c = 0; c < ncpus; c++)
			packets[(size_t)c * VOSFP_CTR_SLOTS + s] = vals[c].packets;
	}
	free(vals);
	return 0;
}
