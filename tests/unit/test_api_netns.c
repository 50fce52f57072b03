// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attachments when interfaces move between network namespaces, against the
 * real kernel: an attached veth end moves to another namespace and a new
 * interface takes its name. attach must work on the new one, detach must
 * never take the moved one's filter silently, status must say which is
 * which, and the moved one can be detached from where it went. Pins of the
 * first layout (link_<ifname>) are still understood and renamed. Also:
 * another XDP program on the interface is named in the error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <cmocka.h>

#include "netns_env.h"
#include "root_env.h"
#include "skip.h"

static char if_e[16];

static int setup(void **state)
{
	int err = root_env_setup(state);

	if (err || env.skip_reason)
		return err;
	snprintf(if_e, sizeof(if_e), "vue%.12s", env.if_a + 3);
	return netns_env_make();
}

static int teardown(void **state)
{
	netns_env_close();
	return root_env_teardown(state);
}

/* The XDP program on ifname in the other namespace; 0 if none. */
static uint32_t prog_in_other(const char *ifname)
{
	uint32_t id;

	assert_int_equal(setns(ns_other, CLONE_NEWNET), 0);
	id = if_nametoindex(ifname) ? xdp_prog_id(ifname) : 0;
	assert_int_equal(setns(ns_home, CLONE_NEWNET), 0);
	return id;
}

static int child_detach_in_other(void *arg)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_MAIN] };
	struct vosfp *h;
	int err;

	if (setns(ns_other, CLONE_NEWNET) || vosfp_open(&opts, &h))
		return 10;
	err = vosfp_detach(h, arg);
	if (err)
		print_error("detach in the other namespace: %s\n", vosfp_last_error(h));
	vosfp_close(h);
	return err ? 11 : 0;
}

static void test_moved_interface(void **state)
{
	uint32_t moved_prog, prog;
	struct vosfp *h;
	char name[16];
	int mode;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, env.if_d, env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), 0);
	moved_prog = xdp_prog_id(env.if_c);
	assert_int_not_equal(moved_prog, 0);

	/* The attached end moves away; its filter goes with it. */
	assert_int_equal(sh("ip link set %s netns %s", env.if_c, ns_other_path), 0);
	assert_int_equal(prog_in_other(env.if_c), moved_prog);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, env.if_c);
	assert_int_equal(mode, VOSFP_MODE_AUTO); /* not here: mode unknown */
	assert_int_equal(prog, moved_prog);      /* but live, not defunct */

	/* Without a new interface of that name, detach here refuses. */
	assert_int_equal(vosfp_detach(h, env.if_c), -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "not attached here"));
	assert_int_equal(prog_in_other(env.if_c), moved_prog);

	/* A new interface takes the name: detach must not touch the moved
	 * one, and says where it is. */
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, if_e, env.if_c), 0);
	assert_int_equal(vosfp_detach(h, env.if_c), -ENOENT);
	print_message("detach refused: %s\n", vosfp_last_error(h));
	assert_non_null(strstr(vosfp_last_error(h), "belongs to ifindex"));
	assert_non_null(strstr(vosfp_last_error(h), "another network namespace"));
	assert_int_equal(prog_in_other(env.if_c), moved_prog);
	assert_int_equal(vosfp_attachment_count(h), 1);

	/* attach works on the new one; both are listed, each for what it is. */
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_not_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(prog_in_other(env.if_c), moved_prog);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_GENERIC, &mode), -EEXIST);
	assert_int_equal(vosfp_attachment_count(h), 2);
	for (int i = 0, here = 0, away = 0; i < 2; i++) {
		assert_int_equal(vosfp_attachment_get(h, i, name, sizeof(name), &mode, &prog), 0);
		assert_string_equal(name, env.if_c);
		assert_int_not_equal(prog, 0);
		here += mode == VOSFP_MODE_GENERIC;
		away += mode == VOSFP_MODE_AUTO;
		if (i == 1) {
			assert_int_equal(here, 1);
			assert_int_equal(away, 1);
		}
	}

	/* detach takes the new one's filter, and only that. */
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(xdp_prog_id(env.if_c), 0);
	assert_int_equal(prog_in_other(env.if_c), moved_prog);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_detach(h, env.if_c), -ENOENT);
	assert_int_equal(prog_in_other(env.if_c), moved_prog);

	/* Where the moved one went, detach finds it by its ifindex there. */
	assert_int_equal(run_in_child(child_detach_in_other, env.if_c), 0);
	assert_int_equal(prog_in_other(env.if_c), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	/* The new pair, and the moved one through its end here. */
	assert_int_equal(sh("ip link del %s && ip link del %s", env.if_c, env.if_d), 0);
	vosfp_close(h);
}

