// SPDX-License-Identifier: BSD-2-Clause
/* block, unblock, allow, unallow, list, load */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control_client.h"
#include "json.h"
#include "opts.h"

int cli_list_by_name(const char *name)
{
	for (int l = 0; l < vosfp_list_count(); l++)
		if (!strcmp(name, vosfp_list_name(l)))
			return l;
	return -1;
}

enum { OPT_TTL = OPT_CMD, OPT_JSON, OPT_REPLACE, OPT_PERMANENT };

static const struct cli_opt change_opts[] = {
	{ "ttl", OPT_TTL, "DURATION", "the entry expires after DURATION (at most 10y); 0: "
	  "permanent" },
	{ "permanent", OPT_PERMANENT, NULL, "the entry never expires (the default; as a TTL "
	  "of 0)" },
	{ NULL, 0, NULL, NULL },
};

static int run_policy_change(struct cli *cli, int argc, char **argv)
{
	const char *c = cli->command;
	int list = (!strcmp(c, "block") || !strcmp(c, "unblock")) ? VOSFP_LIST_BLOCK
								   : VOSFP_LIST_ALLOW;
	int remove = !strncmp(c, "un", 2), opt, err;
	struct cli_args a;
	uint32_t ttl = 0;
	const char *cidr;
	char why[256];

	cli_args_init(&a, cli, argc, argv);
	while ((opt = cli_args_next(&a)) > 0) {
		/* The grammar of ttl= in policy files (what an operator types
		 * here can be pasted into a file), and ban's 0 and --permanent:
		 * one spelling of "for good" across the three commands. */
		if (opt == OPT_PERMANENT)
			ttl = 0;
		else if (cli_ttl_parse(a.optarg, &ttl))
			return cli_usage(cli, "--ttl takes 0 (permanent) or a DURATION: seconds, "
					 "or N followed by s, m, h, d, w or y (at most 10 years)");
	}
	if (opt < 0)
		return a.rc;
	if (a.npos != 1)
		return cli_usage(cli, remove ? "expected one CIDR (e.g. 192.0.2.0/24 or "
					       "2001:db8::/32)"
					     : "expected CIDR [--ttl DURATION] (e.g. 192.0.2.0/24 "
					       "--ttl 1h)");
	cidr = a.pos[0];
	if (vosfp_prefix_check(cidr, NULL, 0, why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	if (list == VOSFP_LIST_BLOCK && control_wanted(cli))
		return control_block(cli, control_wanted(cli), remove, cidr, ttl);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = remove ? vosfp_policy_remove(cli->h, list, cidr)
		     : vosfp_policy_add_ttl(cli->h, list, cidr, (uint32_t)ttl);
	if (err < 0)
		return cli_fail(cli, err);
	if (remove)
		printf("%s: removed from the %s list\n", cidr, vosfp_list_name(list));
	else
		printf("%s: %s the %s list%s", cidr, err == 1 ? "already on" : "added to",
		       vosfp_list_name(list), ttl ? "" : "\n");
	/* Re-adding a present prefix replaces its TTL: say what is in force. */
	if (!remove && ttl)
		printf(", expires in %u s\n", ttl);
	return EXIT_OK;
}

const struct cli_cmd cmd_block = {
	"block", run_policy_change, "CIDR [--ttl DURATION|--permanent]",
	"Put a source prefix (192.0.2.0/24, 2001:db8::/32, or an address) on the block\n"
	"list: its packets to a SIP port are dropped.\n",
	change_opts,
};

const struct cli_cmd cmd_unblock = {
	"unblock", run_policy_change, "CIDR",
	"Take the exact prefix off the block list.\n",
	NULL,
};

const struct cli_cmd cmd_allow = {
	"allow", run_policy_change, "CIDR [--ttl DURATION|--permanent]",
	"Put a source prefix on the allow list (trusted peers, trunks): passed without\n"
	"further inspection. The block list takes precedence.\n",
	change_opts,
};

const struct cli_cmd cmd_unallow = {
	"unallow", run_policy_change, "CIDR",
	"Take the exact prefix off the allow list.\n",
	NULL,
};

static const struct cli_opt list_opts[] = {
	{ "json", OPT_JSON, NULL, "one JSON object (schema 1)" },
	{ NULL, 0, NULL, NULL },
};

static int run_list(struct cli *cli, int argc, char **argv)
{
	struct vosfp_policy_iter *it;
	int list, json = 0, err, c;
	struct cli_args a;
	struct jsonw j;
	char buf[64];

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0)
		json = 1;
	if (c < 0)
		return a.rc;
	if (a.npos != 1)
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	if (!strcmp(a.pos[0], "bans"))
		return cmd_list_bans(cli, json);
	if ((list = cli_list_by_name(a.pos[0])) < 0)
		return cli_usage(cli, "unknown list '%s': expected block, allow or bans", a.pos[0]);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_policy_iter_open(cli->h, list, &it);
	if (err)
		return cli_fail(cli, err);
	if (json) {
		jsonw_document(&j, stdout);
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

const struct cli_cmd cmd_list = {
	"list", run_list, "block|allow|bans [--json]",
	"Print a list, one entry a line with the TTL left (in the policy file syntax, so\n"
	"that it can be loaded back), or the bans with their seconds left and cause.\n",
	list_opts,
};

static const struct cli_opt load_opts[] = {
	{ "replace", OPT_REPLACE, NULL, "FILE becomes the list, atomically" },
	{ NULL, 0, NULL, NULL },
};

/*
 * `load LIST -`: standard input, whole, into memory, never more than the
 * list could ever hold (its capacity in lines of the longest length), the
 * bound the library sets a file. Then it is one buffer, checked whole
 * before anything changes, like a file.
 */
static int read_stdin(struct cli *cli, int list, char **text, size_t *len)
{
	int64_t cap = vosfp_policy_capacity(cli->h, list);
	size_t bound, used = 0, room = 0;
	char *buf = NULL;

	if (cap < 0)
		return cli_fail(cli, (int)cap);
	bound = (size_t)cap * (VOSFP_POLICY_LINE_MAX + 1);
	for (;;) {
		size_t got;

		if (used == room) {
			/* One byte past the bound: reading it means too much. */
			size_t nroom = room ? room * 2 : 65536;
			char *nb;

			if (nroom > bound + 1)
				nroom = bound + 1;
			if (nroom <= room) {
				fprintf(stderr, "vosfp: load: standard input: more than %zu "
					"bytes, more than the %s list can ever hold (its "
					"capacity in lines of at most %d bytes); nothing "
					"changed\n", bound, vosfp_list_name(list),
					VOSFP_POLICY_LINE_MAX + 1);
				free(buf);
				return EXIT_FAIL;
			}
			nb = realloc(buf, nroom);
			if (!nb) {
				free(buf);
				fprintf(stderr, "vosfp: load: standard input: out of memory; "
					"nothing changed\n");
				return EXIT_FAIL;
			}
			buf = nb;
			room = nroom;
		}
		got = fread(buf + used, 1, room - used, stdin);
		used += got;
		if (got == 0 || used < room) {
			if (ferror(stdin)) {
				fprintf(stderr, "vosfp: load: standard input: read error: %s; "
					"nothing changed\n", strerror(errno));
				free(buf);
				return EXIT_FAIL;
			}
			if (feof(stdin))
				break;
		}
	}
	*text = buf;
	*len = used;
	return EXIT_OK;
}

/* The library reads and checks the whole file before changing anything,
 * and reports a bad line as "FILE:LINE: why". */
static int run_load(struct cli *cli, int argc, char **argv)
{
	unsigned flags = 0;
	struct cli_args a;
	int list, n, c;
	const char *name;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0)
		flags = VOSFP_LOAD_REPLACE;
	if (c < 0)
		return a.rc;
	if (a.npos != 2)
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	if ((list = cli_list_by_name(a.pos[0])) < 0)
		return cli_usage(cli, "unknown list '%s': expected block or allow", a.pos[0]);
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (!strcmp(a.pos[1], "-")) {
		char *text = NULL;
		size_t len = 0;

		name = "<stdin>"; /* errors say "<stdin>:LINE: why" */
		if (read_stdin(cli, list, &text, &len))
			return EXIT_FAIL;
		n = vosfp_policy_load_buffer(cli->h, list, text, len, name, flags);
		free(text);
	} else {
		name = a.pos[1];
		n = vosfp_policy_load(cli->h, list, name, flags);
	}
	if (n < 0) {
		fprintf(stderr, "vosfp: load: %s; nothing changed\n", vosfp_last_error(cli->h));
		return EXIT_FAIL;
	}
	if (flags & VOSFP_LOAD_REPLACE)
		printf("%s: %d entries read; the %s list is now exactly the file\n", name, n,
		       vosfp_list_name(list));
	else
		printf("%s: %d entries loaded into the %s list\n", name, n,
		       vosfp_list_name(list));
	return EXIT_OK;
}

const struct cli_cmd cmd_load = {
	"load", run_load, "block|allow FILE|- [--replace]",
	"Add every entry of a policy file, or of standard input for '-' (all or\n"
	"nothing; a bad line is reported as FILE:LINE and changes nothing). '#' and ';'\n"
	"start comments (Spamhaus DROP lists load as they come); CRLF and a UTF-8 BOM\n"
	"are taken.\n",
	load_opts,
};
