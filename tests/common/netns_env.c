// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "netns_env.h"

int ns_home = -1, ns_other = -1;
char ns_other_path[64];

int netns_env_make(void)
{
	ns_home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns_home < 0 || unshare(CLONE_NEWNET) < 0)
		return -1;
	ns_other = open("/proc/self/ns/net", O_RDONLY);
	if (ns_other < 0 || setns(ns_home, CLONE_NEWNET) < 0)
		return -1;
	snprintf(ns_other_path, sizeof(ns_other_path), "/proc/%d/fd/%d", (int)getpid(), ns_other);
	return 0;
}

void netns_env_close(void)
{
	if (ns_other >= 0)
		close(ns_other);
	if (ns_home >= 0)
		close(ns_home);
	ns_other = ns_home = -1;
}

int in_other(int (*fn)(void *arg), void *arg)
{
	int ret;

	if (setns(ns_other, CLONE_NEWNET) < 0)
		return -1;
	ret = fn(arg);
	if (setns(ns_home, CLONE_NEWNET) < 0)
		abort(); /* a test left in the wrong namespace would lie */
	return ret;
}

static int run_cmd(void *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

int sh_other(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return in_other(run_cmd, cmd);
}
