// SPDX-License-Identifier: BSD-2-Clause
/*
 * Counters per interface: the rows of the counters map (vosfp_shared.h),
 * given to an interface at attach, folded into the "detached" row and freed
 * at detach, and read by interface name or index.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

static int row_get(struct vosfp *h, uint32_t row, struct vosfp_ifrow *out)
{
	if (bpf_map_lookup_elem(h->map_fd[MAP_IFROWS], &row, out))
		return vosfp__fail(h, -errno, "cannot read counter row %u: %s", row,
				   strerror(errno));
	return 0;
}

static int row_set(struct vosfp *h, uint32_t row, const struct vosfp_ifrow *r)
{
	if (bpf_map_update_elem(h->map_fd[MAP_IFROWS], &row, r, BPF_ANY))
		return vosfp__fail(h, -errno, "cannot write counter row %u: %s", row,
				   strerror(errno));
	return 0;
}

static int index_set(struct vosfp *h, uint32_t ifindex, uint32_t row)
{
	if (bpf_map_update_elem(h->map_fd[MAP_IFINDEX], &ifindex, &row, BPF_ANY))
		return vosfp__fail(h, -errno, "ifindex %u: cannot set its counter row: %s",
				   ifindex, strerror(errno));
	return 0;
}

/* The row of ifindex in the program's table, 0 if none. */
static int index_get(struct vosfp *h, uint32_t ifindex, uint32_t *row)
{
	*row = 0;
	if (ifindex >= VOSFP_IFINDEX_SLOTS)
		return 0;
	if (bpf_map_lookup_elem(h->map_fd[MAP_IFINDEX], &ifindex, row))
		return vosfp__fail(h, -errno, "ifindex %u: cannot read its counter row: %s",
				   ifindex, strerror(errno));
	if (*row >= VOSFP_IFROWS)
		*row = 0;
	return 0;
}

/* One row's slots as per-CPU values (ncpus x VOSFP_CTR_SLOTS, CPU-major
 * per slot as the kernel returns them), read or written slot by slot. */
static int row_values(struct vosfp *h, uint32_t row, struct vosfp_counter_val *vals, int ncpus,
		      bool write)
{
	for (uint32_t s = 0; s < VOSFP_CTR_SLOTS; s++) {
		__u32 key = row * VOSFP_CTR_SLOTS + s;
		struct vosfp_counter_val *v = vals + (size_t)s * ncpus;
		int err = write ? bpf_map_update_elem(h->map_fd[MAP_COUNTERS], &key, v, BPF_ANY)
				: bpf_map_lookup_elem(h->map_fd[MAP_COUNTERS], &key, v);

		if (err)
			return vosfp__fail(h, -errno, "cannot %s counter row %u: %s",
					   write ? "write" : "read", row, strerror(errno));
	}
	return 0;
}

/*
 * Add row's figures to the "detached" row and zero row. Only the library
 * writes the detached row, and row's interface no longer runs the program,
 * so neither read-modify-write races with the program's increments; the
 * totals (the sum of all rows) stay the same.
 */
static int fold_row(struct vosfp *h, uint32_t row)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	struct vosfp_counter_val *from, *into;
	size_t n;

	if (ncpus <= 0)
		return vosfp__fail(h, -EINVAL, "cannot size the per-CPU counters");
	n = (size_t)ncpus * VOSFP_CTR_SLOTS;
	from = calloc(n, sizeof(*from));
	into = calloc(n, sizeof(*into));
	err = from && into ? 0 : vosfp__fail(h, -ENOMEM, "out of memory");
	if (!err)
		err = row_values(h, row, from, ncpus, false);
	if (!err)
		err = row_values(h, VOSFP_IFROW_DETACHED, into, ncpus, false);
	for (size_t i = 0; !err && i < n; i++) {
		into[i].packets += from[i].packets;
		into[i].bytes += from[i].bytes;
	}
	/* Detached row first: a failure in between counts a figure twice in
	 * the totals, never loses one. */
	if (!err)
		err = row_values(h, VOSFP_IFROW_DETACHED, into, ncpus, true);
	if (!err) {
		memset(from, 0, n * sizeof(*from));
		err = row_values(h, row, from, ncpus, true);
	}
	free(from);
	free(into);
	return err;
}

/*
 * Two processes attaching at once must not both take the same free row:
 * the scan and the claim run under an exclusive flock of the pin root
 * (bpffs holds no lock files; the directory is the one file every user of
 * the root shares, and policy writers lock it too, only ever briefly here).
 */
static int rows_lock(struct vosfp *h)
{
	return vosfp__root_lock(h, LOCK_EX);
}

static int ifrow_attach(struct vosfp *h, const char *ifname, uint32_t ifindex);
static int ifrow_detach(struct vosfp *h, const char *ifname, uint32_t ifindex);

int vosfp__ifrow_attach(struct vosfp *h, const char *ifname, uint32_t ifindex)
{
	int lock = rows_lock(h), err;

	if (lock < 0)
		return lock;
	err = ifrow_attach(h, ifname, ifindex);
	close(lock);
	return err;
}

int vosfp__ifrow_detach(struct vosfp *h, const char *ifname, uint32_t ifindex)
{
	int lock = rows_lock(h), err;

	if (lock < 0)
		return lock;
	err = ifrow_detach(h, ifname, ifindex);
	close(lock);
	return err;
}

