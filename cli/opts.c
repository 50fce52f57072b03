// SPDX-License-Identifier: BSD-2-Clause
/* The getopt_long loop every command shares, and the help it prints. */
#include <stdio.h>
#include <string.h>

#include "bpffs.h"
#include "number.h"
#include "opts.h"

const struct cli_opt cli_global_opts[] = {
	{ "config", 0, "FILE",
	  "KEY=VALUE settings (pin_root, block_capacity, allow_capacity) the options override" },
	{ "pin-root", OPT_PIN_ROOT, "DIR",
	  "bpffs directory holding the maps and attachments (default " VOSFP_DEFAULT_PIN_ROOT ")" },
	{ "mount-bpffs", OPT_MOUNT_BPFFS, NULL,
	  "allow mounting bpffs on another empty directory than " BPFFS_DEFAULT_MOUNT },
	{ "block-capacity", OPT_BLOCK_CAPACITY, "N",
	  "entries the block list holds (default 65536); can raise a root's, not lower it" },
	{ "allow-capacity", OPT_ALLOW_CAPACITY, "N",
	  "entries the allow list holds (default 4096); can raise a root's, not lower it" },
	{ "control", OPT_CONTROL, "PATH",
	  "the agent's socket, used without CAP_BPF (default $VOSFP_CONTROL, else "
	  "/run/vosfp/control.sock)" },
	{ NULL, 0, NULL, NULL },
};

static const struct cli_opt help_opt = { "help", 'h', NULL, "print this help and exit" };
/* Only before a command: `vosfp --version`. */
static const struct cli_opt version_opt[] = {
	{ "version", OPT_VERSION, NULL, "print the versions of the tool, libvosfp and libbpf" },
	{ NULL, 0, NULL, NULL },
};

/* Both a global option's value and its name on error. */
static int global_option(struct cli *cli, int val, const char *arg)
{
	switch (val) {
	case OPT_PIN_ROOT:
		if (!*arg)
			return cli_usage(cli, "--pin-root needs a directory");
		cli->pin_root = arg;
		return EXIT_OK;
	case OPT_MOUNT_BPFFS:
		cli->mount_bpffs = true;
		return EXIT_OK;
	case OPT_CONTROL:
		if (!*arg)
			return cli_usage(cli, "--control needs a socket path");
		cli->control = arg;
		return EXIT_OK;
	case OPT_BLOCK_CAPACITY:
	case OPT_ALLOW_CAPACITY: {
		int l = val == OPT_BLOCK_CAPACITY ? VOSFP_LIST_BLOCK : VOSFP_LIST_ALLOW;

		if (parse_count(arg, UINT32_MAX, &cli->capacity[l]))
			return cli_usage(cli, "--%s needs a number of entries from 1 to %u",
					 l == VOSFP_LIST_BLOCK ? "block-capacity" : "allow-capacity",
					 UINT32_MAX);
		return EXIT_OK;
	}
	}
	return -1;
}

/* Appends a table's options to getopt's arrays. */
static void add_opts(struct cli_args *a, const struct cli_opt *o, int *n, size_t *s)
{
	for (; o->name; o++) {
		if (!o->val || *n >= (int)(sizeof(a->longopts) / sizeof(a->longopts[0])) - 1)
			continue; /* --config: settings_load() took it out already */
		a->longopts[*n] = (struct option){ o->name, o->arg ? required_argument : no_argument,
						   NULL, o->val };
		(*n)++;
		if (o->val < 0x100 && *s + 3 < sizeof(a->shortopts)) {
			a->shortopts[(*s)++] = (char)o->val;
			if (o->arg)
				a->shortopts[(*s)++] = ':';
		}
	}
}

static void init_tables(struct cli_args *a, const struct cli_opt *own)
{
	const struct cli_opt help[2] = { help_opt, { NULL, 0, NULL, NULL } };
	size_t s = 0;
	int n = 0;

	/* ':' first: a missing value comes back as ':', not as '?'. */
	a->shortopts[s++] = ':';
	add_opts(a, help, &n, &s);
	if (own)
		add_opts(a, own, &n, &s);
	add_opts(a, cli_global_opts, &n, &s);
	a->shortopts[s] = '\0';
	a->longopts[n] = (struct option){ NULL, 0, NULL, 0 };
}

void cli_args_init(struct cli_args *a, struct cli *cli, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->cli = cli;
	a->argc = argc;
	a->argv = argv;
	init_tables(a, cli->cmd ? cli->cmd->opts : NULL);
	optind = 0; /* glibc: start a fresh scan */
	opterr = 0; /* the messages are ours */
}

/* The option getopt has just refused, as the user spelt it. */
static const char *bad_option(struct cli_args *a, char *buf, size_t len)
{
	if (optopt && optopt < 0x100) {
		snprintf(buf, len, "-%c", optopt);
		return buf;
	}
	for (int i = 0; a->longopts[i].name; i++)
		if (optopt && a->longopts[i].val == optopt) {
			snprintf(buf, len, "--%s", a->longopts[i].name);
			return buf;
		}
	return optind > 0 && optind <= a->argc ? a->argv[optind - 1] : "?";
}

