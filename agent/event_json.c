// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fleet's wire format, on jansson (Debian's libjansson): a well-kept
 * parser rather than one of our own, behind a size bound and strict type
 * checks, because every message off the broker may have been written by
 * an attacker who reached the exchange.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event_json.h"

static const char *const err_names[EVJ__COUNT] = {
	[EVJ_OK] = "ok",
	[EVJ_TOO_LARGE] = "too_large",
	[EVJ_NOT_JSON] = "not_json",
	[EVJ_NOT_OBJECT] = "not_object",
	[EVJ_VERSION] = "version",
	[EVJ_OP] = "op",
	[EVJ_ADDR] = "addr",
	[EVJ_TTL] = "ttl",
	[EVJ_REASON] = "reason",
	[EVJ_NODE] = "node",
	[EVJ_ID] = "id",
	[EVJ_TS] = "ts",
};

static const char *const op_names[] = {
	[AGENT_OP_BAN] = "ban",
	[AGENT_OP_UNBAN] = "unban",
	[AGENT_OP_BLOCK] = "block",
	[AGENT_OP_UNBLOCK] = "unblock",
};

const char *event_json_err_name(enum event_json_err err)
{
	return (unsigned int)err < EVJ__COUNT ? err_names[err] : "unknown";
}

static int op_parse(const char *s, enum agent_op *op)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (!strcmp(s, op_names[i])) {
			*op = i;
			return 0;
		}
	}
	return -1;
}

int event_node_valid(const char *node)
{
	size_t n = strlen(node);

	if (n == 0 || n > 63)
		return 0;
	return strspn(node, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int reason_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 80)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* An address, or with cidr an address with an optional /length: the syntax
 * only; what may be applied (allow list, shortest prefix) is the agent's. */
static int addr_valid(const char *s, int cidr)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned char bin[16];
	int max;

	if (hlen == 0 || hlen >= sizeof(host) || (slash && !cidr))
		return 0;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, bin) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, host, bin) == 1)
		max = 128;
	else
		return 0;
	if (slash) {
		const char *d = slash + 1;
		size_t nd = strspn(d, "0123456789");

		if (nd == 0 || nd > 3 || d[nd] != '\0' || (nd > 1 && d[0] == '0') || atoi(d) > max)
			return 0;
	}
	return 1;
}

/* A string member that is present, a string, with no NUL inside, and fits
 * in cap bytes; else NULL. */
static const char *get_str(json_t *obj, const char *key, size_t cap)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s) || strlen(s) >= cap)
		return NULL;
	return s;
}

/* An integer member in [min, max]: 1 and *out, 0 if absent, -1 if bad. */
static int get_int(json_t *obj, const char *key, json_int_t min, json_int_t max, json_int_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 1;
}

static enum event_json_err decode_obj(json_t *root, struct agent_event *ev)
{
	struct agent_event e = { .origin = AGENT_FROM_FLEET };
	const char *s;
	json_int_t n;
	int r;

	if (get_int(root, "v", 0, INT32_MAX, &n) != 1 || n != EVENT_JSON_VERSION)
		return EVJ_VERSION;
	s = get_str(root, "op", 16);
	if (!s || op_parse(s, &e.op))
		return EVJ_OP;
	s = get_str(root, "addr", sizeof(e.addr));
	if (!s || !addr_valid(s, e.op == AGENT_OP_BLOCK || e.op == AGENT_OP_UNBLOCK))
		return EVJ_ADDR;
	strcpy(e.addr, s);
	r = get_int(root, "ttl", 0, UINT32_MAX, &n);
	/* A ban must say how long: "ttl": 0 is a permanent one (since 0.2),
	 * a missing ttl is malformed, never taken as permanent. */
	if (r < 0 || (e.op == AGENT_OP_BAN && r == 0))
		return EVJ_TTL;
	e.ttl = r ? (uint32_t)n : 0;
	if (json_object_get(root, "reason")) {
		s = get_str(root, "reason", sizeof(e.reason));
		if (!s || !reason_valid(s))
			return EVJ_REASON;
		strcpy(e.reason, s);
	}
	s = get_str(root, "node", sizeof(e.node));
	if (!s || !event_node_valid(s))
		return EVJ_NODE;
	strcpy(e.node, s);
	s = get_str(root, "id", sizeof(e.id));
	if (!s || !id_valid(s))
		return EVJ_ID;
	strcpy(e.id, s);
	if (get_int(root, "ts", 0, INT64_MAX, &n) != 1)
		return EVJ_TS;
	e.made_ms = (uint64_t)n;
	*ev = e;
	return EVJ_OK;
}

enum event_json_err event_json_decode(const void *buf, size_t len, struct agent_event *ev)
{
	enum event_json_err err;
	json_error_t jerr;
	json_t *root;

	if (len > EVENT_JSON_MAX)
		return EVJ_TOO_LARGE;
	/* Duplicate keys refused: two "addr"s could be read two ways. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return EVJ_NOT_JSON;
	err = json_is_object(root) ? decode_obj(root, ev) : EVJ_NOT_OBJECT;
	json_decref(root);
	return err;
}

int event_json_encode(const struct agent_event *ev, char *out, size_t out_len)
{
	int cidr = ev->op == AGENT_OP_BLOCK || ev->op == AGENT_OP_UNBLOCK;
	json_t *root;
	size_t n;

	if ((unsigned int)ev->op >= sizeof(op_names) / sizeof(op_names[0]) ||
	    !memchr(ev->addr, '\0', sizeof(ev->addr)) || !addr_valid(ev->addr, cidr) ||
	    !memchr(ev->node, '\0', sizeof(ev->node)) || !event_node_valid(ev->node) ||
	    !memchr(ev->id, '\0', sizeof(ev->id)) || !id_valid(ev->id) ||
	    !memchr(ev->reason, '\0', sizeof(ev->reason)) ||
	    (ev->reason[0] && !reason_valid(ev->reason)) ||
	    ev->made_ms > (uint64_t)INT64_MAX)
		return -EINVAL;
	root = json_pack("{s:i, s:s, s:s, s:I, s:s, s:s, s:I}", "v", EVENT_JSON_VERSION,
			 "op", op_names[ev->op], "addr", ev->addr, "ttl", (json_int_t)ev->ttl,
			 "node", ev->node, "id", ev->id, "ts", (json_int_t)ev->made_ms);
	if (!root)
		return -ENOMEM;
	if (ev->reason[0] && json_object_set_new(root, "reason", json_string(ev->reason))) {
		json_decref(root);
		return -ENOMEM;
	}
	n = json_dumpb(root, out, out_len, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (n == 0 || n >= out_len)
		return -ENOSPC;
	out[n] = '\0';
	return (int)n;
}
