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

#include "bpffs.h"
#include "commands.h"
#include "number.h"
#include "settings.h"

static const char usage_text[] =
	"usage: vosfp [--config FILE] [--pin-root DIR [--mount-bpffs]] [--block-capacity N]\n"
	"             [--allow-capacity N] [--control PATH] COMMAND [ARGS]\n"
	"\n"
	"  attach IFACE [--mode auto|native|generic]   attach the filter; prints the mode obtained\n"
	"         [--multiprog]                         ... through libxdp's dispatcher, next to\n"
	"                                               other libxdp programs (xdp-filter)\n"
	"  detach IFACE                                 detach the filter\n"
	"  status [--json]                              attachments, lists, ports, ban tables\n"
	"  block CIDR [--ttl DURATION] | unblock CIDR   change the block list\n"
	"  allow CIDR [--ttl DURATION] | unallow CIDR   change the allow list (trusted peers)\n"
	"  list block|allow|bans [--json]               print a list, with the TTL left\n"
	"  ban ADDRESS [--ttl SECONDS] | unban ADDRESS  ban a source for a while (default 3600 s)\n"
	"  load block|allow FILE [--replace]            add every entry of FILE (all or nothing);\n"
	"                                               --replace: FILE becomes the list, atomically\n"
	"  sync [--watch] LIST=FILE...                  make the lists (block=, allow=) equal to the\n"
	"                                               files; --watch: again on every change\n"
	"  ports [PORT[,PORT...]]                       print or set the SIP ports\n"
	"  config [KEY [VALUE]]                         print all settings, one, or set one\n"
	"  stats [--json | --prometheus]                counters per reason, ban tables\n"
	"  stats --watch SECONDS [--count N]            live rates per reason\n"
	"  exporter --listen ADDR:PORT                  serve Prometheus metrics on /metrics;\n"
	"    [--timeout SECONDS] [--per-ip-limit N]     idle connections closed after SECONDS\n"
	"    [--max-connections N]                      (10), N per address (4), N in all (64)\n"
	"  replay FILE.pcap [--json] [--verbose]        dry-run a capture through the filter\n"
	"  agent [--control-group GROUP] [--amqp URL] [--amqp-credentials FILE]\n"
	"        [--amqp-ca FILE] [--exchange NAME] [--node NAME]\n"
	"        [--metrics ADDR:PORT] [--min-prefix4 N] [--min-prefix6 N] [--max-ttl DURATION]\n"
	"        [--sync LIST=FILE...]                  the node agent: control socket, fleet\n"
	"  version                                      library version\n"
	"\n"
	"DURATION: seconds, or N followed by s, m, h or d (e.g. 90, 15m, 2h, 7d).\n"
	"--pin-root DIR  bpffs directory holding the maps and attachments\n"
	"                (default " VOSFP_DEFAULT_PIN_ROOT "): an absolute path below a\n"
	"                bpffs mount, not the mount itself. If its parent is not on\n"
	"                bpffs, vosfp mounts bpffs there only if the parent is\n"
	"                " BPFFS_DEFAULT_MOUNT " or --mount-bpffs is given, only on an empty\n"
	"                directory, and says so on stderr\n"
	"--mount-bpffs   allow mounting bpffs on another empty directory than\n"
	"                " BPFFS_DEFAULT_MOUNT "\n"
	"                A bpffs whose pins would vanish with this process (ip netns exec,\n"
	"                unshare -m, a container without Bidirectional mount propagation)\n"
	"                is refused: use nsenter --net=/run/netns/NAME instead\n"
	"--block-capacity N, --allow-capacity N\n"
	"                entries each list holds (IPv4 and IPv6 together), set when\n"
	"                the pin root is created (defaults 65536 and 4096); a larger N\n"
	"                raises an existing root's, a smaller one is an error\n"
	"--config FILE   KEY=VALUE settings (pin_root, block_capacity, allow_capacity)\n"
	"                that the options above override (default $VOSFP_CONFIG, else\n"
	"                " VOSFP_DEFAULT_CONFIG " if it exists)\n"
	"--control PATH  the agent's socket (also VOSFP_CONTROL; default /run/vosfp/control.sock):\n"
	"                a caller without CAP_BPF bans, unbans, blocks, unblocks and lists\n"
	"                bans through it\n"
	"Exit status: 0 success, 1 operational error, 2 usage error.\n";

