// SPDX-License-Identifier: BSD-2-Clause
/* Attaching through libxdp's dispatcher; see multiprog.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "internal.h"
#include "multiprog.h"
#include "vosfp.skel.h"

/* libxdp's own reason for a failure is in its messages, not its errno
 * ("Invalid argument"): the last warning, else the last debug line, goes
 * into the error detail. Reset at the start of each call. */
static char xdp_said[256], xdp_warned[256];

/* libxdp prints to stderr unless told otherwise; the library never prints. */
static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > 0 && buf[strlen(buf) - 1] == '\n')
		buf[strlen(buf) - 1] = '\0';
	snprintf(level == LIBXDP_WARN ? xdp_warned : xdp_said, sizeof(xdp_said), "%s", buf);
	vosfp__log(level == LIBXDP_WARN ? VOSFP_LOG_WARN :
		   level == LIBXDP_INFO ? VOSFP_LOG_INFO : VOSFP_LOG_DEBUG, "%s", buf);
	return n;
}

static void quiet_libxdp(void)
{
	libxdp_set_print(xdp_print);
	xdp_said[0] = xdp_warned[0] = '\0';
}

static enum xdp_attach_mode xdp_mode(int mode)
{
	switch (mode) {
	case VOSFP_MODE_NATIVE: return XDP_MODE_NATIVE;
	case VOSFP_MODE_GENERIC: return XDP_MODE_SKB;
	default: return XDP_MODE_UNSPEC; /* the kernel's choice: native if it can */
	}
}

static int vosfp_mode(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return VOSFP_MODE_NATIVE;
	case XDP_MODE_SKB: return VOSFP_MODE_GENERIC;
	default: return VOSFP_MODE_AUTO;
	}
}

/* The component of ifindex's dispatcher that is prog_id, or NULL. */
static struct xdp_program *component(struct xdp_multiprog *mp, uint32_t prog_id)
{
	struct xdp_program *p;

	if (libxdp_get_error(mp) || !mp || xdp_multiprog__is_legacy(mp))
		return NULL;
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
		if (xdp_program__id(p) == prog_id)
			return p;
	return NULL;
}

bool vosfp__mprog_has(uint32_t ifindex, uint32_t prog_id, int *mode)
{
	struct xdp_multiprog *mp;
	bool found;

	quiet_libxdp();
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	found = component(mp, prog_id) != NULL;
	if (found && mode)
		*mode = vosfp_mode(xdp_multiprog__attach_mode(mp));
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return found;
}

bool vosfp__mprog_linked(uint32_t prog_id)
{
	__u32 id = 0;

	/* libxdp pins one freplace link per component: while one exists for
	 * prog_id, the program runs in some dispatcher, wherever it is. */
	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);
		bool ours;

		if (fd < 0)
			continue;
		ours = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.prog_id == prog_id;
		close(fd);
		if (ours)
			return true;
	}
	return false;
}

static int xdp_error(struct vosfp *h, const char *ifname, const char *what, int err)
{
	char buf[128];
	const char *said = xdp_warned[0] ? xdp_warned : xdp_said;
	char why[sizeof(xdp_said) + 16] = "";

	libxdp_strerror(err, buf, sizeof(buf));
	if (said[0])
		snprintf(why, sizeof(why), " (libxdp: %s)", said);
	return vosfp__fail(h, err, "%s: %s through libxdp's dispatcher failed: %s%s", ifname,
			   what, buf, why);
}

/* Did the verifier refuse vosfp's program as the dispatcher's component?
 * libxdp gives only EINVAL; its message tells that step from the others. */
static bool component_refused(void)
{
	return strstr(xdp_said, "Failed to load program") || strstr(xdp_warned, "Failed to load");
}

/*
 * Where the kernel refuses freplace programs, libxdp does not fail but
 * attaches a lone program without its dispatcher. That is not what was
 * asked for (the next libxdp program would be refused): undo it.
 */
