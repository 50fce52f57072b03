// SPDX-License-Identifier: BSD-2-Clause
/* block, unblock, allow, unallow, list, load */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control_client.h"
#include "json.h"

int cli_list_by_name(const char *name)
{
	for (int l = 0; l < vosfp_list_count(); l++)
		if (!strcmp(name, vosfp_list_name(l)))
			return l;
	return -1;
}

int cmd_policy_change(struct cli *cli, int argc, char **argv)
{
	const char *c = cli->command;
	int list = (!strcmp(c, "block") || !strcmp(c, "unblock")) ? VOSFP_LIST_BLOCK
								   : VOSFP_LIST_ALLOW;
	int remove = !strncmp(c, "un", 2);
	uint32_t ttl = 0;
	char why[256];
	int err;

	if (!remove && argc == 3 && !strcmp(argv[1], "--ttl")) {
		/* The grammar of ttl= in policy files: what an operator types
		 * here can be pasted into a file. */
		if (vosfp_duration_parse(argv[2], &ttl))
			return cli_usage(cli, "--ttl takes a DURATION: seconds, or N followed by "
					 "s, m, h or d (at most 10 years)");
	} else if (argc != 1) {
		return cli_usage(cli, remove ? "expected one CIDR (e.g. 192.0.2.0/24 or "
					       "2001:db8::/32)"
					     : "expected CIDR [--ttl DURATION] (e.g. 192.0.2.0/24 "
					       "--ttl 1h)");
	}
	if (vosfp_prefix_check(argv[0], NULL, 0, why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	if (list == VOSFP_LIST_BLOCK && control_wanted(cli))
		return control_block(cli, control_wanted(cli), remove, argv[0], ttl);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = remove ? vosfp_policy_remove(cli->h, list, argv[0])
		     : vosfp_policy_add_ttl(cli->h, list, argv[0], (uint32_t)ttl);
	if (err < 0)
		return cli_fail(cli, err);
	if (remove)
		printf("%s: removed from the %s list\n", argv[0], vosfp_list_name(list));
	else
		printf("%s: %s the %s list%s", argv[0], err == 1 ? "already on" : "added to",
		       vosfp_list_name(list), ttl ? "" : "\n");
	/* Re-adding a present prefix replaces its TTL: say what is in force. */
	if (!remove && ttl)
		printf(", expires in %u s\n", ttl);
	return EXIT_OK;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	struct vosfp_policy_iter *it;
	int list, json, err;
	struct jsonw j;
	char buf[64];

	if (argc >= 1 && !strcmp(argv[0], "bans")) {
		json = cli_json_flag(argc - 1, argv + 1);
		if (json < 0)
			return cli_usage(cli, "expected bans [--json]");
		return cmd_list_bans(cli, json);
	}
	if (argc < 1 || (list = cli_list_by_name(argv[0])) < 0)
		return cli_usage(cli, "expected block|allow|bans [--json]");
	json = cli_json_flag(argc - 1, argv + 1);
	if (json < 0)
		return cli_usage(cli, "expected block|allow|bans [--json]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_policy_iter_open(cli->h, list, &it);
	if (err)
		return cli_fail(cli, err);
	if (json) {
		jsonw_init(&j, stdout);
		jsonw_begin_object(&j, NULL);
		jsonw_string(&j, "list", vosfp_list_name(list));
		jsonw_begin_array(&j, "prefixes");
	}
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
		int64_t ttl = vosfp_policy_iter_ttl(it);

		if (json) {
			jsonw_begin_object(&j, NULL);
			jsonw_string(&j, "prefix", buf);
			jsonw_uint(&j, "ttl", ttl > 0 ? (uint64_t)ttl : 0);
			jsonw_end_object(&j);
		} else if (ttl > 0) {
			/* The policy file syntax: the output can be loaded back. */
			printf("%s ttl=%lld\n", buf, (long long)ttl);
		} else {
			puts(buf);
		}
	}
	vosfp_policy_iter_close(it);
	if (json) {
		jsonw_end_array(&j);
		jsonw_end_object(&j);
		jsonw_finish(&j);
	}
	return err < 0 ? cli_fail(cli, err) : EXIT_OK;
}

/* The library reads and checks the whole file before changing anything,
 * and reports a bad line as "FILE:LINE: why". */
int cmd_load(struct cli *cli, int argc, char **argv)
{
	unsigned flags = 0;
	int list, n;

	if (argc == 3 && !strcmp(argv[2], "--replace"))
		flags = VOSFP_LOAD_REPLACE;
	else if (argc != 2)
		return cli_usage(cli, "expected block|allow FILE [--replace]");
	if ((list = cli_list_by_name(argv[0])) < 0)
		return cli_usage(cli, "expected block|allow FILE [--replace]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	n = vosfp_policy_load(cli->h, list, argv[1], flags);
	if (n < 0) {
		fprintf(stderr, "vosfp: load: %s; nothing changed\n", vosfp_last_error(cli->h));
		return EXIT_FAIL;
	}
	if (flags & VOSFP_LOAD_REPLACE)
		printf("%s: %d entries read; the %s list is now exactly the file\n", argv[1], n,
		       vosfp_list_name(list));
	else
		printf("%s: %d entries loaded into the %s list\n", argv[1], n,
		       vosfp_list_name(list));
	return EXIT_OK;
}
