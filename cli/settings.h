/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The configuration file every vosfp command and unit reads, so that the
 * attach at boot, sync and the exporter agree on one pin root and one pair
 * of capacities. KEY=VALUE lines:
 *
 *   pin_root=/sys/fs/bpf/vosfp
 *   block_capacity=1100000
 *   allow_capacity=4096
 */
#ifndef VOSFP_CLI_SETTINGS_H
#define VOSFP_CLI_SETTINGS_H

#include "commands.h"

#define VOSFP_DEFAULT_CONFIG "/etc/vosfp/vosfp.conf"

/*
 * Finds the file (--config FILE or --config=FILE anywhere in argv, else
 * $VOSFP_CONFIG, else VOSFP_DEFAULT_CONFIG, which may be absent), removes
 * --config and its value from argv, and fills cli's pin root and capacities
 * from the file; options parsed afterwards override them. Returns EXIT_OK,
 * or EXIT_USAGE / EXIT_FAIL after printing why (FILE:LINE for a bad line);
 * on failure cli is left as it was.
 */
int settings_load(struct cli *cli, int *argc, char **argv);

#endif
