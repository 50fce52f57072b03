/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libvosfp — the ids that the library and its XDP program share: counter
 * reasons and policy lists. Part of the public ABI (see docs/abi.md), included
 * by <vosfp/vosfp.h>; include that, not this file.
 *
 * This is the one definition of these ids. The XDP program is compiled for
 * the BPF target from the same file, which is why it includes nothing and
 * declares nothing but enums: no libc, no <stdint.h>, no functions. Ids are
 * stable; new ones are only appended.
 */
#ifndef VOSFP_VOSFP_IDS_H
#define VOSFP_VOSFP_IDS_H

/*
 * Every packet to a SIP port is counted under exactly one reason. Reason ids
 * are stable; new ones are only appended. Use vosfp_counter_count() and
 * vosfp_counter_name() rather than copying this enum into bindings.
 */
enum vosfp_counter {
	VOSFP_CTR_PASSED = 0,     /* inspected, nothing against it: passed */
	VOSFP_CTR_ALLOWED = 1,    /* source on the allow list: passed */
	VOSFP_CTR_BLOCKED = 2,    /* source on the block list: dropped */
	VOSFP_CTR_STEALTH = 3,    /* stealth method from unknown source: dropped */
	VOSFP_CTR_MALFORMED = 4,  /* not SIP on a SIP port: dropped */
	VOSFP_CTR_REDIRECTED = 5, /* handed to an AF_XDP socket */
	VOSFP_CTR_KEEPALIVE = 6,  /* CRLF / STUN keep-alive: passed */
	VOSFP_CTR_SCANNER = 7,    /* User-Agent of a known scanner: dropped */
	VOSFP_CTR_RATE_LIMITED = 8, /* source over its request rate: dropped */
	VOSFP_CTR_BANNED = 9,     /* source on the temporary ban list: dropped */
};

/* The policy lists. */
enum vosfp_list {
	VOSFP_LIST_BLOCK = 0, /* matching sources are dropped */
	VOSFP_LIST_ALLOW = 1, /* trusted peers: pass without SIP inspection */
};

#endif /* VOSFP_VOSFP_IDS_H */
