// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fleet's wire format: valid events round-trip; 1,000 malformed
 * messages are each refused with a reason and leave the output untouched;
 * unknown fields are ignored and another version is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "event_json.h"

#define VALID "{\"v\":1,\"op\":\"ban\",\"addr\":\"198.51.100.7\",\"ttl\":600," \
	      "\"reason\":\"scanner\",\"node\":\"edge-a\",\"id\":\"edge-a-1\",\"ts\":1700000000000}"

static enum event_json_err decode_str(const char *s, struct agent_event *ev)
{
	return event_json_decode(s, strlen(s), ev);
}

static void test_round_trip(void **state)
{
	static const struct agent_event evs[] = {
		{ AGENT_OP_BAN, AGENT_FROM_CONTROL, "198.51.100.7", 600, "scanner", "edge-a",
		  "edge-a-1", 1700000000000ULL },
		{ AGENT_OP_UNBAN, AGENT_FROM_CONTROL, "2001:db8::7", 0, "", "edge-b", "b-2", 5 },
		{ AGENT_OP_BLOCK, AGENT_FROM_PROGRAM, "192.0.2.0/24", 0, "manual", "n", "x", 0 },
		{ AGENT_OP_UNBLOCK, AGENT_FROM_CONTROL, "2001:db8::/48", 0, "fail2ban", "n.1",
		  "id:3", 9 },
	};
	char buf[EVENT_JSON_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct agent_event out;
		int n = event_json_encode(&evs[i], buf, sizeof(buf));

		assert_true(n > 0);
		assert_int_equal(event_json_decode(buf, n, &out), EVJ_OK);
		assert_int_equal(out.op, evs[i].op);
		assert_int_equal(out.origin, AGENT_FROM_FLEET);
		assert_string_equal(out.addr, evs[i].addr);
		assert_int_equal(out.ttl, evs[i].ttl);
		assert_string_equal(out.reason, evs[i].reason);
		assert_string_equal(out.node, evs[i].node);
		assert_string_equal(out.id, evs[i].id);
		assert_true(out.made_ms == evs[i].made_ms);
	}
}

static void test_encode_refuses(void **state)
{
	struct agent_event ev = { AGENT_OP_BAN, AGENT_FROM_CONTROL, "198.51.100.7", 600, "x",
				  "edge-a", "id", 1 };
	char buf[EVENT_JSON_MAX];

	(void)state;
	strcpy(ev.addr, "198.51.100.0/24"); /* a prefix is no ban */
	assert_int_equal(event_json_encode(&ev, buf, sizeof(buf)), -EINVAL);
	strcpy(ev.addr, "198.51.100.7");
	strcpy(ev.node, "bad node");
	assert_int_equal(event_json_encode(&ev, buf, sizeof(buf)), -EINVAL);
	strcpy(ev.node, "edge-a");
	assert_true(event_json_encode(&ev, buf, sizeof(buf)) > 0);
	assert_int_equal(event_json_encode(&ev, buf, 20), -ENOSPC);
}

static void test_unknown_fields_and_version(void **state)
{
	struct agent_event ev;

	(void)state;
	assert_int_equal(decode_str("{\"v\":1,\"op\":\"ban\",\"addr\":\"198.51.100.7\","
				    "\"ttl\":6,\"node\":\"a\",\"id\":\"i\",\"ts\":1,"
				    "\"future\":{\"x\":[1,2]}}", &ev), EVJ_OK);
	assert_string_equal(ev.reason, "");
	assert_int_equal(decode_str("{\"v\":2,\"op\":\"ban\",\"addr\":\"198.51.100.7\","
				    "\"ttl\":6,\"node\":\"a\",\"id\":\"i\",\"ts\":1}", &ev),
			 EVJ_VERSION);
}

/* One defect each: a field's value replaced, or the field dropped. */
struct defect {
	const char *key, *value; /* value NULL: the key is left out */
	enum event_json_err want;
};

