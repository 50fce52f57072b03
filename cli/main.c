// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp: the operator's tool. A thin client of the public API: every
 * command maps onto vosfp.h calls, and every failure is reported with the
 * library's own detail. Exit 0 on success, 1 on an operational error,
 * 2 on a usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <net/if.h>

#include "bpffs.h"
#include "commands.h"
#include "opts.h"
#include "settings.h"

static int run_version(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;

	cli_args_init(&a, cli, argc, argv);
	if (cli_args_simple(&a, 0, 0))
		return a.rc;
	return cli_print_version();
}

const struct cli_cmd cmd_version = {
	"version", run_version, "",
	"Print the versions of the tool, of libvosfp (vosfp_version()) and of the libbpf\n"
	"it runs with; the same as vosfp --version.\n",
	NULL,
};

int cli_print_version(void)
{
	printf("vosfp %s\nlibvosfp %s\nlibbpf %u.%u\n", VOSFP_TOOL_VERSION, vosfp_version(),
	       libbpf_major_version(), libbpf_minor_version());
	return EXIT_OK;
}

/* In the order of the global help. */
const struct cli_cmd *const cli_commands[] = {
	&cmd_attach, &cmd_detach, &cmd_status, &cmd_block, &cmd_unblock,
	&cmd_allow, &cmd_unallow, &cmd_list, &cmd_ban, &cmd_unban,
	&cmd_load, &cmd_sync, &cmd_ports, &cmd_config, &cmd_stats,
	&cmd_exporter, &cmd_replay, &cmd_test, &cmd_agent, &cmd_version, NULL,
};

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vosfp: %s%s", cli->command ? cli->command : "",
		cli->command ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vosfp %s%s--help'.\n", cli->command ? cli->command : "",
		cli->command ? " " : "");
	return EXIT_USAGE;
}

int cli_check_ifname(struct cli *cli, const char *name)
{
	/* The kernel's dev_valid_name(): what it would refuse is a typo. */
	if (!*name || strlen(name) >= IF_NAMESIZE || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strpbrk(name, "/: \t\n\v\f\r")) {
		cli_usage(cli, "'%s' cannot be an interface name", name);
		return -1;
	}
	return 0;
}

int cli_fail(struct cli *cli, int err)
{
	const char *detail = cli->h ? vosfp_last_error(cli->h) : vosfp_open_error();

	fprintf(stderr, "vosfp: %s: %s\n", cli->command,
		detail && *detail ? detail : vosfp_strerror(err));
	return EXIT_FAIL;
}

/*
 * A capacity named on the command line is what the operator wants the
 * root to take: a larger one than the root's raises it (a capacity is a
 * limit, not memory), so that a load refused for capacity can be retried
 * with a larger --block-capacity on the same root, attached or not. A
 * smaller one is refused rather than applied: it is far more often a stale
 * figure in a script than a wish to shrink, and it would make a later big
 * load fail.
 */
static int check_capacities(struct cli *cli, const char *root)
{
	for (int l = 0; l < 2; l++) {
		int64_t have;
		int err;

		if (!cli->capacity[l])
			continue;
		have = vosfp_policy_capacity(cli->h, l);
		if (have < 0)
			return cli_fail(cli, (int)have);
		if (have == cli->capacity[l])
			continue;
		if (have > cli->capacity[l]) {
			fprintf(stderr,
				"vosfp: %s: %s was created with %s capacity %lld, not %u; a list's "
				"capacity can be raised, not lowered, from the tool (use another "
				"--pin-root, or detach and rm -r this one)\n",
				cli->command, root, vosfp_list_name(l), (long long)have,
				cli->capacity[l]);
			return EXIT_FAIL;
		}
		err = vosfp_policy_set_capacity(cli->h, l, cli->capacity[l]);
		if (err)
			return cli_fail(cli, err);
		fprintf(stderr, "vosfp: %s: %s: %s capacity raised from %lld to %u\n", cli->command,
			root, vosfp_list_name(l), (long long)have, cli->capacity[l]);
	}
	return EXIT_OK;
}

struct vosfp *cli_open(struct cli *cli)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts),
					.pin_root = cli->pin_root,
					.block_capacity = cli->capacity[VOSFP_LIST_BLOCK],
					.allow_capacity = cli->capacity[VOSFP_LIST_ALLOW] };
	const char *root = cli->pin_root ? cli->pin_root : VOSFP_DEFAULT_PIN_ROOT;
	char why[512];
	int err;

	err = bpffs_prepare(root, cli->mount_bpffs, why, sizeof(why));
	if (err) {
		fprintf(stderr, "vosfp: %s: %s\n", cli->command, why);
		return NULL;
	}
	err = vosfp_open(&opts, &cli->h);
	if (err) {
		cli_fail(cli, err);
		return NULL;
	}
	if (check_capacities(cli, root) != EXIT_OK) {
		vosfp_close(cli->h);
		cli->h = NULL;
		return NULL;
	}
	return cli->h;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int first, rc;

	/* The configuration file first: the options below override it. */
	rc = settings_load(&cli, &argc, argv);
	if (rc != EXIT_OK)
		return rc;
	/* The global options before the command; a command takes them among
	 * its own as well. */
	rc = cli_global_parse(&cli, argc, argv, &first);
	if (rc >= 0)
		return rc;
	if (first >= argc)
		return cli_usage(&cli, "no command given");
	if (!strcmp(argv[first], "help")) { /* help [COMMAND] */
		const struct cli_cmd *cmd = NULL;

		for (int c = 0; first + 1 < argc && cli_commands[c]; c++)
			if (!strcmp(cli_commands[c]->name, argv[first + 1]))
				cmd = cli_commands[c];
		if (first + 1 < argc && (!cmd || first + 2 < argc))
			return cli_usage(&cli, "help takes one command's name, or nothing");
		cli_help(cmd, stdout);
		return EXIT_OK;
	}
	for (int c = 0; cli_commands[c]; c++) {
		if (strcmp(cli_commands[c]->name, argv[first]))
			continue;
		cli.command = argv[first];
		cli.cmd = cli_commands[c];
		rc = cli.cmd->run(&cli, argc - first, argv + first);
		vosfp_close(cli.h);
		return rc;
	}
	return cli_usage(&cli, "unknown command '%s'", argv[first]);
}
