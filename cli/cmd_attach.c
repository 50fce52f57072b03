// SPDX-License-Identifier: BSD-2-Clause
/* attach, detach, status */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "opts.h"
#include "sync_state.h"

static int parse_mode(const char *text)
{
	for (int m = VOSFP_MODE_AUTO; m <= VOSFP_MODE_GENERIC; m++)
		if (!strcmp(text, vosfp_mode_name(m)))
			return m;
	return -1;
}

enum { OPT_MODE = OPT_CMD, OPT_MULTIPROG, OPT_JSON };

static const struct cli_opt attach_opts[] = {
	{ "mode", OPT_MODE, "MODE", "auto (native, else generic), native or generic" },
	{ "multiprog", OPT_MULTIPROG, NULL,
	  "through libxdp's dispatcher, next to other libxdp programs (xdp-filter)" },
	{ NULL, 0, NULL, NULL },
};

static int run_attach(struct cli *cli, int argc, char **argv)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .mode = VOSFP_MODE_AUTO };
	struct cli_args a;
	const char *ifname;
	int got = 0, err, c;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		if (c == OPT_MODE) {
			opts.mode = parse_mode(a.optarg);
			if (opts.mode < 0)
				return cli_usage(cli, "--mode must be auto, native or generic");
		} else {
			opts.flags |= VOSFP_ATTACH_MULTIPROG;
		}
	}
	if (c < 0)
		return a.rc;
	if (a.npos != 1)
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	ifname = a.pos[0];
	if (cli_check_ifname(cli, ifname))
		return EXIT_USAGE;
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_attach_ex(cli->h, ifname, &opts, &got);
	if (err)
		return cli_fail(cli, err);
	printf("%s: attached in %s mode%s\n", ifname, vosfp_mode_name(got),
	       opts.flags & VOSFP_ATTACH_MULTIPROG ? " through libxdp's dispatcher" : "");
	return EXIT_OK;
}

const struct cli_cmd cmd_attach = {
	"attach", run_attach, "IFACE [--mode auto|native|generic] [--multiprog]",
	"Attach the filter to IFACE and print the mode obtained. The attachment outlives\n"
	"the command (a pinned bpf_link).\n",
	attach_opts,
};

static int run_detach(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int err;

	cli_args_init(&a, cli, argc, argv);
	if (cli_args_simple(&a, 1, 1))
		return a.rc;
	if (cli_check_ifname(cli, a.pos[0]))
		return EXIT_USAGE;
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_detach(cli->h, a.pos[0]);
	if (err)
		return cli_fail(cli, err);
	printf("%s: detached\n", a.pos[0]);
	return EXIT_OK;
}

const struct cli_cmd cmd_detach = {
	"detach", run_detach, "IFACE",
	"Detach the filter from IFACE (in this network namespace).\n",
	NULL,
};

/* The settings status shows, in its order: the filter's behaviour. */
static const char *const status_keys[] = {
	"stealth_methods", "trusted_only", "malformed_drop", "rate_limit", "rate_burst",
	"autoban", "ban_ttl", "xsk_redirect", "xsk_allowed",
};
#define STATUS_KEYS (int)(sizeof(status_keys) / sizeof(status_keys[0]))

/* The state the status command reports, gathered before printing so that a
 * failure prints nothing half-done. */
struct status {
	int n;
	struct {
		char ifname[16];
		int mode;
		uint32_t prog_id;
		int multiprog; /* through libxdp's dispatcher */
	} att[64];
	int64_t lists[2], capacity[2];
	char ports[128];
	uint16_t portv[VOSFP_MAX_PORTS];
	int nports;
	struct vosfp_ban_stats bans;
	/* The settings an operator checks first, as text (vosfp_config_get). */
	char cfg[STATUS_KEYS][256];
	uint64_t drop_packets, drop_bytes; /* every drop reason, summed */
};

static int gather(struct cli *cli, struct status *st)
{
	int err;

	st->n = vosfp_attachment_count(cli->h);
	if (st->n < 0)
		return st->n;
	if (st->n > 64)
		st->n = 64;
	for (int i = 0; i < st->n; i++) {
		err = vosfp_attachment_get(cli->h, i, st->att[i].ifname, sizeof(st->att[i].ifname),
					   &st->att[i].mode, &st->att[i].prog_id);
		if (err)
			return err;
		err = vosfp_attachment_flags(cli->h, i);
		if (err < 0)
			return err;
		st->att[i].multiprog = !!(err & VOSFP_ATTACH_MULTIPROG);
	}
	for (int l = 0; l < 2; l++) {
		st->lists[l] = vosfp_policy_count(cli->h, l);
		if (st->lists[l] < 0)
			return (int)st->lists[l];
		st->capacity[l] = vosfp_policy_capacity(cli->h, l);
		if (st->capacity[l] < 0)
			return (int)st->capacity[l];
	}
	st->bans.sz = sizeof(st->bans);
	err = vosfp_ban_stats(cli->h, &st->bans); /* printed by cmd_bans.c */
	if (err)
		return err;
	st->nports = vosfp_config_get_ports(cli->h, st->portv, VOSFP_MAX_PORTS);
	if (st->nports < 0)
		return st->nports;
	for (int k = 0; k < STATUS_KEYS; k++) {
		err = vosfp_config_get(cli->h, status_keys[k], st->cfg[k], sizeof(st->cfg[k]));
		if (err)
			return err;
	}
	st->drop_packets = st->drop_bytes = 0;
	for (int id = 0; id < vosfp_counter_count(); id++) {
		uint64_t p, b;

		if (vosfp_counter_is_drop(id) != 1)
			continue;
		err = vosfp_counter_read(cli->h, id, &p, &b);
		if (err)
			return err;
		st->drop_packets += p;
		st->drop_bytes += b;
	}
	return vosfp_config_get(cli->h, "ports", st->ports, sizeof(st->ports));
}

