// SPDX-License-Identifier: BSD-2-Clause
/*
 * The API against the real kernel: pinned state shared between handles,
 * policy, attach/detach on a veth pair, and every bad input the issue names
 * (unknown interface, missing privileges, full map, double attach, detach
 * of a non-attached interface, a killed process). The test runs in a
 * network namespace of its own (unshare), so the veth pair it makes and
 * every attachment vanish with it; its pin roots are removed at teardown.
 * Needs root and BPF: skipped with the reason otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include <vosfp/vosfp.h>

#define IF_A "vtA"
#define IF_B "vtB"

static char root_main[128], root_other[128], root_small[128], root_noperm[128];
static const char *skip_reason;

static int sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	int pid = getpid();

	(void)state;
	if (geteuid() != 0) {
		skip_reason = "needs root (network namespace, CAP_BPF, CAP_NET_ADMIN)";
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		skip_reason = "cannot make a network namespace (unshare)";
		return 0;
	}
	if (sh("ip link add " IF_A " type veth peer name " IF_B " && ip link set " IF_A
	       " up && ip link set " IF_B " up"))
		return -1;
	snprintf(root_main, sizeof(root_main), "/sys/fs/bpf/vosfp-tapi-%d-main", pid);
	snprintf(root_other, sizeof(root_other), "/sys/fs/bpf/vosfp-tapi-%d-other", pid);
	snprintf(root_small, sizeof(root_small), "/sys/fs/bpf/vosfp-tapi-%d-small", pid);
	snprintf(root_noperm, sizeof(root_noperm), "/sys/fs/bpf/vosfp-tapi-%d-noperm", pid);
	return 0;
}

static void remove_root(const char *root)
{
	char cmd[256];

	if (!*root)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	(void)system(cmd);
}

static int teardown(void **state)
{
	(void)state;
	/* The namespace (and so the veth and its links) dies with us. */
	remove_root(root_main);
	remove_root(root_other);
	remove_root(root_small);
	remove_root(root_noperm);
	return 0;
}

#define SKIP_UNLESS_ROOT()                                                                \
	do {                                                                              \
		if (skip_reason) {                                                        \
			print_message("skipped: %s\n", skip_reason);                      \
			skip();                                                           \
		}                                                                         \
	} while (0)

static struct vosfp *open_root(const char *root, uint32_t block_capacity)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root,
					.block_capacity = block_capacity };
	struct vosfp *h = NULL;
	int err = vosfp_open(&opts, &h);

	if (err)
		fail_msg("vosfp_open(%s): %s", root, vosfp_open_error());
	return h;
}

static uint32_t xdp_prog_id(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	assert_int_equal(bpf_xdp_query((int)if_nametoindex(ifname), 0, &q), 0);
	return q.prog_id;
}

