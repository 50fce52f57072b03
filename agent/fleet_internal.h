/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet's pieces, shared between its files (not the agent's business). */
#ifndef VOSFP_AGENT_FLEET_INTERNAL_H
#define VOSFP_AGENT_FLEET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Ids of recently seen events, so a repeat (a publisher resending what the
 * broker took but had not confirmed when the link broke) is applied once.
 * Two generations of a fixed-size set: when the newer one fills, the older
 * one is forgotten, so memory is bounded and the last FLEET_SEEN_GEN to
 * 2 * FLEET_SEEN_GEN ids are always remembered. */
#define FLEET_SEEN_GEN 32768
#define FLEET_SEEN_SLOTS (2 * FLEET_SEEN_GEN) /* half full at most: short probes */

struct fleet_seen {
	uint64_t gen[2][FLEET_SEEN_SLOTS]; /* 0: empty slot */
	size_t count;                      /* ids in gen[cur] */
	int cur;
};

/* 1 if the id was seen before, else 0 and it is remembered. */
int fleet_seen_check(struct fleet_seen *s, const char *id);

/* Connection settings worked out of fleet_opts. */
struct fleet_conf {
	char host[256];
	int port;
	int ssl;
	char vhost[128];
	char user[128];
	char pass[256];
	char ca_file[4096];  /* "" : the system's CA store */
	char exchange[128];
	char queue[160];     /* the exchange's stream: "<exchange>.events" */
	char node[64];
};

struct fleet_opts;
/* Checks the options and reads the credentials file: 0 or a negative errno
 * with the reason in why. */
int fleet_conf_parse(const struct fleet_opts *opts, struct fleet_conf *c, char *why,
		     size_t why_len);

#endif
