// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attachments are bpf_links pinned as <pin root>/link_<ifname>: the pin
 * keeps the program attached after the process exits, and a link, unlike a
 * netlink attachment, cannot be silently replaced by another program.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

VOSFP_API const char *vosfp_mode_name(int mode)
{
	switch (mode) {
	case VOSFP_MODE_AUTO: return "auto";
	case VOSFP_MODE_NATIVE: return "native";
	case VOSFP_MODE_GENERIC: return "generic";
	default: return NULL;
	}
}

static int link_pin_path(struct vosfp *h, const char *ifname, char *path)
{
	char name[IF_NAMESIZE + sizeof(VOSFP_LINK_PREFIX)];

	snprintf(name, sizeof(name), VOSFP_LINK_PREFIX "%s", ifname);
	return vosfp__pin_path(h, name, path);
}

/*
 * The kernel checks CAP_NET_ADMIN for netlink XDP attachments but not for
 * BPF_LINK_CREATE: a process that loaded the program and then dropped its
 * privileges could still attach and detach. The ABI promises that attach
 * and detach need CAP_NET_ADMIN, so the library checks it here.
 */
static int require_net_admin(struct vosfp *h, const char *ifname, const char *what)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return vosfp__fail(h, -errno, "%s: cannot read capabilities: %s", ifname,
				   strerror(errno));
	if (data[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32)))
		return 0;
	return vosfp__fail(h, -EPERM, "%s: %s XDP needs CAP_NET_ADMIN", ifname, what);
}

/* A pin the caller may not open is a privilege problem: name it. */
static int pin_error(struct vosfp *h, const char *ifname, const char *path, int err)
{
	if (err == EACCES || err == EPERM)
		return vosfp__fail(h, -EPERM, "%s: %s: permission denied (needs CAP_NET_ADMIN, "
				   "CAP_BPF and access to the pin root)", ifname, path);
	return vosfp__fail(h, -err, "%s: %s: %s", ifname, path, strerror(err));
}

static int check_ifname(struct vosfp *h, const char *ifname)
{
	if (!h)
		return -EINVAL;
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/'))
		return vosfp__fail(h, -EINVAL, "'%s': not a valid interface name",
				   ifname ? ifname : "(null)");
	return 0;
}

/* The ifindex a pinned XDP link is attached to; 0 once its interface is
 * gone (the kernel detaches the link then, and it is defunct). */
static int link_ifindex(int link_fd, __u32 *ifindex, __u32 *prog_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	*ifindex = info.xdp.ifindex;
	if (prog_id)
		*prog_id = info.prog_id;
	return 0;
}

/* An existing pin is either a live attachment (-EEXIST) or stale (removed). */
static int check_existing_pin(struct vosfp *h, const char *ifname, const char *path)
{
	__u32 ifindex = 0;
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return errno == ENOENT ? 0 : pin_error(h, ifname, path, errno);
	link_ifindex(fd, &ifindex, NULL);
	close(fd);
	if (ifindex)
		return vosfp__fail(h, -EEXIST, "%s: already attached (pinned link %s)", ifname, path);
	unlink(path);
	return 0;
}

static int create_link(struct vosfp *h, int ifindex, int mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int fd;

	opts.flags = mode == VOSFP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	fd = bpf_link_create(h->prog_fd, ifindex, BPF_XDP, &opts);
	return fd < 0 ? -errno : fd;
}

static int attach_error(struct vosfp *h, const char *ifname, int mode, int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return vosfp__fail(h, -EPERM, "%s: attaching XDP needs CAP_NET_ADMIN and CAP_BPF",
				   ifname);
	case EBUSY:
	case EEXIST:
		return vosfp__fail(h, -EBUSY,
				   "%s: another XDP program is attached (see `ip link show %s`)",
				   ifname, ifname);
	case EOPNOTSUPP:
	case EINVAL:
		return vosfp__fail(h, -EOPNOTSUPP, "%s: the driver does not support %s XDP",
				   ifname, vosfp_mode_name(mode));
	case ERANGE:
		return vosfp__fail(h, -ERANGE, "%s: the MTU is too large for %s XDP (frames "
				   "must fit one page; lower the MTU or use generic mode)",
				   ifname, vosfp_mode_name(mode));
	default:
		return vosfp__fail(h, err, "%s: %s attach failed: %s", ifname,
				   vosfp_mode_name(mode), strerror(-err));
	}
}

