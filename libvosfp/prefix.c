// SPDX-License-Identifier: BSD-2-Clause
/*
 * Prefix text <-> binary. Strict on purpose: a policy entry that means
 * something other than what the operator wrote is worse than an error, so
 * spaces, zone ids, leading zeros in the length and host bits beyond the
 * length are all refused with a reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_TEXT 64 /* longest IPv6 text + "/128" is 43 + 4 */

static int why_fail(char *why, size_t why_len, const char *text, const char *reason)
{
	if (why && why_len)
		snprintf(why, why_len, "'%s': %s", text, reason);
	return -EINVAL;
}

/* The decimal length after '/': 1-3 digits, no sign, no leading zero. */
static int parse_len(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int host_bits_set(const uint8_t *addr, uint32_t len, uint32_t bits)
{
	for (uint32_t i = len; i < bits; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}

int vosfp__prefix_parse(const char *text, struct vosfp_prefix *out, char *why, size_t why_len)
{
	char addr[MAX_TEXT];
	const char *slash;
	uint32_t bits;
	size_t alen;

	if (!text || !out)
		return why_fail(why, why_len, "(null)", "no prefix given");
	if (!*text)
		return why_fail(why, why_len, text, "empty prefix");
	if (strlen(text) >= MAX_TEXT)
		return why_fail(why, why_len, "...", "prefix text too long");
	for (const char *c = text; *c; c++)
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
			return why_fail(why, why_len, text, "contains white space");
	if (strchr(text, '%'))
		return why_fail(why, why_len, text, "zone ids are not allowed");

	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen == 0)
		return why_fail(why, why_len, text, "no address before '/'");
	memcpy(addr, text, alen);
	addr[alen] = '\0';

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		bits = 128;
	} else {
		return why_fail(why, why_len, text, "not an IPv4 or IPv6 address");
	}

	out->len = bits;
	if (slash && parse_len(slash + 1, bits, &out->len) < 0)
		return why_fail(why, why_len, text,
				bits == 32 ? "prefix length must be 0-32"
					   : "prefix length must be 0-128");
	if (host_bits_set(out->addr, out->len, bits))
		return why_fail(why, why_len, text, "host bits set beyond the prefix length");
	return 0;
}

int vosfp__prefix_format(const struct vosfp_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%u", addr, p->len);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}
