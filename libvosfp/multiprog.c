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

/* libxdp prints to stderr unless told otherwise; the library never prints. */
static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > 0 && buf[strlen(buf) - 1] == '\n')
		buf[strlen(buf) - 1] = '\0';
	vosfp__log(level == LIBXDP_WARN ? VOSFP_LOG_WARN :
		   level == LIBXDP_INFO ? VOSFP_LOG_INFO : VOSFP_LOG_DEBUG, "libxdp: %s", buf);
	return n;
}

static void quiet_libxdp(void)
{
	libxdp_set_print(xdp_print);
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

static int xdp_error(struct vosfp *h, const char *ifname, const char *what, int err)
{
	char buf[128];

	libxdp_strerror(err, buf, sizeof(buf));
	return vosfp__fail(h, err, "%s: %s through libxdp's dispatcher failed: %s", ifname,
			   what, buf);
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
		if (err == -EBUSY || err == -EEXIST)
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
