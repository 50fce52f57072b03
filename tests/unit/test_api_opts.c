// SPDX-License-Identifier: BSD-2-Clause
/*
 * The opts initializers (VOSFP_OPTS, VOSFP_OPTS_INIT) and the opts forms
 * of the calls that took plain arguments (policy add and load, ban add):
 * the same effect as the old calls, the OPTS rule's refusals. Runs under a
 * pin root of its own (root_env).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "root_env.h"

/* A newer caller's struct: the library's, then a field it does not know. */
struct newer_add_opts {
	struct vosfp_policy_add_opts o;
	uint64_t unknown;
};

static void test_initializers(void **state)
{
	VOSFP_OPTS(open_opts, o, .block_capacity = 7);
	struct vosfp_attach_opts a = VOSFP_OPTS_INIT(attach_opts, .mode = VOSFP_MODE_GENERIC);
	VOSFP_OPTS(test_packet_opts, t);
	VOSFP_OPTS(ban_stats, st);

	(void)state;
	assert_int_equal(o.sz, sizeof(struct vosfp_open_opts));
	assert_null(o.pin_root);
	assert_int_equal(o.block_capacity, 7);
	assert_int_equal(o.allow_capacity, 0);
	assert_int_equal(a.sz, sizeof(a));
	assert_int_equal(a.mode, VOSFP_MODE_GENERIC);
	assert_int_equal(a.flags, 0);
	assert_int_equal(t.sz, sizeof(t));
	assert_int_equal(st.sz, sizeof(st));
}

static void test_opts_calls(void **state)
{
	VOSFP_OPTS(policy_add_opts, add, .ttl_seconds = 600);
	VOSFP_OPTS(policy_load_opts, load, .flags = VOSFP_LOAD_REPLACE);
	VOSFP_OPTS(ban_add_opts, ban, .ttl_seconds = 60);
	struct newer_add_opts newer;
	struct vosfp_policy_iter *it;
	static const char file[] = "198.51.100.0/24\n203.0.113.9 ttl=1h\n";
	char buf[64], path[160];
	struct vosfp *h;
	FILE *f;

	(void)state;
	SKIP_UNLESS_ROOT();
	h = open_root(env.root[ROOT_MAIN], 0);
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);

	/* add: the TTL from opts; NULL is permanent. */
	assert_int_equal(vosfp_policy_add_ex(h, VOSFP_LIST_BLOCK, "192.0.2.0/24", &add), 0);
	assert_int_equal(vosfp_policy_add_ex(h, VOSFP_LIST_BLOCK, "192.0.2.0/24", &add), 1);
	assert_int_equal(vosfp_policy_add_ex(h, VOSFP_LIST_BLOCK, "2001:db8::/32", NULL), 0);
	assert_int_equal(vosfp_policy_iter_open(h, VOSFP_LIST_BLOCK, &it), 0);
	while (vosfp_policy_iter_next(it, buf, sizeof(buf)) == 1) {
		int64_t ttl = vosfp_policy_iter_ttl(it);

		if (!strcmp(buf, "192.0.2.0/24"))
			assert_true(ttl > 0 && ttl <= 600);
		else
			assert_int_equal(ttl, 0);
	}
	vosfp_policy_iter_close(it);

	/* A field this library does not know is refused, and nothing changes. */
	memset(&newer, 0, sizeof(newer));
	newer.o.sz = sizeof(newer);
	newer.unknown = 1;
	assert_int_equal(vosfp_policy_add_ex(h, VOSFP_LIST_BLOCK, "192.0.2.7",
					     &newer.o), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "vosfp_policy_add_opts has fields"));
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 2);
	newer.unknown = 0;
	assert_int_equal(vosfp_policy_add_ex(h, VOSFP_LIST_BLOCK, "192.0.2.7", &newer.o), 0);

	/* load: the flags from opts (REPLACE), from a buffer and from a file. */
	assert_int_equal(vosfp_policy_load_buffer_ex(h, VOSFP_LIST_BLOCK, file, sizeof(file) - 1,
						     "mem", &load), 2);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 2);
	snprintf(path, sizeof(path), "/tmp/errors-opts-%d.txt", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("192.0.2.99\n", f);
	fclose(f);
	assert_int_equal(vosfp_policy_load_ex(h, VOSFP_LIST_BLOCK, path, NULL), 1);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 3); /* added */
	assert_int_equal(vosfp_policy_load_ex(h, VOSFP_LIST_BLOCK, path, &load), 1);
	unlink(path);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 1); /* replaced */
	load.flags = 0x80;
	assert_int_equal(vosfp_policy_load_buffer_ex(h, VOSFP_LIST_BLOCK, file, sizeof(file) - 1,
						     "mem", &load), -EINVAL);
	assert_int_equal(vosfp_policy_count(h, VOSFP_LIST_BLOCK), 1);

	/* ban: the TTL is required, so opts are too. */
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.50", &ban), 0);
	assert_int_equal(vosfp_ban_remove(h, "192.0.2.50"), 0);
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.50", NULL), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "opts (with the TTL) is required"));
	ban.sz = 1;
	assert_int_equal(vosfp_ban_add_ex(h, "192.0.2.50", &ban), -EINVAL);
	assert_non_null(strstr(vosfp_last_error(h), "too small"));
	assert_int_equal(vosfp_ban_remove(h, "192.0.2.50"), -ENOENT);

	assert_int_equal(vosfp_policy_add_ex(NULL, VOSFP_LIST_BLOCK, "192.0.2.1", NULL), -EINVAL);
	assert_non_null(strstr(vosfp_error_last(), "vosfp_policy_add_ex: no handle"));
	assert_int_equal(vosfp_policy_clear(h, VOSFP_LIST_BLOCK), 0);
	vosfp_close(h);
}

int main(void)
{
	int failed;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initializers),
		cmocka_unit_test(test_opts_calls),
	};

	failed = cmocka_run_group_tests_name("api-opts", tests, root_env_setup, root_env_teardown);
	/* 77: meson reports SKIP, not a pass, when nothing could run. */
	return failed ? failed : env.skip_reason ? 77 : 0;
}
