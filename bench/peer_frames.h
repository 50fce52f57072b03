/* SPDX-License-Identifier: BSD-2-Clause */
/* The frame classes of the side-by-side benchmark (peer_cost.c): what each
 * frame is, where it comes from, the verdict vosfp must give it and the
 * issue 15 target for its cost, and the policy that makes those verdicts
 * true. One table, so that peers.sh and the program agree on the sources
 * xdp-filter is told to block. */
#ifndef VOSFP_BENCH_PEER_FRAMES_H
#define VOSFP_BENCH_PEER_FRAMES_H

#include <stddef.h>
#include <stdint.h>

/* The ratio targets of issue 15 (vosfp's delta over the floor divided by
 * xdp-filter's, same run); 0 where the issue sets none. */
#define PEER_TARGET_NON_SIP 0.1
#define PEER_TARGET_CHEAP 0.6
#define PEER_TARGET_FULL 2.0
/* 14.88 Mpps (10GbE minimum frames) on one core: ns per packet, in total. */
#define PEER_LINE_RATE_NS 67.0

struct peer_class {
	const char *name;     /* no comma: it is a CSV field */
	const char *src;      /* its family is the frame's */
	uint16_t dport;       /* 0: the SIP port (5060) */
	int expected;         /* XDP_PASS or XDP_DROP: what vosfp must answer */
	double target;        /* PEER_TARGET_*, or 0 */
	int blocked;          /* its source goes on xdp-filter's list too */
	size_t payload_len;
	char payload[1024];
};

/* The policy the classes assume (prefixes, NULL-terminated). */
extern const char *const peer_block_list[];
extern const char *const peer_allow_list[];

/* Fills the classes (payloads included); returns how many there are. */
int peer_classes(struct peer_class **out);

#endif
