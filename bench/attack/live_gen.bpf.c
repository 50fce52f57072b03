// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * live_gen's XDP program, run with BPF_PROG_TEST_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES: each run writes the next template's frame
 * into a page-pool frame, draws its random bytes, finishes its checksum
 * and redirects it to the attack veth, whose peer takes it into its NAPI
 * poll as an xdp_frame, the way a NIC driver's receive ring would hand
 * it over: no sender stack, no skb before the filter.
 *
 * The kernel keeps a frame's bytes between runs and resets only its
 * length, so every run rewrites the whole frame.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "live_gen.h"

const volatile __u32 target_ifindex;
const volatile __u32 ntmpl;

/*
 * Frames made (the right ones and the wrong ones, never sent) and where
 * to stop: read and set by live_gen.c through the mmapped .bss. One
 * BPF_PROG_TEST_RUN call runs until live_gen.c interrupts it, since each
 * call costs tens of milliseconds to set up; past stop_at, and ahead of
 * the pace, a run makes no frame.
 */
__u64 frames_run;
__u64 frames_bad;
__u64 stop_at;
/* the pace: frame N is due at start_ns + N * period_ps / 1000; 0 = none */
__u64 period_ps;
__u64 start_ns;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LIVE_MAX_TEMPLATES);
	__type(key, __u32);
	__type(value, struct live_tmpl);
} tmpls SEC(".maps");

/* the random bytes of one span, in words: bpf_csum_diff wants whole words */
struct span_buf {
	__u32 w[LIVE_SPAN_MAX / 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct span_buf);
} scratch SEC(".maps");

static __always_inline __u32 fold16(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u32)sum;
}

/*
 * Fills span S of the frame with random bytes; returns their share of the
 * checksum as a big-endian word sum, or -1 on a bad template.
 */
static __always_inline __s64 fill_span(struct xdp_md *ctx, const struct live_span *s,
				       struct span_buf *b)
{
	__u32 len = s->len, words = (len + 3) / 4, size, part;
	__s64 raw;

	if (!len || len > LIVE_SPAN_MAX)
		return -1;
	for (__u32 i = 0; i < LIVE_SPAN_MAX / 4; i++) {
		if (i >= words)
			break;
		b->w[i] = bpf_get_prandom_u32();
	}
	if (bpf_xdp_store_bytes(ctx, s->off, b, len))
		return -1;
	if (!s->in_csum)
		return 0;
	/* the bytes past the span's end are not in the frame: not in the sum */
	if (len % 4) {
		__u32 keep = len % 4, last = words - 1;
		__u8 *p = (__u8 *)&b->w[last & (LIVE_SPAN_MAX / 4 - 1)];

		for (__u32 k = 0; k < 4; k++)
			if (k >= keep)
				p[k] = 0;
	}
	size = words * 4;
	if (size > LIVE_SPAN_MAX)	/* it is not, but the verifier's bound is 67 */
		return -1;
	raw = bpf_csum_diff(NULL, 0, (__be32 *)b, size, 0);
	if (raw < 0)
		return -1;
	/*
	 * bpf_csum_diff sums 16-bit words in memory order as the CPU reads
	 * them; the base sum is of big-endian words. On a little-endian CPU
	 * the two differ by a byte swap, which a span at an odd offset from
	 * the area's start undoes (its bytes sit in the other halves).
	 */
	part = fold16((__u64)raw);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!s->odd)
		part = __builtin_bswap16((__u16)part);
#else
	if (s->odd)
		part = __builtin_bswap16((__u16)part);
#endif
	return part;
}

SEC("xdp")
int live_gen(struct xdp_md *ctx)
{
	struct live_tmpl *t;
	struct span_buf *b;
	__u32 idx, zero = 0, len, c;
	__u64 sum;
	__u8 field[2];

	if (frames_run >= stop_at)
		return XDP_DROP;
	if (period_ps && bpf_ktime_get_ns() < start_ns + frames_run * period_ps / 1000)
		return XDP_DROP;
	idx = (__u32)(frames_run++ % ntmpl);
	t = bpf_map_lookup_elem(&tmpls, &idx);
	b = bpf_map_lookup_elem(&scratch, &zero);
	if (!t || !b)
		goto bad;
	len = t->len;
	if (len < LIVE_FRAME_MIN || len > LIVE_FRAME_MAX)
		goto bad;
	if (bpf_xdp_adjust_tail(ctx, (int)len - (int)bpf_xdp_get_buff_len(ctx)))
		goto bad;
	if (bpf_xdp_store_bytes(ctx, 0, t->frame, len))
		goto bad;
	sum = t->csum_base;
	for (__u32 i = 0; i < LIVE_MAX_SPANS; i++) {
		__s64 part;

		if (i >= t->nspans)
			break;
		part = fill_span(ctx, &t->span[i], b);
		if (part < 0)
			goto bad;
		sum += (__u64)part;
	}
	c = ~fold16(sum) & 0xffff;
	if (t->v6 && !c)
		c = 0xffff;	/* 0 means "no checksum", illegal over IPv6 */
	field[0] = c >> 8;
	field[1] = c & 0xff;
	if (bpf_xdp_store_bytes(ctx, t->csum_field, field, 2))
		goto bad;
	return bpf_redirect(target_ifindex, 0);
bad:
	frames_bad++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
