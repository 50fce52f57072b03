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
	uint32_t byte = len / 8;

	if (len % 8 && (addr[byte++] & (0xffu >> (len % 8))))
		return 1;
	for (; byte < bits / 8; byte++)
		if (addr[byte])
			return 1;
	return 0;
}

/*
 * A dotted-quad IPv4 address, exactly as inet_pton(AF_INET) takes it (four
 * decimal parts of at most 255, no leading zeros, nothing else), without
 * the copy and the generic loop: most lines of a big block list are IPv4.
 * 0 if it is not one (inet_pton then decides).
 */
static int parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	const char *end = s + n;

	for (int part = 0; part < 4; part++) {
		uint32_t v = 0;
		const char *start = s;

		while (s < end && *s >= '0' && *s <= '9' && s - start < 3)
			v = v * 10 + (uint32_t)(*s++ - '0');
		if (s == start || v > 255 || (s - start > 1 && *start == '0'))
			return 0;
		out[part] = (uint8_t)v;
		if (part < 3 && (s == end || *s++ != '.'))
			return 0;
	}
	return s == end;
}

/* ::ffff:0:0/96, where RFC 4291 puts IPv4 addresses written as IPv6. */
static int is_v4_mapped(const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, mapped, sizeof(mapped));
}

/* "::ffff:192.0.2.1" is how a dual-stack socket shows an IPv4 peer: an
 * operator who pastes it from a log means the IPv4 host, and an IPv6 entry
 * would match nothing (IPv4 packets carry IPv4 sources). So it becomes the
 * IPv4 prefix, and shows as such. */
static void to_ipv4(struct vosfp_prefix *p)
{
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, 12);
	p->family = AF_INET;
	p->len -= 96;
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
	/* One pass: the length, white space, a zone id, the slash. */
	slash = NULL;
	for (const char *c = text;; c++) {
		if (!*c) {
			alen = (size_t)(c - text);
			break;
		}
		if (c - text >= MAX_TEXT - 1)
			return why_fail(why, why_len, "...", "prefix text too long");
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
			return why_fail(why, why_len, text, "contains white space");
		if (*c == '%')
			return why_fail(why, why_len, text, "zone ids are not allowed");
		if (*c == '/' && !slash)
			slash = c;
	}
	if (slash)
		alen = (size_t)(slash - text);
	if (alen == 0)
		return why_fail(why, why_len, text, "no address before '/'");

	memset(out, 0, sizeof(*out));
	if (parse_ipv4(text, alen, out->addr)) {
		out->family = AF_INET;
		bits = 32;
	} else {
		memcpy(addr, text, alen);
		addr[alen] = '\0';
		if (inet_pton(AF_INET, addr, out->addr) == 1) {
			out->family = AF_INET;
			bits = 32;
		} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
			out->family = AF_INET6;
			bits = 128;
		} else {
			return why_fail(why, why_len, text, "not an IPv4 or IPv6 address");
		}
	}

	out->len = bits;
	if (slash && parse_len(slash + 1, bits, &out->len) < 0)
		return why_fail(why, why_len, text,
				bits == 32 ? "prefix length must be 0-32"
					   : "prefix length must be 0-128");
	if (host_bits_set(out->addr, out->len, bits))
		return why_fail(why, why_len, text, "host bits set beyond the prefix length");
	if (bits == 128 && out->len >= 96 && is_v4_mapped(out->addr))
		to_ipv4(out);
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
