/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TC (clsact egress) program: learns verified sources from the
 * server's own responses. A UDP datagram leaving a SIP port whose
 * Status-Line is 2xx and whose CSeq names REGISTER or INVITE tells that
 * the server completed that transaction with the datagram's destination,
 * which is then verified for verified_ttl (see vosfp_shared.h, "Verified
 * sources"). The server answers the address the request came from, so
 * a spoofer who never sees the answers can verify no one but addresses
 * the server itself accepted. It never drops or changes a packet.
 * Included once, by vosfp.bpf.c, after bans.h.
 */
#ifndef VOSFP_EGRESS_H
#define VOSFP_EGRESS_H

#include <linux/pkt_cls.h>

/* How far into a response the CSeq header is looked for. The response is
 * copied into a per-CPU scratch buffer first (bpf_skb_load_bytes: linear
 * or not), where reads need no packet bounds: a byte loop over the packet
 * itself gives the verifier a state per byte and range it cannot prune. */
#define EG_SCAN 1500
#define EG_BUF 2048 /* a power of two above EG_SCAN: indexes are masked */

struct eg_buf {
	__u8 b[EG_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct eg_buf);
	__uint(max_entries, 1);
} vosfp_egbuf SEC(".maps");

/* Byte i of the n copied, or -1 past them. */
static __always_inline int eg_byte(const __u8 *b, __u32 n, __u32 i)
{
	if (i >= n)
		return -1;
	/* i < n <= EG_SCAN: the compiler would drop the mask, the verifier
	 * needs it. */
	SIP_OPAQUE(i);
	return b[i & (EG_BUF - 1)];
}

static __always_inline int eg_is_ws(int c)
{
	return c == ' ' || c == '\t';
}

/* The word at i, letters in any case, equals w (len bytes, upper case)
 * and is followed by white space or the line's end. */
static __always_inline int eg_word(const __u8 *b, __u32 n, __u32 i, const char *w, __u32 len)
{
	int c;

#pragma unroll
	for (__u32 k = 0; k < 8; k++) {
		if (k >= len)
			break;
		c = eg_byte(b, n, i + k);
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c != w[k])
			return 0;
	}
	c = eg_byte(b, n, i + len);
	return eg_is_ws(c) || c == '\r' || c == '\n';
}

/*
 * The rest of a CSeq header from `at` (just after its name) in the n bytes
 * of the scratch buffer: HCOLON, the number, the method; 1 for REGISTER or
 * INVITE. A global function, verified once with `at` unknown: inlined, it
 * would be verified again for each of the 1500 places the search can find
 * the header, past the verifier's limit. Scalars only (Linux 5.10).
 */
__attribute__((noinline)) int vosfp_eg_method(__u32 at, __u32 n)
{
	__u32 zero = 0, i;
	struct eg_buf *buf = bpf_map_lookup_elem(&vosfp_egbuf, &zero);
	const __u8 *b;
	int c;

	if (!buf || at > EG_SCAN || n > EG_SCAN)
		return 0;
	b = buf->b;
	for (int k = 0; k < 8 && eg_is_ws(eg_byte(b, n, at)); k++)
		at++;
	if (eg_byte(b, n, at) != ':')
		return 0;
	at++;
	for (int k = 0; k < 8 && eg_is_ws(eg_byte(b, n, at)); k++)
		at++;
	/* The sequence number: 1 to 10 digits (RFC 3261: below 2^31). */
	i = at;
	for (int k = 0; k < 10; k++) {
		c = eg_byte(b, n, at);
		if (c < '0' || c > '9')
			break;
		at++;
	}
	if (at == i || !eg_is_ws(eg_byte(b, n, at)))
		return 0;
	for (int k = 0; k < 8 && eg_is_ws(eg_byte(b, n, at)); k++)
		at++;
	return eg_word(b, n, at, "REGISTER", 8) || eg_word(b, n, at, "INVITE", 6);
}

/*
 * 1 if the n bytes of the scratch buffer are a 2xx response to a REGISTER
 * or an INVITE: the Status-Line "SIP/2.0 2dd ", then the CSeq header (its
 * name in any case, white space around the colon, the number, the method)
 * among the headers. A global function: n comes in as a plain unknown, not
 * as the size the copy had to be proven with, so the verifier prunes the
 * search's paths instead of telling them apart by what each learnt of n.
 */
