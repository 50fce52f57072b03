// SPDX-License-Identifier: BSD-2-Clause
/*
 * Counters per interface: both ends of the test's own veth pair attached
 * (generic mode), SIP frames sent out of one end arrive on the other only:
 * that interface's row moves, the sender's does not, and the totals are
 * their sum; a detach frees the row and keeps its figures in the totals;
 * bad arguments are refused. A root of the layout before rows (layout 2:
 * one row of counters) is refused with the layout named. Runs in the
 * namespace and under the pin roots of root_env.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "frame.h"
#include "root_env.h"
#include "vosfp_shared.h"

static const char options[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-1\r\n"
			      "From: <sip:s@192.0.2.99>;tag=1\r\nTo: <sip:100@198.51.100.1>\r\n"
			      "Call-ID: ifc-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

#define N_STEALTH 5
#define N_BLOCKED 3

/* n copies of the frame of spec out of ifname (AF_PACKET: straight onto
 * the veth, so that they arrive on its peer and only there). */
static void send_frames(const char *ifname, const struct frame_spec *spec, int n)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	uint8_t frame[1500];
	size_t len = frame_build(spec, frame, sizeof(frame));
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(len > 0);
	assert_true(fd >= 0);
	to.sll_ifindex = (int)if_nametoindex(ifname);
	assert_true(to.sll_ifindex > 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)),
				 (ssize_t)len);
	close(fd);
}

static uint64_t iface_packets(struct vosfp *h, const char *iface, int id)
{
	uint64_t p = ~0ull, b = ~0ull;

	if (vosfp_counter_read_iface(h, iface, id, &p, &b))
		fail_msg("read_iface %s %d: %s", iface, id, vosfp_last_error(h));
	return p;
}

static uint64_t total_packets(struct vosfp *h, int id)
{
	uint64_t p = ~0ull;

	assert_int_equal(vosfp_counter_read(h, id, &p, NULL), 0);
	return p;
}

/* Waits (bounded in count, not a timing assertion) until the frames sent
 * have been through the program. */
static void wait_for(struct vosfp *h, const char *iface, int id, uint64_t want)
{
	struct timespec ms = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 500 && iface_packets(h, iface, id) < want; i++)
		nanosleep(&ms, NULL);
}

/* Is name among the interfaces that have rows? */
static bool listed(struct vosfp *h, const char *name, int *ifindex)
{
	char got[IF_NAMESIZE];
	int idx, err;

	for (int pos = 0; (err = vosfp_counter_iface(h, pos, got, sizeof(got), &idx)) == 0; pos++)
		if (!strcmp(got, name)) {
			if (ifindex)
				*ifindex = idx;
			return true;
		}
	assert_int_equal(err, -ENOENT);
	return false;
}

static void test_rows(void **state)
{
	struct frame_spec stealth = { .src = "192.0.2.99", .payload = options,
				      .payload_len = sizeof(options) - 1 };
	struct frame_spec blocked = { .src = "203.0.113.5", .payload = options,
				      .payload_len = sizeof(options) - 1 };
	struct vosfp *h;
	char byindex[16];
	int mode, idx = 0, n = vosfp_counter_count();

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "203.0.113.0/24"), 0);
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(vosfp_attach(h, env.if_b, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(vosfp_counters_reset(h), 0);
	assert_true(listed(h, env.if_a, &idx));
	assert_int_equal(idx, (int)if_nametoindex(env.if_a));
	assert_true(listed(h, env.if_b, NULL));

	/* Out of if_b: they arrive on if_a only. */
	send_frames(env.if_b, &stealth, N_STEALTH);
	send_frames(env.if_b, &blocked, N_BLOCKED);
	wait_for(h, env.if_a, VOSFP_CTR_STEALTH, N_STEALTH);
	wait_for(h, env.if_a, VOSFP_CTR_BLOCKED, N_BLOCKED);
	assert_int_equal(iface_packets(h, env.if_a, VOSFP_CTR_STEALTH), N_STEALTH);
	assert_int_equal(iface_packets(h, env.if_a, VOSFP_CTR_BLOCKED), N_BLOCKED);
	/* The same row by ifindex. */
	snprintf(byindex, sizeof(byindex), "%d", idx);
	assert_int_equal(iface_packets(h, byindex, VOSFP_CTR_STEALTH), N_STEALTH);
	for (int id = 0; id < n; id++) {
		assert_int_equal(iface_packets(h, env.if_b, id), 0);
		assert_int_equal(total_packets(h, id), iface_packets(h, env.if_a, id) +
							       iface_packets(h, env.if_b, id));
	}

	/* Detach: the row goes, its figures stay in the totals. */
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_false(listed(h, env.if_a, NULL));
	assert_int_equal(vosfp_counter_read_iface(h, env.if_a, VOSFP_CTR_STEALTH, NULL, NULL),
			 -ENOENT);
	assert_non_null(strstr(vosfp_last_error(h), "not attached"));
	assert_int_equal(total_packets(h, VOSFP_CTR_STEALTH), N_STEALTH);
	assert_int_equal(total_packets(h, VOSFP_CTR_BLOCKED), N_BLOCKED);
	/* Attached again, it starts from zero. */
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(iface_packets(h, env.if_a, VOSFP_CTR_STEALTH), 0);
	assert_int_equal(total_packets(h, VOSFP_CTR_STEALTH), N_STEALTH);

	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_int_equal(vosfp_detach(h, env.if_b), 0);
	assert_false(listed(h, env.if_b, NULL));
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);
	vosfp_close(h);
}

