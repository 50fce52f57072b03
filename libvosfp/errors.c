// SPDX-License-Identifier: BSD-2-Clause
/* Error texts, the per-handle and per-thread error detail. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* vosfp_open() has no handle to carry its detail: one buffer per thread. */
static __thread char open_err[VOSFP_ERR_LEN];
/* Every failure, with or without a handle, also lands here, so an embedder
 * has one place to look whatever it called (libgit2's git_error_last). */
static __thread char last_err[VOSFP_ERR_LEN];

VOSFP_API const char *vosfp_strerror(int err)
{
	/* Each text must hold for every call that returns the code: the
	 * detail (vosfp_last_error, vosfp_error_last) says which case it is. */
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case EINVAL: return "invalid argument";
	case ENOENT: return "not found";
	case EEXIST: return "already exists";
	case ENODEV: return "no such interface";
	case EBUSY: return "busy: in use (another XDP program, or attachments still in place)";
	case EOPNOTSUPP: return "not supported";
	case EPERM: return "not permitted (missing CAP_BPF, CAP_SYS_ADMIN or CAP_NET_ADMIN)";
	case EACCES: return "permission denied";
	case ENOSPC: return "no space: a list or table is full, or a buffer too small";
	case ENOMEM: return "out of memory";
	case ERANGE: return "out of range";
	case ENAMETOOLONG: return "name too long";
	case E2BIG: return "too big or too many";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EFBIG: return "file too large";
	case EIO: return "input/output error";
	case ESRCH: return "no such object";
	case ENOLINK: return "link is gone (interface removed)";
	case EAGAIN: return "temporarily unavailable, try again";
	case EBADF: return "bad file descriptor";
	case EFAULT: return "bad address";
	case EINTR: return "interrupted";
	/* The kernel's internal ENOTSUPP, which BPF calls can leak. */
	case 524: return "not supported by this kernel";
	default: return "unknown error";
	}
}

VOSFP_API const char *vosfp_last_error(const struct vosfp *h)
{
	return h ? h->err : "no handle";
}

VOSFP_API const char *vosfp_open_error(void)
{
	return open_err;
}

VOSFP_API const char *vosfp_error_last(void)
{
	return last_err;
}

VOSFP_API void vosfp_error_clear(void)
{
	last_err[0] = '\0';
}

/* Formats into buf (a handle's or open's buffer, or NULL for none) and into
 * the thread's last error; returns -|err|. */
static int vformat_error(char *buf, int err, const char *fmt, va_list ap)
{
	vsnprintf(last_err, VOSFP_ERR_LEN, fmt, ap);
	if (buf)
		memcpy(buf, last_err, VOSFP_ERR_LEN);
	vosfp__log(VOSFP_LOG_DEBUG, "error: %s (%s)", last_err, vosfp_strerror(err));
	return err < 0 ? err : -err;
}

int vosfp__fail(struct vosfp *h, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat_error(h ? h->err : NULL, err, fmt, ap);
	va_end(ap);
	return ret;
}

int vosfp__ok(struct vosfp *h)
{
	h->err[0] = '\0';
	return 0;
}

int vosfp__error(int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat_error(NULL, err, fmt, ap);
	va_end(ap);
	return ret;
}

int vosfp__no_handle(const char *func)
{
	return vosfp__error(-EINVAL, "%s: no handle (NULL)", func);
}

int vosfp__open_fail(int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat_error(open_err, err, fmt, ap);
	va_end(ap);
	return ret;
}

void vosfp__open_ok(void)
{
	open_err[0] = '\0';
}

int vosfp__check_list(struct vosfp *h, int list)
{
	if (list != VOSFP_LIST_BLOCK && list != VOSFP_LIST_ALLOW)
		return vosfp__fail(h, -EINVAL, "unknown list id %d (0 = block, 1 = allow)", list);
	return 0;
}
