// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

int cidr_parse(const char *text, struct cidr *out)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	out->len = max;
	if (slash) {
		char *end;
		unsigned long l;

		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		l = strtoul(slash + 1, &end, 10);
		if (*end || l > max)
			return -1;
		out->len = (unsigned)l;
	}
	return 0;
}

/* 1 if the first len bits of a and b are equal. */
static int same_bits(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole))
		return 0;
	if (!rest)
		return 1;
	return !((a[whole] ^ b[whole]) & (uint8_t)(0xff << (8 - rest)));
}

int cidr_covers(const struct cidr *outer, const struct cidr *inner)
{
	return outer->family == inner->family && outer->len <= inner->len &&
	       same_bits(outer->addr, inner->addr, outer->len);
}

int cidr_overlap(const struct cidr *a, const struct cidr *b)
{
	return cidr_covers(a, b) || cidr_covers(b, a);
}