static void test_bad_args(void **state)
{
	char small[2], name[IF_NAMESIZE];
	struct vosfp *h;
	int mode;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_counter_read_iface(NULL, env.if_a, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, NULL, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, "", 0, NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, "an-interface-name-too-long", 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, env.if_a, -1, NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, env.if_a, 99, NULL, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_read_iface(h, "vnone0", 0, NULL, NULL), -ENODEV);
	assert_non_null(strstr(vosfp_last_error(h), "vnone0: no such interface"));
	/* Exists, not attached. */
	assert_int_equal(vosfp_counter_read_iface(h, env.if_b, 0, NULL, NULL), -ENOENT);
	assert_int_equal(vosfp_counter_iface(NULL, 0, name, sizeof(name), NULL), -EINVAL);
	assert_int_equal(vosfp_counter_iface(h, -1, name, sizeof(name), NULL), -EINVAL);
	assert_int_equal(vosfp_counter_iface(h, 0, NULL, 16, NULL), -EINVAL);
	assert_int_equal(vosfp_counter_iface(h, 0, name, sizeof(name), NULL), -ENOENT);
	assert_int_equal(vosfp_attach(h, env.if_a, VOSFP_MODE_GENERIC, &mode), 0);
	assert_int_equal(vosfp_counter_iface(h, 0, small, sizeof(small), NULL), -ENOSPC);
	assert_int_equal(vosfp_counter_iface(h, 0, name, sizeof(name), NULL), 0);
	assert_string_equal(name, env.if_a);
	assert_int_equal(vosfp_counter_iface(h, 1, name, sizeof(name), NULL), -ENOENT);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	vosfp_close(h);
}

/* The libxdp path gives and frees rows as the plain one does; where this
 * kernel has no dispatcher for vosfp, the failed attach leaves no row. */
static void test_multiprog_row(void **state)
{
	struct vosfp_attach_opts opts = { .sz = sizeof(opts), .mode = VOSFP_MODE_GENERIC,
					  .flags = VOSFP_ATTACH_MULTIPROG };
	struct vosfp *h;
	int mode, err;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	err = vosfp_attach_ex(h, env.if_a, &opts, &mode);
	if (err == -EOPNOTSUPP) {
		assert_false(listed(h, env.if_a, NULL));
		vosfp_close(h);
		print_message("no dispatcher for vosfp on this kernel: a row was not left\n");
		return;
	}
	if (err)
		fail_msg("multiprog attach: %s", vosfp_last_error(h));
	assert_true(listed(h, env.if_a, NULL));
	assert_int_equal(vosfp_counter_read_iface(h, env.if_a, VOSFP_CTR_PASSED, NULL, NULL), 0);
	assert_int_equal(vosfp_detach(h, env.if_a), 0);
	assert_false(listed(h, env.if_a, NULL));
	vosfp_close(h);
}

/* A root of layout 2 as its library left it: the policy state (same size,
 * layout word 2) and one row of counters. Pinned whole, libbpf would
 * adopt the small counters map; it must be refused instead, by name. */
static void test_layout2_root(void **state)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_OTHER] };
	struct vosfp_pol_state st = { .layout = 2 };
	struct vosfp *h = NULL;
	char path[160], want[160];
	uint32_t zero = 0;
	struct stat sb;
	int fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_int_equal(sh("rm -rf '%s'", env.root[ROOT_OTHER]), 0);
	assert_int_equal(mkdir(env.root[ROOT_OTHER], 0700), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "vosfp_pstate", 4, sizeof(st), 1, NULL);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_update_elem(fd, &zero, &st, BPF_ANY), 0);
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_POL_STATE, env.root[ROOT_OTHER]);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "vosfp_counters", 4,
			    sizeof(struct vosfp_counter_val), VOSFP_CTR_SLOTS, NULL);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_COUNTERS, env.root[ROOT_OTHER]);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);

	snprintf(want, sizeof(want), "pin root made by an incompatible libvosfp (layout 2, "
		 "this one reads %u): detach and remove it", VOSFP_POL_LAYOUT);
	assert_int_equal(vosfp_open(&opts, &h), -EEXIST);
	assert_null(h);
	if (!strstr(vosfp_open_error(), want))
		fail_msg("open error '%s' lacks '%s'", vosfp_open_error(), want);
	/* Nothing added to the old root. */
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_IFINDEX, env.root[ROOT_OTHER]);
	assert_int_not_equal(stat(path, &sb), 0);
	assert_int_equal(sh("rm -rf '%s'", env.root[ROOT_OTHER]), 0);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_multiprog_row),
		cmocka_unit_test(test_layout2_root),
	};

	failed = cmocka_run_group_tests_name("api-ifcounters", tests, root_env_setup,
					     root_env_teardown);
	return failed ? failed : env.skip_reason ? 77 : 0;
}