static const char *mode_text(int mode, uint32_t prog_id)
{
	if (!prog_id)
		return "defunct"; /* the interface is gone */
	/* Modes are read in this network namespace only. */
	return mode == VOSFP_MODE_AUTO ? "unknown" : vosfp_mode_name(mode);
}

static const struct cli_opt status_opts[] = {
	{ "json", OPT_JSON, NULL, "one JSON object (schema 1)" },
	{ NULL, 0, NULL, NULL },
};

static int run_status(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int json = 0, err, c;
	struct status st;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0)
		json = 1;
	if (c < 0)
		return a.rc;
	if (a.npos)
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = gather(cli, &st);
	if (err)
		return cli_fail(cli, err);

	if (json) {
		struct jsonw j;

		jsonw_document(&j, stdout);
		jsonw_string(&j, "version", vosfp_version());
		jsonw_string(&j, "pin_root", vosfp_pin_root(cli->h));
		jsonw_begin_array(&j, "attachments");
		for (int i = 0; i < st.n; i++) {
			jsonw_begin_object(&j, NULL);
			jsonw_string(&j, "interface", st.att[i].ifname);
			jsonw_string(&j, "mode", mode_text(st.att[i].mode, st.att[i].prog_id));
			jsonw_uint(&j, "program_id", st.att[i].prog_id);
			jsonw_bool(&j, "multiprog", st.att[i].multiprog);
			jsonw_end_object(&j);
		}
		jsonw_end_array(&j);
		jsonw_begin_object(&j, "lists");
		for (int l = 0; l < 2; l++)
			jsonw_uint(&j, vosfp_list_name(l), (uint64_t)st.lists[l]);
		jsonw_end_object(&j);
		jsonw_begin_object(&j, "capacities");
		for (int l = 0; l < 2; l++)
			jsonw_uint(&j, vosfp_list_name(l), (uint64_t)st.capacity[l]);
		jsonw_end_object(&j);
		jsonw_begin_array(&j, "ports");
		for (int i = 0; i < st.nports && i < VOSFP_MAX_PORTS; i++)
			jsonw_uint(&j, NULL, st.portv[i]);
		jsonw_end_array(&j);
		bans_json(&j, &st.bans);
		jsonw_begin_object(&j, "config");
		for (int k = 0; k < STATUS_KEYS; k++)
			cli_config_json(&j, status_keys[k], st.cfg[k]);
		jsonw_end_object(&j);
		jsonw_begin_object(&j, "drops");
		jsonw_uint(&j, "packets", st.drop_packets);
		jsonw_uint(&j, "bytes", st.drop_bytes);
		jsonw_end_object(&j);
		jsonw_end_object(&j);
		jsonw_finish(&j);
		return EXIT_OK;
	}

	printf("libvosfp %s\n", vosfp_version());
	printf("pin root: %s\n", vosfp_pin_root(cli->h));
	if (!st.n)
		printf("attached: none\n");
	for (int i = 0; i < st.n; i++)
		printf("attached: %s mode %s program %u%s%s\n", st.att[i].ifname,
		       mode_text(st.att[i].mode, st.att[i].prog_id), st.att[i].prog_id,
		       st.att[i].multiprog ? " through libxdp's dispatcher" : "",
		       st.att[i].mode == VOSFP_MODE_AUTO && st.att[i].prog_id
			       ? " (interface in another network namespace)" : "");
	for (int l = 0; l < 2; l++)
		printf("%s list: %lld prefixes (capacity %lld)\n", vosfp_list_name(l),
		       (long long)st.lists[l], (long long)st.capacity[l]);
	printf("ports: %s\n", st.ports);
	sync_status_print(vosfp_pin_root(cli->h), stdout);
	bans_text(stdout, &st.bans);
	printf("config:");
	for (int k = 0; k < STATUS_KEYS; k++)
		printf("%s %s %s", k ? "," : "", status_keys[k], st.cfg[k]);
	printf("\n");
	printf("drops: %llu packets, %llu bytes\n", (unsigned long long)st.drop_packets,
	       (unsigned long long)st.drop_bytes);
	return EXIT_OK;
}

const struct cli_cmd cmd_status = {
	"status", run_status, "[--json]",
	"The pin root, attachments (mode, program, whether through libxdp's dispatcher),\n"
	"list sizes and capacities, SIP ports, the last sync, ban tables, the filter's\n"
	"settings and the drop totals.\n",
	status_opts,
};
