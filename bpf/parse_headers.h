/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * L2-L4 parsing for the XDP program: Ethernet with up to two VLAN tags,
 * IPv4 with options, IPv6 with a bounded walk of extension headers, then
 * UDP or TCP. Every read is bounds-checked against data_end; anything we
 * cannot parse is reported as "not ours" so that the caller passes it,
 * with one exception: an IPv6 chain of extension headers longer than the
 * walk is ours (flow.unparsed), or a chain of seven would carry a scanner
 * past every check.
 */
#ifndef VOSFP_PARSE_HEADERS_H
#define VOSFP_PARSE_HEADERS_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define VOSFP_MAX_VLAN 2
#define VOSFP_MAX_V6_EXT 6

#ifndef IPPROTO_HOPOPTS
#define IPPROTO_HOPOPTS 0
#endif
#ifndef IPPROTO_ROUTING
#define IPPROTO_ROUTING 43
#endif
#ifndef IPPROTO_FRAGMENT
#define IPPROTO_FRAGMENT 44
#endif
#ifndef IPPROTO_DSTOPTS
#define IPPROTO_DSTOPTS 60
#endif

struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset in 8-byte units << 3, plus M flag */
	__be32 id;
};

/*
 * Headers are read where the frame puts them: after the 14 bytes of Ethernet
 * an IPv4 or IPv6 header is 2 bytes off its 4-byte alignment. BPF loads do
 * not mind; C on the host (tests/reference, the fuzzer) must not read a
 * struct iphdr there, so the host build reads through types that may sit
 * anywhere (a typedef may lower alignment, in GCC and clang alike). The
 * program itself is compiled from the very same types as before.
 */
#ifdef __bpf__
#define VOSFP_HDR_ANY_ALIGN
#else
#define VOSFP_HDR_ANY_ALIGN __attribute__((aligned(1)))
#endif
typedef struct iphdr VOSFP_HDR_ANY_ALIGN hdr_ip4_t;
typedef struct ipv6hdr VOSFP_HDR_ANY_ALIGN hdr_ip6_t;
typedef struct ipv6_frag VOSFP_HDR_ANY_ALIGN hdr_frag_t;
typedef struct udphdr VOSFP_HDR_ANY_ALIGN hdr_udp_t;
typedef struct tcphdr VOSFP_HDR_ANY_ALIGN hdr_tcp_t;

enum l3_kind { L3_NONE = 0, L3_V4, L3_V6 };

/* What the parser learned about a frame. */
struct flow {
	enum l3_kind family;
	__u8 l4proto;
	__u8 later_fragment; /* a non-first fragment: no L4 header in it */
	/* IPv6: the walk ended on an extension header (more than
	 * VOSFP_MAX_V6_EXT of them): the L4 header is beyond what we parse. */
	__u8 unparsed;
	__be32 saddr4;
	struct in6_addr saddr6;
	__u16 dport;          /* host order */
	__u16 udp_len;        /* UDP length field, host order */
	__u32 l3_off;         /* offset of the IP header from data */
	__u32 l4_off;         /* offset of the L4 header from data */
	__u32 l3_payload_len; /* bytes after the L3 headers, as IP says */
};

/* 1 for the IPv6 extension headers the walk reads: a chain that still
 * holds one after the walk is unparsed (struct flow). */
static __always_inline int ipv6_walked_ext(__u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
	       next == IPPROTO_FRAGMENT;
}

/* Returns 0 and fills f for an IPv4 or IPv6 frame, -1 for anything else
 * (ARP, truncated or unparseable headers): the caller passes those. */
