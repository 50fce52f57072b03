// SPDX-License-Identifier: BSD-2-Clause
/* stats: every counter, by the names the library gives them; as a table,
 * JSON, or the Prometheus text exposition format. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"

#define MAX_REASONS 32

/* Prometheus text format (version 0.0.4), for node_exporter's textfile
 * collector: counters by reason, list sizes, attachments by mode. */
static int print_prometheus(struct cli *cli, int n, const uint64_t *packets, const uint64_t *bytes)
{
	static const char *const kinds[2] = { "packets", "bytes" };
	int att = vosfp_attachment_count(cli->h);

	if (att < 0)
		return cli_fail(cli, att);
	for (int k = 0; k < 2; k++) {
		printf("# HELP vosfp_%s_total %s to a SIP port, by the reason of their verdict.\n",
		       kinds[k], k ? "Bytes (whole frames)" : "Packets");
		printf("# TYPE vosfp_%s_total counter\n", kinds[k]);
		for (int id = 0; id < n; id++)
			printf("vosfp_%s_total{reason=\"%s\",verdict=\"%s\"} %llu\n", kinds[k],
			       vosfp_counter_name(id), vosfp_counter_is_drop(id) == 1 ? "drop" : "pass",
			       (unsigned long long)(k ? bytes[id] : packets[id]));
	}
	printf("# HELP vosfp_list_entries Prefixes on a policy list.\n"
	       "# TYPE vosfp_list_entries gauge\n");
	for (int l = 0; l < vosfp_list_count(); l++) {
		int64_t count = vosfp_policy_count(cli->h, l);

		if (count < 0)
			return cli_fail(cli, (int)count);
		printf("vosfp_list_entries{list=\"%s\"} %lld\n", vosfp_list_name(l), (long long)count);
	}
	printf("# HELP vosfp_attached Interfaces the filter is attached to, by mode "
	       "(unknown: another network namespace; defunct: interface gone).\n"
	       "# TYPE vosfp_attached gauge\n");
	for (int i = 0; i < att; i++) {
		char name[16];
		uint32_t prog;
		int mode, err = vosfp_attachment_get(cli->h, i, name, sizeof(name), &mode, &prog);

		if (err)
			return cli_fail(cli, err);
		/* Interface names hold no quote or backslash: no escaping needed. */
		printf("vosfp_attached{interface=\"%s\",mode=\"%s\"} 1\n", name,
		       !prog ? "defunct" : mode ? vosfp_mode_name(mode) : "unknown");
	}
	return EXIT_OK;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	uint64_t packets[MAX_REASONS], bytes[MAX_REASONS];
	int prometheus = argc == 1 && !strcmp(argv[0], "--prometheus");
	int json = prometheus ? 0 : cli_json_flag(argc, argv), n = vosfp_counter_count();

	if (json < 0)
		return cli_usage(cli, "expected [--json | --prometheus]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (n > MAX_REASONS)
		n = MAX_REASONS;
	/* Read everything first: a failure prints no partial table. */
	for (int id = 0; id < n; id++) {
		int err = vosfp_counter_read(cli->h, id, &packets[id], &bytes[id]);

		if (err)
			return cli_fail(cli, err);
	}
	if (prometheus)
		return print_prometheus(cli, n, packets, bytes);
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_begin_object(&j, "counters");
		for (int id = 0; id < n; id++) {
			json_begin_object(&j, vosfp_counter_name(id));
			json_uint(&j, "packets", packets[id]);
			json_uint(&j, "bytes", bytes[id]);
			json_bool(&j, "drop", vosfp_counter_is_drop(id) == 1);
			json_end_object(&j);
		}
		json_end_object(&j);
		json_end_object(&j);
		json_finish(&j);
		return EXIT_OK;
	}
	printf("%-12s %14s %16s  %s\n", "reason", "packets", "bytes", "verdict");
	for (int id = 0; id < n; id++)
		printf("%-12s %14llu %16llu  %s\n", vosfp_counter_name(id),
		       (unsigned long long)packets[id], (unsigned long long)bytes[id],
		       vosfp_counter_is_drop(id) == 1 ? "drop" : "pass");
	return EXIT_OK;
}
