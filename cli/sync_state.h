/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one-sync-per-root lock and the last sync's outcome, shared between
 * `vosfp sync` and the processes that report on it (status, the exporter).
 * Both live in VOSFP_RUN_DIR, keyed by the pin root's device and inode
 * (bpffs holds no regular files): sync-DEV-INO.lock, on which a sync holds
 * a POSIX write lock for its whole run (the kernel drops it when the
 * process dies; F_GETLK names the holder), and sync-DEV-INO.state, which
 * it rewrites (write, then rename) after each apply.
 */
#ifndef VOSFP_CLI_SYNC_STATE_H
#define VOSFP_CLI_SYNC_STATE_H

#include <limits.h>
#include <stdio.h>
#include <time.h>

#define VOSFP_RUN_DIR "/run/vosfp"

struct sync_run {
	int fd; /* the lock file, locked; -1 when not held */
	char lock[PATH_MAX], state[PATH_MAX];
	int watching;
	time_t last_ok, last_err;
	char err[512];
};

/* Take the root's sync lock; prints the error (naming the holder's PID if
 * another sync holds it) and returns -1 on failure. */
int sync_run_begin(struct sync_run *r, const char *root, int watching);
/* Record an apply: ok, or failed with why (one line). */
void sync_run_result(struct sync_run *r, int ok, const char *why);
/* Release the lock; the state file stays for status to show. */
void sync_run_end(struct sync_run *r);

/* "sync: ..." for `vosfp status`. */
void sync_status_print(const char *root, FILE *out);
/* The sync metrics in Prometheus text format. */
void sync_metrics_write(const char *root, FILE *out);

#endif
