// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attachments are bpf_links pinned under the pin root (attach_pins.h names
 * them by interface, network namespace and ifindex): the pin keeps the
 * program attached after the process exits, and a link, unlike a netlink
 * attachment, cannot be silently replaced by another program.
 */
#include <errno.h>
#include <inttypes.h>
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

#include "attach_pins.h"
#include "internal.h"
#include "multiprog.h"
#include "vosfp.skel.h"
#include "xdp_other.h"

VOSFP_API const char *vosfp_mode_name(int mode)
{
	switch (mode) {
	case VOSFP_MODE_AUTO: return "auto";
	case VOSFP_MODE_NATIVE: return "native";
	case VOSFP_MODE_GENERIC: return "generic";
	default: return NULL;
	}
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

static int check_ifname(struct vosfp *h, const char *what, const char *ifname)
{
	if (!h)
		return vosfp__no_handle(what);
	/* The kernel refuses '/' and ':' in names; pins use ':' as a separator. */
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strpbrk(ifname, "/:"))
		return vosfp__fail(h, -EINVAL, "'%s': not a valid interface name",
				   ifname ? ifname : "(null)");
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

static int attach_error(struct vosfp *h, const char *ifname, uint32_t ifindex, int mode,
			int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return vosfp__fail(h, -EPERM, "%s: attaching XDP needs CAP_NET_ADMIN and CAP_BPF",
				   ifname);
	case EBUSY:
	case EEXIST:
		/* Attached since vosfp__xdp_check_free() looked: name it. */
		if (vosfp__xdp_check_free(h, ifname, ifindex, false))
			return -EBUSY;
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


/* The interface an attach or detach is about, as seen from this namespace,
 * and the pin root's attachments. */
struct target {
	const char *ifname;
	uint32_t ifindex; /* 0: no such interface here */
	uint64_t netns;
	struct vosfp_pin *pins;
	int n;
};

static int target_init(struct vosfp *h, const char *ifname, struct target *t)
{
	int64_t netns = vosfp__netns_self(h);

	memset(t, 0, sizeof(*t));
	if (netns < 0)
		return (int)netns;
	t->ifname = ifname;
	t->netns = (uint64_t)netns;
	t->ifindex = if_nametoindex(ifname);
	t->n = vosfp__pins_list(h, t->netns, &t->pins);
	return t->n < 0 ? t->n : 0;
}

/*
 * The pin of this interface's attachment: one located here on its ifindex,
 * or else the one live pin whose interface now has this ifindex and runs
 * its program (the interface moved here from another namespace). Its pin is
 * renamed to record where it is now (also migrating a first-layout pin).
 * *idx gets its index, or -1 if none. Returns 0 or a recorded negative
 * errno (which may be -EPERM, -1: hence the out parameter).
 */
static int find_ours(struct vosfp *h, struct target *t, int *idx)
{
	char file[sizeof(t->pins->file)], from[PATH_MAX], to[PATH_MAX];
	uint32_t prog_here;
	int found = -1;

	*idx = -1;
	if (!t->ifindex)
		return 0;
	for (int i = 0; i < t->n; i++)
		if (t->pins[i].where == PIN_HERE && t->pins[i].now_ifindex == t->ifindex)
			found = i;
	prog_here = vosfp__xdp_prog_on(t->ifindex);
	for (int i = 0; found < 0 && i < t->n; i++) {
		struct vosfp_pin *p = &t->pins[i];

		/* A dispatcher component moved with its interface's
		 * dispatcher: it is in the one here. */
		if (p->where == PIN_ELSEWHERE && p->multiprog &&
		    vosfp__mprog_has(t->ifindex, p->prog_id, NULL)) {
			p->now_ifindex = t->ifindex;
			found = i;
			break;
		}
		if (p->where != PIN_ELSEWHERE || p->now_ifindex != t->ifindex ||
		    p->prog_id != prog_here)
			continue;
		for (int j = i + 1; j < t->n; j++) {
			const struct vosfp_pin *q = &t->pins[j];

			if (q->where != PIN_ELSEWHERE || q->now_ifindex != t->ifindex ||
			    q->prog_id != prog_here)
				continue;
			return vosfp__fail(h, -ENOTUNIQ, "%s: pins %s and %s both may be its "
					   "attachment (interfaces moved between network namespaces); "
					   "detach from the namespace they were made in, or remove the "
					   "pins", t->ifname, p->file, q->file);
		}
		found = i;
	}
	if (found < 0)
		return 0;
	vosfp__pin_file(file, t->pins[found].multiprog, t->ifname, t->netns, t->ifindex);
	if (!strcmp(file, t->pins[found].file)) {
		*idx = found;
		return 0;
	}
	if (vosfp__pin_path(h, t->pins[found].file, from) || vosfp__pin_path(h, file, to))
		return vosfp__fail(h, -ENAMETOOLONG, "%s: pin path too long", t->ifname);
	if (rename(from, to) < 0)
		return pin_error(h, t->ifname, from, errno);
	vosfp__log(VOSFP_LOG_INFO, "%s: pin %s renamed %s", t->ifname, t->pins[found].file, file);
	snprintf(t->pins[found].file, sizeof(t->pins[found].file), "%s", file);
	snprintf(t->pins[found].ifname, sizeof(t->pins[found].ifname), "%s", t->ifname);
	*idx = found;
	return 0;
}

/* Live attachments recorded under this name whose interface is not this
 * one here: it moved to another namespace (or was renamed). */
static const struct vosfp_pin *moved_away(const struct target *t)
{
	for (int i = 0; i < t->n; i++)
		if (t->pins[i].where == PIN_ELSEWHERE && !strcmp(t->pins[i].ifname, t->ifname))
			return &t->pins[i];
	return NULL;
}

static int moved_error(struct vosfp *h, const struct target *t, const struct vosfp_pin *p)
{
	char here[96], was[64], now[64] = "not visible from here";

	if (t->ifindex)
		snprintf(here, sizeof(here), "the %s here is ifindex %u in netns %" PRIu64,
			 t->ifname, t->ifindex, t->netns);
	else
		snprintf(here, sizeof(here), "netns %" PRIu64 " has no %s", t->netns, t->ifname);
	if (p->netns)
		snprintf(was, sizeof(was), "ifindex %u in netns %" PRIu64, p->ifindex, p->netns);
	else
		snprintf(was, sizeof(was), "an interface of that name (pinned without a netns)");
	if (p->now_ifindex)
		snprintf(now, sizeof(now), "now ifindex %u", p->now_ifindex);
	return vosfp__fail(h, -ENOENT, "%s: not attached here: the pinned attachment %s belongs "
			   "to %s, which is %s in another network namespace (it moved, or was "
			   "renamed), and %s; its filter stays. Detach it from the namespace it is "
			   "in (nsenter --net=/proc/PID/ns/net vosfp detach NAME; `lsns -t net` "
			   "lists them), or remove %s/%s to drop its filter",
			   t->ifname, p->file, was, now, here, h->pin_root, p->file);
}

/* Pins recorded under this name whose interface is gone: stale, removed. */
static int remove_defunct(struct vosfp *h, const struct target *t)
{
	char path[PATH_MAX];

	for (int i = 0; i < t->n; i++) {
		if (t->pins[i].where != PIN_DEFUNCT || strcmp(t->pins[i].ifname, t->ifname))
			continue;
		if (vosfp__pin_path(h, t->pins[i].file, path))
			continue;
		if (unlink(path) < 0 && errno != ENOENT)
			return pin_error(h, t->ifname, path, errno);
		vosfp__log(VOSFP_LOG_INFO, "%s: removed stale pin %s", t->ifname, path);
		/* Its counter row, if it still holds that name: to "detached". */
		if (t->pins[i].ifindex)
			vosfp__ifrow_detach(h, t->ifname, t->pins[i].ifindex);
	}
	return 0;
}

/* The XDP link, native falling back to generic for AUTO; fd or -errno. */
static int xdp_link(struct vosfp *h, const struct target *t, int mode, int *got)
{
	int fd;

	*got = mode;
	if (mode != VOSFP_MODE_AUTO)
		return create_link(h, (int)t->ifindex, mode);
	*got = VOSFP_MODE_NATIVE;
	fd = create_link(h, (int)t->ifindex, *got);
	/* Only a driver without native support, or an MTU native XDP cannot
	 * take (ERANGE), falls back; a busy interface or missing privileges
	 * stay errors. */
	if (fd == -EOPNOTSUPP || fd == -EINVAL || fd == -ERANGE) {
		vosfp__log(VOSFP_LOG_INFO, "%s: native XDP unavailable, using generic", t->ifname);
		*got = VOSFP_MODE_GENERIC;
		fd = create_link(h, (int)t->ifindex, *got);
	}
	return fd;
}

/*
 * The hooks of one attachment: the TC egress program that learns verified
 * sources (egress.c), then the XDP link or dispatcher component, pinned. A
 * hook that fails undoes the ones before it, so that an attach is whole or
 * nothing.
 */
static int attach_hooks(struct vosfp *h, const struct target *t, int mode, bool multiprog,
			int *got)
{
	char file[sizeof(t->pins->file)], path[PATH_MAX];
	int fd, err;

	vosfp__pin_file(file, multiprog, t->ifname, t->netns, t->ifindex);
	if (vosfp__pin_path(h, file, path))
		return vosfp__fail(h, -ENAMETOOLONG, "%s: pin path too long", t->ifname);
	/* The counter row first (ifcounters.c), so that the first packet
	 * already counts under this interface. */
	err = vosfp__ifrow_attach(h, t->ifname, t->ifindex);
	if (!err)
		err = vosfp__egress_attach(h, t->ifname, (int)t->ifindex);
	if (err)
		goto undo_row;
	if (multiprog) {
		err = vosfp__mprog_attach(h, t->ifname, t->ifindex, mode, path, got);
		if (err)
			goto undo_egress;
		return 0;
	}
	fd = xdp_link(h, t, mode, got);
	if (fd < 0) {
		err = attach_error(h, t->ifname, t->ifindex, *got, fd);
		goto undo_egress;
	}
	if (bpf_obj_pin(fd, path)) {
		err = errno;
		close(fd); /* the last reference: the link detaches */
		err = pin_error(h, t->ifname, path, err);
		goto undo_egress;
	}
	close(fd);
	return 0;
undo_egress:
	vosfp__egress_detach(h, t->ifname);
undo_row:
	/* Keep the attach's own error, not an undo's. */
	{
		char why[VOSFP_ERR_LEN];

		snprintf(why, sizeof(why), "%s", h->err);
		vosfp__ifrow_detach(h, NULL, t->ifindex);
		vosfp__fail(h, err, "%s", why);
	}
	return err;
}

/* The reverse of attach_hooks for one pin. */
static int detach_hooks(struct vosfp *h, const struct target *t, const struct vosfp_pin *p)
{
	char path[PATH_MAX];
	int fd, err;

	if (vosfp__pin_path(h, p->file, path))
		return vosfp__fail(h, -ENAMETOOLONG, "%s: pin path too long", t->ifname);
	if (p->multiprog) {
		err = vosfp__mprog_detach(h, t->ifname, t->ifindex, p->prog_id);
		if (err)
			return err;
		goto unpin;
	}
	fd = bpf_obj_get(path);
	if (fd < 0)
		return pin_error(h, t->ifname, path, errno);
	/* Detach even if some other process holds the link open; a link whose
	 * interface is gone is already detached. */
	if (bpf_link_detach(fd) && errno != ENOLINK && errno != EINVAL) {
		err = -errno;
		close(fd);
		return vosfp__fail(h, err, "%s: detach failed: %s", t->ifname, strerror(-err));
	}
	close(fd);
unpin:
	if (unlink(path) < 0 && errno != ENOENT)
		return vosfp__fail(h, -errno, "%s: cannot remove %s: %s", t->ifname, path,
				   strerror(errno));
	err = vosfp__egress_detach(h, t->ifname); /* egress.c */
	return err ? err : vosfp__ifrow_detach(h, NULL, t->ifindex);
}

/* libbpf's OPTS rule: fields past the caller's sz read as 0; fields past
 * ours must be 0 (a newer caller asking for what this library lacks). */
static int read_opts(struct vosfp *h, const struct vosfp_attach_opts *opts, int *mode,
		     unsigned int *flags)
{
	struct vosfp_attach_opts o = { .sz = sizeof(o) };

	if (!opts)
		return 0;
	if (opts->sz < sizeof(opts->sz))
		return vosfp__fail(h, -EINVAL, "vosfp_attach_opts.sz %zu is too small", opts->sz);
	for (size_t i = sizeof(o); i < opts->sz; i++)
		if (((const char *)opts)[i])
			return vosfp__fail(h, -EINVAL, "vosfp_attach_opts has fields this libvosfp "
					   "(%s) does not know", vosfp_version());
	memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (o.flags & ~(unsigned int)VOSFP_ATTACH_MULTIPROG)
		return vosfp__fail(h, -EINVAL, "unknown attach flags 0x%x", o.flags);
	*mode = o.mode;
	*flags = o.flags;
	return 0;
}

VOSFP_API int vosfp_attach(struct vosfp *h, const char *ifname, int mode, int *mode_used)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .mode = mode };

	return vosfp_attach_ex(h, ifname, &opts, mode_used);
}

