/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Whether a source is on the block or the allow list: the live generation's
 * IPv4 bits and TABLEs, the IPv6 Bloom filter and table (layouts and the
 * rules a reader follows in vosfp_shared.h, "Policy lists" and "TABLE").
 * Included once, by vosfp.bpf.c, after maps.h.
 */
#ifndef VOSFP_POLICY_LOOKUP_H
#define VOSFP_POLICY_LOOKUP_H

/* The clock, read once per packet and only when an expiry needs it. */
static __always_inline __u64 clock_now(__u64 *now)
{
	if (!*now)
		*now = bpf_ktime_get_ns();
	return *now;
}

static __always_inline int live(__u64 expires_ns, __u64 *now)
{
	return !expires_ns || expires_ns > clock_now(now);
}

/* The value of an IPv4 key in a TABLE of buckets buckets (a power of
 * two), looked for from bucket home on (vosfp_shared.h, "TABLE"): 1 and
 * *val if it is there and not deleted. The value is read once: the
 * library may delete the key meanwhile, and a half-seen change must not
 * become an expiry. */
static __always_inline int tbl_find4(void *map, __u32 buckets, __u32 home, __u32 key4,
				     __u64 *val)
{
	for (__u32 i = 0; i < VOSFP_TBL_PROBES; i++) {
		__u32 idx = (home + i) & (buckets - 1);
		struct vosfp_tbl_bucket *b = bpf_map_lookup_elem(map, &idx);

		if (!b)
			return 0;
#pragma unroll
		for (int w = 0; w < VOSFP_TBL_WAYS4; w++) {
			struct vosfp_tbl_entry4 *e = &b->e4[w];
			__u32 t = *(volatile __u32 *)&e->tag;

			if (!t)
				return 0;
			if (t == VOSFP_TBL_TAG4 && e->key4 == key4) {
				__u64 v = *(volatile __u64 *)&e->val;

				*val = v;
				return v != VOSFP_TBL_TOMB;
			}
		}
	}
	return 0;
}

/* vosfp_net6_find takes an inner map's index in 8 bits. */
_Static_assert(VOSFP_POL_SLOTS * VOSFP_POL_KINDS <= 0x100, "an inner map's index fits 8 bits");

/*
 * Whether an IPv6 key is in net6 (vosfp_shared.h, "TABLE"): 0 if it is
 * absent or deleted, else 1 + its value (read once, as in tbl_find4; a
 * deleted key's value, VOSFP_TBL_TOMB, is ~0, so 1 + it is 0 too). The key
 * is the masked address (hi, lo) and its tag (1 + level); the table, the
 * inner map at `inner` (VOSFP_POL_INNER(slot, VOSFP_PK_NET6)) of `mask` + 1
 * buckets, searched from `home` (vosfp_net6_home).
 *
 * A global function, verified once and its code emitted once, called only
 * when the Bloom filter says the key may be there: inlined for each of the
 * 17 prefix lengths of both lists, the search made vosfp_decide so long
 * that the x86 JIT of Linux 6.18 gave up on it ("unexpected jmp_cond
 * padding", the load failing with ENOTSUPP). Scalars only, at most five:
 * before Linux 5.12 a global function takes no pointer but the context.
 */
__attribute__((noinline)) __u64 vosfp_net6_find(__u64 hi, __u64 lo, __u32 home, __u32 mask,
						__u32 inner_tag)
{
	__u32 inner = inner_tag & 0xff, tag = inner_tag >> 8;
	void *map;

	map = bpf_map_lookup_elem(&vosfp_ptables, &inner);
	if (!map)
		return 0;
	for (__u32 i = 0; i < VOSFP_TBL_PROBES; i++) {
		__u32 idx = (home + i) & mask;
		struct vosfp_tbl_bucket *b = bpf_map_lookup_elem(map, &idx);

		if (!b)
			return 0;
#pragma unroll
		for (int w = 0; w < VOSFP_TBL_WAYS6; w++) {
			struct vosfp_tbl_entry6 *e = &b->e6[w];
			__u32 t = *(volatile __u32 *)&e->tag;

			if (!t)
				return 0;
			if (t == tag && e->hi == hi && e->lo == lo)
				return 1 + *(volatile __u64 *)&e->val;
		}
	}
	return 0;
}

/* Bit `bit` of the (list, generation) slot's Bloom filter: an inlined
 * array read. */
static __always_inline int bloom_bit(__u32 slot, __u32 bit)
{
	__u32 w = slot * VOSFP_BLOOM6_WORDS + (bit >> 6);
	__u64 *word = bpf_map_lookup_elem(&vosfp_pbloom6, &w);

	return word && ((*word >> (bit & 63)) & 1);
}

