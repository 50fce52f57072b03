// SPDX-License-Identifier: BSD-2-Clause
/* The control protocol's requests: parsed here, applied by agent_apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

#define MAX_WORDS 4

static int split(char *line, char **w)
{
	int n = 0;

	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (n == MAX_WORDS)
			return MAX_WORDS + 1;
		w[n++] = tok;
	}
	return n;
}

static void event_request(struct agent *a, const struct agent_peer *peer, enum agent_op op,
			  char **w, int n, FILE *out)
{
	static const char *const done[] = { "banned", "unbanned", "blocked", "unblocked" };
	int adds = op == AGENT_OP_BAN || op == AGENT_OP_BLOCK;
	struct agent_event ev = { .op = op, .origin = AGENT_FROM_CONTROL };
	char why[512];
	int r;

	if (n < 2 || n > (adds ? 3 : 2)) {
		fprintf(out, "error usage expected %s %s%s\n", w[0],
			op == AGENT_OP_BAN || op == AGENT_OP_UNBAN ? "ADDR" : "CIDR",
			adds ? " [TTL]" : "");
		return;
	}
	if (strlen(w[1]) >= sizeof(ev.addr)) {
		fprintf(out, "error invalid address too long\n");
		return;
	}
	snprintf(ev.addr, sizeof(ev.addr), "%s", w[1]);
	ev.ttl = op == AGENT_OP_BAN ? AGENT_DEFAULT_BAN_TTL : 0;
	/* "0" or "permanent": no expiry, for a ban as for a block. */
	if (n == 3 && (!strcmp(w[2], "0") || !strcmp(w[2], "permanent")))
		ev.ttl = 0;
	else if (n == 3 && vosfp_duration_parse(w[2], &ev.ttl)) {
		fprintf(out, "error invalid TTL '%.32s': 0, permanent, seconds, or N followed by "
			"s, m, h, d, w or y\n", w[2]);
		return;
	}
	snprintf(ev.reason, sizeof(ev.reason), "manual");
	r = agent_apply(a, &ev, peer, why, sizeof(why));
	if (r) {
		fprintf(out, "error %s %s\n", agent_reject_name(-r), why);
		return;
	}
	if (adds)
		fprintf(out, "ok %s %s ttl=%u\n", done[op], ev.addr, ev.ttl);
	else
		fprintf(out, "ok %s %s\n", done[op], ev.addr);
}

/* stats on one line: the metric samples as name=value, comments left out. */
static void stats(struct agent *a, FILE *out)
{
	char *text = NULL, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m) {
		fputs("error failed out of memory\n", out);
		return;
	}
	agent_metrics_write(a, m);
	fclose(m);
	fputs("ok", out);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');

		if (l[0] == '#' || !sp)
			continue;
		*sp = '=';
		fprintf(out, " %s", l);
	}
	fputc('\n', out);
	free(text);
}

/* bans: "ok N", then N lines "ADDR TTL_LEFT REASON". */
static void bans(struct agent *a, FILE *out)
{
	struct vosfp_ban_iter *it;
	char *text = NULL, addr[64];
	size_t len = 0;
	uint32_t ttl;
	int reason, err, n = 0;
	FILE *m;

	if (vosfp_ban_iter_open(a->h, &it)) {
		fprintf(out, "error failed %s\n", vosfp_last_error(a->h));
		return;
	}
	m = open_memstream(&text, &len);
	if (!m) {
		vosfp_ban_iter_close(it);
		fputs("error failed out of memory\n", out);
		return;
	}
	while ((err = vosfp_ban_iter_next(it, addr, sizeof(addr), &ttl, &reason)) == 1) {
		const char *why = vosfp_counter_name(reason);

		fprintf(m, "%s %u %s\n", addr, ttl, why ? why : "unknown");
		n++;
	}
	vosfp_ban_iter_close(it);
	fclose(m);
	if (err < 0)
		fprintf(out, "error failed %s\n", vosfp_last_error(a->h));
	else
		fprintf(out, "ok %d\n%s", n, text ? text : "");
	free(text);
}

void control_handle(struct agent *a, const struct agent_peer *peer, char *line, FILE *out)
{
	static const struct {
		const char *name;
		enum agent_op op;
	} ops[] = { { "ban", AGENT_OP_BAN },
		    { "unban", AGENT_OP_UNBAN },
		    { "block", AGENT_OP_BLOCK },
		    { "unblock", AGENT_OP_UNBLOCK } };
	char *w[MAX_WORDS + 1];
	char query[256];
	int n = split(line, w);

	if (n == 0) {
		fputs("error usage empty request\n", out);
		return;
	}
	if (n > MAX_WORDS) {
		fputs("error usage too many words\n", out);
		return;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(w[0], ops[i].name)) {
			event_request(a, peer, ops[i].op, w, n, out);
			return;
		}
	if (!strcmp(w[0], "query") && n == 2) {
		agent_query(a, w[1], query, sizeof(query));
		fprintf(out, "%s\n", query);
	} else if (!strcmp(w[0], "stats") && n == 1) {
		stats(a, out);
	} else if (!strcmp(w[0], "bans") && n == 1) {
		bans(a, out);
	} else {
		/* Only printable bytes of what was sent go back into the answer. */
		char shown[33];
		size_t k = 0;

		for (const char *c = w[0]; *c && k < sizeof(shown) - 1; c++)
			shown[k++] = *c >= 0x21 && *c < 0x7f ? *c : '?';
		shown[k] = '\0';
		fprintf(out, "error usage unknown request '%s' (ban, unban, block, unblock, query, "
			"stats, bans)\n", shown);
	}
}
