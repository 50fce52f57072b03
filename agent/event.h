/* SPDX-License-Identifier: BSD-2-Clause */
/* One policy event: what the control socket, the program's own auto-bans and
 * the fleet produce, and what the agent applies. The fleet's wire format
 * (versioned JSON, docs/fleet.md) is an encoding of exactly this record. */
#ifndef VOSFP_AGENT_EVENT_H
#define VOSFP_AGENT_EVENT_H

#include <stdint.h>

enum agent_op {
	AGENT_OP_BAN,
	AGENT_OP_UNBAN,
	AGENT_OP_BLOCK,
	AGENT_OP_UNBLOCK,
};

/* Where an event came from: decides what may be applied and what is
 * published (a fleet event is never re-published: no loops). */
enum agent_origin {
	AGENT_FROM_CONTROL, /* the local control socket (SIP server, fail2ban, vosfp) */
	AGENT_FROM_PROGRAM, /* the XDP program's own auto-ban (ring buffer) */
	AGENT_FROM_FLEET,   /* another node, through the broker */
};

struct agent_event {
	enum agent_op op;
	enum agent_origin origin;
	char addr[64];   /* address (ban/unban) or CIDR (block/unblock), as given */
	uint32_t ttl;    /* seconds; 0: none (permanent) */
	char reason[32]; /* scanner, rate_limited, manual, fail2ban, kamailio, ... */
	char node[64];   /* the node that made the event */
	char id[80];     /* unique per event (node + sequence): receivers drop repeats */
	uint64_t made_ms; /* when the event was made, on its node's clock (ms since epoch) */
};

#endif
