// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attachments against the real kernel, on a veth pair in a network
 * namespace of the test's own: native, generic and AUTO; every bad case the
 * issue names (unknown interface, double attach, detach of a non-attached
 * interface, missing privileges, a killed process, an interface removed
 * under its attachment), each a clear error with nothing left half-done.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "root_env.h"
#include "skip.h"

static void test_attach_modes_and_errors(void **state)
{
	struct vosfp *h, *other;
	int mode = -1;
	uint32_t prog = 0;
	char name[16];

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);

	assert_int_equal(vosfp_attach(h, "nosuch0", VOSFP_MODE_AUTO, &mode), -ENODEV);
	assert_non_null(strstr(vosfp_last_error(h), "nosuch0: no such interface"));
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(vosfp_attach(h, "", VOSFP_MODE_AUTO, &mode), -EINVAL);
	assert_int_equal(vosfp_attach(h, NULL, VOSFP_MODE_AUTO, &mode), -EINVAL);
	assert_int_equal(vosfp_attach(h, "a/b", VOSFP_MODE_AUTO, &mode), -EINVAL);
	assert_int_equal(vosfp_attach(h, "sixteen-chars-xx", VOSFP_MODE_AUTO, &mode), -EINVAL);
	assert_int_equal(vosfp_attach(h, env.if_a, 7, &mode), -EINVAL);
	assert_int_equal(vosfp_detach(h, env.if_a), -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "not attached"));

	/* AUTO on veth gets native. */
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_AUTO, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_string_equal(vosfp_last_error(h), "");
	prog = xdp_prog_id(env.if_a);
	assert_int_not_equal(prog, 0);

	/* A second attach is an error, and still exactly one program. */
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, &mode), -EEXIST);
	assert_non_null(strstr(vosfp_last_error(h), "already attached"));
	assert_int_equal(xdp_prog_id(env.if_a), prog);
	assert_int_equal(vosfp_attachment_count(h), 1);

	/* Another pin root's program cannot take the interface either. */
	other = open_root(env.root[ROOT_OTHER], 0);
	assert_int_equal(vosfp_attach(other, env.if_a, VOSFP_MODE_NATIVE, &mode), -EBUSY);
	assert_non_null(strstr(vosfp_last_error(other), "another XDP program"));
	assert_int_equal(vosfp_attachment_count(other), 0);
	assert_int_equal(xdp_prog_id(env.if_a), prog);
	assert_int_equal(vosfp_unpin(other), 0);
	vosfp_close(other);

	/* Generic on the peer: one program, two interfaces, one policy. */
	assert_int_equal(vosfp_attach(h, env.if_b, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_attachment_count(h), 2);
	/* Listed in name order: if_a < if_b. */
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, env.if_a);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_int_equal(prog, xdp_prog_id(env.if_a));
	assert_int_equal(vosfp_attachment_get(h, 1, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, env.if_b);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(prog, xdp_prog_id(env.if_b));
	assert_int_equal(vosfp_attachment_get(h, 1, NULL, 0, NULL, NULL), 0);
	assert_int_equal(vosfp_attachment_get(h, 2, name, sizeof(name), &mode, &prog), -ERANGE);
	assert_int_equal(vosfp_attachment_get(h, -1, name, sizeof(name), &mode, &prog), -ERANGE);

	/* Pins cannot be removed under an attachment. */
	assert_int_equal(vosfp_unpin(h), -EBUSY);

	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_detach(h, env.if_b), 0);
	assert_int_equal(xdp_prog_id(env.if_a), 0);
	assert_int_equal(xdp_prog_id(env.if_b), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(vosfp_detach(h, env.if_a), -ENOENT);

	/* Native and generic asked for explicitly. */
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_NATIVE, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, NULL), 0);
	assert_int_equal(vosfp_attachment_get(h, 0, NULL, 0, &mode, NULL), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(xdp_prog_id(env.if_a), 0);
	vosfp_close(h);
}

/* --- missing privileges (each case in a forked child) ------------------ */

/* Child results: 0 as expected; others say which step went wrong. */
enum { OK = 0, SETUP = 10, WRONG_ERR = 11, WRONG_DETAIL = 12, NOT_CLEAN = 13 };

static int child_open_without_caps(void *arg)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_NOPERM] };
	struct vosfp *h = NULL;
	int err;

	if (drop_privileges(arg != NULL))
		return SETUP;
	err = vosfp_open(&opts, &h);
	if (err != -EPERM || h) {
		print_error("vosfp_open = %d: %s\n", err, vosfp_open_error());
		return WRONG_ERR;
	}
	if (!strstr(vosfp_open_error(), "CAP_BPF")) {
		print_error("detail without the capability: %s\n", vosfp_open_error());
		return WRONG_DETAIL;
	}
	return OK;
}

/* Opened with privileges, then dropped: attach is refused and leaves
 * nothing; the parent's attachment cannot be detached. */
