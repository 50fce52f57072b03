// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The vosfp XDP program: one pass over each frame, cheapest decisions first
 * (see DESIGN.md, "Data path"). Frames that are not UDP or TCP to a
 * configured SIP port pass untouched and uncounted: the filter never harms
 * traffic it does not own. Every other frame is counted under exactly one
 * reason.
 */
#include "parse_headers.h"
#include "sip_classify.h"
#include "vosfp_shared.h"

/*
 * Policy lists: one outer map holding the inner maps of every (list,
 * generation) and kind; layouts and meaning in vosfp_shared.h. The inner
 * definition is the template the kernel checks the library's inner maps
 * against; the library sizes each inner map (BPF_F_INNER_MAP lets sizes
 * differ).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_POL_KINDS);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__uint(map_flags, BPF_F_INNER_MAP | BPF_F_MMAPABLE);
		__type(key, __u32);
		__type(value, struct vosfp_tbl_bucket);
		__uint(max_entries, 1);
	});
} vosfp_ptables SEC(".maps");

/* clang describes types reached only two pointers deep (the template's
 * value) as forward declarations, which libbpf cannot size; this
 * read-only variable, never used, gives it a full description. */
const volatile struct vosfp_tbl_bucket btf_tbl_bucket;

/* The IPv4 bits of all four (list, generation) pairs in one plain array,
 * VOSFP_BITS4_WORDS words each: a direct array lookup is inlined by the
 * verifier, where an inner map would cost a helper call per list. Memory-
 * mapped by the library, which reads and writes the words in place instead
 * of a syscall per batch (this and the Bloom words below). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_bits4);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_BITS4_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
} vosfp_pbits4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_BLOOM6_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
} vosfp_pbloom6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_pol_state);
	__uint(max_entries, 1);
} vosfp_pstate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_config);
	__uint(max_entries, 1);
} vosfp_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_counter_val);
	__uint(max_entries, VOSFP_CTR_SLOTS);
} vosfp_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, VOSFP_XSK_SLOTS);
} vosfp_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct vosfp_addr_key);
	__type(value, struct vosfp_rate_val);
	__uint(max_entries, VOSFP_RATE_SLOTS);
} vosfp_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct vosfp_ua_val);
	__uint(max_entries, VOSFP_UA_SLOTS);
} vosfp_ua_sigs SEC(".maps");

static __always_inline int count(__u32 reason, __u64 bytes, int verdict)
{
	struct vosfp_counter_val *c = bpf_map_lookup_elem(&vosfp_counters, &reason);

	/* Per-CPU slot: no other writer, no atomics needed. */
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
	return verdict;
}

/* The ban tables and verified sources, and the egress program that learns
 * them; after the maps above, which they use. */
#include "bans.h"
#include "egress.h"

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
	key = VOSFP_POL_INNER(slot, VOSFP_PK_SLOT4);
	map = bpf_map_lookup_elem(&vosfp_ptables, &key);
	key = a >> 8;
	buckets = st->tbl_buckets[list][gen][VOSFP_PK_SLOT4];
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
		buckets = st->tbl_buckets[list][gen][VOSFP_PK_HOST4];
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

#pragma unroll
	for (int i = 0; i < VOSFP_V6_LEVELS; i++) {
		const int level = i * 8;
		__u64 mh, ml, *word, x, found;
		__u32 bit, w;

		if (!((levels >> i) & 1))
			continue;
		mh = level >= 64 ? hi : level ? hi & (~0ull << (64 - level)) : 0;
		ml = level <= 64 ? 0 : level == 128 ? lo : lo & (~0ull << (128 - level));
		x = vosfp_net6_hash(mh, ml, level);
		bit = vosfp_bloom6_bit(x);
		w = slot * VOSFP_BLOOM6_WORDS + (bit >> 6);
		word = bpf_map_lookup_elem(&vosfp_pbloom6, &w);
		if (!word || !((*word >> (bit & 63)) & 1))
			continue;
		found = vosfp_net6_find(mh, ml, vosfp_net6_home(x),
					st->tbl_buckets[list][gen][VOSFP_PK_NET6] - 1,
					inner | (__u32)(1 + level) << 8);
		if (found && live(found - 1, now))
			return 1;
	}
	return 0;
}

