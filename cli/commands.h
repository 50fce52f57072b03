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
	const struct cli_cmd *cmd; /* the command's description (opts.h) */
	struct vosfp *h;      /* opened on demand by cli_open() */
};

/* Open the library on the pin root (mounting bpffs first if needed and
 * allowed; refused if its pins could not outlive this process). Prints the
 * error and returns NULL on failure. */
struct vosfp *cli_open(struct cli *cli);
/* "vosfp: CMD: detail" on stderr; returns EXIT_FAIL. */
int cli_fail(struct cli *cli, int err);
/* A usage error: two lines on stderr, the error and where the help is;
 * returns EXIT_USAGE. */
int cli_usage(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `vosfp --version` and `vosfp version`: the tool's, libvosfp's and
 * libbpf's versions on stdout; returns EXIT_OK. */
int cli_print_version(void);
/* 0 if name can be a network interface's (what the kernel accepts), else
 * -1 after a usage error. */
int cli_check_ifname(struct cli *cli, const char *name);
/* VOSFP_LIST_BLOCK or VOSFP_LIST_ALLOW for "block" or "allow"; -1 otherwise. */
int cli_list_by_name(const char *name);

/* The commands, each described next to its code (struct cli_cmd, opts.h).
 * Each runs with argv[0] = its name. */
struct cli_cmd;
extern const struct cli_cmd cmd_attach, cmd_detach, cmd_status, cmd_block, cmd_unblock,
	cmd_allow, cmd_unallow, cmd_list, cmd_load, cmd_sync, cmd_ports, cmd_config, cmd_stats,
	cmd_ban, cmd_unban, cmd_replay, cmd_exporter, cmd_agent, cmd_version, cmd_test;
int cmd_list_bans(struct cli *cli, int json);
struct jsonw;
/* A setting (vosfp_config_get text) as JSON of its kind (cmd_config.c). */
void cli_config_json(struct jsonw *j, const char *key, const char *value);
/* A reason's verdict label in stats, the exporter and replay: drop, pass, or
 * redirect for what went to an AF_XDP socket (cmd_stats.c). */
const char *cli_verdict_label(int id);
/* The ban tables' fill levels and events (cmd_bans.c), for status, stats
 * and metrics: a member of a JSON object, lines of text, Prometheus. */
void bans_json(struct jsonw *j, const struct vosfp_ban_stats *st);
void bans_text(FILE *out, const struct vosfp_ban_stats *st);
void bans_metrics(FILE *out, const struct vosfp_ban_stats *st);
/* One row of `list bans` (text or an object of the "bans" array). */
void bans_row(struct jsonw *j, int json, const char *addr, uint32_t ttl_left, const char *why);
/* --ttl of ban, block and allow: "0" (permanent) or a DURATION; 0 or -EINVAL. */
int cli_ttl_parse(const char *text, uint32_t *seconds);

/* The Prometheus text exposition of the handle's state; 0 or -errno. */
int metrics_write(struct vosfp *h, FILE *out);

#endif
