// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp next to another libxdp program (xdp-filter) on one interface,
 * through libxdp's dispatcher (VOSFP_ATTACH_MULTIPROG), with real traffic:
 * a packet xdp-filter blocks is dropped, one vosfp blocks is dropped, a
 * clean one passes; detaching vosfp leaves xdp-filter filtering. The
 * interface then moves to another namespace with its dispatcher: detach
 * is refused where it was and works where it went.
 *
 * The dispatcher needs a kernel that lets it run freplace programs, and
 * whose verifier takes vosfp's program as one (Linux 5.10's does not).
 * Where the kernel refuses either, the attach must fail with -EOPNOTSUPP
 * and leave nothing, and that is what is tested. With --expect-dispatcher (the
 * Debian 12 guest, tests/kernel) the refusal is a failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <cmocka.h>

#include "netns_env.h"
#include "root_env.h"
#include "skip.h"

static bool expect_dispatcher;

/* libxdp's and libbpf's warnings, and libxdp's every line, to stderr: why a
 * dispatcher failed shows in the test log (the guest's console). */
static void log_to_stderr(int level, const char *msg, void *user)
{
	(void)user;
	if (level == VOSFP_LOG_WARN || !strncmp(msg, "libxdp:", 7))
		fprintf(stderr, "log: %s\n", msg);
}

/* Addresses: home end (if_a) and the other end (if_b, moved away), which
 * also has a blocked source address. */
#define HOME_IP "10.211.0.1"
#define PEER_IP "10.211.0.2"
#define BAD_IP "203.0.113.5"
#define SIP_PORT 5060
#define FILTERED_PORT 9999

static int setup(void **state)
{
	int err = root_env_setup(state);

	if (err || env.skip_reason)
		return err;
	if (netns_env_make())
		return -1;
	/* if_b goes to the other namespace: traffic between them then
	 * crosses the veth instead of the loopback. */
	/* The default route: the blocked source must not fail reverse-path
	 * filtering, so that only the filters decide. */
	if (sh("ip link set %s netns %s && ip addr add " HOME_IP "/24 dev %s && "
	       "ip route add default dev %s", env.if_b, ns_other_path, env.if_a, env.if_a) ||
	    sh_other("ip link set lo up && ip link set %s up && ip addr add " PEER_IP "/24 dev %s "
		     "&& ip addr add " BAD_IP "/32 dev %s", env.if_b, env.if_b, env.if_b))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	netns_env_close();
	return root_env_teardown(state);
}

static int udp_socket(const char *ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int make_sender(void *ip)
{
	return udp_socket(ip, 0);
}

/* A socket in the other namespace, sending from ip. */
static int sender(const char *ip)
{
	int fd = in_other(make_sender, (void *)ip);

	assert_true(fd >= 0);
	return fd;
}

static void send_to(int fd, int port, const char *payload)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, HOME_IP, &sa.sin_addr);
	assert_int_equal(sendto(fd, payload, strlen(payload), 0, (struct sockaddr *)&sa,
				sizeof(sa)), (ssize_t)strlen(payload));
}

/* The next datagram on fd, waiting a bounded while; "" if none came. */
static void next_datagram(int fd, char *buf, size_t len, int wait_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	buf[0] = '\0';
	if (poll(&p, 1, wait_ms) == 1)
		n = recv(fd, buf, len - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
}

#define SIP(tag) "REGISTER sip:example.com SIP/2.0\r\nCall-ID: " tag "\r\n\r\n"

/*
 * Sends, in order: to the port xdp-filter blocks, a SIP request from the
 * source vosfp blocks, then a clean SIP request. The veth delivers in
 * order, so once the clean one has arrived, anything before it that was
 * not dropped has arrived too: no waiting on a clock decides a drop.
 */
static void check_traffic(int rx_sip, int rx_filtered, bool vosfp_filters)
{
	int good = sender(PEER_IP), bad = sender(BAD_IP);
	char buf[256];

	send_to(good, FILTERED_PORT, "to-filtered-port");
	send_to(bad, SIP_PORT, SIP("from-blocked"));
	send_to(good, SIP_PORT, SIP("clean"));
	next_datagram(rx_sip, buf, sizeof(buf), 5000);
	if (!vosfp_filters) {
		assert_non_null(strstr(buf, "from-blocked"));
		next_datagram(rx_sip, buf, sizeof(buf), 5000);
	}
	assert_non_null(strstr(buf, "clean"));
	next_datagram(rx_sip, buf, sizeof(buf), 0);
	assert_string_equal(buf, "");
	next_datagram(rx_filtered, buf, sizeof(buf), 0);
	assert_string_equal(buf, ""); /* xdp-filter dropped it */
	close(good);
	close(bad);
}

static int detach_here(void *ifname)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_MAIN] };
	struct vosfp *h;
	int err;

	if (vosfp_open(&opts, &h))
		return 10;
	err = vosfp_detach(h, ifname);
	if (err)
		print_error("detach: %s\n", vosfp_last_error(h));
	vosfp_close(h);
	return err ? 11 : 0;
}