static void test_shared_state_between_handles(void **state)
{
	struct vosfp *a, *b;
	char value[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	a = open_root(root_main, 1000);
	assert_int_equal(vosfp_policy_add(a, VOSFP_LIST_BLOCK, "192.0.2.0/24"), 0);
	assert_int_equal(vosfp_config_set(a, "ports", "5060,5080"), 0);
	/* Asking for another capacity on an existing root keeps the first. */
	b = open_root(root_main, 5);
	assert_int_equal(vosfp_policy_count(b, VOSFP_LIST_BLOCK), 1);
	assert_int_equal(vosfp_config_get(b, "ports", value, sizeof(value)), 0);
	assert_string_equal(value, "5060,5080");
	for (int i = 0; i < 20; i++) {
		char p[32];

		snprintf(p, sizeof(p), "10.%d.0.0/16", i);
		assert_int_equal(vosfp_policy_add(b, VOSFP_LIST_BLOCK, p), 0);
	}
	assert_int_equal(vosfp_policy_count(a, VOSFP_LIST_BLOCK), 21);
	assert_int_equal(vosfp_policy_clear(a, VOSFP_LIST_BLOCK), 0);
	assert_int_equal(vosfp_policy_count(b, VOSFP_LIST_BLOCK), 0);
	assert_int_equal(vosfp_config_set(b, "ports", "5060"), 0);
	vosfp_close(a);
	vosfp_close(b);
}

static void test_policy_lists(void **state)
{
	static const char *const prefixes[] = { "192.0.2.0/24", "198.51.100.7/32",
						"2001:db8::/32", "2001:db8:1::1/128" };
	struct vosfp_policy_iter *it;
	struct vosfp *h;
	char buf[64], small[8];
	int seen = 0, n;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(root_main, 0);
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(vosfp_policy_add(h, l, prefixes[i]), 0);
		assert_int_equal(vosfp_policy_add(h, l, "192.0.2.0/24"), 1); /* present */
		assert_int_equal(vosfp_policy_count(h, l), 4);
		assert_int_equal(vosfp_policy_iter_open(h, l, &it), 0);
		assert_int_equal(vosfp_policy_iter_next(it, small, sizeof(small)), -ENOSPC);
		while ((n = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
			int found = 0;

			for (size_t i = 0; i < 4; i++)
				found |= !strcmp(buf, prefixes[i]);
			if (!found)
				fail_msg("iterator returned '%s'", buf);
			seen++;
		}
		assert_int_equal(n, 0);
		vosfp_policy_iter_close(it);
		assert_int_equal(vosfp_policy_remove(h, l, "2001:db8::/32"), 0);
		assert_int_equal(vosfp_policy_remove(h, l, "2001:db8::/32"), -ENOENT);
		assert_non_null(strstr(vosfp_last_error(h), "not on the"));
		assert_int_equal(vosfp_policy_add(h, l, "192.0.2.1/24"), -EINVAL);
		assert_non_null(strstr(vosfp_last_error(h), "host bits"));
		assert_int_equal(vosfp_policy_clear(h, l), 0);
		assert_int_equal(vosfp_policy_count(h, l), 0);
	}
	assert_int_equal(seen, 8);
	assert_int_equal(vosfp_policy_add(h, 7, "192.0.2.0/24"), -EINVAL);
	vosfp_close(h);
}

static void test_full_map(void **state)
{
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(root_small, 4);
	for (int i = 0; i < 4; i++) {
		char p[32];

		snprintf(p, sizeof(p), "192.0.2.%d", i);
		assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, p), 0);
	}
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.200"), -ENOSPC);
	assert_non_null(strstr(vosfp_last_error(h), "full"));
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 4);
	/* The other family has its own room. */
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "2001:db8::1"), 0);
	assert_int_equal(vosfp_unpin(h), 0);
	vosfp_close(h);
}

