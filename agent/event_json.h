/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet's wire format: one policy event as one versioned JSON object
 * (docs/fleet.md). The decoder takes hostile input: every message off the
 * broker is checked for size, version, types and syntax before it becomes
 * an agent_event, and a refusal names its reason so it can be counted. */
#ifndef VOSFP_AGENT_EVENT_JSON_H
#define VOSFP_AGENT_EVENT_JSON_H

#include <stddef.h>

#include "event.h"

/* The only version this code writes and reads; another is refused. */
#define EVENT_JSON_VERSION 1
/* Larger messages are refused unread: a real event is ~200 bytes. */
#define EVENT_JSON_MAX 2048

/* Why a message was refused; the names are the metrics' reason label. */
enum event_json_err {
	EVJ_OK = 0,
	EVJ_TOO_LARGE,
	EVJ_NOT_JSON,
	EVJ_NOT_OBJECT,
	EVJ_VERSION,  /* "v" missing, not an integer, or not one we speak */
	EVJ_OP,       /* "op" missing or not one of ban, unban, block, unblock */
	EVJ_ADDR,     /* "addr" missing, too long, or not an address (CIDR for block) */
	EVJ_TTL,      /* "ttl" not an integer in 0..2^32-1, or missing or 0 on a ban */
	EVJ_REASON,   /* "reason" not a short [a-z0-9_-] word */
	EVJ_NODE,     /* "node" missing or not a node name */
	EVJ_ID,       /* "id" missing, empty, too long or not printable ASCII */
	EVJ_TS,       /* "ts" missing or not a non-negative integer (ms) */
	EVJ__COUNT,
};

const char *event_json_err_name(enum event_json_err err);

/* Decodes len bytes (not NUL-terminated) into *ev, origin AGENT_FROM_FLEET.
 * Unknown fields are ignored (a newer writer may add some); *ev is only
 * written on success. */
enum event_json_err event_json_decode(const void *buf, size_t len, struct agent_event *ev);

/* Encodes *ev into out (NUL-terminated). Returns the length, or -ENOSPC /
 * -EINVAL (a field the decoder would refuse: we never send what we would
 * not take). */
int event_json_encode(const struct agent_event *ev, char *out, size_t out_len);

/* Checks a node name: 1..63 of [A-Za-z0-9._-]. */
int event_node_valid(const char *node);

#endif
