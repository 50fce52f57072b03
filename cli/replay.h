/* SPDX-License-Identifier: BSD-2-Clause */
/* replay's scratch pin root and its signal handling (replay_scratch.c). */
#ifndef VOSFP_CLI_REPLAY_H
#define VOSFP_CLI_REPLAY_H

#include <signal.h>
#include <stddef.h>

#include "commands.h"

/* The signal (SIGTERM, SIGINT, SIGHUP) that asked replay to stop, or 0. */
extern volatile sig_atomic_t replay_stop;

/* Catch SIGTERM, SIGINT and SIGHUP into replay_stop, so that the scratch
 * root is removed before replay exits with 128 + the signal. */
void replay_signals(void);
/* Remove the scratch roots of the live root whose process is gone. */
void replay_sweep(const char *live);
/* Sweep, then make the scratch root (its path into root) with a copy of
 * the live state. Prints the error; *out may be set even on failure (and
 * must then be closed). 0 or -errno; 0 also when stopped by a signal. */
int replay_scratch_open(struct cli *cli, struct vosfp **out, char *root, size_t root_len);
/* Unpin and close the scratch handle and remove its root. */
void replay_scratch_close(struct vosfp *h, const char *root);

#endif