static __always_inline int listed(const struct vosfp_pol_state *st, int list,
				  const struct flow *f, __u64 *now)
{
	__u32 gen = st->gen[list] & 1;

	if (f->family == L3_V4)
		return st->v4_used[list][gen] && listed4(st, list, gen, bpf_ntohl(f->saddr4), now);
	return st->v6_levels[list][gen] &&
	       listed6(st, list, gen, st->v6_levels[list][gen], &f->saddr6, now);
}

/* GCRA: 1 if this request goes over the source's rate. Two CPUs updating
 * one source at once may both pass: the limit is approximate by at most a
 * request per CPU, which costs no lock on the fast path. */
static __always_inline int over_rate(const struct vosfp_config *cfg,
				     const struct vosfp_addr_key *k)
{
	struct vosfp_rate_val *r;
	__u64 tat, now;

	if (!cfg->rate_interval_ns)
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&vosfp_rate, k);
	if (!r) {
		struct vosfp_rate_val first = { .tat_ns = now + cfg->rate_interval_ns };

		bpf_map_update_elem(&vosfp_rate, k, &first, BPF_ANY);
		return 0;
	}
	tat = r->tat_ns > now ? r->tat_ns : now;
	if (tat - now > cfg->rate_tau_ns)
		return 1;
	r->tat_ns = tat + cfg->rate_interval_ns;
	return 0;
}

/* The last step for every SIP packet we let through: an AF_XDP socket on
 * this RX queue takes it, else the kernel stack does. */
static __always_inline int deliver(struct xdp_md *ctx, __u32 reason, __u64 bytes)
{
	__u32 queue = ctx->rx_queue_index;

	if (bpf_map_lookup_elem(&vosfp_xsks, &queue)) {
		count(VOSFP_CTR_REDIRECTED, bytes, 0);
		/* XDP_PASS as the fallback if the socket went away meanwhile. */
		return bpf_redirect_map(&vosfp_xsks, queue, XDP_PASS);
	}
	return count(reason, bytes, XDP_PASS);
}

/* Where a scan starts: the payload at off, plus from; NULL when either is
 * out of range. start < 0x4800, so the mask changes nothing; once the
 * compiler cannot see through it, it shows the verifier the bound. */
static __always_inline const __u8 *scan_start(struct xdp_md *ctx, __u32 off, __u32 from)
{
	void *data = (void *)(long)ctx->data;
	__u32 start = off + from;

	if (off > 0x3fff || from > 0x7ff)
		return NULL;
	SIP_OPAQUE(start);
	return (const __u8 *)data + (start & 0x7fff);
}

/*
 * The last bytes of a scan, one at a time: fewer than a word before the end
 * of the data, or the end of the window (left: bytes of it still to look
 * at, at most 9). Global functions of their own: reached from any step of
 * a word loop, each is verified once instead of once per step.
 */
__attribute__((noinline)) int vosfp_find_tail(struct xdp_md *ctx, __u32 off, __u32 len, __u32 from,
					      __u32 abc_left)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 a = abc_left & 0xff, b = (abc_left >> 8) & 0xff, c = (abc_left >> 16) & 0xff;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 left = abc_left >> 24;

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 k = 0; k < 9; k++) {
		const __u8 *q = p + k;

		SIP_OPAQUE(q);
		if (k >= left)
			break;
		if (from + k >= len || (void *)(q + 1) > data_end)
			return (int)len;
		if (*q == a || *q == b || *q == c)
			return (int)(from + k);
	}
	return (int)SIP_NOT_SEEN;
}

__attribute__((noinline)) int vosfp_find_line_u_tail(struct xdp_md *ctx, __u32 off, __u32 len,
						     __u32 from, __u32 left)
{
	void *data_end = (void *)(long)ctx->data_end;
	const __u8 *p = scan_start(ctx, off, from);

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 k = 0; k < 9; k++) {
		const __u8 *q = p + k;

		SIP_OPAQUE(q);
		if (k >= left)
			break;
		if (from + k >= len || (void *)(q + 1) > data_end)
			return (int)len;
		if (*q != '\n')
			continue;
		if (from + k + 1 >= len || (void *)(q + 2) > data_end)
			return (int)(from + k);
		if ((q[1] | 0x20) == 'u' || q[1] == '\r' || q[1] == '\n')
			return (int)(from + k);
	}
	return (int)SIP_NOT_SEEN;
}

/*
 * The one scan primitive (see sip_find in sip_classify.h): the index of the
 * first byte equal to any of the three bytes of abc at or after `from` in the
 * payload at `off`. A global (non-inlined, non-static) function is verified
 * once, on its own, whatever path led to it: the verifier's work for the
 * byte loops stays independent of the L2/L3 variants and of the callers.
 */
