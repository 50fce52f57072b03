/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One getopt_long loop for every command: each command describes its
 * options once (struct cli_opt), and that one table drives the parser,
 * `vosfp CMD --help` and the check that docs/cli.md and vosfp(8) name the
 * same options. The global options (--pin-root and the rest) are accepted
 * before the command and among its own options.
 */
#ifndef VOSFP_CLI_OPTS_H
#define VOSFP_CLI_OPTS_H

#include <getopt.h>

#include "commands.h"

/* Values of the global options; a command's own are letters or above. */
enum {
	OPT_PIN_ROOT = 0x1000,
	OPT_MOUNT_BPFFS,
	OPT_CONTROL,
	OPT_BLOCK_CAPACITY,
	OPT_ALLOW_CAPACITY,
	OPT_VERSION,
	OPT_CMD = 0x2000, /* first value for a command's long-only option */
};

struct cli_opt {
	const char *name; /* long name, without "--"; NULL ends a table */
	int val;	  /* returned by cli_args_next(); a letter has a short form too */
	const char *arg;  /* the value's name in the help; NULL: takes no value */
	const char *help; /* one line */
};

struct cli_cmd {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *synopsis; /* what follows the name: "IFACE [--mode MODE]" */
	const char *summary;  /* one or more lines, each ending in '\n' */
	const struct cli_opt *opts;
};

/* The state of one command's parse. */
struct cli_args {
	struct cli *cli;
	int argc;
	char **argv;
	struct option longopts[32];
	char shortopts[64];
	const char *optarg; /* the current option's value */
	int rc;		    /* exit status when cli_args_next() returned -1 */
	int npos;	    /* at the end: the positional arguments */
	char **pos;
};

/* argv[0] is the command's name. */
void cli_args_init(struct cli_args *a, struct cli *cli, int argc, char **argv);
/*
 * The next option of the command: its val (a->optarg holds its value), or
 * 0 once every option has been read (a->pos and a->npos then hold the
 * positionals, in order; "--" ends the options), or -1 when the command
 * must stop with exit status a->rc: --help printed (0), or a usage error
 * printed (2). Global options are taken care of here.
 */
int cli_args_next(struct cli_args *a);
/* A command without options of its own: parses, and checks that the
 * positionals number min to max. 0, or -1 with a->rc set. */
int cli_args_simple(struct cli_args *a, int min, int max);

/* The global options, for main.c: parse those before the command. */
int cli_global_parse(struct cli *cli, int argc, char **argv, int *first);
/* Prints the help of a command (to stdout), or the global one (cmd NULL). */
void cli_help(const struct cli_cmd *cmd, FILE *out);

extern const struct cli_opt cli_global_opts[];
/* Every command, NULL-terminated (main.c). */
extern const struct cli_cmd *const cli_commands[];

#endif
