// SPDX-License-Identifier: BSD-2-Clause
/* Prefix parsing and formatting: every good form, every bad one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdint.h>

#include <cmocka.h>

#include "internal.h"

static void expect_good(const char *text, int family, unsigned len, const char *canonical)
{
	struct vosfp_prefix p;
	char why[256], out[64];

	if (vosfp__prefix_parse(text, &p, why, sizeof(why)))
		fail_msg("'%s' refused: %s", text, why);
	assert_int_equal(p.family, family);
	assert_int_equal(p.len, len);
	assert_int_equal(vosfp__prefix_format(&p, out, sizeof(out)), 0);
	assert_string_equal(out, canonical);
	/* Round trip: the canonical text parses to the same prefix. */
	struct vosfp_prefix again;
	assert_int_equal(vosfp__prefix_parse(out, &again, why, sizeof(why)), 0);
	assert_int_equal(again.family, p.family);
	assert_int_equal(again.len, p.len);
	assert_memory_equal(again.addr, p.addr, sizeof(p.addr));
	/* The public check agrees and gives the same canonical text. */
	assert_int_equal(vosfp_prefix_check(text, out, sizeof(out), why, sizeof(why)), 0);
	assert_string_equal(out, canonical);
}

static void expect_bad(const char *text, const char *reason_part)
{
	struct vosfp_prefix p;
	char why[256] = "";

	assert_int_equal(vosfp__prefix_parse(text, &p, why, sizeof(why)), -EINVAL);
	if (!strstr(why, reason_part))
		fail_msg("'%s': reason '%s' does not mention '%s'", text ? text : "(null)", why,
			 reason_part);
	assert_int_equal(vosfp_prefix_check(text, NULL, 0, why, sizeof(why)), -EINVAL);
}

static void test_good_ipv4(void **state)
{
	(void)state;
	expect_good("192.0.2.0/24", AF_INET, 24, "192.0.2.0/24");
	expect_good("192.0.2.1", AF_INET, 32, "192.0.2.1/32");
	expect_good("192.0.2.1/32", AF_INET, 32, "192.0.2.1/32");
	expect_good("0.0.0.0/0", AF_INET, 0, "0.0.0.0/0");
	expect_good("10.0.0.0/8", AF_INET, 8, "10.0.0.0/8");
	expect_good("255.255.255.255", AF_INET, 32, "255.255.255.255/32");
	expect_good("198.51.100.128/25", AF_INET, 25, "198.51.100.128/25");
}