__attribute__((noinline)) int vosfp_find(struct xdp_md *ctx, __u32 off, __u32 len, __u32 from,
					 __u32 abc)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 a = abc & 0xff, b = (abc >> 8) & 0xff, c = (abc >> 16) & 0xff;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 i = 0;

	if (!p)
		return (int)SIP_NOT_SEEN;
	/* Eight bytes a step while a whole word fits... */
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 8; w++) {
		const __u8 *q = p + i;
		__u64 m;

		SIP_OPAQUE(q);
		if (from + i + 8 > len || (void *)(q + 8) > data_end)
			break;
		m = sip_bytes_equal(SIP_LOAD64(q), a, b, c);
		if (m)
			return (int)(from + i + sip_first_byte(m));
		i += 8;
	}
	/* ...then byte by byte: fewer than 8 before the end, or the rest of
	 * the window. The same answers as a plain byte loop. */
	return vosfp_find_tail(ctx, off, len, from + i,
			       abc | (SIP_FIND_WINDOW - i < 9 ? SIP_FIND_WINDOW - i : 9) << 24);
}

/* The high bit of each byte of `next` (the word one byte after a word)
 * that may start a User-Agent line or the empty line: u, U, CR or LF. */
static __always_inline __u64 sip_line_u_starts(__u64 next)
{
	const __u64 ones = 0x0101010101010101ull;

	return sip_zero_bytes((next | VOSFP_UA_FOLD) ^ (ones * 'u')) |
	       sip_zero_bytes(next ^ (ones * '\r')) | sip_zero_bytes(next ^ (ones * '\n'));
}

/* sip_find_line_u (see sip_classify.h), sixteen then eight bytes a step:
 * the bytes after each '\n' of a word are the same word loaded one byte
 * later, and most words hold no '\n', so only those that do load it.
 * Two words a step halve the bounds checks and the loop overhead of a walk
 * through headers that have no User-Agent (the whole of most requests). */
__attribute__((noinline)) int vosfp_find_line_u(struct xdp_md *ctx, __u32 off, __u32 len,
						__u32 from)
{
	const __u64 nls = 0x0101010101010101ull * '\n';
	void *data_end = (void *)(long)ctx->data_end;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 i = 0;

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 16; w++) {
		const __u8 *q = p + i;
		__u64 nl0, nl1, hits;

		SIP_OPAQUE(q);
		if (from + i + 17 > len || (void *)(q + 17) > data_end)
			break;
		nl0 = sip_zero_bytes(SIP_LOAD64(q) ^ nls);
		nl1 = sip_zero_bytes(SIP_LOAD64(q + 8) ^ nls);
		if (nl0 | nl1) {
			hits = nl0 ? nl0 & sip_line_u_starts(SIP_LOAD64(q + 1)) : 0;
			if (hits)
				return (int)(from + i + sip_first_byte(hits));
			hits = nl1 ? nl1 & sip_line_u_starts(SIP_LOAD64(q + 9)) : 0;
			if (hits)
				return (int)(from + i + 8 + sip_first_byte(hits));
		}
		i += 16;
	}
	/* At most one more whole word: fewer than 17 bytes were left, or the
	 * window has fewer than 16 (SIP_FIND_WINDOW % 16 == 12). */
	{
		const __u8 *q = p + i;
		__u64 nl, hits;

		SIP_OPAQUE(q);
		if (i + 8 <= SIP_FIND_WINDOW && from + i + 9 <= len &&
		    (void *)(q + 9) <= data_end) {
			nl = sip_zero_bytes(SIP_LOAD64(q) ^ nls);
			hits = nl ? nl & sip_line_u_starts(SIP_LOAD64(q + 1)) : 0;
			if (hits)
				return (int)(from + i + sip_first_byte(hits));
			i += 8;
		}
	}
	return vosfp_find_line_u_tail(ctx, off, len, from + i,
				      SIP_FIND_WINDOW - i < 9 ? SIP_FIND_WINDOW - i : 9);
}

struct sip_src {
	struct xdp_md *ctx;
	__u32 off, len;
};

static __always_inline __u32 sip_find(const struct sip_src *src, __u32 from, __u8 a, __u8 b,
				      __u8 c)
{
	return (__u32)vosfp_find(src->ctx, src->off, src->len, from,
				 (__u32)a | (__u32)b << 8 | (__u32)c << 16);
}