static __always_inline int parse_l3(void *data, void *data_end, struct flow *f)
{
	struct ethhdr *eth = data;
	void *cur;
	__be16 proto;

	if ((void *)(eth + 1) > data_end)
		return -1;
	proto = eth->h_proto;
	cur = eth + 1;

#pragma unroll
	for (int i = 0; i < VOSFP_MAX_VLAN; i++) {
		struct vlan_tag *tag = cur;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > data_end)
			return -1;
		proto = tag->encap_proto;
		cur = tag + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		hdr_ip4_t *ip = cur;
		__u32 hlen, tot;

		if ((void *)(ip + 1) > data_end)
			return -1;
		hlen = ip->ihl * 4;
		tot = bpf_ntohs(ip->tot_len);
		if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
			return -1;
		f->family = L3_V4;
		f->l3_off = cur - data;
		f->saddr4 = ip->saddr;
		f->l4proto = ip->protocol;
		f->later_fragment = (ip->frag_off & bpf_htons(0x1fff)) != 0;
		f->l4_off = (cur - data) + hlen;
		f->l3_payload_len = tot - hlen;
		return 0;
	}

	if (proto == bpf_htons(ETH_P_IPV6)) {
		hdr_ip6_t *ip6 = cur;
		__u32 payload_len;
		__u8 next;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		f->family = L3_V6;
		f->l3_off = cur - data;
		__builtin_memcpy(&f->saddr6, &ip6->saddr, sizeof(f->saddr6));
		next = ip6->nexthdr;
		payload_len = bpf_ntohs(ip6->payload_len);
		cur = ip6 + 1;

#pragma unroll
		for (int i = 0; i < VOSFP_MAX_V6_EXT; i++) {
			if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
			    next == IPPROTO_DSTOPTS) {
				struct ipv6_ext *ext = cur;
				__u32 len;

				if ((void *)(ext + 1) > data_end)
					return -1;
				len = (ext->hdrlen + 1) * 8;
				if (len > payload_len)
					return -1;
				payload_len -= len;
				next = ext->nexthdr;
				cur += len;
			} else if (next == IPPROTO_FRAGMENT) {
				hdr_frag_t *frag = cur;

				if ((void *)(frag + 1) > data_end)
					return -1;
				if (sizeof(*frag) > payload_len)
					return -1;
				payload_len -= sizeof(*frag);
				next = frag->nexthdr;
				cur = frag + 1;
				/* What follows a later fragment's header is
				 * data, not headers: stop there. */
				if (frag->frag_off & bpf_htons(0xfff8)) {
					f->later_fragment = 1;
					break;
				}
			} else {
				break;
			}
		}
		if (!f->later_fragment && ipv6_walked_ext(next))
			f->unparsed = 1;
		f->l4proto = next;
		f->l4_off = cur - data;
		f->l3_payload_len = payload_len;
		return 0;
	}

	return -1;
}

/* The flow's scalars packed into one argument for a global function. */
#define FLOW_META(f)                                                                  \
	((__u32)(f)->family | (__u32)(f)->l4proto << 8 | (__u32)(f)->later_fragment << 16 | \
	 (__u32)(f)->unparsed << 17)

/* Rebuilds a flow from the offsets and the packed scalars: the source
 * address is read again from the IP header at l3_off. 0, or -1 if the
 * header is not there (it was when the caller parsed it). */
static __always_inline int flow_restore(void *data, void *data_end, __u32 l3_off, __u32 l4_off,
					__u32 meta, __u32 l3_len, struct flow *f)
{
	void *ip = data + (l3_off & 0x3fff);

	f->family = meta & 0xff;
	f->l4proto = (meta >> 8) & 0xff;
	f->later_fragment = (meta >> 16) & 1;
	f->unparsed = (meta >> 17) & 1;
	f->l3_off = l3_off;
	f->l4_off = l4_off;
	f->l3_payload_len = l3_len;
	if (f->family == L3_V4) {
		hdr_ip4_t *ip4 = ip;

		if ((void *)(ip4 + 1) > data_end)
			return -1;
		f->saddr4 = ip4->saddr;
		return 0;
	}
	if (f->family == L3_V6) {
		hdr_ip6_t *ip6 = ip;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		__builtin_memcpy(&f->saddr6, &ip6->saddr, sizeof(f->saddr6));
		return 0;
	}
	return -1;
}

/* Reads the destination port of a UDP or TCP header at f->l4_off.
 * Returns 0 on success, -1 for other protocols or a truncated header. */
static __always_inline int parse_l4(void *data, void *data_end, struct flow *f)
{
	void *l4;

	if (f->l4_off > 0x3fff) /* keeps the verifier's offset range bounded */
		return -1;
	l4 = data + f->l4_off;

	if (f->l4proto == IPPROTO_UDP) {
		hdr_udp_t *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return -1;
		f->dport = bpf_ntohs(udp->dest);
		f->udp_len = bpf_ntohs(udp->len);
		return 0;
	}
	if (f->l4proto == IPPROTO_TCP) {
		hdr_tcp_t *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		f->dport = bpf_ntohs(tcp->dest);
		return 0;
	}
	return -1;
}

#endif /* VOSFP_PARSE_HEADERS_H */