static int ifrow_attach(struct vosfp *h, const char *ifname, uint32_t ifindex)
{
	struct vosfp_ifrow r = { .ifindex = ifindex };
	uint32_t row, free_row = 0;
	int err;

	if (ifindex >= VOSFP_IFINDEX_SLOTS) {
		vosfp__log(VOSFP_LOG_INFO, "%s: ifindex %u is past the per-interface table (%u): "
			   "its packets count as other", ifname, ifindex, VOSFP_IFINDEX_SLOTS);
		return 0;
	}
	err = index_get(h, ifindex, &row);
	if (err)
		return err;
	if (row >= VOSFP_IFROW_FIRST) {
		struct vosfp_ifrow old;

		err = row_get(h, row, &old);
		if (err || (old.ifindex == ifindex && !strncmp(old.name, ifname, sizeof(old.name))))
			return err; /* its own row, kept from before */
		/* Another interface's row (a gone one, or another namespace's
		 * with the same index): its figures go to "detached". */
		err = fold_row(h, row);
		free_row = row;
	}
	for (row = VOSFP_IFROW_FIRST; !err && !free_row && row < VOSFP_IFROWS; row++) {
		struct vosfp_ifrow cur;

		err = row_get(h, row, &cur);
		if (!err && !cur.ifindex)
			free_row = row;
	}
	if (err)
		return err;
	if (!free_row) {
		vosfp__log(VOSFP_LOG_INFO, "%s: all %d counter rows are in use: its packets count "
			   "as other", ifname, VOSFP_IFROWS - VOSFP_IFROW_FIRST);
		return 0;
	}
	snprintf(r.name, sizeof(r.name), "%s", ifname);
	/* Name the row before the program can count into it. */
	err = row_set(h, free_row, &r);
	if (!err)
		err = index_set(h, ifindex, free_row);
	return err;
}

static int ifrow_detach(struct vosfp *h, const char *ifname, uint32_t ifindex)
{
	struct vosfp_ifrow empty = { 0 }, cur;
	uint32_t row;
	int err = index_get(h, ifindex, &row);

	if (err || row < VOSFP_IFROW_FIRST)
		return err;
	if (ifname) {
		err = row_get(h, row, &cur);
		if (err || strncmp(cur.name, ifname, sizeof(cur.name)))
			return err;
	}
	/* Off the program's table first, so that nothing counts into the row
	 * while it is folded. */
	err = index_set(h, ifindex, 0);
	if (!err)
		err = fold_row(h, row);
	if (!err)
		err = row_set(h, row, &empty);
	return err;
}

/* The row of iface: a name a row holds (so that a row is found from any
 * network namespace), else a decimal ifindex or a name of this namespace
 * the program's table maps to a row. */
static int find_row(struct vosfp *h, const char *iface, uint32_t *out)
{
	char *end;
	unsigned long idx;
	uint32_t row;
	int err;

	for (row = VOSFP_IFROW_FIRST; row < VOSFP_IFROWS; row++) {
		struct vosfp_ifrow r;

		err = row_get(h, row, &r);
		if (err)
			return err;
		if (r.ifindex && !strncmp(r.name, iface, sizeof(r.name))) {
			*out = row;
			return 0;
		}
	}
	errno = 0;
	idx = strtoul(iface, &end, 10);
	if (*iface < '0' || *iface > '9' || *end || errno || idx > UINT32_MAX)
		idx = if_nametoindex(iface);
	if (!idx)
		return vosfp__fail(h, -ENODEV, "%s: no such interface, and no counter row has "
				   "that name", iface);
	err = index_get(h, (uint32_t)idx, &row);
	if (err)
		return err;
	if (row < VOSFP_IFROW_FIRST)
		return vosfp__fail(h, -ENOENT, "%s: no counters of its own (not attached on %s, "
				   "or attached before 0.2 or past the table): its packets count "
				   "in the totals only", iface, h->pin_root);
	*out = row;
	return 0;
}

VOSFP_API int vosfp_counter_read_iface(struct vosfp *h, const char *iface, int id,
				       uint64_t *packets, uint64_t *bytes)
{
	uint32_t row = 0;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!iface || !*iface || strlen(iface) >= IF_NAMESIZE)
		return vosfp__fail(h, -EINVAL, "vosfp_counter_read_iface: interface is %s",
				   !iface ? "NULL" : !*iface ? "empty" : "too long");
	if (id < 0 || id >= vosfp_counter_count())
		return vosfp__fail(h, -EINVAL, "unknown counter id %d (0-%d)", id,
				   vosfp_counter_count() - 1);
	err = find_row(h, iface, &row);
	if (!err)
		err = vosfp__counter_row_read(h, row, id, packets, bytes);
	return err ? err : vosfp__ok(h);
}

VOSFP_API int vosfp_counter_iface(struct vosfp *h, int pos, char *name, size_t len,
				  int *ifindex)
{
	int seen = 0;

	if (!h)
		return vosfp__no_handle(__func__);
	if (pos < 0 || !name || !len)
		return vosfp__fail(h, -EINVAL, "vosfp_counter_iface: %s", pos < 0 ? "negative "
				   "position" : "no buffer for the name");
	for (uint32_t row = VOSFP_IFROW_FIRST; row < VOSFP_IFROWS; row++) {
		struct vosfp_ifrow r;
		int err = row_get(h, row, &r);

		if (err)
			return err;
		if (!r.ifindex || seen++ < pos)
			continue;
		if (strnlen(r.name, sizeof(r.name)) >= len)
			return vosfp__fail(h, -ENOSPC, "vosfp_counter_iface: name buffer of %zu "
					   "bytes is too small", len);
		snprintf(name, len, "%.*s", (int)sizeof(r.name), r.name);
		if (ifindex)
			*ifindex = (int)r.ifindex;
		return vosfp__ok(h);
	}
	return vosfp__fail(h, -ENOENT, "no interface at position %d (%d have counters)", pos,
			   seen);
}