/* Whether an IPv4 source (host order) is on a list's live generation. */
static __always_inline int listed4(const struct vosfp_pol_state *st, int list, __u32 gen,
				   __u32 a, __u64 *now)
{
	__u32 slot = VOSFP_POL_SLOT(list, gen);
	struct vosfp_bits4 *bits;
	struct vosfp_slot4 *s;
	void *map;
	__u32 key = slot * VOSFP_BITS4_WORDS + (a >> 14), buckets;
	__u64 bit = 1ull << ((a >> 8) & 63), val;

	bits = bpf_map_lookup_elem(&vosfp_pbits4, &key);
	if (!bits)
		return 0;
	if (bits->cover & bit)
		return 1;
	if (!(bits->detail & bit))
		return 0;
	/* Some address of the /24 is listed; most likely not this one, which
	 * two inlined Bloom reads tell without the record's two helper calls
	 * (vosfp_shared.h, vosfp_bloom4_bit). */
	if (!bloom_bit(slot, vosfp_bloom4_bit(a, VOSFP_BLOOM4_HOST)) &&
	    !bloom_bit(slot, vosfp_bloom4_bit(a >> 8, VOSFP_BLOOM4_NET24)))
		return 0;
	key = VOSFP_POL_INNER(slot, VOSFP_PK_SLOT4);
	map = bpf_map_lookup_elem(&vosfp_ptables, &key);
	key = a >> 8;
	buckets = st->gens[list][gen].tbl[VOSFP_PK_SLOT4].buckets;
	if (!map || !tbl_find4(map, buckets, vosfp_tbl_home4(key), key, &val))
		return 0;
	key = (__u32)val;
	s = bpf_map_lookup_elem(map, &key); /* the record */
	if (!s)
		return 0;
	if ((s->hosts[(a >> 6) & 3] >> (a & 63)) & 1)
		return 1;
	if (s->whole_expires_ns && s->whole_expires_ns > clock_now(now))
		return 1;
	if (s->host_ttls) {
		key = VOSFP_POL_INNER(slot, VOSFP_PK_HOST4);
		map = bpf_map_lookup_elem(&vosfp_ptables, &key);
		buckets = st->gens[list][gen].tbl[VOSFP_PK_HOST4].buckets;
		if (map && tbl_find4(map, buckets, vosfp_tbl_home4(a), a, &val) &&
		    live(val, now))
			return 1;
	}
	return 0;
}

/* Whether an IPv6 source is on a list: per level in use, the Bloom bit,
 * and only if it is set a table lookup. */
static __always_inline int listed6(const struct vosfp_pol_state *st, int list, __u32 gen,
				   __u32 levels, const struct in6_addr *src, __u64 *now)
{
	__u32 slot = VOSFP_POL_SLOT(list, gen);
	__u32 inner = VOSFP_POL_INNER(slot, VOSFP_PK_NET6);
	__u64 hi = bpf_be64_to_cpu(*(const __u64 *)&src->s6_addr[0]);
	__u64 lo = bpf_be64_to_cpu(*(const __u64 *)&src->s6_addr[8]);

	/* The levels four at a time: one test skips a group none of which
	 * is in use (most are), where a test per level, for both lists, cost
	 * a source on neither some 15-20 ns with the SRSO return thunk
	 * (bench/README.md, "Layout 5"). */
#pragma unroll
	for (int g = 0; g < (VOSFP_V6_LEVELS + 3) / 4; g++) {
		if (!((levels >> (4 * g)) & 0xf))
			continue;
#pragma unroll
		for (int j = 0; j < 4; j++) {
			const int i = 4 * g + j, level = i * 8;
			__u64 mh, ml, x, found;

			if (i >= VOSFP_V6_LEVELS || !((levels >> i) & 1))
				continue;
			mh = level >= 64 ? hi : level ? hi & (~0ull << (64 - level)) : 0;
			ml = level <= 64 ? 0 : level == 128 ? lo : lo & (~0ull << (128 - level));
			x = vosfp_net6_hash(mh, ml, level);
			if (!bloom_bit(slot, vosfp_bloom6_bit(x)))
				continue;
			found = vosfp_net6_find(mh, ml, vosfp_net6_home(x),
						st->gens[list][gen].tbl[VOSFP_PK_NET6].buckets - 1,
						inner | (__u32)(1 + level) << 8);
			if (found && live(found - 1, now))
				return 1;
		}
	}
	return 0;
}

static __always_inline int listed(const struct vosfp_pol_state *st, int list,
				  const struct flow *f, __u64 *now)
{
	__u32 gen = st->gen[list] & 1;

	if (f->family == L3_V4)
		return st->gens[list][gen].v4_used &&
		       listed4(st, list, gen, bpf_ntohl(f->saddr4), now);
	return st->gens[list][gen].v6_levels &&
	       listed6(st, list, gen, st->gens[list][gen].v6_levels, &f->saddr6, now);
}

#endif /* VOSFP_POLICY_LOOKUP_H */