VOSFP_API int vosfp_attach(struct vosfp *h, const char *ifname, int mode, int *mode_used)
{
	char path[PATH_MAX];
	int ifindex, fd = -1, err, got = mode;

	err = check_ifname(h, ifname);
	if (err)
		return err;
	if (!vosfp_mode_name(mode))
		return vosfp__fail(h, -EINVAL, "unknown attach mode %d", mode);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return vosfp__fail(h, -ENODEV, "%s: no such interface", ifname);
	err = require_net_admin(h, ifname, "attaching");
	if (err)
		return err;
	if (link_pin_path(h, ifname, path))
		return vosfp__fail(h, -ENAMETOOLONG, "%s: pin path too long", ifname);
	err = check_existing_pin(h, ifname, path);
	if (err)
		return err;
	err = vosfp__prog_fd(h);
	if (err < 0)
		return err;

	if (mode == VOSFP_MODE_AUTO) {
		got = VOSFP_MODE_NATIVE;
		fd = create_link(h, ifindex, got);
		/* Only a driver without native support, or an MTU native XDP
		 * cannot take (ERANGE), falls back; a busy interface or
		 * missing privileges stay errors. */
		if (fd == -EOPNOTSUPP || fd == -EINVAL || fd == -ERANGE) {
			vosfp__log(VOSFP_LOG_INFO, "%s: native XDP unavailable, using generic", ifname);
			got = VOSFP_MODE_GENERIC;
			fd = create_link(h, ifindex, got);
		}
	} else {
		fd = create_link(h, ifindex, mode);
	}
	if (fd < 0)
		return attach_error(h, ifname, got, fd);

	err = vosfp__egress_attach(h, ifname, ifindex); /* egress.c: verified sources */
	if (err) {
		close(fd); /* the last reference: the link detaches */
		return err;
	}
	if (bpf_obj_pin(fd, path)) {
		err = errno;
		close(fd); /* the last reference: the link detaches */
		vosfp__egress_detach(h, ifname);
		return pin_error(h, ifname, path, err);
	}
	close(fd);
	if (mode_used)
		*mode_used = got;
	vosfp__log(VOSFP_LOG_INFO, "%s: attached in %s mode", ifname, vosfp_mode_name(got));
	return vosfp__ok(h);
}

VOSFP_API int vosfp_detach(struct vosfp *h, const char *ifname)
{
	char path[PATH_MAX];
	int fd, err;

	err = check_ifname(h, ifname);
	if (err)
		return err;
	if (link_pin_path(h, ifname, path))
		return vosfp__fail(h, -ENAMETOOLONG, "%s: pin path too long", ifname);
	err = require_net_admin(h, ifname, "detaching");
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return vosfp__fail(h, -ENOENT, "%s: not attached (no pinned link in %s)",
					   ifname, h->pin_root);
		return pin_error(h, ifname, path, errno);
	}
	/* Detach even if some other process holds the link open; a link whose
	 * interface is gone is already detached. */
	if (bpf_link_detach(fd) && errno != ENOLINK && errno != EINVAL) {
		err = -errno;
		close(fd);
		return vosfp__fail(h, err, "%s: detach failed: %s", ifname, strerror(-err));
	}
	close(fd);
	if (unlink(path) < 0 && errno != ENOENT)
		return vosfp__fail(h, -errno, "%s: cannot remove %s: %s", ifname, path,
				   strerror(errno));
	err = vosfp__egress_detach(h, ifname); /* egress.c */
	return err ? err : vosfp__ok(h);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Interface names with a pinned link, sorted; caller frees. */
static int list_links(struct vosfp *h, char ***names_out)
{
	size_t plen = strlen(VOSFP_LINK_PREFIX);
	char **names = NULL;
	struct dirent *de;
	int n = 0;
	DIR *dir;

	*names_out = NULL;
	dir = opendir(h->pin_root);
	if (!dir)
		return vosfp__fail(h, -errno, "%s: %s", h->pin_root, strerror(errno));
	while ((de = readdir(dir))) {
		char **grown;

		if (strncmp(de->d_name, VOSFP_LINK_PREFIX, plen) || !de->d_name[plen])
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(de->d_name + plen))) {
			names = grown ? grown : names;
			closedir(dir);
			for (int i = 0; i < n; i++)
				free(names[i]);
			free(names);
			return vosfp__fail(h, -ENOMEM, "out of memory");
		}
		names = grown;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	*names_out = names;
	return n;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

VOSFP_API int vosfp_attachment_count(struct vosfp *h)
{
	char **names;
	int n;

	if (!h)
		return -EINVAL;
	n = list_links(h, &names);
	if (n < 0)
		return n;
	free_names(names, n);
	vosfp__ok(h);
	return n;
}

/* The mode is read over netlink in the caller's network namespace; an
 * ifindex there may belong to another interface than the one attached in
 * another namespace, so the name must match too, else the mode is unknown. */
static int query_mode(__u32 ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[IF_NAMESIZE];

	if (!ifindex || !if_indextoname(ifindex, name) || strcmp(name, ifname))
		return VOSFP_MODE_AUTO;
	if (bpf_xdp_query((int)ifindex, 0, &q))
		return VOSFP_MODE_AUTO;
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV: return VOSFP_MODE_NATIVE;
	case XDP_ATTACHED_SKB: return VOSFP_MODE_GENERIC;
	default: return VOSFP_MODE_AUTO;
	}
}

VOSFP_API int vosfp_attachment_get(struct vosfp *h, int idx, char *ifname, size_t len,
				   int *mode, uint32_t *prog_id)
{
	char path[PATH_MAX], **names;
	__u32 ifindex = 0, pid = 0;
	int n, fd, err = 0;

	if (!h)
		return -EINVAL;
	n = list_links(h, &names);
	if (n < 0)
		return n;
	if (idx < 0 || idx >= n) {
		free_names(names, n);
		return vosfp__fail(h, -ERANGE, "attachment %d: there are %d", idx, n);
	}
	if (ifname && len) {
		if (strlen(names[idx]) >= len)
			err = vosfp__fail(h, -ENOSPC, "interface name buffer too small");
		else
			snprintf(ifname, len, "%s", names[idx]);
	}
	if (!err && !link_pin_path(h, names[idx], path)) {
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			link_ifindex(fd, &ifindex, &pid);
			close(fd);
		}
	}
	if (mode && !err)
		*mode = query_mode(ifindex, names[idx]);
	free_names(names, n);
	if (err)
		return err;
	if (prog_id)
		*prog_id = ifindex ? pid : 0;
	return vosfp__ok(h);
}
