/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The environment of the API tests that need the kernel: a network
 * namespace of the test's own (unshare), a veth pair in it, pin roots with
 * names unique to the run, and their removal on every exit path. Tests that
 * cannot run (not root, no BPF) are skipped with the reason.
 */
#ifndef VOSFP_TEST_ROOT_ENV_H
#define VOSFP_TEST_ROOT_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include <vosfp/vosfp.h>

enum { ROOT_MAIN, ROOT_OTHER, ROOT_SMALL, ROOT_NOPERM, ROOT__COUNT };

struct root_env {
	const char *skip_reason; /* non-NULL: every test skips, printing it */
	char if_a[16], if_b[16]; /* the veth pair, both up */
	char if_c[16], if_d[16]; /* names for a pair a test makes and deletes */
	char root[ROOT__COUNT][96];
};

extern struct root_env env;

/* cmocka group setup and teardown. */
int root_env_setup(void **state);
int root_env_teardown(void **state);

#define SKIP_UNLESS_ROOT()                                                        \
	do {                                                                      \
		if (env.skip_reason) {                                            \
			print_message("skipped: %s\n", env.skip_reason);          \
			skip();                                                   \
		}                                                                 \
	} while (0)

/* vosfp_open() on a pin root, failing the test with the detail otherwise. */
struct vosfp *open_root(const char *root, uint32_t block_capacity);
/* The id of the XDP program on ifname in this namespace; 0 if none. */
uint32_t xdp_prog_id(const char *ifname);
/* Run a shell command; 0 if it exited with 0. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Drop CAP_BPF, CAP_SYS_ADMIN and CAP_NET_ADMIN from this process's
 * effective, permitted and inheritable sets; with become_nobody also
 * setresuid(65534) (PR_SET_KEEPCAPS off, so no capability survives).
 * Returns 0 or -1. Meant for forked children.
 */
int drop_privileges(bool become_nobody);

/* Fork; the child runs fn and _exits with its result. Returns the child's
 * exit code, or -1 if it did not exit normally. */
int run_in_child(int (*fn)(void *arg), void *arg);

#endif
