/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whether pins in a bpffs can outlive this process. A bpffs instance and
 * every pin in it vanish when its last mount goes away, so a bpffs mounted
 * only in a private mount namespace (ip netns exec, unshare -m, a container
 * without mount propagation) takes the filter with it when the namespace
 * dies. Both checks read /proc/self/mountinfo and, when this process shares
 * the host's PID namespace, /proc/1/mountinfo (the host's mounts).
 */
#ifndef VOSFP_CLI_MOUNTNS_H
#define VOSFP_CLI_MOUNTNS_H

#include <stddef.h>

/* dir is on bpffs: 0 if that bpffs is also mounted where it outlives this
 * process, else a negative errno and the reason and fix in why. */
int mountns_bpffs_persists(const char *dir, char *why, size_t why_len);

/* dir is not on bpffs: 0 if a bpffs mounted on dir now would reach the
 * host's mount namespace, else a negative errno and the reason and fix. */
int mountns_mount_persists(const char *dir, char *why, size_t why_len);

#endif