/* The pin of h's only attachment, by file name. */
static void only_pin(char *file, size_t len)
{
	char cmd[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls '%s' | grep '^link_'", env.root[ROOT_MAIN]);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(file, (int)len, p));
	file[strcspn(file, "\n")] = '\0';
	assert_null(fgets(cmd, sizeof(cmd), p)); /* only one */
	pclose(p);
}

/* A pin root made by an earlier libvosfp has link_<ifname> pins. */
static void make_old_layout_pin(const char *ifname)
{
	char file[128], from[256], to[256];

	only_pin(file, sizeof(file));
	snprintf(from, sizeof(from), "%s/%s", env.root[ROOT_MAIN], file);
	snprintf(to, sizeof(to), "%s/link_%s", env.root[ROOT_MAIN], ifname);
	assert_int_equal(rename(from, to), 0);
}

static void test_old_layout_pins(void **state)
{
	char file[128], name[16], old[128];
	struct vosfp *h;
	uint32_t prog, moved_prog;
	int mode;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	snprintf(old, sizeof(old), "link_%s", env.if_c);

	/* Read as before; the first attach that proves it here renames it. */
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, env.if_d, env.if_c), 0);
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), 0);
	make_old_layout_pin(env.if_c);
	assert_int_equal(vosfp_attachment_get(h, 0, name, sizeof(name), &mode, &prog), 0);
	assert_string_equal(name, env.if_c);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_int_equal(prog, xdp_prog_id(env.if_c));
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), -EEXIST);
	only_pin(file, sizeof(file));
	assert_string_not_equal(file, old);
	assert_non_null(strchr(file, ':'));
	assert_int_equal(vosfp_detach(h, env.if_c), 0);
	assert_int_equal(xdp_prog_id(env.if_c), 0);

	/* An old pin whose interface moved away: no silent detach here. */
	assert_int_equal(vosfp_attach(h, env.if_c, VOSFP_MODE_NATIVE, &mode), 0);
	moved_prog = xdp_prog_id(env.if_c);
	make_old_layout_pin(env.if_c);
	assert_int_equal(sh("ip link set %s netns %s", env.if_c, ns_other_path), 0);
	assert_int_equal(sh("ip link add %s type veth peer name %s && ip link set %s up",
			    env.if_c, if_e, env.if_c), 0);
	assert_int_equal(vosfp_detach(h, env.if_c), -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "pinned without a netns"));
	assert_int_equal(prog_in_other(env.if_c), moved_prog);
	assert_int_equal(vosfp_attachment_get(h, 0, NULL, 0, &mode, &prog), 0);
	assert_int_equal(mode, VOSFP_MODE_AUTO);
	assert_int_equal(prog, moved_prog);
	/* ... and from where it went, it is found and detached. */
	assert_int_equal(run_in_child(child_detach_in_other, env.if_c), 0);
	assert_int_equal(prog_in_other(env.if_c), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	/* The new pair, and the moved one through its end here. */
	assert_int_equal(sh("ip link del %s && ip link del %s", env.if_c, env.if_d), 0);
	vosfp_close(h);
}

/* --- another XDP program on the interface ------------------------------- */

/* A minimal XDP program (return XDP_PASS) named name, attached to ifname in
 * generic mode over netlink, as `ip link set dev X xdp` would. */
static int attach_plain(const char *ifname, const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, 2, NULL);

	assert_true(fd >= 0);
	assert_int_equal(bpf_xdp_attach((int)if_nametoindex(ifname), fd, XDP_FLAGS_SKB_MODE, NULL),
			 0);
	return fd;
}

static void test_other_program_named(void **state)
{
	struct vosfp *h;
	char id[32];
	int fd, mode;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);

	fd = attach_plain(env.if_a, "vAother");
	snprintf(id, sizeof(id), "program %u \"vAother\"", xdp_prog_id(env.if_a));
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_AUTO, &mode), -EBUSY);
	print_message("refused: %s\n", vosfp_last_error(h));
	assert_non_null(strstr(vosfp_last_error(h), id));
	assert_non_null(strstr(vosfp_last_error(h), "generic mode"));
	assert_non_null(strstr(vosfp_last_error(h), "Detach it first"));
	assert_null(strstr(vosfp_last_error(h), "dispatcher"));
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(bpf_xdp_detach((int)if_nametoindex(env.if_a), XDP_FLAGS_SKB_MODE, NULL), 0);
	close(fd);

	/* libxdp's dispatcher has this name; the choice is --multiprog. */
	fd = attach_plain(env.if_a, "xdp_dispatcher");
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_AUTO, &mode), -EBUSY);
	print_message("refused: %s\n", vosfp_last_error(h));
	assert_non_null(strstr(vosfp_last_error(h), "libxdp's dispatcher"));
	assert_non_null(strstr(vosfp_last_error(h), "--multiprog"));
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(bpf_xdp_detach((int)if_nametoindex(env.if_a), XDP_FLAGS_SKB_MODE, NULL), 0);
	close(fd);
	assert_int_equal(xdp_prog_id(env.if_a), 0);
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_interface),
		cmocka_unit_test(test_old_layout_pins),
		cmocka_unit_test(test_other_program_named),
	};

	failed = cmocka_run_group_tests_name("api-attach-netns", tests, setup, teardown);
	return failed ? failed : env.skip_reason ? TEST_SKIPPED : 0;
}
