/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One skip idiom for every test, C or shell (tests/lib.sh's skip): exit
 * status 77, which meson counts as skipped rather than passed, and the
 * reason on the output, where whoever reads the log finds it.
 */
#ifndef VOSFP_TEST_SKIP_H
#define VOSFP_TEST_SKIP_H

#include <stdarg.h>
#include <stdio.h>

#define TEST_SKIPPED 77

/* Prints "SKIP: <reason>"; returns TEST_SKIPPED, for main to return. */
static inline __attribute__((format(printf, 1, 2))) int test_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("SKIP: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return TEST_SKIPPED;
}

#endif