VOSFP_API int vosfp_attach_ex(struct vosfp *h, const char *ifname,
			      const struct vosfp_attach_opts *opts, int *mode_used)
{
	const struct vosfp_pin *away;
	int err, mode = VOSFP_MODE_AUTO, got, idx;
	unsigned int flags = 0;
	bool multiprog;
	struct target t;

	err = check_ifname(h, "vosfp_attach", ifname);
	if (!err)
		err = read_opts(h, opts, &mode, &flags);
	if (err)
		return err;
	multiprog = flags & VOSFP_ATTACH_MULTIPROG;
	got = mode;
	if (!vosfp_mode_name(mode))
		return vosfp__fail(h, -EINVAL, "unknown attach mode %d", mode);
	if (!if_nametoindex(ifname))
		return vosfp__fail(h, -ENODEV, "%s: no such interface", ifname);
	err = require_net_admin(h, ifname, "attaching");
	if (err)
		return err;
	err = target_init(h, ifname, &t);
	if (err)
		goto out;
	if (!t.ifindex) {
		err = vosfp__fail(h, -ENODEV, "%s: no such interface", ifname);
		goto out;
	}
	err = find_ours(h, &t, &idx);
	if (!err && idx >= 0)
		err = vosfp__fail(h, -EEXIST, "%s: already attached (pinned link %s/%s)", ifname,
				  h->pin_root, t.pins[idx].file);
	if (err)
		goto out;
	away = moved_away(&t);
	if (away)
		vosfp__log(VOSFP_LOG_INFO, "%s: pin %s is for an interface that moved away; its "
			   "filter stays, and this %s gets its own", ifname, away->file, ifname);
	err = vosfp__xdp_check_free(h, ifname, t.ifindex, multiprog);
	if (!err && !multiprog)
		err = vosfp__prog_fd(h);
	if (err < 0)
		goto out;
	err = remove_defunct(h, &t);
	if (!err)
		err = attach_hooks(h, &t, mode, multiprog, &got);
	if (err)
		goto out;
	if (mode_used)
		*mode_used = got;
	vosfp__log(VOSFP_LOG_INFO, "%s: attached in %s mode%s", ifname, vosfp_mode_name(got),
		   multiprog ? " through libxdp's dispatcher" : "");
	err = vosfp__ok(h);
out:
	free(t.pins);
	return err;
}

