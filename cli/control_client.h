/* SPDX-License-Identifier: BSD-2-Clause */
/* The tool as a client of the agent's control socket (docs/control.md):
 * ban, unban, block, unblock and list bans go through it when the caller
 * cannot change the maps itself. */
#ifndef VOSFP_CLI_CONTROL_CLIENT_H
#define VOSFP_CLI_CONTROL_CLIENT_H

#include <stdint.h>

#include "commands.h"

#define CONTROL_DEFAULT_PATH "/run/vosfp/control.sock"

/* The socket to use, or NULL to use the library directly: NULL when the
 * caller has CAP_BPF (or CAP_SYS_ADMIN); else the one named by --control
 * or VOSFP_CONTROL, or the default one if it exists. */
const char *control_wanted(const struct cli *cli);
/* The socket the agent serves: --control, VOSFP_CONTROL, else the default. */
const char *control_path(const struct cli *cli);

/* The commands through the socket; exit statuses as the direct ones. */
int control_ban(struct cli *cli, const char *path, const char *addr, uint32_t ttl);
int control_unban(struct cli *cli, const char *path, const char *addr);
int control_block(struct cli *cli, const char *path, int remove, const char *cidr,
		  uint32_t ttl);
int control_list_bans(struct cli *cli, const char *path, int json);

#endif
