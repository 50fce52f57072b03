// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp_test_packet_ex() on a root that is attached and carries live
 * traffic: the reason must be the dry run's own, never a packet of the
 * traffic counted meanwhile. The dry runs run on CPU 0, the traffic (sent
 * over a veth pair from a second namespace) is received on CPU 1, so every
 * run overlaps with packets counted elsewhere. Needs root, BPF and two
 * CPUs; skips (77) with the reason otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "netns_env.h"
#include "root_env.h"

#define HOME_IP "10.212.0.1"
#define PEER_IP "10.212.0.2"
#define RUNS 300
#define MAX_SENT 200000

static const char options[] = "OPTIONS sip:100@" HOME_IP " SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP " PEER_IP ":5060;branch=z9hG4bK-1\r\n"
			      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

static const char *skip_why;
static atomic_int stop_sending;

static int setup(void **state)
{
	int err = root_env_setup(state);
	cpu_set_t cpus;

	if (err || env.skip_reason)
		return err;
	if (sched_getaffinity(0, sizeof(cpus), &cpus) || !CPU_ISSET(0, &cpus) ||
	    !CPU_ISSET(1, &cpus)) {
		skip_why = "needs CPUs 0 and 1";
		return 0;
	}
	if (netns_env_make())
		return -1;
	if (sh("ip link set %s netns %s && ip addr add " HOME_IP "/24 dev %s", env.if_b,
	       ns_other_path, env.if_a) ||
	    sh_other("ip link set lo up && ip link set %s up && ip addr add " PEER_IP "/24 dev %s",
		     env.if_b, env.if_b))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	netns_env_close();
	return root_env_teardown(state);
}

static int make_sender(void *arg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)arg;
	if (fd < 0)
		return -1;
	inet_pton(AF_INET, PEER_IP, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* On CPU 1: OPTIONS to the SIP port until told to stop (bounded). */
static void *send_traffic(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(5060) };
	int fd = *(int *)arg;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(1, &one);
	pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	inet_pton(AF_INET, HOME_IP, &to.sin_addr);
	for (int i = 0; i < MAX_SENT && !atomic_load(&stop_sending); i++)
		sendto(fd, options, sizeof(options) - 1, 0, (struct sockaddr *)&to, sizeof(to));
	return NULL;
}

static void test_reason_under_traffic(void **state)
{
	struct frame_spec not_ours = { .src = "192.0.2.20", .dport = 5080, .payload = options,
				       .payload_len = sizeof(options) - 1 };
	struct frame_spec allowed = { .src = "192.0.2.21", .payload = options,
				      .payload_len = sizeof(options) - 1 };
	uint8_t f1[1500], f2[1500];
	size_t l1 = frame_build(&not_ours, f1, sizeof(f1));
	size_t l2 = frame_build(&allowed, f2, sizeof(f2));
	uint64_t stealth_before, stealth_after;
	int mode, fd, wrong = 0;
	cpu_set_t zero;
	pthread_t t;
	struct vosfp *h;

	(void)state;
	SKIP_UNLESS_ROOT();
	if (skip_why) {
		print_message("skipped: %s\n", skip_why);
		skip();
	}
	assert_true(l1 > 0 && l2 > 0);
	CPU_ZERO(&zero);
	CPU_SET(0, &zero);
	assert_int_equal(pthread_setaffinity_np(pthread_self(), sizeof(zero), &zero), 0);
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "192.0.2.21"), 0);
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, &mode), 0);
	fd = in_other(make_sender, NULL);
	assert_true(fd >= 0);
	assert_int_equal(vosfp_counter_read(h, VOSFP_CTR_STEALTH, &stealth_before, NULL), 0);
	atomic_store(&stop_sending, 0);
	assert_int_equal(pthread_create(&t, NULL, send_traffic, &fd), 0);

	for (int i = 0; i < RUNS; i++) {
		struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
		int want = i & 1 ? VOSFP_CTR_ALLOWED : VOSFP_REASON_NONE;

		assert_int_equal(vosfp_test_packet_ex(h, i & 1 ? f2 : f1, i & 1 ? l2 : l1, &o), 0);
		if (o.reason != want && wrong++ < 5)
			print_message("run %d: reason %d, expected %d\n", i, o.reason, want);
	}
	atomic_store(&stop_sending, 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(fd);
	assert_int_equal(vosfp_counter_read(h, VOSFP_CTR_STEALTH, &stealth_after, NULL), 0);
	print_message("%llu packets of traffic counted during %d dry runs\n",
		      (unsigned long long)(stealth_after - stealth_before), RUNS);
	/* The traffic was there (else this test could not fail)... */
	assert_true(stealth_after - stealth_before > 0);
	/* ...and no dry run took it for its own reason. */
	assert_int_equal(wrong, 0);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_ALLOW), 0);
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_under_traffic),
	};

	failed = cmocka_run_group_tests_name("api-reason-live", tests, setup, teardown);
	/* 77: meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason || skip_why ? 77 : 0;
}
