/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VOSFP_CLI_BPFFS_H
#define VOSFP_CLI_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

/* Where bpffs is mounted when nobody says otherwise (systemd's place). */
#define BPFFS_DEFAULT_MOUNT "/sys/fs/bpf"

/* The spelling of a pin root, before anything is looked at: absolute, no
 * ".", ".." or empty components, no trailing slash, not directly below /.
 * Returns 0, or -EINVAL with the reason in why (a usage error). */
int bpffs_check_path(const char *pin_root, char *why, size_t why_len);

/*
 * Make sure pin_root's parent is on a bpffs whose pins outlive this process
 * (the library never mounts). bpffs is mounted on the parent only if it is
 * BPFFS_DEFAULT_MOUNT or may_mount is set (--mount-bpffs), and only on an
 * empty directory; the mount is announced on stderr. The pin root must not
 * be a bpffs mount root itself. Every refusal comes before anything is
 * mounted or created. Returns 0 or a negative errno with the reason in why.
 */
int bpffs_prepare(const char *pin_root, bool may_mount, char *why, size_t why_len);

#endif
