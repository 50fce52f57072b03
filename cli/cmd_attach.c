// SPDX-License-Identifier: BSD-2-Clause
/* attach, detach, status */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "sync_state.h"

static int parse_mode(const char *text)
{
	for (int m = VOSFP_MODE_AUTO; m <= VOSFP_MODE_GENERIC; m++)
		if (!strcmp(text, vosfp_mode_name(m)))
			return m;
	return -1;
}

int cmd_attach(struct cli *cli, int argc, char **argv)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .mode = VOSFP_MODE_AUTO };
	const char *usage = "expected IFACE [--mode auto|native|generic] [--multiprog]";
	int got = 0, err;

	if (argc < 1 || argv[0][0] == '-')
		return cli_usage(cli, "%s", usage);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
			opts.mode = parse_mode(argv[++i]);
			if (opts.mode < 0)
				return cli_usage(cli, "--mode must be auto, native or generic");
		} else if (!strcmp(argv[i], "--multiprog")) {
			opts.flags |= VOSFP_ATTACH_MULTIPROG;
		} else {
			return cli_usage(cli, "%s", usage);
		}
	}
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_attach_ex(cli->h, argv[0], &opts, &got);
	if (err)
		return cli_fail(cli, err);
	printf("%s: attached in %s mode%s\n", argv[0], vosfp_mode_name(got),
	       opts.flags & VOSFP_ATTACH_MULTIPROG ? " through libxdp's dispatcher" : "");
	return EXIT_OK;
}

int cmd_detach(struct cli *cli, int argc, char **argv)
{
	int err;

	if (argc != 1)
		return cli_usage(cli, "expected IFACE");
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_detach(cli->h, argv[0]);
	if (err)
		return cli_fail(cli, err);
	printf("%s: detached\n", argv[0]);
	return EXIT_OK;
}

/* The state the status command reports, gathered before printing so that a
 * failure prints nothing half-done. */
struct status {
	int n;
	struct {
		char ifname[16];
		int mode;
		uint32_t prog_id;
	} att[64];
	int64_t lists[2], capacity[2];
	char ports[128];
	struct vosfp_ban_stats bans;
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
	return vosfp_config_get(cli->h, "ports", st->ports, sizeof(st->ports));
}

static const char *mode_text(int mode, uint32_t prog_id)
{
	if (!prog_id)
		return "defunct"; /* the interface is gone */
	/* Modes are read in this network namespace only. */
	return mode == VOSFP_MODE_AUTO ? "unknown" : vosfp_mode_name(mode);
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	int json = cli_json_flag(argc, argv), err;
	struct status st;

	if (json < 0)
		return cli_usage(cli, "expected [--json]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = gather(cli, &st);
	if (err)
		return cli_fail(cli, err);

	if (json) {
		struct jsonw j;

		jsonw_init(&j, stdout);
		jsonw_begin_object(&j, NULL);
		jsonw_string(&j, "version", vosfp_version());
		jsonw_begin_array(&j, "attachments");
		for (int i = 0; i < st.n; i++) {
			jsonw_begin_object(&j, NULL);
			jsonw_string(&j, "interface", st.att[i].ifname);
			jsonw_string(&j, "mode", mode_text(st.att[i].mode, st.att[i].prog_id));
			jsonw_uint(&j, "program_id", st.att[i].prog_id);
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
		jsonw_string(&j, "ports", st.ports);
		bans_json(&j, &st.bans);
		jsonw_end_object(&j);
		jsonw_finish(&j);
		return EXIT_OK;
	}

	printf("libvosfp %s\n", vosfp_version());
	if (!st.n)
		printf("attached: none\n");
	for (int i = 0; i < st.n; i++)
		printf("attached: %s mode %s program %u%s\n", st.att[i].ifname,
		       mode_text(st.att[i].mode, st.att[i].prog_id), st.att[i].prog_id,
		       st.att[i].mode == VOSFP_MODE_AUTO && st.att[i].prog_id
			       ? " (interface in another network namespace)" : "");
	for (int l = 0; l < 2; l++)
		printf("%s list: %lld prefixes (capacity %lld)\n", vosfp_list_name(l),
		       (long long)st.lists[l], (long long)st.capacity[l]);
	printf("ports: %s\n", st.ports);
	sync_status_print(vosfp_pin_root(cli->h), stdout);
	bans_text(stdout, &st.bans);
	return EXIT_OK;
}