/* In a child, so that a failure cannot leave this process elsewhere. */
static int child_detach_in_other(void *ifname)
{
	return in_other(detach_here, ifname);
}

static uint64_t blocked(struct vosfp *h)
{
	uint64_t packets = 0;

	assert_int_equal(vosfp_counter_read(h, VOSFP_CTR_BLOCKED, &packets, NULL), 0);
	return packets;
}

static void test_multiprog_with_xdp_filter(void **state)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .mode = VOSFP_MODE_GENERIC,
					  .flags = VOSFP_ATTACH_MULTIPROG };
	int rx_sip, rx_filtered, mode = -1, err;
	uint32_t prog;
	struct vosfp *h;
	char buf[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, BAD_IP "/32"), 0);

	/* Unknown flags and option fields are refused. */
	opts.flags = 0x80;
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, &mode), -EINVAL);
	opts.flags = VOSFP_ATTACH_MULTIPROG;

	err = vosfp_attach_ex(h, env.if_a, &opts, &mode);
	if (err == -EOPNOTSUPP && !expect_dispatcher) {
		print_message("no dispatcher for vosfp on this kernel: %s\n",
			      vosfp_last_error(h));
		assert_non_null(strstr(vosfp_last_error(h), "cannot share the interface with "
					       "other XDP programs here; nothing was attached"));
		assert_int_equal(xdp_prog_id(env.if_a), 0); /* nothing left */
		assert_int_equal(vosfp_attachment_count(h), 0);
		vosfp_close(h);
		skip(); /* the rest runs in the kernel-debian12 guest */
	}
	if (err)
		fail_msg("multiprog attach: %s", vosfp_last_error(h));
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_attachment_count(h), 1);
	assert_int_equal(vosfp_attachment_get(h, 0, buf, sizeof(buf), &mode, &prog), 0);
	assert_string_equal(buf, env.if_a);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_not_equal(prog, 0);

	/* xdp-filter joins the dispatcher and blocks a port. */
	assert_int_equal(sh("xdp-filter load -m skb %s && xdp-filter port %d -m dst",
			    env.if_a, FILTERED_PORT), 0);
	assert_int_equal(sh("xdp-loader status %s | grep -q vosfp_xdp && "
			    "xdp-loader status %s | grep -q xdpfilt_", env.if_a, env.if_a), 0);
	rx_sip = udp_socket(HOME_IP, SIP_PORT);
	rx_filtered = udp_socket(HOME_IP, FILTERED_PORT);
	assert_true(rx_sip >= 0 && rx_filtered >= 0);

	check_traffic(rx_sip, rx_filtered, true);
	assert_int_equal(blocked(h), 1);

	/* A second multiprog attach of the same root is refused, once. */
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, &mode), -EEXIST);

	/* Detach takes vosfp out of the dispatcher, and only vosfp. */
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(sh("xdp-loader status %s | grep -q xdpfilt_", env.if_a), 0);
	assert_int_not_equal(sh("xdp-loader status %s | grep -q vosfp_xdp", env.if_a), 0);
	check_traffic(rx_sip, rx_filtered, false);
	assert_int_equal(blocked(h), 1);
	close(rx_sip);
	close(rx_filtered);

	/* The interface moves away with its dispatcher: detach here refuses
	 * and leaves it; detach where it went takes vosfp out, only vosfp. */
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, &mode), 0);
	assert_int_equal(sh("ip link set %s netns %s", env.if_a, ns_other_path), 0);
	assert_int_equal(vosfp_attachment_get(h, 0, NULL, 0, &mode, &prog), 0);
	assert_int_equal(mode, VOSFP_MODE_AUTO); /* not here */
	assert_int_not_equal(prog, 0);           /* but running */
	assert_int_equal(vosfp_detach(h, env.if_a), -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "not attached here"));
	assert_int_equal(sh_other("xdp-loader status %s | grep -q vosfp_xdp", env.if_a), 0);
	assert_int_equal(run_in_child(child_detach_in_other, env.if_a), 0);
	assert_int_equal(sh_other("xdp-loader status %s | grep -q xdpfilt_", env.if_a), 0);
	assert_int_not_equal(sh_other("xdp-loader status %s | grep -q vosfp_xdp", env.if_a), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(sh_other("xdp-filter unload %s", env.if_a), 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);
	vosfp_close(h);
}

