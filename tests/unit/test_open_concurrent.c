// SPDX-License-Identifier: BSD-2-Clause
/*
 * The first opens of a pin root, at once: processes started together (a
 * `vosfp sync --watch` and the agent at boot, a test and its poll) each
 * call vosfp_open() on a root that does not exist yet. Every one must
 * succeed and all must share one set of maps: a second set would lose the
 * changes made through it. Before the open took the root's lock, the
 * processes raced to pin the maps and the losers failed with EEXIST.
 * Needs root and BPF; skipped with the reason otherwise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "root_env.h"

#define OPENERS 6
#define ROUNDS 8

/* A child: waits for the start, opens root, blocks its own address. */
static int opener(const char *root, int start, int i)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root };
	struct vosfp *h;
	char addr[32], c;

	if (read(start, &c, 1) < 0)
		return 3;
	if (vosfp_open(&opts, &h)) {
		fprintf(stderr, "opener %d: %s\n", i, vosfp_open_error());
		return 1;
	}
	snprintf(addr, sizeof(addr), "192.0.2.%d", 10 + i);
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, addr) < 0) {
		fprintf(stderr, "opener %d: %s\n", i, vosfp_last_error(h));
		vosfp_close(h);
		return 2;
	}
	vosfp_close(h);
	return 0;
}

static void test_first_opens_at_once(void **state)
{
	const char *root = env.root[ROOT_OTHER];

	(void)state;
	SKIP_UNLESS_ROOT();
	for (int round = 0; round < ROUNDS; round++) {
		pid_t kids[OPENERS];
		int go[2], failed = 0;
		struct vosfp *h;

		assert_int_equal(access(root, F_OK), -1);
		assert_int_equal(pipe(go), 0);
		for (int i = 0; i < OPENERS; i++) {
			kids[i] = fork();
			assert_true(kids[i] >= 0);
			if (kids[i] == 0) {
				close(go[1]);
				_exit(opener(root, go[0], i));
			}
		}
		/* Closing the write end wakes every child at once. */
		close(go[0]);
		close(go[1]);
		for (int i = 0; i < OPENERS; i++) {
			int status = 0;

			assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
			failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		}
		if (failed)
			fail_msg("round %d: %d of %d first opens failed", round, failed, OPENERS);
		/* One set of maps: every opener's entry is in it. */
		h = open_root(root, 0);
		assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), OPENERS);
		assert_int_equal(vosfp_unpin(h), 0);
		vosfp_close(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_opens_at_once),
	};

	return cmocka_run_group_tests(tests, root_env_setup, root_env_teardown);
}