static __always_inline __u32 sip_find_line_u(const struct sip_src *src, __u32 from)
{
	return (__u32)vosfp_find_line_u(src->ctx, src->off, src->len, from);
}

/* sip_value_after_name (see sip_classify.h) in a global function of its
 * own: its white-space loops are verified once, not once per header line. */
__attribute__((noinline)) int vosfp_header_value(struct xdp_md *ctx, __u32 off, __u32 len,
						 __u32 at)
{
	const __u8 *p = scan_start(ctx, off, 0);

	if (!p)
		return 0;
	return (int)sip_value_after_name(p, (void *)(long)ctx->data_end, len, at);
}

static __always_inline __u32 sip_header_value(const struct sip_src *src, __u32 at)
{
	return (__u32)vosfp_header_value(src->ctx, src->off, src->len, at);
}

/* The first-line classifier, as a global function for the same reason. */
__attribute__((noinline)) int vosfp_classify_payload(struct xdp_md *ctx, __u32 off, __u32 len,
						    __u32 settled)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sip_src src = { .ctx = ctx, .off = off, .len = len };

	if (off > 0x3fff)
		return SIP_RESULT(SIP_UNDECIDED, 0);
	return sip_classify(&src, (const __u8 *)data + off, data_end, len, settled);
}

/* Offset of the User-Agent value in the payload at off, or 0. */
__attribute__((noinline)) int vosfp_user_agent(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sip_src src = { .ctx = ctx, .off = off, .len = len };

	if (off > 0x3fff)
		return 0;
	return (int)sip_user_agent_offset(&src, (const __u8 *)data + off, data_end, len);
}

/* 1 if the value at voff starts with a scanner signature: one hash lookup
 * on its first bytes, whatever the number of signatures. */
__attribute__((noinline)) int vosfp_ua_match(struct xdp_md *ctx, __u32 off, __u32 len, __u32 voff)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct vosfp_ua_val *cand;
	__u32 key, pos = off + voff;
	const __u8 *v;

	if (off > 0x3fff || voff > SIP_HDR_SCAN + 16 || voff >= len)
		return 0;
	/* pos < 0x4600: the mask changes nothing but keeps the bound visible. */
	SIP_OPAQUE(pos);
	v = (const __u8 *)data + (pos & 0x7fff);
	if (sip_ua_key(v, data_end, len - voff, &key))
		return 0;
	cand = bpf_map_lookup_elem(&vosfp_ua_sigs, &key);
	return cand ? sip_ua_match(v, data_end, len - voff, cand) : 0;
}

/* 1 if the request's User-Agent starts with a scanner signature. The two
 * halves are global functions, each verified once: the header walk has
 * many ways out, and each would otherwise be verified with the match. */
static __always_inline int scanner_match(struct xdp_md *ctx, __u32 off, __u32 len)
{
	int voff = vosfp_user_agent(ctx, off, len);

	return voff > 0 && vosfp_ua_match(ctx, off, len, (__u32)voff);
}

/* 1 if the frame is UDP or TCP to one of the configured SIP ports. */
static __always_inline int to_sip_port(void *data, void *data_end, const struct vosfp_config *cfg,
				       struct flow *f)
{
	if (parse_l4(data, data_end, f) < 0)
		return 0;
	return (cfg->port_bitmap[(f->dport >> 5) & (VOSFP_PORT_WORDS - 1)] >> (f->dport & 31)) & 1;
}

/*
 * Every decision after the IP header, as a global function: the header
 * parser reaches it by dozens of paths (VLAN tags, IPv4 options, IPv6
 * extension headers), and a global function is verified once for all of
 * them instead of once per path.
 */