static void test_good_ipv6(void **state)
{
	(void)state;
	expect_good("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	expect_good("2001:DB8:0::/32", AF_INET6, 32, "2001:db8::/32");
	expect_good("::/0", AF_INET6, 0, "::/0");
	expect_good("::1", AF_INET6, 128, "::1/128");
	expect_good("2001:db8::1/128", AF_INET6, 128, "2001:db8::1/128");
	expect_good("fe80::/10", AF_INET6, 10, "fe80::/10");
	expect_good("2001:db8:0:0:0:0:0:0/64", AF_INET6, 64, "2001:db8::/64");
	expect_good("FE80::ABCD", AF_INET6, 128, "fe80::abcd/128");
}

/* IPv4-mapped IPv6 (::ffff:0:0/96) means the IPv4 prefix: an IPv6 entry
 * would never match, as IPv4 packets carry IPv4 sources. */
static void test_v4_mapped(void **state)
{
	(void)state;
	expect_good("::ffff:192.0.2.1", AF_INET, 32, "192.0.2.1/32");
	expect_good("::FFFF:192.0.2.1/128", AF_INET, 32, "192.0.2.1/32");
	expect_good("::ffff:c000:201", AF_INET, 32, "192.0.2.1/32");
	expect_good("::ffff:192.0.2.0/120", AF_INET, 24, "192.0.2.0/24");
	expect_good("0:0:0:0:0:ffff:10.0.0.0/104", AF_INET, 8, "10.0.0.0/8");
	expect_good("::ffff:0.0.0.0/96", AF_INET, 0, "0.0.0.0/0");
	/* Shorter than /96 it is an IPv6 network that merely contains them. */
	expect_good("::/80", AF_INET6, 80, "::/80");
	/* Not mapped: IPv4-compatible (deprecated) and NAT64 stay IPv6. */
	expect_good("::192.0.2.1", AF_INET6, 128, "::192.0.2.1/128");
	expect_good("64:ff9b::192.0.2.1", AF_INET6, 128, "64:ff9b::c000:201/128");
	expect_bad("::ffff:192.0.2.1/120", "host bits");
	expect_bad("::ffff:192.0.2.1/129", "0-128");
}

static void test_bad_forms(void **state)
{
	char huge[300];

	(void)state;
	expect_bad(NULL, "no prefix");
	expect_bad("", "empty");
	expect_bad("10.0.0.0/33", "0-32");
	expect_bad("::/129", "0-128");
	expect_bad("1.2.3", "not an IPv4 or IPv6");
	expect_bad("1.2.3.4.5", "not an IPv4 or IPv6");
	expect_bad("256.0.0.0/8", "not an IPv4 or IPv6");
	expect_bad("garbage", "not an IPv4 or IPv6");
	expect_bad("192.0.2.0/24 ", "white space");
	expect_bad(" 192.0.2.0/24", "white space");
	expect_bad("192.0.2.0 /24", "white space");
	expect_bad("192.0.2.0/24\n", "white space");
	expect_bad("/24", "no address");
	expect_bad("/", "no address");
	expect_bad("10.0.0.0/", "0-32");
	expect_bad("10.0.0.0/024", "0-32");
	expect_bad("10.0.0.0/+8", "0-32");
	expect_bad("10.0.0.0/-8", "0-32");
	expect_bad("10.0.0.0/8/8", "0-32");
	expect_bad("10.0.0.0/8x", "0-32");
	expect_bad("192.0.2.1/24", "host bits");
	expect_bad("2001:db8::1/64", "host bits");
	expect_bad("0.0.0.1/0", "host bits");
	/* The first host bit inside a byte, and the last bit of all. */
	expect_bad("192.0.2.64/25", "host bits");
	expect_bad("192.0.2.1/31", "host bits");
	expect_bad("2001:db8:4000::/33", "host bits");
	expect_bad("2001:db8::1/127", "host bits");
	expect_good("2001:db8:8000::/33", AF_INET6, 33, "2001:db8:8000::/33");
	expect_bad("fe80::1%eth0", "zone");
	expect_bad("2001:db8:::/32", "not an IPv4 or IPv6");
	expect_bad("fe80::1%eth0/128", "zone");
	expect_bad("10.0.0.0\t/8", "white space");
	expect_bad("192.0.2.0/24/", "0-32");
	expect_bad("0x0a.0.0.0/8", "not an IPv4 or IPv6");
	expect_bad("010.0.0.0/8", "not an IPv4 or IPv6");
	memset(huge, '1', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	expect_bad(huge, "too long");
}

/* The parser reads dotted quads itself (the common case of big lists) and
 * leaves everything else to inet_pton: it must take exactly what
 * inet_pton takes, with the same address. Near-misses of real addresses
 * (leading zeros, 256, missing or extra parts, stray characters) and
 * random strings over the characters that matter. */
static void test_addresses_as_inet_pton(void **state)
{
	static const char alphabet[] = "0123456789..::a";
	uint64_t r = 0x2545f4914f6cdd1dull;
	size_t checked = 0;

	(void)state;
	for (int i = 0; i < 300000; i++) {
		char text[24];
		size_t n;
		uint8_t want[16];
		struct vosfp_prefix p;
		int fam4, fam6, got;

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		if (i % 2) { /* a mutated real address */
			n = (size_t)snprintf(text, sizeof(text), "%u.%u.%u.%u", (unsigned)(r % 260),
					     (unsigned)(r >> 9 & 255), (unsigned)(r >> 17 & 31),
					     (unsigned)(r >> 22 & 255));
			if ((r >> 40 & 3) == 0)
				text[(r >> 42) % n] = alphabet[(r >> 50) % (sizeof(alphabet) - 1)];
			if ((r >> 60 & 7) == 0)
				memmove(text + 1, text, n + 1), text[0] = '0', n++;
		} else { /* random */
			n = 1 + (size_t)((r >> 3) % 16);
			for (size_t k = 0; k < n; k++)
				text[k] = alphabet[(r >> (k * 3 % 60)) % (sizeof(alphabet) - 1)];
			text[n] = '\0';
		}
		memset(want, 0, sizeof(want));
		fam4 = inet_pton(AF_INET, text, want) == 1;
		fam6 = !fam4 && inet_pton(AF_INET6, text, want) == 1;
		got = vosfp__prefix_parse(text, &p, NULL, 0);
		if (!fam4 && !fam6) {
			if (!got)
				fail_msg("'%s' taken, inet_pton refuses it", text);
			continue;
		}
		if (got)
			fail_msg("'%s' refused, inet_pton takes it", text);
		assert_int_equal(p.family, fam4 ? AF_INET : AF_INET6);
		assert_memory_equal(p.addr, want, fam4 ? 4 : 16);
		checked++;
	}
	/* Both kinds of input met: the test is not vacuous. */
	assert_true(checked > 10000);
}

static void test_format_buffer_too_small(void **state)
{
	struct vosfp_prefix p;
	char out[8];

	(void)state;
	assert_int_equal(vosfp__prefix_parse("2001:db8::/32", &p, NULL, 0), 0);
	assert_int_equal(vosfp__prefix_format(&p, out, sizeof(out)), -ENOSPC);
	assert_int_equal(vosfp_prefix_check("2001:db8::/32", out, sizeof(out), NULL, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_ipv4),
		cmocka_unit_test(test_good_ipv6),
		cmocka_unit_test(test_v4_mapped),
		cmocka_unit_test(test_bad_forms),
		cmocka_unit_test(test_addresses_as_inet_pton),
		cmocka_unit_test(test_format_buffer_too_small),
	};

	return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
