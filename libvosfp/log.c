// SPDX-License-Identifier: BSD-2-Clause
/*
 * The log callback, and libbpf's print function routed to it.
 *
 * The callback and its user pointer are one pair that another thread may
 * replace at any moment, so they are read under a sequence counter: a
 * reader never pairs a new callback with the old user pointer. Writers
 * serialise on a mutex.
 *
 * libbpf has one process-wide print function. The library needs it (so
 * that libbpf never prints to stderr on its behalf), but an embedder may
 * have set one of its own: that one is kept and called after ours. Only
 * libbpf's own default printer (stderr) is dropped, as the library never
 * prints.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "internal.h"

static _Atomic(vosfp_log_fn) log_fn;
static _Atomic(void *) log_user;
static atomic_uint log_seq; /* odd while a writer changes the pair */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
/* The embedder's libbpf print function, if it had one: we chain to it. */
static _Atomic(libbpf_print_fn_t) prev_print;

/* The callback and its user, read as one pair. */
static vosfp_log_fn load_callback(void **user)
{
	unsigned int seq;
	vosfp_log_fn fn;

	for (;;) {
		seq = atomic_load(&log_seq);
		if (seq & 1)
			continue; /* a writer is between its two stores */
		fn = atomic_load(&log_fn);
		*user = atomic_load(&log_user);
		if (atomic_load(&log_seq) == seq)
			return fn;
	}
}

static void emit(vosfp_log_fn fn, void *user, int level, char *msg)
{
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	fn(level, msg, user);
}

void vosfp__log(int level, const char *fmt, ...)
{
	char msg[1024];
	vosfp_log_fn fn;
	void *user;
	va_list ap;

	fn = load_callback(&user);
	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(fn, user, level, msg);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	libbpf_print_fn_t prev = atomic_load(&prev_print);
	char msg[1024];
	vosfp_log_fn fn;
	void *user;
	int ret = 0;

	fn = load_callback(&user);
	if (fn) {
		va_list copy;

		va_copy(copy, ap);
		vsnprintf(msg, sizeof(msg), fmt, copy);
		va_end(copy);
		emit(fn, user, level == LIBBPF_WARN ? VOSFP_LOG_WARN :
			       level == LIBBPF_INFO ? VOSFP_LOG_INFO : VOSFP_LOG_DEBUG, msg);
	}
	if (prev)
		ret = prev(level, fmt, ap);
	return ret;
}

/* True if fn lives in the same object as libbpf itself: libbpf's default
 * printer, which writes to stderr. */
static int is_libbpf_default(libbpf_print_fn_t fn)
{
	Dl_info mine, theirs;

	if (!dladdr((void *)libbpf_set_print, &mine) || !dladdr((void *)fn, &theirs))
		return 0;
	return mine.dli_fbase == theirs.dli_fbase;
}

/* Routes libbpf's messages here; keeps whatever print function it had as
 * the one to chain to, unless that is ours or libbpf's default. */
static void take_libbpf_print(void)
{
	libbpf_print_fn_t old = libbpf_set_print(libbpf_print);

	if (old && old != libbpf_print && !is_libbpf_default(old))
		atomic_store(&prev_print, old);
}

VOSFP_API void vosfp_set_log_callback(vosfp_log_fn fn, void *user)
{
	pthread_mutex_lock(&log_lock);
	atomic_fetch_add(&log_seq, 1);
	atomic_store(&log_fn, fn);
	atomic_store(&log_user, user);
	atomic_fetch_add(&log_seq, 1);
	/* An embedder may have set its own libbpf print function since the
	 * library loaded: take libbpf's messages back, and pass them on. */
	take_libbpf_print();
	pthread_mutex_unlock(&log_lock);
}

/* Silence libbpf's default stderr printer as soon as the library loads. */
__attribute__((constructor)) static void quiet_libbpf(void)
{
	take_libbpf_print();
}