__attribute__((noinline)) int vosfp_decide(struct xdp_md *ctx, __u32 l3_off, __u32 l4_off,
					   __u32 meta, __u32 l3_len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	const struct vosfp_config *cfg;
	const struct vosfp_pol_state *st;
	struct vosfp_addr_key src;
	struct flow f = {};
	__u32 zero = 0, payload_len, ulen;
	__u64 now = 0;
	int res;

	if (flow_restore(data, data_end, l3_off, l4_off, meta, l3_len, &f) < 0)
		return XDP_PASS;

	cfg = bpf_map_lookup_elem(&vosfp_config, &zero);
	st = bpf_map_lookup_elem(&vosfp_pstate, &zero);
	if (!cfg || cfg->magic != VOSFP_CFG_MAGIC || !st)
		return XDP_PASS; /* not configured yet: stay out of the way */

	/* Later fragments carry no ports: only the source decisions apply. */
	if (f.later_fragment) {
		if (listed(st, VOSFP_LIST_BLOCK, &f, &now))
			return count(VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
		addr_key(&f, &src);
		if (is_banned(&src))
			return count(VOSFP_CTR_BANNED, bytes, XDP_DROP);
		return XDP_PASS;
	}

	/* An IPv6 header chain longer than the walk hides the L4 header and
	 * its port: such a frame is ours (see below). */
	if (!f.unparsed && !to_sip_port(data, data_end, cfg, &f))
		return XDP_PASS;

	if (listed(st, VOSFP_LIST_BLOCK, &f, &now))
		return count(VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
	addr_key(&f, &src);
	if (is_banned(&src))
		return count(VOSFP_CTR_BANNED, bytes, XDP_DROP);
	if (listed(st, VOSFP_LIST_ALLOW, &f, &now))
		return deliver(ctx, VOSFP_CTR_ALLOWED, bytes);

	/* Past the source decisions, a frame whose L4 header we cannot see is
	 * dropped: passed, a chain of seven extension headers would carry a
	 * scanner past every check below. */
	if (f.unparsed)
		return count(VOSFP_CTR_MALFORMED, bytes, XDP_DROP);

	/* SIP over TCP is a byte stream: only the source decisions apply. */
	if (f.l4proto != IPPROTO_UDP)
		return deliver(ctx, VOSFP_CTR_PASSED, bytes);

	/* The payload ends where UDP says, not at data_end: Ethernet pads short
	 * frames, and the padding is not part of the message. */
	ulen = f.udp_len;
	if (ulen < sizeof(struct udphdr) || ulen > f.l3_payload_len)
		ulen = f.l3_payload_len; /* fall back to what IP says */
	payload_len = ulen >= sizeof(struct udphdr) ? ulen - sizeof(struct udphdr) : 0;

	/* Requests that will be dropped as stealth whatever their line holds
	 * need only their method read. */
	res = vosfp_classify_payload(ctx, f.l4_off + sizeof(struct udphdr), payload_len,
				     cfg->flags & VOSFP_CFG_TRUSTED_ONLY ? ~0u
									: cfg->stealth_methods);
	switch (SIP_KIND(res)) {
	case SIP_KEEPALIVE:
		return deliver(ctx, VOSFP_CTR_KEEPALIVE, bytes);
	case SIP_MALFORMED:
		if (cfg->flags & VOSFP_CFG_MALFORMED_DROP)
			return count(VOSFP_CTR_MALFORMED, bytes, XDP_DROP);
		break;
	case SIP_REQUEST:
		if ((cfg->flags & VOSFP_CFG_TRUSTED_ONLY) ||
		    ((cfg->stealth_methods >> (SIP_METHOD(res) & 31)) & 1))
			return count(VOSFP_CTR_STEALTH, bytes, XDP_DROP);
		if ((cfg->flags & VOSFP_CFG_SCANNERS) &&
		    scanner_match(ctx, f.l4_off + sizeof(struct udphdr), payload_len)) {
			ban(cfg, &src, VOSFP_CTR_SCANNER);
			return count(VOSFP_CTR_SCANNER, bytes, XDP_DROP);
		}
		if (over_rate(cfg, &src)) {
			ban(cfg, &src, VOSFP_CTR_RATE_LIMITED);
			return count(VOSFP_CTR_RATE_LIMITED, bytes, XDP_DROP);
		}
		break;
	}
	return deliver(ctx, VOSFP_CTR_PASSED, bytes);
}

SEC("xdp")
int vosfp_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct flow f = {};

	const struct vosfp_config *cfg;
	__u32 zero = 0;

	if (parse_l3(data, data_end, &f) < 0)
		return XDP_PASS;
	/* Most traffic is not ours: let it go before any call. */
	cfg = bpf_map_lookup_elem(&vosfp_config, &zero);
	if (!cfg || cfg->magic != VOSFP_CFG_MAGIC)
		return XDP_PASS; /* not configured yet: stay out of the way */
	if (!f.later_fragment && !f.unparsed && !to_sip_port(data, data_end, cfg, &f))
		return XDP_PASS;
	return vosfp_decide(ctx, f.l3_off, f.l4_off, FLOW_META(&f), f.l3_payload_len);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