/* --multiprog cannot join a program that is not libxdp's dispatcher. */
static void test_multiprog_next_to_plain_program(void **state)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .flags = VOSFP_ATTACH_MULTIPROG };
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, ifindex = (int)if_nametoindex(env.if_a);
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "vAplain", "GPL", insns, 2, NULL);
	assert_true(fd >= 0);
	assert_int_equal(bpf_xdp_attach(ifindex, fd, XDP_FLAGS_SKB_MODE, NULL), 0);
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, NULL), -EBUSY);
	print_message("refused: %s\n", vosfp_last_error(h));
	assert_non_null(strstr(vosfp_last_error(h), "\"vAplain\""));
	assert_non_null(strstr(vosfp_last_error(h), "not libxdp's dispatcher"));
	assert_int_equal(vosfp_attachment_count(h), 0);
	assert_int_equal(bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL), 0);
	close(fd);
	vosfp_close(h);
}

/* The options struct follows libbpf's OPTS rule; bad ones leave nothing. */
static void test_attach_opts(void **state)
{
	struct {
		struct vosfp_attach_opts o;
		int newer_field;
	} big = { .o = { .sz = sizeof(big), .mode = VOSFP_MODE_GENERIC } };
	struct vosfp_attach_opts opts = { .sz = 4 };
	struct vosfp *h;
	int mode = -1;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, &mode), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "too small"));
	big.newer_field = 1;
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &big.o, &mode), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "does not know"));
	opts = (struct vosfp_attach_opts){ .sz = sizeof(opts), .mode = 9 };
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &opts, &mode), -EINVAL);
	assert_int_equal(vosfp_attach_ex(h, "a:b", NULL, &mode), -EINVAL);
	assert_int_equal(vosfp_attach_ex(NULL, env.if_a, NULL, &mode), -EINVAL);
	assert_int_equal(xdp_prog_id(env.if_a), 0);
	assert_int_equal(vosfp_attachment_count(h), 0);

	/* A newer caller's zero tail is fine; NULL options mean AUTO. */
	big.newer_field = 0;
	assert_int_equal(vosfp_attach_ex(h, env.if_a, &big.o, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_GENERIC);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_attach_ex(h, env.if_a, NULL, &mode), 0);
	assert_int_equal(mode, VOSFP_MODE_NATIVE);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	vosfp_close(h);
}

int main(int argc, char **argv)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_opts),
		cmocka_unit_test(test_multiprog_next_to_plain_program),
		cmocka_unit_test(test_multiprog_with_xdp_filter),
	};

	expect_dispatcher = argc > 1 && !strcmp(argv[1], "--expect-dispatcher");
	vosfp_set_log_callback(log_to_stderr, NULL);
	failed = cmocka_run_group_tests_name("api-attach-multiprog", tests, setup, teardown);
	return failed ? failed : env.skip_reason ? TEST_SKIPPED : 0;
}
