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

/* Capacities are defaults: the library sets them before load. */
#define DEFAULT_BLOCK_ENTRIES 65536
#define DEFAULT_ALLOW_ENTRIES 4096

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vosfp_lpm_v4);
	__type(value, struct vosfp_policy_val);
	__uint(max_entries, DEFAULT_BLOCK_ENTRIES);
} vosfp_block4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vosfp_lpm_v6);
	__type(value, struct vosfp_policy_val);
	__uint(max_entries, DEFAULT_BLOCK_ENTRIES);
} vosfp_block6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vosfp_lpm_v4);
	__type(value, struct vosfp_policy_val);
	__uint(max_entries, DEFAULT_ALLOW_ENTRIES);
} vosfp_allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vosfp_lpm_v6);
	__type(value, struct vosfp_policy_val);
	__uint(max_entries, DEFAULT_ALLOW_ENTRIES);
} vosfp_allow6 SEC(".maps");

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

/* The source address as an LPM key of full length; 1 if on the list. */
static __always_inline int on_list(void *map4, void *map6, const struct flow *f)
{
	if (f->family == L3_V4) {
		struct vosfp_lpm_v4 key = { .prefixlen = 32 };

		__builtin_memcpy(key.addr, &f->saddr4, sizeof(key.addr));
		return bpf_map_lookup_elem(map4, &key) != NULL;
	} else {
		struct vosfp_lpm_v6 key = { .prefixlen = 128 };

		__builtin_memcpy(key.addr, &f->saddr6, sizeof(key.addr));
		return bpf_map_lookup_elem(map6, &key) != NULL;
	}
}

static __always_inline int is_blocked(const struct flow *f)
{
	return on_list(&vosfp_block4, &vosfp_block6, f);
}

static __always_inline int is_allowed(const struct flow *f)
{
	return on_list(&vosfp_allow4, &vosfp_allow6, f);
}

/* The last step for every SIP packet we let through: an AF_XDP socket on
 * this RX queue takes it, else the kernel stack does. */
static __always_inline int deliver(struct xdp_md *ctx, __u32 reason, __u64 bytes)
{
	__u32 queue = ctx->rx_queue_index;

	if (bpf_map_lookup_elem(&vosfp_xsks, &queue)) {
		count(VOSFP_R_REDIRECTED, bytes, 0);
		/* XDP_PASS as the fallback if the socket went away meanwhile. */
		return bpf_redirect_map(&vosfp_xsks, queue, XDP_PASS);
	}
	return count(reason, bytes, XDP_PASS);
}

/*
 * A global (non-inlined, non-static) function is verified once, on its own,
 * whatever path through the header parser led to it: this keeps the
 * verifier's work for the payload scan independent of the L2/L3 variants.
 */
__attribute__((noinline)) int vosfp_classify_payload(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (off > 0x3fff)
		return SIP_RESULT(SIP_UNDECIDED, 0);
	return sip_classify((const __u8 *)data + off, data_end, len);
}

SEC("xdp")
int vosfp_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	const struct vosfp_config *cfg;
	struct flow f = {};
	__u32 zero = 0, payload_len, ulen;
	int res;

	if (parse_l3(data, data_end, &f) < 0)
		return XDP_PASS;

	cfg = bpf_map_lookup_elem(&vosfp_config, &zero);
	if (!cfg || cfg->magic != VOSFP_CFG_MAGIC)
		return XDP_PASS; /* not configured yet: stay out of the way */

	/* Later fragments carry no ports: only the block list applies. */
	if (f.later_fragment) {
		if (is_blocked(&f))
			return count(VOSFP_R_BLOCKED, bytes, XDP_DROP);
		return XDP_PASS;
	}

	if (parse_l4(data, data_end, &f) < 0)
		return XDP_PASS;
	if (!((cfg->port_bitmap[(f.dport >> 5) & (VOSFP_PORT_WORDS - 1)] >> (f.dport & 31)) & 1))
		return XDP_PASS;

	if (is_blocked(&f))
		return count(VOSFP_R_BLOCKED, bytes, XDP_DROP);
	if (is_allowed(&f))
		return deliver(ctx, VOSFP_R_ALLOWED, bytes);

	/* SIP over TCP is a byte stream: only the source decisions apply. */
	if (f.l4proto != IPPROTO_UDP)
		return deliver(ctx, VOSFP_R_PASSED, bytes);

	/* The payload ends where UDP says, not at data_end: Ethernet pads short
	 * frames, and the padding is not part of the message. */
	ulen = f.udp_len;
	if (ulen < sizeof(struct udphdr) || ulen > f.l3_payload_len)
		ulen = f.l3_payload_len; /* fall back to what IP says */
	payload_len = ulen >= sizeof(struct udphdr) ? ulen - sizeof(struct udphdr) : 0;

	res = vosfp_classify_payload(ctx, f.l4_off + sizeof(struct udphdr), payload_len);
	switch (SIP_KIND(res)) {
	case SIP_KEEPALIVE:
		return deliver(ctx, VOSFP_R_KEEPALIVE, bytes);
	case SIP_MALFORMED:
		if (cfg->flags & VOSFP_CFG_MALFORMED_DROP)
			return count(VOSFP_R_MALFORMED, bytes, XDP_DROP);
		break;
	case SIP_REQUEST:
		if ((cfg->stealth_methods >> (SIP_METHOD(res) & 31)) & 1)
			return count(VOSFP_R_STEALTH, bytes, XDP_DROP);
		break;
	}
	return deliver(ctx, VOSFP_R_PASSED, bytes);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