VOSFP_API int vosfp_detach(struct vosfp *h, const char *ifname)
{
	const struct vosfp_pin *away;
	struct target t;
	int err, idx, stale = 0;

	err = check_ifname(h, "vosfp_detach", ifname);
	if (err)
		return err;
	err = require_net_admin(h, ifname, "detaching");
	if (err)
		return err;
	err = target_init(h, ifname, &t);
	if (err)
		goto out;
	err = find_ours(h, &t, &idx);
	if (err)
		goto out;
	if (idx >= 0) {
		err = detach_hooks(h, &t, &t.pins[idx]);
		if (!err)
			err = remove_defunct(h, &t);
		goto done;
	}
	/* Never the filter of an interface that moved away and left its name
	 * to another one: name it, and leave it. */
	away = moved_away(&t);
	if (away) {
		err = moved_error(h, &t, away);
		goto out;
	}
	for (int i = 0; i < t.n; i++)
		stale += t.pins[i].where == PIN_DEFUNCT && !strcmp(t.pins[i].ifname, ifname);
	if (!stale) {
		err = vosfp__fail(h, -ENOENT, "%s: not attached (no pinned link in %s)", ifname,
				  h->pin_root);
		goto out;
	}
	err = remove_defunct(h, &t);
done:
	if (!err)
		err = vosfp__ok(h);
out:
	free(t.pins);
	return err;
}

