// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mounting bpffs for the operator: the one thing the tool does that the
 * library deliberately does not. A mount hides what the directory held, and
 * a bpffs that dies with this process takes the filter with it, so the
 * tool mounts only where it was told to, only on an empty directory, and
 * only where the mount reaches the host (mountns.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "bpffs.h"
#include "mountns.h"

static int is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

int bpffs_check_path(const char *root, char *why, size_t why_len)
{
	const char *c, *last;
	size_t len = strlen(root), n;

	if (root[0] != '/') {
		snprintf(why, why_len, "--pin-root %s: must be an absolute path (e.g. "
			 BPFFS_DEFAULT_MOUNT "/vosfp)", root);
		return -EINVAL;
	}
	/* Leaves room for the names the library puts below the root. */
	if (len >= PATH_MAX - 64) {
		snprintf(why, why_len, "--pin-root: path too long");
		return -EINVAL;
	}
	/* Canonical spelling only: the parent is the text before the last
	 * slash, for this check and for the library alike. */
	for (c = root; *c == '/'; c += 1 + n) {
		const char *next = strchr(c + 1, '/');

		n = next ? (size_t)(next - c - 1) : strlen(c + 1);
		if (n == 0 || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.')) {
			snprintf(why, why_len, "--pin-root %s: no empty, '.' or '..' components "
				 "and no trailing slash", root);
			return -EINVAL;
		}
	}
	last = strrchr(root, '/');
	if (last == root) {
		snprintf(why, why_len, "--pin-root %s: must be a directory below a bpffs mount "
			 "(e.g. " BPFFS_DEFAULT_MOUNT "/vosfp), not directly below /", root);
		return -EINVAL;
	}
	return 0;
}

static int dir_is_empty(const char *path)
{
	struct dirent *e;
	int empty = 1;
	DIR *d = opendir(path);

	if (!d)
		return -errno;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

/* The parent is not bpffs: mount one there if allowed, safe and lasting. */
static int mount_parent(const char *parent, bool may_mount, char *why, size_t why_len)
{
	int err;

	if (!may_mount && strcmp(parent, BPFFS_DEFAULT_MOUNT)) {
		snprintf(why, why_len, "%s: not on bpffs; vosfp mounts bpffs only on "
			 BPFFS_DEFAULT_MOUNT " or, with --mount-bpffs, on an empty directory "
			 "(is the pin root mistyped?)", parent);
		return -ENOTDIR;
	}
	err = dir_is_empty(parent);
	if (err <= 0) {
		snprintf(why, why_len, err ? "%s: %s" : "%s: not empty: mounting bpffs there "
			 "would hide what it holds; name an empty directory", parent,
			 strerror(-err));
		return err ? err : -ENOTEMPTY;
	}
	err = mountns_mount_persists(parent, why, why_len);
	if (err)
		return err;
	if (mount("bpf", parent, "bpf", 0, "mode=0700") < 0) {
		err = errno;
		snprintf(why, why_len, "%s: cannot mount bpffs: %s", parent, strerror(err));
		return -err;
	}
	fprintf(stderr, "vosfp: mounted bpffs on %s (it was not mounted)\n", parent);
	/* The checks above decide; this one makes sure, and takes back a mount
	 * that did not reach the host before anything is pinned in it. */
	err = mountns_bpffs_persists(parent, why, why_len);
	if (err)
		umount2(parent, MNT_DETACH);
	return err;
}

int bpffs_prepare(const char *root, bool may_mount, char *why, size_t why_len)
{
	char parent[PATH_MAX];
	struct stat rst, pst;
	int root_exists;

	snprintf(parent, sizeof(parent), "%s", root);
	*strrchr(parent, '/') = '\0';
	if (stat(parent, &pst) < 0) {
		snprintf(why, why_len, "%s: %s (the pin root's parent must be a bpffs mount or "
			 "a directory on one)", parent, strerror(errno));
		return -ENOENT;
	}
	if (!S_ISDIR(pst.st_mode)) {
		snprintf(why, why_len, "%s: not a directory", parent);
		return -ENOTDIR;
	}
	root_exists = stat(root, &rst) == 0;
	if (!is_bpffs(parent)) {
		/* A bpffs root as pin root: its pins would be strewn over the
		 * whole mount, and rm -r of the root would empty it. */
		if (root_exists && is_bpffs(root)) {
			snprintf(why, why_len, "%s: a bpffs mount itself; the pin root is a "
				 "directory below it (e.g. %s/vosfp)", root, root);
			return -EINVAL;
		}
		return mount_parent(parent, may_mount, why, why_len);
	}
	if (root_exists && is_bpffs(root) && rst.st_dev != pst.st_dev) {
		snprintf(why, why_len, "%s: a bpffs mount itself; the pin root is a directory "
			 "below it (e.g. %s/vosfp)", root, root);
		return -EINVAL;
	}
	return mountns_bpffs_persists(parent, why, why_len);
}
