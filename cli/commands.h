/* SPDX-License-Identifier: BSD-2-Clause */
/* The vosfp tool's commands; each takes the arguments after its name. */
#ifndef VOSFP_CLI_COMMANDS_H
#define VOSFP_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vosfp/vosfp.h>

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAIL 1  /* operational error: message names the cause */
#define EXIT_USAGE 2 /* usage error */

struct cli {
	const char *pin_root; /* NULL: the library's default */
	/* --mount-bpffs: the pin root's parent may be any empty directory to
	 * mount bpffs on, not only /sys/fs/bpf. */
	bool mount_bpffs;
	/* --block-capacity/--allow-capacity; 0: not given. Used when the root
	 * is created; a root made with another capacity is an error. */
	uint32_t capacity[2];
	const char *control;  /* --control PATH: the agent's socket; NULL: not given */
	const char *command;
	struct vosfp *h;      /* opened on demand by cli_open() */
};

/* Open the library on the pin root (mounting bpffs first if needed and
 * allowed; refused if its pins could not outlive this process). Prints the
 * error and returns NULL on failure. */
struct vosfp *cli_open(struct cli *cli);
/* "vosfp: CMD: detail" on stderr; returns EXIT_FAIL. */
int cli_fail(struct cli *cli, int err);
/* Usage message for the command on stderr; returns EXIT_USAGE. */
int cli_usage(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 if argv holds exactly the flag "--json" (and nothing else), 0 if
 * empty, -1 otherwise. */
int cli_json_flag(int argc, char **argv);
/* VOSFP_LIST_BLOCK or VOSFP_LIST_ALLOW for "block" or "allow"; -1 otherwise. */
int cli_list_by_name(const char *name);

int cmd_attach(struct cli *cli, int argc, char **argv);
int cmd_detach(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_policy_change(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_load(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_ports(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_ban(struct cli *cli, int argc, char **argv);
int cmd_unban(struct cli *cli, int argc, char **argv);
int cmd_list_bans(struct cli *cli, int json);
/* The ban tables' fill levels and events (cmd_bans.c), for status, stats
 * and metrics: a member of a JSON object, lines of text, Prometheus. */
struct jsonw;
void bans_json(struct jsonw *j, const struct vosfp_ban_stats *st);
void bans_text(FILE *out, const struct vosfp_ban_stats *st);
void bans_metrics(FILE *out, const struct vosfp_ban_stats *st);
int cmd_replay(struct cli *cli, int argc, char **argv);
int cmd_exporter(struct cli *cli, int argc, char **argv);
int cmd_agent(struct cli *cli, int argc, char **argv);

/* The Prometheus text exposition of the handle's state; 0 or -errno. */
int metrics_write(struct vosfp *h, FILE *out);

#endif