VOSFP_API int vosfp_attachment_count(struct vosfp *h)
{
	struct vosfp_pin *pins;
	int n;

	if (!h)
		return vosfp__no_handle(__func__);
	/* Counting needs no location: any namespace number will do. */
	n = vosfp__pins_list(h, 0, &pins);
	if (n < 0)
		return n;
	free(pins);
	vosfp__ok(h);
	return n;
}

static int query_mode(uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query((int)ifindex, 0, &q))
		return VOSFP_MODE_AUTO;
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV: return VOSFP_MODE_NATIVE;
	case XDP_ATTACHED_SKB: return VOSFP_MODE_GENERIC;
	default: return VOSFP_MODE_AUTO;
	}
}

/* The name is the interface's name now when it is here (it may have been
 * renamed), else the recorded one; the mode is known only here. */
/* The attachments of this namespace, in the order both calls below number
 * them: 0 with *pins to free by the caller, or a negative errno. */
static int pins_at(struct vosfp *h, int idx, struct vosfp_pin **pins)
{
	int64_t netns = vosfp__netns_self(h);
	int n;

	if (netns < 0)
		return (int)netns;
	n = vosfp__pins_list(h, (uint64_t)netns, pins);
	if (n < 0)
		return n;
	if (idx < 0 || idx >= n) {
		free(*pins);
		return vosfp__fail(h, -ERANGE, "attachment %d: there are %d", idx, n);
	}
	return 0;
}

