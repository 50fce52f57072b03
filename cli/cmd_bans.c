// SPDX-License-Identifier: BSD-2-Clause
/* ban, unban, list bans */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control_client.h"
#include "json.h"

#define DEFAULT_BAN_TTL 3600

int cmd_ban(struct cli *cli, int argc, char **argv)
{
	unsigned long ttl = DEFAULT_BAN_TTL;
	int err;

	if (argc == 3 && !strcmp(argv[1], "--ttl")) {
		char *end;

		errno = 0;
		ttl = strtoul(argv[2], &end, 10);
		if (*end || errno || ttl == 0 || ttl > 2592000 || argv[2][0] == '-')
			return cli_usage(cli, "--ttl takes seconds from 1 to 2592000");
	} else if (argc != 1) {
		return cli_usage(cli, "expected ADDRESS [--ttl SECONDS]");
	}
	if (control_wanted(cli)) /* no CAP_BPF: the agent bans for us */
		return control_ban(cli, control_wanted(cli), argv[0], (uint32_t)ttl);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_ban_add(cli->h, argv[0], (uint32_t)ttl);
	if (err == -EINVAL) {
		fprintf(stderr, "vosfp: ban: %s\n", vosfp_last_error(cli->h));
		return EXIT_USAGE;
	}
	if (err)
		return cli_fail(cli, err);
	printf("%s: banned for %lu seconds\n", argv[0], ttl);
	return EXIT_OK;
}

int cmd_unban(struct cli *cli, int argc, char **argv)
{
	int err;

	if (argc != 1)
		return cli_usage(cli, "expected ADDRESS");
	if (control_wanted(cli))
		return control_unban(cli, control_wanted(cli), argv[0]);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_ban_remove(cli->h, argv[0]);
	if (err)
		return cli_fail(cli, err);
	printf("%s: ban lifted\n", argv[0]);
	return EXIT_OK;
}

/* `list bans [--json]`: address, seconds left, what caused the ban. */
int cmd_list_bans(struct cli *cli, int json)
{
	struct vosfp_ban_iter *it;
	char addr[64];
	uint32_t ttl;
	int reason, err;
	struct json j;

	if (control_wanted(cli))
		return control_list_bans(cli, control_wanted(cli), json);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_ban_iter_open(cli->h, &it);
	if (err)
		return cli_fail(cli, err);
	if (json) {
		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_string(&j, "list", "bans");
		json_begin_array(&j, "bans");
	}
	while ((err = vosfp_ban_iter_next(it, addr, sizeof(addr), &ttl, &reason)) == 1) {
		const char *why = vosfp_counter_name(reason);

		if (json) {
			json_begin_object(&j, NULL);
			json_string(&j, "address", addr);
			json_uint(&j, "ttl_left", ttl);
			json_string(&j, "reason", why ? why : "unknown");
			json_end_object(&j);
		} else {
			printf("%-40s %8us left  %s\n", addr, ttl, why ? why : "unknown");
		}
	}
	vosfp_ban_iter_close(it);
	if (json) {
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	}
	return err < 0 ? cli_fail(cli, err) : EXIT_OK;
}
