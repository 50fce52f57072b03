/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A second network namespace for the API tests, held by an fd only (no
 * /run/netns name to leak): it and the interfaces in it go when the fd is
 * closed. The test's own namespace (root_env) is "home".
 */
#ifndef VOSFP_TEST_NETNS_ENV_H
#define VOSFP_TEST_NETNS_ENV_H

extern int ns_home, ns_other;
extern char ns_other_path[64]; /* for `ip link set DEV netns PATH` */

/* Make the other namespace, staying at home; 0 or -1. */
int netns_env_make(void);
void netns_env_close(void);
/* Run fn(arg) with the thread in the other namespace; sockets it makes
 * stay there. */
int in_other(int (*fn)(void *arg), void *arg);
/* sh() in the other namespace. */
int sh_other(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
