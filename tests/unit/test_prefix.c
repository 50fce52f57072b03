// SPDX-License-Identifier: BSD-2-Clause
/* Prefix parsing and formatting: every good form, every bad one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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
	expect_good("::ffff:192.0.2.1", AF_INET6, 128, "::ffff:192.0.2.1/128");
	expect_good("fe80::/10", AF_INET6, 10, "fe80::/10");
	expect_good("2001:db8:0:0:0:0:0:0/64", AF_INET6, 64, "2001:db8::/64");
	expect_good("::ffff:192.0.2.0/120", AF_INET6, 120, "::ffff:192.0.2.0/120");
	expect_good("FE80::ABCD", AF_INET6, 128, "fe80::abcd/128");
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
		cmocka_unit_test(test_bad_forms),
		cmocka_unit_test(test_format_buffer_too_small),
	};

	return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