VOSFP_API int vosfp_attachment_get(struct vosfp *h, int idx, char *ifname, size_t len,
				   int *mode, uint32_t *prog_id)
{
	char now[IF_NAMESIZE];
	struct vosfp_pin *pins, *p;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	err = pins_at(h, idx, &pins);
	if (err)
		return err;
	p = &pins[idx];
	if (p->where != PIN_HERE || !if_indextoname(p->now_ifindex, now))
		snprintf(now, sizeof(now), "%s", p->ifname);
	if (ifname && len) {
		if (strlen(now) >= len)
			err = vosfp__fail(h, -ENOSPC, "interface name buffer too small");
		else
			snprintf(ifname, len, "%s", now);
	}
	if (mode && !err) {
		*mode = VOSFP_MODE_AUTO;
		if (p->where == PIN_HERE && p->multiprog)
			vosfp__mprog_has(p->now_ifindex, p->prog_id, mode);
		else if (p->where == PIN_HERE)
			*mode = query_mode(p->now_ifindex);
	}
	if (prog_id && !err)
		*prog_id = p->where == PIN_DEFUNCT ? 0 : p->prog_id;
	free(pins);
	return err ? err : vosfp__ok(h);
}

/* Apart from vosfp_attachment_get, whose signature is fixed: how an
 * attachment was made is what status shows next to its program. */
VOSFP_API int vosfp_attachment_flags(struct vosfp *h, int idx)
{
	struct vosfp_pin *pins;
	int flags;

	if (!h)
		return vosfp__no_handle(__func__);
	flags = pins_at(h, idx, &pins);
	if (flags)
		return flags;
	flags = pins[idx].multiprog ? VOSFP_ATTACH_MULTIPROG : 0;
	free(pins);
	vosfp__ok(h);
	return flags;
}

/* Here, not in handle.c, because only a root with nothing attached may
 * go: handle.c then needs nothing of this file. */
VOSFP_API int vosfp_unpin(struct vosfp *h)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int n;

	if (!h)
		return vosfp__no_handle(__func__);
	n = vosfp_attachment_count(h);
	if (n < 0)
		return n;
	if (n > 0)
		return vosfp__fail(h, -EBUSY,
				   "%s: interfaces are still attached; detach them first",
				   h->pin_root);
	bpf_object__for_each_map(map, h->skel->obj) {
		const char *name = vosfp__pin_name(map);

		if (!name || vosfp__pin_path(h, name, path))
			continue;
		if (unlink(path) < 0 && errno != ENOENT)
			return vosfp__fail(h, -errno, "%s: %s", path, strerror(errno));
	}
	if (rmdir(h->pin_root) < 0 && errno != ENOENT)
		return vosfp__fail(h, -errno, "%s: %s", h->pin_root, strerror(errno));
	return vosfp__ok(h);
}