/* Each command checks its arguments first (a usage error needs no
 * privileges), then opens the library with cli_open(). */
struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
};

static int cmd_version(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return cli_usage(cli, "version takes no arguments");
	printf("vosfp %s\n", vosfp_version());
	return EXIT_OK;
}

static const struct command commands[] = {
	{ "attach", cmd_attach },	  { "detach", cmd_detach },
	{ "status", cmd_status },	  { "block", cmd_policy_change },
	{ "unblock", cmd_policy_change }, { "allow", cmd_policy_change },
	{ "unallow", cmd_policy_change }, { "list", cmd_list },
	{ "load", cmd_load },		  { "ports", cmd_ports },
	{ "config", cmd_config },	  { "stats", cmd_stats },
	{ "ban", cmd_ban },		  { "unban", cmd_unban },
	{ "replay", cmd_replay },	  { "exporter", cmd_exporter },
	{ "sync", cmd_sync },		  { "agent", cmd_agent },
	{ "version", cmd_version },
};

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vosfp: %s%s", cli->command ? cli->command : "",
		cli->command ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n%s", usage_text);
	return EXIT_USAGE;
}

int cli_fail(struct cli *cli, int err)
{
	const char *detail = cli->h ? vosfp_last_error(cli->h) : vosfp_open_error();

	fprintf(stderr, "vosfp: %s: %s\n", cli->command,
		detail && *detail ? detail : vosfp_strerror(err));
	return EXIT_FAIL;
}

int cli_json_flag(int argc, char **argv)
{
	if (argc == 0)
		return 0;
	if (argc == 1 && !strcmp(argv[0], "--json"))
		return 1;
	return -1;
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
	char why[512];
	char *args[64];
	int nargs = 0, rc;

	/* The configuration file first: the options below override it. */
	rc = settings_load(&cli, &argc, argv);
	if (rc != EXIT_OK)
		return rc;
	/* --pin-root and --mount-bpffs may stand before or after the command. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pin-root")) {
			if (i + 1 >= argc)
				return cli_usage(&cli, "--pin-root needs a directory");
			cli.pin_root = argv[++i];
		} else if (!strncmp(argv[i], "--pin-root=", 11)) {
			cli.pin_root = argv[i] + 11;
		} else if (!strcmp(argv[i], "--mount-bpffs")) {
			cli.mount_bpffs = true;
		} else if (!strcmp(argv[i], "--control")) {
			if (i + 1 >= argc || !*argv[i + 1])
				return cli_usage(&cli, "--control needs a socket path");
			cli.control = argv[++i];
		} else if (!strncmp(argv[i], "--control=", 10)) {
			if (!argv[i][10])
				return cli_usage(&cli, "--control needs a socket path");
			cli.control = argv[i] + 10;
		} else if (!strcmp(argv[i], "--block-capacity") ||
			   !strcmp(argv[i], "--allow-capacity")) {
			int l = argv[i][2] == 'b' ? VOSFP_LIST_BLOCK : VOSFP_LIST_ALLOW;

			if (i + 1 >= argc || parse_count(argv[i + 1], UINT32_MAX, &cli.capacity[l]))
				return cli_usage(&cli, "%s needs a number of entries from 1 to %u",
						 argv[i], UINT32_MAX);
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
			   (nargs == 0 && !strcmp(argv[i], "help"))) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (nargs < (int)(sizeof(args) / sizeof(args[0]))) {
			args[nargs++] = argv[i];
		} else {
			return cli_usage(&cli, "too many arguments");
		}
	}
	if (cli.pin_root && !*cli.pin_root)
		return cli_usage(&cli, "--pin-root needs a directory");
	/* Before anything is looked at: a relative or odd spelling is a
	 * mistake, never a place to mount on. */
	if (cli.pin_root && bpffs_check_path(cli.pin_root, why, sizeof(why)))
		return cli_usage(&cli, "%s", why);
	if (nargs == 0)
		return cli_usage(&cli, "no command given");

	cli.command = args[0];
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(commands[c].name, args[0]))
			continue;
		rc = commands[c].run(&cli, nargs - 1, args + 1);
		vosfp_close(cli.h);
		return rc;
	}
	cli.command = NULL;
	return cli_usage(&cli, "unknown command '%s'", args[0]);
}
