// SPDX-License-Identifier: BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "root_env.h"

struct root_env env;
static char skip_detail[600];

int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

/* Can this process load the program at all? Decides the skip, once. */
static void probe_bpf(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_MAIN] };
	struct vosfp *h;
	int err = vosfp_open(&opts, &h);

	if (err == -EPERM) {
		snprintf(skip_detail, sizeof(skip_detail), "needs root and BPF: %s",
			 vosfp_open_error());
		env.skip_reason = skip_detail;
	} else if (!err) {
		vosfp_close(h);
	}
	/* Any other failure is the library's: the tests report it. */
}

int root_env_setup(void **state)
{
	unsigned pid = (unsigned)getpid() & 0xffff, rnd = 0;

	(void)state;
	if (geteuid() != 0) {
		env.skip_reason = "needs root and BPF: not running as root";
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		env.skip_reason = "needs root and BPF: cannot make a network namespace";
		return 0;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned)time(NULL);
	rnd &= 0xffff;
	/* The namespace is ours alone, but unique names keep a leak traceable. */
	snprintf(env.if_a, sizeof(env.if_a), "vua%x%x", pid, rnd);
	snprintf(env.if_b, sizeof(env.if_b), "vub%x%x", pid, rnd);
	snprintf(env.if_c, sizeof(env.if_c), "vuc%x%x", pid, rnd);
	snprintf(env.if_d, sizeof(env.if_d), "vud%x%x", pid, rnd);
	for (int i = 0; i < ROOT__COUNT; i++)
		snprintf(env.root[i], sizeof(env.root[i]), "/sys/fs/bpf/vosfp-t%u-%x-%d",
			 (unsigned)getpid(), rnd, i);
	if (sh("ip link add %s type veth peer name %s && ip link set %s up && ip link set %s up",
	       env.if_a, env.if_b, env.if_a, env.if_b))
		return -1;
	probe_bpf();
	return 0;
}

/* Detach what is still attached, unpin, and remove the directory; rm -rf
 * only as the last resort if the library cannot (the test failed). */
static void remove_root(const char *root)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root };
	struct stat st;
	struct vosfp *h;
	char name[16];

	if (!*root || stat(root, &st) < 0)
		return;
	if (!vosfp_open(&opts, &h)) {
		while (vosfp_attachment_count(h) > 0 &&
		       !vosfp_attachment_get(h, 0, name, sizeof(name), NULL, NULL) &&
		       !vosfp_detach(h, name))
			;
		vosfp_unpin(h);
		vosfp_close(h);
	}
	if (stat(root, &st) == 0)
		sh("rm -rf '%s'", root);
}

int root_env_teardown(void **state)
{
	(void)state;
	/* The veth pair and every link on it go with the namespace. */
	for (int i = 0; i < ROOT__COUNT; i++)
		remove_root(env.root[i]);
	return 0;
}

struct vosfp *open_root(const char *root, uint32_t block_capacity)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root,
					.block_capacity = block_capacity };
	struct vosfp *h = NULL;

	if (vosfp_open(&opts, &h))
		fail_msg("vosfp_open(%s): %s", root, vosfp_open_error());
	return h;
}

uint32_t xdp_prog_id(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	assert_int_equal(bpf_xdp_query((int)if_nametoindex(ifname), 0, &q), 0);
	return q.prog_id;
}

int drop_privileges(bool become_nobody)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	static const int caps[] = { CAP_BPF, CAP_SYS_ADMIN, CAP_NET_ADMIN };

	if (become_nobody && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		uint32_t bit = 1u << (caps[i] % 32);

		data[caps[i] / 32].effective &= ~bit;
		data[caps[i] / 32].permitted &= ~bit;
		data[caps[i] / 32].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	if (become_nobody && setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

int run_in_child(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
