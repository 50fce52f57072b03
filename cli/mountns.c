// SPDX-License-Identifier: BSD-2-Clause
/*
 * Can pins in this bpffs outlive the process? The test is on mounts, not on
 * namespace ids: mount ids, peer group ids and superblock devices are
 * global, so /proc/self/mountinfo and /proc/1/mountinfo can be compared
 * even where /proc/1/ns/mnt cannot be read.
 *
 * - In the host's PID namespace, PID 1 is the host's init and its
 *   mountinfo lists the host's mounts: a bpffs holds pins if its superblock
 *   is mounted there too, and a new mount reaches the host if it is made on
 *   one of the host's mounts or on a peer of one (shared propagation).
 * - In a container's PID namespace, PID 1 is the container's, so only the
 *   propagation of the mount itself can tell: a bpffs received from another
 *   namespace (master) or shared with one (shared: Bidirectional) is the
 *   host's; a private one may be the container's own and is refused.
 */
#define _GNU_SOURCE /* statx */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountns.h"

/* The PID namespace every other one descends from has this fixed inode
 * (PROC_PID_INIT_INO, Linux 3.8 and later). */
#define INIT_PID_NS "pid:[4026531836]"

struct mount_entry {
	unsigned long id;
	unsigned int major, minor;
	unsigned long shared; /* peer group, 0: not shared */
	unsigned long master; /* peer group it receives from, 0: none */
	char fstype[32];
};

/* One line of mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTS [TAGS...] - TYPE ...". */
static int parse_entry(char *line, struct mount_entry *m)
{
	char *save = NULL, *tok;
	int field = 0;
	bool tags_done = false;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (field == 0)
			m->id = strtoul(tok, NULL, 10);
		else if (field == 2 && sscanf(tok, "%u:%u", &m->major, &m->minor) != 2)
			return -1;
		if (field++ < 6)
			continue;
		if (tags_done) {
			snprintf(m->fstype, sizeof(m->fstype), "%s", tok);
			return 0;
		}
		if (!strcmp(tok, "-"))
			tags_done = true;
		else if (!strncmp(tok, "shared:", 7))
			m->shared = strtoul(tok + 7, NULL, 10);
		else if (!strncmp(tok, "master:", 7))
			m->master = strtoul(tok + 7, NULL, 10);
	}
	return -1;
}

enum match { BY_ID, BY_BPF_DEV, BY_ID_OR_PEER };

/* 1 if file lists a mount matching want (see enum match), 0 if not, -errno
 * if it cannot be read. With out, the matching entry is copied there. */
static int find_mount(const char *file, enum match how, const struct mount_entry *want,
		      struct mount_entry *out)
{
	struct mount_entry m;
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen(file, "re");

	if (!f)
		return -errno;
	while (!found && getline(&line, &cap, f) > 0) {
		if (parse_entry(line, &m))
			continue;
		switch (how) {
		case BY_ID:
			found = m.id == want->id;
			break;
		case BY_BPF_DEV:
			found = !strcmp(m.fstype, "bpf") && m.major == want->major &&
				m.minor == want->minor;
			break;
		case BY_ID_OR_PEER:
			found = m.id == want->id || (want->shared && m.shared == want->shared);
			break;
		}
	}
	free(line);
	fclose(f);
	if (found && out)
		*out = m;
	return found;
}

/* The mount dir is on, as this process's mountinfo lists it. */
static int own_mount(const char *dir, struct mount_entry *m, char *why, size_t why_len)
{
	struct mount_entry want = { 0 };
	struct statx stx;
	int found, err;

	if (statx(AT_FDCWD, dir, 0, STATX_MNT_ID, &stx) < 0) {
		err = errno;
		snprintf(why, why_len, "%s: %s", dir, strerror(err));
		return -err;
	}
	/* Linux 5.8 and later fill it in; vosfp needs 5.10. */
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		snprintf(why, why_len, "%s: the kernel does not tell which mount it is on", dir);
		return -ENOTSUP;
	}
	want.id = stx.stx_mnt_id;
	found = find_mount("/proc/self/mountinfo", BY_ID, &want, m);
	if (found <= 0) {
		snprintf(why, why_len, "%s: its mount is not in /proc/self/mountinfo (%s)", dir,
			 found ? strerror(-found) : "is /proc mounted?");
		return found ? found : -ENOENT;
	}
	return 0;
}

/* True if PID 1 is the host's init and its mounts can be read. */
static bool host_mounts_visible(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);

	if (n <= 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, INIT_PID_NS) && access("/proc/1/mountinfo", R_OK) == 0;
}

#define FIX_HOST                                                                              \
	"run vosfp in the host's mount namespace (nsenter --net=/run/netns/NAME vosfp ... "    \
	"instead of ip netns exec NAME vosfp ...)"
#define FIX_CONTAINER                                                                         \
	"mount the host's /sys/fs/bpf into the container with mountPropagation: Bidirectional"

int mountns_bpffs_persists(const char *dir, char *why, size_t why_len)
{
	struct mount_entry m;
	int err = own_mount(dir, &m, why, why_len);

	if (err)
		return err;
	if (host_mounts_visible()) {
		if (find_mount("/proc/1/mountinfo", BY_BPF_DEV, &m, NULL) > 0)
			return 0;
		snprintf(why, why_len,
			 "%s: this bpffs is mounted only in this process's own mount namespace, "
			 "not in the host's (ip netns exec, unshare -m): its pins would vanish "
			 "when the namespace does, so nothing was done; " FIX_HOST, dir);
		return -EXDEV;
	}
	if (m.shared || m.master)
		return 0;
	snprintf(why, why_len,
		 "%s: this bpffs is a private mount of this container's mount namespace: "
		 "it may be the container's own, whose pins vanish with the container, so "
		 "nothing was done; " FIX_CONTAINER " (or HostToContainer once bpffs is "
		 "mounted on the host)", dir);
	return -EXDEV;
}

int mountns_mount_persists(const char *dir, char *why, size_t why_len)
{
	struct mount_entry m;
	int err = own_mount(dir, &m, why, why_len);

	if (err)
		return err;
	if (host_mounts_visible()) {
		if (find_mount("/proc/1/mountinfo", BY_ID_OR_PEER, &m, NULL) > 0)
			return 0;
		snprintf(why, why_len,
			 "%s: not bpffs in this mount namespace, which is not the host's (ip "
			 "netns exec, unshare -m): a bpffs mounted here would not reach the host "
			 "and its pins would vanish with the namespace, so nothing was done; "
			 FIX_HOST, dir);
		return -EXDEV;
	}
	if (m.shared)
		return 0;
	snprintf(why, why_len,
		 "%s: not bpffs, and this container's mount there does not propagate to the "
		 "host: a bpffs mounted here would vanish with the container, so nothing was "
		 "done; " FIX_CONTAINER " (with HostToContainer, mounting bpffs on the host "
		 "first, mount -t bpf bpf /sys/fs/bpf, works too)", dir);
	return -EXDEV;
}
