// SPDX-License-Identifier: BSD-2-Clause
/* Mounting bpffs for the operator: the one thing the tool does that the
 * library deliberately does not. */
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "bpffs.h"

static int is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

int bpffs_ensure(const char *pin_root, char *why, unsigned long why_len)
{
	char parent[PATH_MAX];
	char *slash;

	if (is_bpffs(pin_root))
		return 0;
	if (snprintf(parent, sizeof(parent), "%s", pin_root) >= (int)sizeof(parent)) {
		snprintf(why, why_len, "%s: path too long", pin_root);
		return -ENAMETOOLONG;
	}
	slash = strrchr(parent, '/');
	if (!slash || slash == parent) {
		snprintf(why, why_len, "%s: the pin root must be a directory below a bpffs mount",
			 pin_root);
		return -EINVAL;
	}
	*slash = '\0';
	if (is_bpffs(parent))
		return 0;
	if (mkdir(parent, 0700) < 0 && errno != EEXIST) {
		snprintf(why, why_len, "%s: cannot create: %s", parent, strerror(errno));
		return -errno;
	}
	if (mount("bpf", parent, "bpf", 0, "mode=0700") < 0) {
		snprintf(why, why_len, "%s: cannot mount bpffs: %s", parent, strerror(errno));
		return -errno;
	}
	return 0;
}