static void test_attach_modes_and_errors(void **state)
{
	struct vosfp *h, *other;
	int mode = -1;
	uint32_t prog = 0;
	char name[16];

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(root_main, 0);

	assert_int_equal(vosfp_attach(h, "nosuch0", VOSFP_MODE_AUTO, &mode), -ENODEV);
	assert_non_null(strstr(vosfp_last_error(h), "nosuch0: no such interface"));
	assert_int_equal(vosfp_attach(h, "", VOSFP_MODE_AUTO, &mode), -EINVAL);
	assert_int_equal(vosfp_attach(h, IF_A, 7, &mode), -EINVAL);
	assert_int_equal(vosfp_detach(h, IF_A), -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "not attached"));

	/* AUTO on veth gets native. */
	assert_int_equal(vosfp_attach(h, IF_A, VOSFP_MODE_AUTO, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	prog = xdp_prog_id(IF_A);
	assert_int_not_equal(prog, 0);

	/* A second attach is an error, and still exactly one program. */
	assert_int_equal(vosfp_attach(h, IF_A, VOSFP_MODE_GENERIC, &mode), -EEXIST);
	assert_non_null(strstr(vosfp_last_error(h), "already attached"));
	assert_int_equal(xdp_prog_id(IF_A), prog);

	/* Another pin root's program cannot take the interface either. */
	other = open_root(root_other, 0);
	assert_int_equal(vosfp_attach(other, IF_A, VOSFP_MODE_NATIVE, &mode), -EBUSY);
	assert_non_null(strstr(vosfp_last_error(other), "another XDP program"));
	assert_int_equal(vosfp_attachment_count(other), 0);
	assert_int_equal(xdp_prog_id(IF_A), prog);
	assert_int_equal(vosfp_unpin(other), 0);
	vosfp_close(other);

	/* Generic on the peer: one program, two interfaces, one policy. */
	assert_int_equal(vosfp_attach(h, IF_B, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_attachment_count(h), 2);
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, IF_A);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_int_equal(vosfp_attachment_get(h, 1, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, IF_B);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(prog, xdp_prog_id(IF_B));
	assert_int_equal(vosfp_attachment_get(h, 2, name, sizeof(name), &mode, &prog), -ERANGE);

	/* Pins cannot be removed under an attachment. */
	assert_int_equal(vosfp_unpin(h), -EBUSY);

	assert_int_equal(vosfp_detach(h, IF_A), 0);
	assert_int_equal(vosfp_detach(h, IF_B), 0);
	assert_int_equal(xdp_prog_id(IF_A), 0);
	assert_int_equal(xdp_prog_id(IF_B), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	vosfp_close(h);
}

/* Drop CAP_BPF, CAP_SYS_ADMIN, CAP_NET_ADMIN from this process. */
static int drop_bpf_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (int i = 0; i < 2; i++) {
		uint32_t drop = 0;

		if (CAP_BPF / 32 == i)
			drop |= 1u << (CAP_BPF % 32);
		if (CAP_SYS_ADMIN / 32 == i)
			drop |= 1u << (CAP_SYS_ADMIN % 32);
		if (CAP_NET_ADMIN / 32 == i)
			drop |= 1u << (CAP_NET_ADMIN % 32);
		data[i].effective &= ~drop;
		data[i].permitted &= ~drop;
		data[i].inheritable &= ~drop;
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Child exit codes: 0 as expected, 1 wrong error, 2 wrong detail, 3 setup. */
static void test_missing_privileges(void **state)
{
	struct stat st;
	int status;
	pid_t pid;

	(void)state;
	SKIP_UNLESS_ROOT();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root_noperm };
		struct vosfp *h;
		int err;

		if (drop_bpf_caps())
			_exit(3);
		err = vosfp_open(&opts, &h);
		if (err != -EPERM)
			_exit(1);
		_exit(strstr(vosfp_open_error(), "CAP_BPF") ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Nothing half-done: the failed open left no pin root behind. */
	assert_int_not_equal(stat(root_noperm, &st), 0);

	/* Note: a process that already holds the loaded program can attach it
	 * even after dropping CAP_NET_ADMIN (BPF_LINK_CREATE checks no
	 * capability, the program load did), so privileges are checked where
	 * the kernel checks them: at vosfp_open(). */
}

static void test_killed_process(void **state)
{
	struct vosfp *h;
	int status;
	pid_t pid;

	(void)state;
	SKIP_UNLESS_ROOT();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root_main };
		struct vosfp *child;
		int mode;

		if (vosfp_open(&opts, &child) ||
		    vosfp_attach(child, IF_B, VOSFP_MODE_AUTO, &mode) ||
		    vosfp_policy_add(child, VOSFP_LIST_BLOCK, "203.0.113.0/24") < 0)
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	/* By design the attachment and the policy outlive the process. */
	assert_int_not_equal(xdp_prog_id(IF_B), 0);
	h = open_root(root_main, 0);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 1);
	assert_int_equal(vosfp_detach(h, IF_B), 0);
	assert_int_equal(xdp_prog_id(IF_B), 0);
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
	h = open_root(root_main, 0);
	assert_int_equal(sh("ip link add vtC type veth peer name vtD && ip link set vtC up"), 0);
	assert_int_equal(vosfp_attach(h, "vtC", VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(sh("ip link del vtC"), 0);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_int_equal(prog, 0); /* defunct */
	/* A new interface of the same name can be attached: the stale pin goes. */
	assert_int_equal(sh("ip link add vtC type veth peer name vtD && ip link set vtC up"), 0);
	assert_int_equal(vosfp_attach(h, "vtC", VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(vosfp_detach(h, "vtC"), 0);
	assert_int_equal(sh("ip link del vtC"), 0);
	vosfp_close(h);
}

static void test_xsk_and_dry_run_errors(void **state)
{
	uint8_t frame[8] = { 0 };
	struct vosfp *h;
	int verdict;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(root_main, 0);
	assert_int_equal(vosfp_xsk_unregister(h, 0), 0); /* idempotent */
	assert_int_equal(vosfp_xsk_register(h, 9999, 3), -ERANGE);
	assert_int_equal(vosfp_xsk_register(h, 0, -1), -EINVAL);
	/* A descriptor that is no AF_XDP socket is refused by the kernel. */
	assert_true(vosfp_xsk_register(h, 0, STDIN_FILENO) < 0);
	assert_int_equal(vosfp_test_packet(h, frame, sizeof(frame), &verdict), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "frame of 8 bytes"));
	vosfp_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_state_between_handles),
		cmocka_unit_test(test_policy_lists),
		cmocka_unit_test(test_full_map),
		cmocka_unit_test(test_attach_modes_and_errors),
		cmocka_unit_test(test_missing_privileges),
		cmocka_unit_test(test_killed_process),
		cmocka_unit_test(test_stale_pin_after_interface_removed),
		cmocka_unit_test(test_xsk_and_dry_run_errors),
	};

	return cmocka_run_group_tests_name("api-root", tests, setup, teardown);
}