static const struct defect defects[] = {
	{ "v", NULL, EVJ_VERSION }, { "v", "2", EVJ_VERSION }, { "v", "0", EVJ_VERSION },
	{ "v", "\"1\"", EVJ_VERSION }, { "v", "1.0", EVJ_VERSION }, { "v", "null", EVJ_VERSION },
	{ "op", NULL, EVJ_OP }, { "op", "\"BAN\"", EVJ_OP }, { "op", "\"drop\"", EVJ_OP },
	{ "op", "\"\"", EVJ_OP }, { "op", "1", EVJ_OP }, { "op", "[\"ban\"]", EVJ_OP },
	{ "addr", NULL, EVJ_ADDR }, { "addr", "\"999.1.1.1\"", EVJ_ADDR },
	{ "addr", "\"198.51.100.0/24\"", EVJ_ADDR }, { "addr", "\"::g\"", EVJ_ADDR },
	{ "addr", "\"\"", EVJ_ADDR }, { "addr", "\"1.2.3\"", EVJ_ADDR },
	{ "addr", "\"example.com\"", EVJ_ADDR }, { "addr", "\" 1.2.3.4\"", EVJ_ADDR },
	{ "addr", "\"1.2.3.4\\u0000x\"", EVJ_NOT_JSON }, { "addr", "3232235777", EVJ_ADDR },
	{ "addr", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	  EVJ_ADDR },
	{ "ttl", NULL, EVJ_TTL }, { "ttl", "-5", EVJ_TTL },
	{ "ttl", "4294967296", EVJ_TTL }, { "ttl", "\"600\"", EVJ_TTL }, { "ttl", "1.5", EVJ_TTL },
	{ "ttl", "true", EVJ_TTL },
	{ "reason", "\"Scanner!\"", EVJ_REASON }, { "reason", "\"\"", EVJ_REASON },
	{ "reason", "\"a b\"", EVJ_REASON }, { "reason", "7", EVJ_REASON },
	{ "reason", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", EVJ_REASON },
	{ "node", NULL, EVJ_NODE }, { "node", "\"\"", EVJ_NODE }, { "node", "\"a b\"", EVJ_NODE },
	{ "node", "\"\\u00e9\"", EVJ_NODE }, { "node", "{}", EVJ_NODE },
	{ "id", NULL, EVJ_ID }, { "id", "\"\"", EVJ_ID }, { "id", "\"a b\"", EVJ_ID },
	{ "id", "\"\\u0001\"", EVJ_ID }, { "id", "42", EVJ_ID },
	{ "ts", NULL, EVJ_TS }, { "ts", "-1", EVJ_TS }, { "ts", "\"now\"", EVJ_TS },
	{ "ts", "1.5", EVJ_TS }, { "ts", "null", EVJ_TS },
};

static const char *const keys[] = { "v", "op", "addr", "ttl", "reason", "node", "id", "ts" };
static const char *const values[] = { "1", "\"ban\"", "\"198.51.100.7\"", "600",
				      "\"scanner\"", "\"edge-a\"", "\"edge-a-1\"",
				      "1700000000000" };

static void build(char *buf, size_t len, const struct defect *d)
{
	size_t n = snprintf(buf, len, "{");

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = values[k];

		if (!strcmp(keys[k], d->key)) {
			if (!d->value)
				continue;
			v = d->value;
		}
		n += snprintf(buf + n, len - n, "%s\"%s\":%s", n > 1 ? "," : "", keys[k], v);
	}
	snprintf(buf + n, len - n, "}");
}

static void test_thousand_malformed(void **state)
{
	struct agent_event ev, untouched;
	char buf[4096];
	unsigned int seed = 12345, done = 0, counts[EVJ__COUNT] = { 0 };
	size_t vlen = strlen(VALID);

	(void)state;
	memset(&untouched, 0x5a, sizeof(untouched));
	for (size_t i = 0; i < sizeof(defects) / sizeof(defects[0]); i++, done++) {
		enum event_json_err err;

		build(buf, sizeof(buf), &defects[i]);
		ev = untouched;
		err = decode_str(buf, &ev);
		if (err != defects[i].want)
			fail_msg("%s: %s, want %s", buf, event_json_err_name(err),
				 event_json_err_name(defects[i].want));
		assert_memory_equal(&ev, &untouched, sizeof(ev));
		counts[err]++;
	}
	/* Every proper prefix of a valid message. */
	for (size_t cut = 0; cut < vlen; cut++, done++) {
		ev = untouched;
		assert_int_not_equal(event_json_decode(VALID, cut, &ev), EVJ_OK);
		assert_memory_equal(&ev, &untouched, sizeof(ev));
	}
	/* Whole-message defects. */
	{
		static const char *const whole[] = {
			"[]", "1", "\"ban\"", "null", "\xff\xfe", VALID "x", "{}", "{\"v\":1}",
			"{\"v\":1,\"v\":1,\"op\":\"ban\",\"addr\":\"198.51.100.7\",\"ttl\":6,"
			"\"node\":\"a\",\"id\":\"i\",\"ts\":1}",
		};
		for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++, done++) {
			ev = untouched;
			assert_int_not_equal(decode_str(whole[i], &ev), EVJ_OK);
			assert_memory_equal(&ev, &untouched, sizeof(ev));
		}
	}
	memset(buf, ' ', EVENT_JSON_MAX + 1);
	assert_int_equal(event_json_decode(buf, EVENT_JSON_MAX + 1, &ev), EVJ_TOO_LARGE);
	done++;
	/* The rest: random bytes (never starting with '{' or blank, so never
	 * a valid object) of random lengths. */
	while (done < 1000) {
		size_t len = rand_r(&seed) % 300;

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)rand_r(&seed);
		if (len && (buf[0] == '{' || buf[0] == ' ' || buf[0] == '\t' ||
			    buf[0] == '\n' || buf[0] == '\r'))
			buf[0] = '#';
		ev = untouched;
		assert_int_not_equal(event_json_decode(buf, len, &ev), EVJ_OK);
		assert_memory_equal(&ev, &untouched, sizeof(ev));
		done++;
	}
	assert_int_equal(done, 1000);
	for (int e = EVJ_VERSION; e <= EVJ_TS; e++)
		assert_true(counts[e] > 0); /* every field's reason was seen */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_unknown_fields_and_version),
		cmocka_unit_test(test_thousand_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