int cli_args_next(struct cli_args *a)
{
	struct cli *cli = a->cli;
	char buf[64], why[512];
	int c = getopt_long(a->argc, a->argv, a->shortopts, a->longopts, NULL);

	a->optarg = optarg;
	switch (c) {
	case -1:
		a->pos = a->argv + optind;
		a->npos = a->argc - optind;
		/* Before anything is looked at: a relative or odd spelling is
		 * a mistake, never a place to mount on. */
		if (cli->pin_root && bpffs_check_path(cli->pin_root, why, sizeof(why))) {
			a->rc = cli_usage(cli, "%s", why);
			return -1;
		}
		return 0;
	case 'h':
		cli_help(cli->cmd, stdout);
		a->rc = EXIT_OK;
		return -1;
	case ':':
		a->rc = cli_usage(cli, "%s needs a value", bad_option(a, buf, sizeof(buf)));
		return -1;
	case '?':
		/* optopt: a known option given a value it does not take
		 * (--multiprog=x), an unknown short one, or 0 for an unknown
		 * long one. */
		if (optopt >= 0x100 || (optopt && strchr(a->shortopts, optopt)))
			a->rc = cli_usage(cli, "%s takes no value", bad_option(a, buf, sizeof(buf)));
		else
			a->rc = cli_usage(cli, "unknown option '%s'", bad_option(a, buf, sizeof(buf)));
		return -1;
	case OPT_VERSION:
		a->rc = cli_print_version();
		return -1;
	}
	if (c >= OPT_PIN_ROOT && c < OPT_CMD) {
		a->rc = global_option(cli, c, optarg);
		return a->rc == EXIT_OK ? cli_args_next(a) : -1;
	}
	return c;
}

int cli_args_simple(struct cli_args *a, int min, int max)
{
	int c = cli_args_next(a);

	if (c < 0)
		return -1;
	if (c > 0 || a->npos < min || a->npos > max) {
		a->rc = cli_usage(a->cli, "expected %s", a->cli->cmd->synopsis);
		return -1;
	}
	return 0;
}

int cli_global_parse(struct cli *cli, int argc, char **argv, int *first)
{
	struct cli_args a;
	int c;

	memset(&a, 0, sizeof(a));
	a.cli = cli;
	a.argc = argc;
	a.argv = argv;
	init_tables(&a, version_opt);
	/* '+': stop at the command; what follows is the command's. */
	memmove(a.shortopts + 1, a.shortopts, strlen(a.shortopts) + 1);
	a.shortopts[0] = '+';
	optind = 0;
	opterr = 0;
	while ((c = cli_args_next(&a)) > 0)
		;
	if (c < 0)
		return a.rc;
	*first = optind;
	return -1; /* go on */
}

#define HELP_COLUMN 28
#define HELP_WIDTH 80

/* "  -h, --help   text", the text wrapped at HELP_WIDTH. */
static void print_opt(FILE *out, const struct cli_opt *o)
{
	int shortopt = o->val && o->val < 0x100;
	const char *text = o->help;
	char left[64];

	snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", shortopt ? '-' : ' ',
		 shortopt ? o->val : ' ', shortopt ? ',' : ' ', o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(out, "%-*s", HELP_COLUMN, left);
	if ((int)strlen(left) >= HELP_COLUMN - 1)
		fprintf(out, "\n%-*s", HELP_COLUMN, "");
	while (*text) {
		int room = HELP_WIDTH - HELP_COLUMN, n = (int)strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (!n)
				n = room;
		}
		fprintf(out, "%.*s\n", n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(out, "%-*s", HELP_COLUMN, "");
	}
}

/* prefix, then text broken before a " [" where a line would pass
 * HELP_WIDTH, continued under the text's first column. */
static void print_synopsis(FILE *out, const char *prefix, const char *text)
{
	int indent = (int)strlen(prefix), col = indent;

	if (!*text) { /* no trailing blanks */
		while (indent > 0 && prefix[indent - 1] == ' ')
			indent--;
		fprintf(out, "%.*s\n", indent, prefix);
		return;
	}
	fputs(prefix, out);
	while (*text) {
		const char *next = strstr(text + 1, " [");
		int n = next ? (int)(next - text) : (int)strlen(text);

		if (col > indent && col + n > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			if (*text == ' ') {
				text++;
				n--;
			}
		}
		fprintf(out, "%.*s", n, text);
		col += n;
		text += n;
	}
	fputc('\n', out);
}

void cli_help(const struct cli_cmd *cmd, FILE *out)
{
	char prefix[64];

	if (!cmd) {
		fprintf(out, "usage: vosfp [GLOBAL OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
			     "       vosfp --help | --version | help [COMMAND]\n\nCommands:\n");
		for (int i = 0; cli_commands[i]; i++) {
			snprintf(prefix, sizeof(prefix), "  %-9s ", cli_commands[i]->name);
			print_synopsis(out, prefix, cli_commands[i]->synopsis);
		}
		fprintf(out, "\n'vosfp COMMAND --help' describes a command and its options.\n"
			     "\nGlobal options (before or after the command):\n");
		for (const struct cli_opt *o = cli_global_opts; o->name; o++)
			print_opt(out, o);
		print_opt(out, &help_opt);
		print_opt(out, version_opt);
		fprintf(out, "\nDURATION: seconds, or N followed by s, m, h, d, w or y (90, 15m, "
			     "2h, 7d, 1y).\n"
			     "Exit status: 0 success, 1 operational error, 2 usage error.\n");
		return;
	}
	snprintf(prefix, sizeof(prefix), "usage: vosfp [GLOBAL OPTIONS] %s ", cmd->name);
	print_synopsis(out, prefix, cmd->synopsis);
	fprintf(out, "\n%s\nOptions:\n", cmd->summary);
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		print_opt(out, o);
	print_opt(out, &help_opt);
	fprintf(out, "\nGlobal options (--pin-root, --config, ...): see 'vosfp --help'.\n");
}
