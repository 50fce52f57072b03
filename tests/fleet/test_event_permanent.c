// SPDX-License-Identifier: BSD-2-Clause
/*
 * A permanent ban on the fleet's wire: published as "ttl": 0, it arrives
 * as a ban with ttl 0 (permanent), not refused and not turned into a
 * timed one; a ban event without a ttl is still refused, so that a
 * sender's omission never reads as "for good". Year-long bans round-trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "event_json.h"

static void test_permanent_ban_round_trip(void **state)
{
	const struct agent_event ev = { AGENT_OP_BAN, AGENT_FROM_CONTROL, "198.51.100.7", 0,
					"fail2ban", "edge-a", "edge-a-1", 1700000000000ULL };
	char buf[EVENT_JSON_MAX];
	struct agent_event out;
	int n;

	(void)state;
	n = event_json_encode(&ev, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\"ttl\":0"));
	memset(&out, 0xff, sizeof(out));
	assert_int_equal(event_json_decode(buf, (size_t)n, &out), EVJ_OK);
	assert_int_equal(out.op, AGENT_OP_BAN);
	assert_int_equal(out.ttl, 0);
	assert_string_equal(out.addr, "198.51.100.7");
}

static void test_year_ban_round_trip(void **state)
{
	const struct agent_event ev = { AGENT_OP_BAN, AGENT_FROM_CONTROL, "2001:db8::7",
					365 * 86400, "fail2ban", "edge-a", "edge-a-2", 1 };
	char buf[EVENT_JSON_MAX];
	struct agent_event out;
	int n;

	(void)state;
	n = event_json_encode(&ev, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(event_json_decode(buf, (size_t)n, &out), EVJ_OK);
	assert_int_equal(out.ttl, 365 * 86400);
}

static void test_ban_without_ttl_refused(void **state)
{
	static const char no_ttl[] = "{\"v\":1,\"op\":\"ban\",\"addr\":\"198.51.100.7\","
				     "\"node\":\"edge-a\",\"id\":\"edge-a-3\",\"ts\":1}";
	struct agent_event out;

	(void)state;
	assert_int_equal(event_json_decode(no_ttl, strlen(no_ttl), &out), EVJ_TTL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permanent_ban_round_trip),
		cmocka_unit_test(test_year_ban_round_trip),
		cmocka_unit_test(test_ban_without_ttl_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
