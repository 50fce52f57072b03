/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Map layouts shared by the XDP program (bpf/vosfp.bpf.c) and the library
 * (libvosfp/). One definition, two users: change a layout here and both
 * sides follow. A layout change makes maps pinned by an older library
 * incompatible, which vosfp_open() reports as -EEXIST.
 *
 * Only UAPI types: this header is compiled for the BPF target and the host.
 */
#ifndef VOSFP_SHARED_H
#define VOSFP_SHARED_H

#include <linux/types.h>

/* Map names; they are also the file names of the pins under the pin root.
 * At most 15 characters (BPF_OBJ_NAME_LEN - 1). */
#define VOSFP_MAP_BLOCK_V4 "vosfp_block4"
#define VOSFP_MAP_BLOCK_V6 "vosfp_block6"
#define VOSFP_MAP_ALLOW_V4 "vosfp_allow4"
#define VOSFP_MAP_ALLOW_V6 "vosfp_allow6"
#define VOSFP_MAP_CONFIG "vosfp_config"
#define VOSFP_MAP_COUNTERS "vosfp_counters"
#define VOSFP_MAP_XSKS "vosfp_xsks"
/* Pinned bpf_link of an attachment: VOSFP_LINK_PREFIX + ifname. */
#define VOSFP_LINK_PREFIX "link_"

/* LPM trie keys: prefixlen first, then the address in network byte order. */
struct vosfp_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct vosfp_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Value of a policy entry; reserved for per-entry attributes. */
struct vosfp_policy_val {
	__u32 flags;
};

/* Counter reasons: the same ids as enum vosfp_counter in vosfp.h (the
 * public header is not compiled for the BPF target, so the ids are repeated
 * here; the library asserts at compile time that both agree). The counters
 * map has room for VOSFP_CTR_SLOTS so that reasons can be appended without
 * changing the pinned map's size. */
enum vosfp_reason {
	VOSFP_R_PASSED = 0,
	VOSFP_R_ALLOWED = 1,
	VOSFP_R_BLOCKED = 2,
	VOSFP_R_STEALTH = 3,
	VOSFP_R_MALFORMED = 4,
	VOSFP_R_REDIRECTED = 5,
	VOSFP_R_KEEPALIVE = 6,
	VOSFP_R__COUNT
};
#define VOSFP_CTR_SLOTS 32

struct vosfp_counter_val {
	__u64 packets;
	__u64 bytes;
};

/* SIP request methods as bits of vosfp_config.stealth_methods (RFC 3261
 * and the extension RFCs in common use). VOSFP_M_OTHER stands for any other
 * valid extension method token. */
enum vosfp_method_bit {
	VOSFP_M_INVITE = 0,
	VOSFP_M_ACK,
	VOSFP_M_BYE,
	VOSFP_M_CANCEL,
	VOSFP_M_REGISTER,
	VOSFP_M_OPTIONS,
	VOSFP_M_PRACK,
	VOSFP_M_SUBSCRIBE,
	VOSFP_M_NOTIFY,
	VOSFP_M_PUBLISH,
	VOSFP_M_INFO,
	VOSFP_M_REFER,
	VOSFP_M_MESSAGE,
	VOSFP_M_UPDATE,
	VOSFP_M_OTHER,
	VOSFP_M__COUNT
};

/* vosfp_config.flags */
#define VOSFP_CFG_MALFORMED_DROP (1u << 0)

/* Written by the library when it creates the config; a config entry
 * without it (a fresh, all-zero map) is initialised to the defaults. */
#define VOSFP_CFG_MAGIC 0x56534650u /* "VSFP" */

#define VOSFP_PORT_WORDS (65536 / 32)

/* The single entry (key 0) of the config array map. */
struct vosfp_config {
	__u32 magic;
	__u32 flags;
	__u32 stealth_methods; /* bit set of enum vosfp_method_bit */
	__u32 reserved;
	/* SIP ports, one bit per port: word port / 32, bit port % 32. One
	 * lookup tells whether a packet is ours, whatever the number of ports. */
	__u32 port_bitmap[VOSFP_PORT_WORDS];
};

#define VOSFP_XSK_SLOTS 64

#endif /* VOSFP_SHARED_H */