static int child_attach_after_drop(void *arg)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_MAIN] };
	struct vosfp *h;
	int err, mode;

	if (vosfp_open(&opts, &h))
		return SETUP;
	if (drop_privileges(arg != NULL))
		return SETUP;
	err = vosfp_attach(h, env.if_a, VOSFP_MODE_AUTO, &mode);
	if (err != -EPERM) {
		print_error("vosfp_attach = %d: %s\n", err, vosfp_last_error(h));
		return WRONG_ERR;
	}
	if (!strstr(vosfp_last_error(h), "CAP_NET_ADMIN")) {
		print_error("detail without the capability: %s\n", vosfp_last_error(h));
		return WRONG_DETAIL;
	}
	err = vosfp_detach(h, env.if_b);
	if (err != -EPERM) {
		print_error("vosfp_detach = %d: %s\n", err, vosfp_last_error(h));
		return WRONG_ERR;
	}
	vosfp_close(h);
	return OK;
}

static void test_missing_privileges(void **state)
{
	struct stat st;
	struct vosfp *h;
	uint32_t prog;

	(void)state;
	SKIP_UNLESS_ROOT();
	/* Capabilities dropped, still uid 0; then also uid nobody. */
	assert_int_equal(run_in_child(child_open_without_caps, NULL), OK);
	assert_int_not_equal(stat(env.root[ROOT_NOPERM], &st), 0); /* nothing left */
	assert_int_equal(run_in_child(child_open_without_caps, (void *)1), OK);
	assert_int_not_equal(stat(env.root[ROOT_NOPERM], &st), 0);

	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_attach(h, env.if_b, VOSFP_MODE_GENERIC, NULL), 0);
	prog = xdp_prog_id(env.if_b);
	assert_int_equal(run_in_child(child_attach_after_drop, NULL), OK);
	assert_int_equal(run_in_child(child_attach_after_drop, (void *)1), OK);
	/* Nothing attached by the children, nothing detached either. */
	assert_int_equal(xdp_prog_id(env.if_a), 0);
	assert_int_equal(xdp_prog_id(env.if_b), prog);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_detach(h, env.if_b), 0);
	vosfp_close(h);
}

/* --- state that outlives its process ----------------------------------- */

static int child_attach_then_die(void *arg)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_MAIN] };
	struct vosfp *h;
	int mode;

	(void)arg;
	if (vosfp_open(&opts, &h) || vosfp_attach(h, env.if_b, VOSFP_MODE_AUTO, &mode) ||
	    vosfp_policy_add(h, VOSFP_LIST_BLOCK, "203.0.113.0/24") != 0)
		return SETUP;
	raise(SIGKILL);
	return SETUP; /* not reached */
}

static void test_killed_process(void **state)
{
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	/* Killed: run_in_child reports an abnormal end. */
	assert_int_equal(run_in_child(child_attach_then_die, NULL), -1);
	/* By design the attachment and the policy outlive the process. */
	assert_int_not_equal(xdp_prog_id(env.if_b), 0);
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 1);
	assert_int_equal(vosfp_detach(h, env.if_b), 0);
	assert_int_equal(xdp_prog_id(env.if_b), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);
	vosfp_close(h);
}

static void test_stale_pin_after_interface_removed(void **state)
{
	struct vosfp *h;
	int mode;
	uint32_t prog = 1;
	char name[16];

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, env.if_d, env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(sh("ip link del %s", env.if_c), 0);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, env.if_c);
	assert_int_equal(prog, 0); /* defunct */
	assert_int_equal(mode, VOSFP_MODE_AUTO); /* unknown: the interface is gone */
	/* A new interface of the same name can be attached: the stale pin goes. */
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, env.if_d, env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_not_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(xdp_prog_id(env.if_c), 0);
	/* A stale pin alone is cleared by detach too. */
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(sh("ip link del %s", env.if_c), 0);
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	vosfp_close(h);
}

/* AUTO falls back to generic where the driver has no native XDP (a Linux
 * bridge has none), and NATIVE there is a clear error with nothing left. */
static void test_auto_falls_back_to_generic(void **state)
{
	struct vosfp *h;
	int mode = -1;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(sh("ip link add %s type bridge && ip link set %s up", env.if_c, env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), -EOPNOTSUPP);
	assert_non_null(strstr(vosfp_last_error(h), "does not support native"));
	assert_int_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_AUTO, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_not_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(sh("ip link del %s", env.if_c), 0);
	vosfp_close(h);
}

/* A veth with a jumbo MTU cannot take native XDP (-ERANGE): NATIVE says
 * why, AUTO falls back to generic. */
static void test_jumbo_mtu_falls_back(void **state)
{
	struct vosfp *h;
	int mode = -1;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(sh("ip link add %s mtu 9000 type veth peer name %s mtu 9000 && "
			    "ip link set %s up && ip link set %s up",
			    env.if_c, env.if_d, env.if_c, env.if_d), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), -ERANGE);
	assert_non_null(strstr(vosfp_last_error(h), "MTU is too large"));
	assert_int_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_AUTO, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(sh("ip link del %s", env.if_c), 0);
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_modes_and_errors),
		cmocka_unit_test(test_missing_privileges),
		cmocka_unit_test(test_killed_process),
		cmocka_unit_test(test_stale_pin_after_interface_removed),
		cmocka_unit_test(test_auto_falls_back_to_generic),
		cmocka_unit_test(test_jumbo_mtu_falls_back),
	};

	failed = cmocka_run_group_tests_name("api-attach", tests, root_env_setup, root_env_teardown);
	/* meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason ? TEST_SKIPPED : 0;
}
