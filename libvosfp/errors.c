// SPDX-License-Identifier: BSD-2-Clause
/* Error texts, per-handle error detail, and the log callback. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "internal.h"

static vosfp_log_fn log_fn;
static void *log_user;
/* vosfp_open() has no handle to carry its detail: one buffer per thread. */
static __thread char open_err[VOSFP_ERR_LEN];

VOSFP_API const char *vosfp_version(void)
{
	return "0.1.0";
}

VOSFP_API const char *vosfp_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case EINVAL: return "invalid argument";
	case ENOENT: return "not found";
	case EEXIST: return "already exists";
	case ENODEV: return "no such interface";
	case EBUSY: return "busy: another program is attached";
	case EOPNOTSUPP: return "not supported";
	case EPERM: return "permission denied (needs CAP_BPF and CAP_NET_ADMIN)";
	case EACCES: return "permission denied";
	case ENOSPC: return "no space: the list is full";
	case ENOMEM: return "out of memory";
	case ERANGE: return "out of range";
	case ENAMETOOLONG: return "name too long";
	case E2BIG: return "too big";
	case ENOTDIR: return "not a directory";
	case EIO: return "input/output error";
	case ESRCH: return "no such object";
	case ENOLINK: return "link is gone (interface removed)";
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

static int vformat_error(char *buf, int err, const char *fmt, va_list ap)
{
	vsnprintf(buf, VOSFP_ERR_LEN, fmt, ap);
	vosfp__log(VOSFP_LOG_DEBUG, "error: %s (%s)", buf, vosfp_strerror(err));
	return err < 0 ? err : -err;
}

int vosfp__fail(struct vosfp *h, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vformat_error(h->err, err, fmt, ap);
	va_end(ap);
	return ret;
}

int vosfp__ok(struct vosfp *h)
{
	h->err[0] = '\0';
	return 0;
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

static void emit(int level, char *msg)
{
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_fn(level, msg, log_user);
}

void vosfp__log(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, msg);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!log_fn)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level == LIBBPF_WARN ? VOSFP_LOG_WARN :
	     level == LIBBPF_INFO ? VOSFP_LOG_INFO : VOSFP_LOG_DEBUG, msg);
	return 0;
}

VOSFP_API void vosfp_set_log_callback(vosfp_log_fn fn, void *user)
{
	log_fn = fn;
	log_user = user;
	/* libbpf prints to stderr by default: the library never prints, so
	 * its messages go to the callback or nowhere. */
	libbpf_set_print(libbpf_print);
}

/* Silence libbpf's default stderr printer as soon as the library loads. */
__attribute__((constructor)) static void quiet_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

int vosfp__check_list(struct vosfp *h, int list)
{
	if (list != VOSFP_LIST_BLOCK && list != VOSFP_LIST_ALLOW)
		return vosfp__fail(h, -EINVAL, "unknown list id %d (0 = block, 1 = allow)", list);
	return 0;
}
