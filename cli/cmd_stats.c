// SPDX-License-Identifier: BSD-2-Clause
/* stats: every counter, by the names the library gives them. */
#include <stdio.h>

#include "commands.h"
#include "json.h"

#define MAX_REASONS 32

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	uint64_t packets[MAX_REASONS], bytes[MAX_REASONS];
	int json = cli_json_flag(argc, argv), n = vosfp_counter_count();

	if (json < 0)
		return cli_usage(cli, "expected [--json]");
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
