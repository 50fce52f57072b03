// SPDX-License-Identifier: BSD-2-Clause
/* ban, unban, list bans; the ban tables in status, stats and metrics */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control_client.h"
#include "json.h"
#include "opts.h"

#define DEFAULT_BAN_TTL 3600

enum { OPT_TTL = OPT_CMD, OPT_PERMANENT };

static const struct cli_opt ban_opts[] = {
	{ "ttl", OPT_TTL, "DURATION", "how long the ban lasts: 1 s to 10y (default 1h); 0: "
	  "permanent" },
	{ "permanent", OPT_PERMANENT, NULL, "the ban never expires (as a TTL of 0)" },
	{ NULL, 0, NULL, NULL },
};

int cli_ttl_parse(const char *text, uint32_t *seconds)
{
	/* "0" exactly: "00" or "0s" are more likely typos than a wish. */
	if (!strcmp(text, "0")) {
		*seconds = 0;
		return 0;
	}
	return vosfp_duration_parse(text, seconds);
}

/* A ban is for one address, never a prefix: checked here so that a typo is
 * a usage error before privileges or the agent's socket come into it. */
static int check_address(struct cli *cli, const char *addr)
{
	char why[256];

	if (strchr(addr, '/'))
		return cli_usage(cli, "%s: a ban is for one address, not a prefix (use block "
				 "--ttl for a prefix)", addr);
	if (vosfp_prefix_check(addr, NULL, 0, why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	return EXIT_OK;
}

static int run_ban(struct cli *cli, int argc, char **argv)
{
	struct vosfp_ban_add_opts o = { .sz = sizeof(o), .ttl_seconds = DEFAULT_BAN_TTL };
	struct cli_args a;
	const char *addr;
	int err, c;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		if (c == OPT_PERMANENT) {
			o.ttl_seconds = 0;
		} else if (cli_ttl_parse(a.optarg, &o.ttl_seconds)) {
			/* The DURATION of block and allow, and their 0. */
			return cli_usage(cli, "--ttl takes 0 (permanent) or a DURATION from 1 s "
					 "to 10y: seconds, or N followed by s, m, h, d, w or y");
		}
	}
	if (c < 0)
		return a.rc;
	if (a.npos != 1)
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	addr = a.pos[0];
	if (check_address(cli, addr))
		return EXIT_USAGE;
	if (control_wanted(cli)) /* no CAP_BPF: the agent bans for us */
		return control_ban(cli, control_wanted(cli), addr, o.ttl_seconds);
	if (!cli_open(cli))
		return EXIT_FAIL;
	o.flags = o.ttl_seconds ? 0 : VOSFP_BAN_PERMANENT;
	err = vosfp_ban_add_ex(cli->h, addr, &o);
	if (err == -EINVAL) {
		fprintf(stderr, "vosfp: ban: %s\n", vosfp_last_error(cli->h));
		return EXIT_USAGE;
	}
	if (err)
		return cli_fail(cli, err);
	if (o.ttl_seconds)
		printf("%s: banned for %u seconds\n", addr, o.ttl_seconds);
	else
		printf("%s: banned permanently\n", addr);
	return EXIT_OK;
}

const struct cli_cmd cmd_ban = {
	"ban", run_ban, "ADDRESS [--ttl DURATION|--permanent]",
	"Ban one source address for a while (default 3600 s), or for good: until unban,\n"
	"with --permanent. Bans made by hand have a table of their own that automatic\n"
	"bans never evict. Without CAP_BPF the agent makes the ban (see --control),\n"
	"within its --max-ttl for a user other than root.\n",
	ban_opts,
};

static int run_unban(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int err;

	cli_args_init(&a, cli, argc, argv);
	if (cli_args_simple(&a, 1, 1))
		return a.rc;
	if (check_address(cli, a.pos[0]))
		return EXIT_USAGE;
	if (control_wanted(cli))
		return control_unban(cli, control_wanted(cli), a.pos[0]);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_ban_remove(cli->h, a.pos[0]);
	if (err)
		return cli_fail(cli, err);
	printf("%s: ban lifted\n", a.pos[0]);
	return EXIT_OK;
}

const struct cli_cmd cmd_unban = {
	"unban", run_unban, "ADDRESS",
	"Lift a ban, made by hand or automatic.\n",
	NULL,
};

/* One ban of `list bans`, from the library or the agent: ttl_left 0 is a
 * permanent ban (JSON: "ttl_left": 0 and "permanent": true). */
void bans_row(struct jsonw *j, int json, const char *addr, uint32_t ttl_left, const char *why)
{
	if (json) {
		jsonw_begin_object(j, NULL);
		jsonw_string(j, "address", addr);
		jsonw_uint(j, "ttl_left", ttl_left);
		jsonw_bool(j, "permanent", !ttl_left);
		jsonw_string(j, "reason", why);
		jsonw_end_object(j);
	} else if (ttl_left) {
		printf("%-40s %8us left  %s\n", addr, ttl_left, why);
	} else {
		printf("%-40s %14s  %s\n", addr, "permanent", why);
	}
}

/* `list bans [--json]`: address, seconds left, what caused the ban. */
int cmd_list_bans(struct cli *cli, int json)
{
	struct vosfp_ban_iter *it;
	char addr[64];
	uint32_t ttl;
	int reason, err;
	struct jsonw j;

	if (control_wanted(cli))
		return control_list_bans(cli, control_wanted(cli), json);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_ban_iter_open(cli->h, &it);
	if (err)
		return cli_fail(cli, err);
	if (json) {
		jsonw_document(&j, stdout);
		jsonw_string(&j, "list", "bans");
		jsonw_begin_array(&j, "bans");
	}
	while ((err = vosfp_ban_iter_next(it, addr, sizeof(addr), &ttl, &reason)) == 1) {
		const char *why = vosfp_counter_name(reason);

		bans_row(&j, json, addr, ttl, why ? why : "unknown");
	}
	vosfp_ban_iter_close(it);
	if (json) {
		jsonw_end_array(&j);
		jsonw_end_object(&j);
		jsonw_finish(&j);
	}
	return err < 0 ? cli_fail(cli, err) : EXIT_OK;
}

/* The ban tables as a "bans" member of the current JSON object. */
void bans_json(struct jsonw *j, const struct vosfp_ban_stats *st)
{
	jsonw_begin_object(j, "bans");
	jsonw_begin_object(j, "manual");
	jsonw_uint(j, "used", st->manual_used);
	jsonw_uint(j, "capacity", st->manual_capacity);
	jsonw_end_object(j);
	jsonw_begin_object(j, "auto");
	jsonw_uint(j, "used", st->auto_used);
	jsonw_uint(j, "capacity", st->auto_capacity);
	jsonw_uint(j, "refused", st->auto_refused);
	jsonw_uint(j, "spared", st->auto_spared);
	jsonw_uint(j, "events_lost", st->events_lost);
	jsonw_end_object(j);
	jsonw_begin_object(j, "verified");
	jsonw_uint(j, "used", st->verified_used);
	jsonw_uint(j, "capacity", st->verified_capacity);
	jsonw_uint(j, "learned", st->verified_learned);
	jsonw_end_object(j);
	jsonw_end_object(j);
}

void bans_text(FILE *out, const struct vosfp_ban_stats *st)
{
	fprintf(out, "bans by hand: %u (capacity %u)\n", st->manual_used, st->manual_capacity);
	fprintf(out, "automatic bans: %u (capacity %u); not made: %llu table full, %llu source "
		     "verified\n",
		st->auto_used, st->auto_capacity, (unsigned long long)st->auto_refused,
		(unsigned long long)st->auto_spared);
	if (st->events_lost)
		fprintf(out, "automatic bans not reported to the agent (event ring full): %llu\n",
			(unsigned long long)st->events_lost);
	fprintf(out, "verified sources: %u (capacity %u); %llu responses learnt from\n",
		st->verified_used, st->verified_capacity,
		(unsigned long long)st->verified_learned);
}

void bans_metrics(FILE *out, const struct vosfp_ban_stats *st)
{
	static const char *const names[3] = { "manual_bans", "auto_bans", "verified_sources" };
	const uint32_t used[3] = { st->manual_used, st->auto_used, st->verified_used };
	const uint32_t cap[3] = { st->manual_capacity, st->auto_capacity,
				  st->verified_capacity };

	fprintf(out, "# HELP vosfp_table_entries Live entries of the ban tables and of the "
		     "verified sources.\n# TYPE vosfp_table_entries gauge\n");
	for (int t = 0; t < 3; t++)
		fprintf(out, "vosfp_table_entries{table=\"%s\"} %u\n", names[t], used[t]);
	fprintf(out, "# HELP vosfp_table_capacity Capacity of the ban tables and of the "
		     "verified sources.\n# TYPE vosfp_table_capacity gauge\n");
	for (int t = 0; t < 3; t++)
		fprintf(out, "vosfp_table_capacity{table=\"%s\"} %u\n", names[t], cap[t]);
	fprintf(out, "# HELP vosfp_ban_events_total Automatic bans not made (auto_refused: "
		     "table full; auto_spared: verified source), automatic bans whose event the "
		     "full ring buffer dropped (events_lost) and responses that verified a source "
		     "(verified_learned).\n# TYPE vosfp_ban_events_total counter\n");
	fprintf(out, "vosfp_ban_events_total{event=\"auto_refused\"} %llu\n",
		(unsigned long long)st->auto_refused);
	fprintf(out, "vosfp_ban_events_total{event=\"auto_spared\"} %llu\n",
		(unsigned long long)st->auto_spared);
	fprintf(out, "vosfp_ban_events_total{event=\"events_lost\"} %llu\n",
		(unsigned long long)st->events_lost);
	fprintf(out, "vosfp_ban_events_total{event=\"verified_learned\"} %llu\n",
		(unsigned long long)st->verified_learned);
}
