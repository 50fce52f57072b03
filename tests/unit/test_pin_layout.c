// SPDX-License-Identifier: BSD-2-Clause
/*
 * A pin root whose policy state has another layout than this library
 * reads (made by an older or a newer libvosfp) is refused at open with a
 * message that names both layouts, and the failed open pins nothing; a
 * root this library made opens again, and so does one whose one-entry
 * maps are plain maps, as libraries made them before they were shared
 * data (vosfp_shared.h). Runs under pin roots of its own (root_env).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "frame.h"
#include "root_env.h"
#include "vosfp_shared.h"

/* Pin a one-entry policy state of value_size bytes whose first word is
 * first under the test's other root, as another library would have left
 * it. */
static void pin_state(uint32_t value_size, uint32_t first)
{
	char path[160], value[1024] = { 0 };
	uint32_t zero = 0;
	int fd;

	assert_true(value_size <= sizeof(value));
	/* A failed case before may have left its root. */
	assert_int_equal(sh("rm -rf '%s'", env.root[ROOT_OTHER]), 0);
	assert_int_equal(mkdir(env.root[ROOT_OTHER], 0700), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "vosfp_pstate", 4, value_size, 1, NULL);
	assert_true(fd >= 0);
	memcpy(value, &first, sizeof(first));
	assert_int_equal(bpf_map_update_elem(fd, &zero, value, BPF_ANY), 0);
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_POL_STATE, env.root[ROOT_OTHER]);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);
}

/* vosfp_open on that root fails with EEXIST naming layout `layout`, and
 * leaves only the foreign pin there. */
static void expect_refused(uint32_t layout)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = env.root[ROOT_OTHER] };
	struct vosfp *h = NULL;
	char want[160], path[160];
	struct stat st;

	snprintf(want, sizeof(want),
		 "pin root made by an incompatible libvosfp (layout %u, this one reads %u): "
		 "detach and remove it", layout, VOSFP_POL_LAYOUT);
	assert_int_equal(vosfp_open(&opts, &h), -EEXIST);
	assert_null(h);
	if (!strstr(vosfp_open_error(), want))
		fail_msg("open error '%s' lacks '%s'", vosfp_open_error(), want);
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_CONFIG, env.root[ROOT_OTHER]);
	assert_int_not_equal(stat(path, &st), 0);
	assert_int_equal(sh("rm -rf '%s'", env.root[ROOT_OTHER]), 0);
}

/* Before layouts were numbered: 248 bytes, a live generation (0) first. */
static void test_unnumbered_layout(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	pin_state(VOSFP_POL_LAYOUT1_SIZE, 0);
	expect_refused(1);
}

/* A later library's state of another size, its layout word first. */
static void test_newer_layout_other_size(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	pin_state(sizeof(struct vosfp_pol_state) + 64, VOSFP_POL_LAYOUT + 1);
	expect_refused(VOSFP_POL_LAYOUT + 1);
}

/* The same size as this library's, but another layout word. */
static void test_newer_layout_same_size(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	pin_state(sizeof(struct vosfp_pol_state), VOSFP_POL_LAYOUT + 7);
	expect_refused(VOSFP_POL_LAYOUT + 7);
}

/* A root of layout 3, made before the ban pre-filter: its program would
 * make automatic bans without their cells, so it is refused, not mixed. */
static void test_layout3_before_banfilter(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	pin_state(sizeof(struct vosfp_pol_state), 3);
	expect_refused(3);
}

/* A root of layout 4, made before IPv4 hosts had Bloom bits: its library
 * would list hosts the new program cannot see, so it is refused. */
static void test_layout4_before_bloom4(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	pin_state(sizeof(struct vosfp_pol_state), 4);
	expect_refused(4);
}

/* A root this library made records its layout and opens again. */
static void test_own_layout(void **state)
{
	struct vosfp_pol_state st;
	struct vosfp *a, *b;
	char path[160];
	uint32_t zero = 0;
	int fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	a = open_root(env.root[ROOT_MAIN], 0);
	snprintf(path, sizeof(path), "%s/" VOSFP_MAP_POL_STATE, env.root[ROOT_MAIN]);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &st), 0);
	close(fd);
	assert_int_equal(st.layout, VOSFP_POL_LAYOUT);
	b = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_policy_add(b, VOSFP_LIST_BLOCK, "192.0.2.0/24"), 0);
	assert_int_equal(vosfp_policy_count(a, VOSFP_LIST_BLOCK), 1);
	assert_int_equal(vosfp_policy_clear(a, VOSFP_LIST_BLOCK), 0);
	vosfp_close(b);
	vosfp_close(a);
}

/* The pin of name under root replaced by a plain one-entry ARRAY with the
 * same value, after checking that the library made it with flags: what a
 * library before shared data made, and what it will reuse. */
static void replace_with_plain_map(const char *root, const char *name, __u32 flags)
{
	static char value[65536];
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), zero = 0;
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_int_equal(info.map_flags, flags);
	assert_int_equal(info.max_entries, 1);
	assert_true(info.value_size <= sizeof(value));
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, value), 0);
	close(fd);
	assert_int_equal(unlink(path), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, info.value_size, 1, &opts);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_update_elem(fd, &zero, value, BPF_ANY), 0);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);
}

/* A root whose config, policy state and ban flags are plain maps opens,
 * keeps what they hold, and its program reads them. */
static void test_plain_maps_before_shared_data(void **state)
{
	static const char options[] = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	const char *root = env.root[ROOT_OTHER];
	struct frame_spec spec = { .src = "192.0.2.7", .payload = options,
				   .payload_len = sizeof(options) - 1 };
	uint8_t frame[256];
	size_t len = frame_build(&spec, frame, sizeof(frame));
	struct stat st;
	struct vosfp *h;
	char buf[64];
	int verdict = -1;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(len > 0);
	assert_int_equal(sh("rm -rf '%s'", root), 0);
	h = open_root(root, 0);
	assert_int_equal(vosfp_config_set(h, "autoban", "off"), 0);
	assert_int_equal(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.0/24"), 0);
	vosfp_close(h);
	replace_with_plain_map(root, VOSFP_MAP_CONFIG, 0);
	replace_with_plain_map(root, VOSFP_MAP_POL_STATE, 0);
	replace_with_plain_map(root, VOSFP_MAP_BANS_PRESENT, BPF_F_MMAPABLE);

	h = open_root(root, 0);
	assert_int_equal(vosfp_config_get(h, "autoban", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "off");
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 1);
	assert_int_equal(vosfp_test_packet(h, frame, len, &verdict), 0);
	assert_int_equal(verdict, XDP_DROP);
	/* Every pin goes with the root, the shared data's too. */
	assert_int_equal(vosfp_unpin(h), 0);
	vosfp_close(h);
	assert_int_not_equal(stat(root, &st), 0);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unnumbered_layout),
		cmocka_unit_test(test_newer_layout_other_size),
		cmocka_unit_test(test_newer_layout_same_size),
		cmocka_unit_test(test_layout3_before_banfilter),
		cmocka_unit_test(test_layout4_before_bloom4),
		cmocka_unit_test(test_own_layout),
		cmocka_unit_test(test_plain_maps_before_shared_data),
	};

	failed = cmocka_run_group_tests_name("api-pin-layout", tests, root_env_setup,
					     root_env_teardown);
	/* 77: meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason ? 77 : 0;
}
