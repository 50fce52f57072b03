/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ban tables and the verified sources, as the XDP program and the TC
 * egress program use them (layouts and the why in vosfp_shared.h). Included
 * once, by vosfp.bpf.c, after its own maps.
 */
#ifndef VOSFP_BANS_H
#define VOSFP_BANS_H

#ifndef EEXIST
#define EEXIST 17 /* the UAPI errno value; no libc here */
#endif

/* Automatic bans: a plain hash, so that a full table refuses (and counts)
 * instead of evicting a real scanner's ban for a spoofed one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vosfp_addr_key);
	__type(value, struct vosfp_ban_val);
	__uint(max_entries, VOSFP_BAN_SLOTS);
} vosfp_bans SEC(".maps");

/* Bans made by hand: only the library writes them; the program reads them
 * and deletes an expired one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vosfp_addr_key);
	__type(value, struct vosfp_ban_val);
	__uint(max_entries, VOSFP_MBAN_SLOTS);
} vosfp_mbans SEC(".maps");

/* Shared data (vosfp_shared.h); memory-mapped by the library, which
 * stores single words. */
struct vosfp_banflag shared_banflag VOSFP_SHARED_DATA(VOSFP_MAP_BANS_PRESENT);

/* The pre-filter in front of both tables (vosfp_shared.h): two
 * generations of VOSFP_BANF_LINES lines, written by the library through a
 * memory mapping. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_banf_line);
	__uint(max_entries, 2 * VOSFP_BANF_LINES);
	__uint(map_flags, BPF_F_MMAPABLE);
} vosfp_banbits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct vosfp_addr_key);
	__type(value, struct vosfp_verified_val);
	__uint(max_entries, VOSFP_VERIFIED_SLOTS);
} vosfp_verified SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, VOSFP_BSTATS_SLOTS);
} vosfp_bstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VOSFP_BAN_EVENTS_BYTES);
} vosfp_banev SEC(".maps");

static __always_inline void ban_stat(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&vosfp_bstats, &slot);

	if (v)
		*v += 1; /* per-CPU: no other writer */
}

static __always_inline void addr_key(const struct flow *f, struct vosfp_addr_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	if (f->family == L3_V4) {
		k->family = 4;
		__builtin_memcpy(k->addr, &f->saddr4, 4);
	} else {
		k->family = 6;
		__builtin_memcpy(k->addr, &f->saddr6, 16);
	}
}

/* 1 while the source has an unexpired ban in map; an expired one is
 * removed. A permanent ban never expires: it is decided before the clock
 * is read, so no clock value can end it. */
static __always_inline int banned_in(void *map, const struct vosfp_addr_key *k)
{
	struct vosfp_ban_val *ban = bpf_map_lookup_elem(map, k);

	if (!ban)
		return 0;
	if (ban->expires_ns == VOSFP_BAN_FOREVER_NS || ban->expires_ns > bpf_ktime_get_ns())
		return 1;
	bpf_map_delete_elem(map, k);
	return 0;
}

/* 0 when the source can have no ban: its cell in the live generation of
 * the pre-filter is clear. A missing line (never) says "maybe". */
static __always_inline int maybe_banned(const struct vosfp_banflag *fl,
					const struct vosfp_addr_key *k)
{
	__u32 cell = vosfp_banf_cell(k, fl->seed);
	__u32 idx = (fl->gen & 1) * VOSFP_BANF_LINES + cell / VOSFP_BANF_LINE;
	struct vosfp_banf_line *line = bpf_map_lookup_elem(&vosfp_banbits, &idx);

	return !line || line->cell[cell & (VOSFP_BANF_LINE - 1)];
}

/* Set the source's cell and the present flag in both generations (after
 * its ban is in a table: the order the rebuild relies on, vosfp_shared.h). */
static __always_inline void mark_banned(struct vosfp_banflag *fl,
					const struct vosfp_addr_key *k)
{
	__u32 cell = vosfp_banf_cell(k, fl->seed);

	for (__u32 g = 0; g < 2; g++) {
		__u32 idx = g * VOSFP_BANF_LINES + cell / VOSFP_BANF_LINE;
		struct vosfp_banf_line *line = bpf_map_lookup_elem(&vosfp_banbits, &idx);

		if (line)
			line->cell[cell & (VOSFP_BANF_LINE - 1)] = 1;
	}
	fl->present[0] = 1;
	fl->present[1] = 1;
}

/* 1 while the source has an unexpired ban, by hand or automatic. The
 * clock is read only when there is a ban to compare it with, and the
 * tables are looked in only when the pre-filter says the source may be
 * in one. */
static __always_inline int is_banned(const struct vosfp_addr_key *k)
{
	const struct vosfp_banflag *fl = &shared_banflag;

	if (!fl->present[fl->gen & 1] || !maybe_banned(fl, k))
		return 0; /* no ban anywhere, or none for this source */
	return banned_in(&vosfp_mbans, k) || banned_in(&vosfp_bans, k);
}

/* 1 if the server completed a REGISTER or INVITE with this source within
 * verified_ttl. */
static __always_inline int is_verified(const struct vosfp_addr_key *k)
{
	struct vosfp_verified_val *v = bpf_map_lookup_elem(&vosfp_verified, k);

	return v && v->expires_ns > bpf_ktime_get_ns();
}

/* Tell user space (the agent) about a ban just made; a full ring loses
 * the record, never the ban, and says so. */
static __always_inline void ban_event(const struct vosfp_addr_key *k, __u32 reason, __u64 now,
				      __u64 ttl_ns)
{
	struct vosfp_ban_event ev = {
		.ktime_ns = now,
		.ttl_s = (__u32)(ttl_ns / 1000000000ull),
		.reason = reason,
		.family = k->family,
	};

	__builtin_memcpy(ev.addr, k->addr, sizeof(ev.addr));
	if (bpf_ringbuf_output(&vosfp_banev, &ev, sizeof(ev), 0))
		ban_stat(VOSFP_BS_EVENTS_LOST);
}

/*
 * An automatic ban on spoofable evidence (reason: scanner or rate limit).
 * Not made for a verified source: one forged packet must not take a
 * customer off the service. Not made, and counted, when the table is full.
 * The insert does not overwrite: a ban that exists already (another CPU
 * made it a moment ago) is neither extended nor announced again, so each
 * ban gives at most one event. An expired entry left behind is replaced,
 * and that is a new ban.
 */
static __always_inline void ban(const struct vosfp_config *cfg, const struct vosfp_addr_key *k,
				__u32 reason)
{
	struct vosfp_ban_val val = { .reason = reason }, *old;
	__u64 now;
	long err;

	if (!(cfg->flags & VOSFP_CFG_AUTOBAN))
		return;
	if (is_verified(k)) {
		ban_stat(VOSFP_BS_SPARED);
		return;
	}
	now = bpf_ktime_get_ns();
	val.expires_ns = now + cfg->ban_ttl_ns;
	err = bpf_map_update_elem(&vosfp_bans, k, &val, BPF_NOEXIST);
	if (err == -EEXIST) {
		old = bpf_map_lookup_elem(&vosfp_bans, k);
		if (old && old->expires_ns > now)
			return; /* banned already: not a new ban */
		err = bpf_map_update_elem(&vosfp_bans, k, &val, BPF_ANY);
	}
	if (err) {
		/* -E2BIG: full; -ENOMEM: no element free right now. */
		ban_stat(VOSFP_BS_AUTO_REFUSED);
		return;
	}
	mark_banned(&shared_banflag, k);
	ban_event(k, reason, now, cfg->ban_ttl_ns);
}

#endif /* VOSFP_BANS_H */
