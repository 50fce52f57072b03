/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VOSFP_CLI_BPFFS_H
#define VOSFP_CLI_BPFFS_H

/* Make sure bpffs is mounted at the parent of pin_root, mounting it if
 * needed (the library never mounts). Returns 0 or a negative errno and
 * writes a reason into why. */
int bpffs_ensure(const char *pin_root, char *why, unsigned long why_len);

#endif