__attribute__((noinline)) int vosfp_eg_completes(__u32 n)
{
	const __u64 ones = 0x0101010101010101ull, nls = ones * '\n';
	__u32 zero = 0, i;
	struct eg_buf *buf = bpf_map_lookup_elem(&vosfp_egbuf, &zero);
	const __u8 *b;
	int c;

	if (!buf || n > EG_SCAN)
		return 0;
	b = buf->b;

	if (!eg_word(b, n, 0, "SIP/2.0", 7) || eg_byte(b, n, 8) != '2')
		return 0;
	for (i = 9; i < 11; i++) {
		c = eg_byte(b, n, i);
		if (c < '0' || c > '9')
			return 0;
	}
	if (eg_byte(b, n, 11) != ' ')
		return 0;
	/* The start of the CSeq line: "\ncseq" in any case, before the empty
	 * line that ends the headers. Eight places a step, compared all at
	 * once in words loaded 0-4 bytes further: two branches a step in the
	 * common case, where a byte loop gave the verifier more pending
	 * branches than it takes. Bytes past n are stale: what is found
	 * there does not count. */
	for (__u32 w = 0; w < EG_SCAN / 8; w++) {
		__u32 i = 8 + w * 8; /* bytes 8-11 are "2dd ": no line end */
		__u64 nl, hit, eoh, x1;

		if (i >= n)
			return 0;
		nl = sip_zero_bytes(*(const __u64 *)(b + i) ^ nls);
		x1 = *(const __u64 *)(b + i + 1);
		eoh = nl &
		      (sip_zero_bytes(x1 ^ (ones * '\r')) | sip_zero_bytes(x1 ^ (ones * '\n')));
		hit = nl & sip_zero_bytes((x1 | VOSFP_UA_FOLD) ^ (ones * 'c')) &
		      sip_zero_bytes((*(const __u64 *)(b + i + 2) | VOSFP_UA_FOLD) ^ (ones * 's')) &
		      sip_zero_bytes((*(const __u64 *)(b + i + 3) | VOSFP_UA_FOLD) ^ (ones * 'e')) &
		      sip_zero_bytes((*(const __u64 *)(b + i + 4) | VOSFP_UA_FOLD) ^ (ones * 'q'));
		if (!(hit | eoh))
			continue;
		/* The lowest set bit is the first place in memory. */
		if (!hit || (eoh && (eoh & -eoh) < (hit & -hit)))
			return 0; /* the headers end first */
		i += sip_first_byte(hit);
		return i + 5 <= n ? vosfp_eg_method(i + 5, n) : 0;
	}
	return 0;
}

/* The destination of the datagram, as a ban-list key. */
static __always_inline int eg_dst_key(void *data, void *data_end, const struct flow *f,
				      struct vosfp_addr_key *k)
{
	void *ip = data + (f->l3_off & 0x3fff);

	__builtin_memset(k, 0, sizeof(*k));
	if (f->family == L3_V4) {
		struct iphdr *ip4 = ip;

		if ((void *)(ip4 + 1) > data_end)
			return -1;
		k->family = 4;
		__builtin_memcpy(k->addr, &ip4->daddr, 4);
		return 0;
	}
	if (f->family == L3_V6) {
		struct ipv6hdr *ip6 = ip;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		k->family = 6;
		__builtin_memcpy(k->addr, &ip6->daddr, 16);
		return 0;
	}
	return -1;
}

/*
 * Everything after the IP header, as a global function verified once for
 * all the paths of the header parser (VLAN tags, IPv4 options, IPv6
 * extension headers), as vosfp_decide is for the XDP program.
 */
__attribute__((noinline)) int vosfp_eg_learn(struct __sk_buff *skb, __u32 l3_off, __u32 l4_off,
					     __u32 meta, __u32 l3_len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct vosfp_verified_val val;
	const struct vosfp_config *cfg = &shared_config;
	struct vosfp_addr_key key;
	struct udphdr *udp;
	struct eg_buf *buf;
	struct flow f = {};
	__u32 zero = 0, ulen, sport, n, off;

	if (flow_restore(data, data_end, l3_off, l4_off, meta, l3_len, &f) < 0 ||
	    f.l4proto != IPPROTO_UDP || f.l4_off > 0x3fff)
		return 0;
	buf = bpf_map_lookup_elem(&vosfp_egbuf, &zero);
	if (!buf)
		return 0;
	/* l4_off < 0x4000 already: once the compiler cannot see through it,
	 * the mask shows the verifier the bound. */
	off = f.l4_off;
	SIP_OPAQUE(off);
	udp = data + (off & 0x3fff);
	if ((void *)(udp + 1) > data_end)
		return 0;
	sport = bpf_ntohs(udp->source);
	if (!is_sip_port(cfg, sport))
		return 0;
	ulen = bpf_ntohs(udp->len);
	if (ulen < sizeof(*udp) || ulen > f.l3_payload_len)
		ulen = f.l3_payload_len;
	n = ulen >= sizeof(*udp) ? ulen - sizeof(*udp) : 0;
	if (n > skb->len - f.l4_off - sizeof(*udp))
		n = skb->len - f.l4_off - sizeof(*udp);
	if (n > EG_SCAN)
		n = EG_SCAN;
	if (n < 12)
		return 0;
	/* n - 1 < EG_SCAN already; the arithmetic keeps the compiler from
	 * testing a copy while the verifier needs the size register itself
	 * bounded (1..EG_BUF). */
	n = 1 + ((n - 1) & (EG_BUF - 1));
	if (bpf_skb_load_bytes(skb, f.l4_off + sizeof(*udp), buf->b, n) ||
	    !vosfp_eg_completes(n) || eg_dst_key(data, data_end, &f, &key))
		return 0;
	val.expires_ns = bpf_ktime_get_ns() + cfg->verified_ttl_ns;
	if (bpf_map_update_elem(&vosfp_verified, &key, &val, BPF_ANY))
		return 0;
	ban_stat(VOSFP_BS_LEARNED);
	return 1;
}

SEC("tc")
int vosfp_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct vosfp_config *cfg = &shared_config;
	struct flow f = {};

	if (cfg->magic != VOSFP_CFG_MAGIC || !cfg->verified_ttl_ns)
		return TC_ACT_OK;
	if (parse_l3(data, data_end, &f) < 0 || f.later_fragment || f.unparsed ||
	    f.l4proto != IPPROTO_UDP)
		return TC_ACT_OK;
	vosfp_eg_learn(skb, f.l3_off, f.l4_off, FLOW_META(&f), f.l3_payload_len);
	return TC_ACT_OK;
}

#endif /* VOSFP_EGRESS_H */