static int refuse_legacy(struct vosfp *h, const char *ifname, uint32_t ifindex,
			 struct xdp_program *xp, struct xdp_multiprog *mp)
{
	xdp_program__detach(xp, (int)ifindex, xdp_multiprog__attach_mode(mp), 0);
	return vosfp__fail(h, -EOPNOTSUPP, "%s: libxdp cannot run its dispatcher on this kernel "
			   "(it refuses the dispatcher's freplace programs), so vosfp cannot "
			   "share the interface with other XDP programs here; nothing was "
			   "attached. Attach without --multiprog (vosfp then owns the XDP "
			   "hook), or use a kernel that runs libxdp's dispatcher", ifname);
}

int vosfp__mprog_attach(struct vosfp *h, const char *ifname, uint32_t ifindex, int mode,
			const char *path, int *got)
{
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *xp = NULL;
	struct vosfp_bpf *skel;
	int err;

	quiet_libxdp();
	err = vosfp__prog_open(h, &skel);
	if (err)
		return err;
	/* libxdp loads the program as a component of the dispatcher: the
	 * object is handed over unloaded. No run config in the object means
	 * libxdp's defaults, priority 50 and XDP_PASS chaining: what vosfp
	 * passes, the next program sees. */
	xp = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = (int)libxdp_get_error(xp);
	if (err) {
		xp = NULL;
		err = xdp_error(h, ifname, "preparing the program", err);
		goto out;
	}
	err = xdp_program__attach(xp, (int)ifindex, xdp_mode(mode), 0);
	if (err) {
		if (err == -EINVAL && component_refused())
			err = vosfp__fail(h, -EOPNOTSUPP, "%s: this kernel's verifier refuses vosfp's "
					  "program as a component of libxdp's dispatcher (an "
					  "freplace extension; seen on Linux 5.10), so vosfp cannot "
					  "share the interface with other XDP programs here; nothing "
					  "was attached. Attach without --multiprog (vosfp then owns "
					  "the XDP hook)", ifname);
		else if (err == -EBUSY || err == -EEXIST)
			err = vosfp__fail(h, -EBUSY, "%s: libxdp cannot add to the XDP program on "
					  "it (not a dispatcher it can extend; `xdp-loader "
					  "status %s`); unload it first", ifname, ifname);
		else
			err = xdp_error(h, ifname, "attaching", err);
		goto out;
	}
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	if (libxdp_get_error(mp)) {
		mp = NULL;
		xdp_program__detach(xp, (int)ifindex, xdp_mode(mode), 0);
		err = vosfp__fail(h, -EIO, "%s: attached through libxdp but cannot read the "
				  "dispatcher back; detached again", ifname);
		goto out;
	}
	if (xdp_multiprog__is_legacy(mp)) {
		err = refuse_legacy(h, ifname, ifindex, xp, mp);
		goto out;
	}
	*got = vosfp_mode(xdp_multiprog__attach_mode(mp));
	if (bpf_obj_pin(xdp_program__fd(xp), path)) {
		err = -errno;
		xdp_program__detach(xp, (int)ifindex, xdp_multiprog__attach_mode(mp), 0);
		err = vosfp__fail(h, err, "%s: cannot pin %s: %s; detached again", ifname, path,
				  strerror(-err));
	}
out:
	if (mp)
		xdp_multiprog__close(mp);
	if (xp)
		xdp_program__close(xp);
	vosfp_bpf__destroy(skel);
	return err;
}

int vosfp__mprog_detach(struct vosfp *h, const char *ifname, uint32_t ifindex, uint32_t prog_id)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int err;

	quiet_libxdp();
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	p = component(mp, prog_id);
	if (!p) {
		err = vosfp__fail(h, -ENOENT, "%s: vosfp's program %u is not in the dispatcher on "
				  "it any more", ifname, prog_id);
	} else {
		/* libxdp rebuilds the dispatcher without it: the others stay. */
		err = xdp_program__detach(p, (int)ifindex, xdp_multiprog__attach_mode(mp), 0);
		if (err)
			err = xdp_error(h, ifname, "detaching", err);
	}
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return err;
}
