// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* bpf_helpers.h is included by the parser; on the host it only declares. */
#include "parse_headers.h"
#include "sip_classify.h"
#include "vosfp_shared.h"
#include <vosfp/vosfp.h>

#include "reference.h"

struct sip_src {
	const __u8 *p;
	const __u8 *end;
	__u32 len;
};

/* The same contract as the program's vosfp_find(). */
static inline __u32 sip_find(const struct sip_src *src, __u32 from, __u8 a, __u8 b, __u8 c)
{
	if (from > 0x7ff)
		return SIP_NOT_SEEN;
	for (__u32 i = 0; i < SIP_FIND_WINDOW; i++) {
		__u32 idx = from + i;

		if (idx >= src->len || src->p + idx + 1 > src->end)
			return src->len;
		if (src->p[idx] == a || src->p[idx] == b || src->p[idx] == c)
			return idx;
	}
	return SIP_NOT_SEEN;
}

/* The same contract as the program's vosfp_find_line_u(). */
static inline __u32 sip_find_line_u(const struct sip_src *src, __u32 from)
{
	if (from > 0x7ff)
		return SIP_NOT_SEEN;
	for (__u32 i = 0; i < SIP_FIND_WINDOW; i++) {
		__u32 idx = from + i;
		__u8 next;

		if (idx >= src->len || src->p + idx + 1 > src->end)
			return src->len;
		if (src->p[idx] != '\n')
			continue;
		if (idx + 1 >= src->len || src->p + idx + 2 > src->end)
			return idx;
		next = src->p[idx + 1];
		if ((next | 0x20) == 'u' || next == '\r' || next == '\n')
			return idx;
	}
	return SIP_NOT_SEEN;
}

static inline __u32 sip_header_value(const struct sip_src *src, __u32 at)
{
	return sip_value_after_name(src->p, src->end, src->len, at);
}

int reference_classify(const uint8_t *payload, size_t len)
{
	struct sip_src src = { payload, payload + len, (__u32)len };

	return sip_classify(&src, payload, payload + len, (__u32)len, 0);
}

uint32_t reference_user_agent(const uint8_t *payload, size_t len)
{
	struct sip_src src = { payload, payload + len, (__u32)len };

	return sip_user_agent_offset(&src, payload, payload + len, (__u32)len);
}

static int in_prefix(const uint8_t *addr, const char *text, int family)
{
	uint8_t net[16];
	char buf[64], *slash;
	int bits;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	bits = slash ? atoi(slash + 1) : (family == AF_INET ? 32 : 128);
	if (slash)
		*slash = '\0';
	if (inet_pton(family, buf, net) != 1)
		return 0;
	for (int i = 0; i < bits; i++) {
		int bit = 0x80 >> (i % 8);

		if ((addr[i / 8] & bit) != (net[i / 8] & bit))
			return 0;
	}
	return 1;
}

static int listed(const struct flow *f, const char *v4, const char *v6)
{
	return f->family == L3_V4 ? in_prefix((const uint8_t *)&f->saddr4, v4, AF_INET)
				  : in_prefix((const uint8_t *)&f->saddr6, v6, AF_INET6);
}

/* Case folding as documented for signatures: bit 0x20 set on both sides.
 * The signature must fit in what UDP says is left of the payload (avail)
 * and in the bytes actually present (room). */
static int scanner_user_agent(const uint8_t *v, size_t avail, size_t room)
{
	const char *list = REF_SCANNERS;

	while (*list) {
		const char *comma = strchr(list, ',');
		size_t n = comma ? (size_t)(comma - list) : strlen(list);
		size_t i;

		if (n <= avail && n <= room) {
			for (i = 0; i < n; i++)
				if ((v[i] | 0x20) != ((uint8_t)list[i] | 0x20))
					break;
			if (i == n)
				return 1;
		}
		list += n + (comma ? 1 : 0);
	}
	return 0;
}

static struct ref_verdict verdict(int v, int reason)
{
	return (struct ref_verdict){ v, reason };
}

struct ref_verdict reference_verdict(const uint8_t *frame, size_t len)
{
	void *data = (void *)frame, *end = (void *)(frame + len);
	struct flow f = { 0 };
	const uint8_t *payload;
	__u32 ulen, plen;
	int res;

	if (parse_l3(data, end, &f) < 0)
		return verdict(VOSFP_VERDICT_PASS, REF_NONE);
	if (f.later_fragment)
		return listed(&f, REF_BLOCK4, REF_BLOCK6) ? verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED)
							  : verdict(VOSFP_VERDICT_PASS, REF_NONE);
	/* An IPv6 chain past the walk: source decisions, else dropped. */
	if (f.unparsed) {
		if (listed(&f, REF_BLOCK4, REF_BLOCK6))
			return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
		if (listed(&f, REF_ALLOW4, REF_ALLOW6))
			return verdict(VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
		return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	}
	if (parse_l4(data, end, &f) < 0 || f.dport != 5060)
		return verdict(VOSFP_VERDICT_PASS, REF_NONE);
	if (listed(&f, REF_BLOCK4, REF_BLOCK6))
		return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_BLOCKED);
	if (listed(&f, REF_ALLOW4, REF_ALLOW6))
		return verdict(VOSFP_VERDICT_PASS, VOSFP_CTR_ALLOWED);
	if (f.l4proto != IPPROTO_UDP)
		return verdict(VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);

	ulen = f.udp_len;
	if (ulen < 8 || ulen > f.l3_payload_len)
		ulen = f.l3_payload_len;
	plen = ulen >= 8 ? ulen - 8 : 0;
	payload = frame + f.l4_off + 8;
	if (payload > frame + len)
		payload = frame + len;
	{
		struct sip_src src = { payload, frame + len, plen };

		/* The program settles stealth methods (OPTIONS here) early. */
		res = sip_classify(&src, payload, frame + len, plen, 1u << VOSFP_M_OPTIONS);
	}
	switch (SIP_KIND(res)) {
	case SIP_KEEPALIVE:
		return verdict(VOSFP_VERDICT_PASS, VOSFP_CTR_KEEPALIVE);
	case SIP_MALFORMED:
		return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED);
	case SIP_REQUEST: {
		struct sip_src src = { payload, frame + len, plen };
		size_t room;
		__u32 voff;

		if (SIP_METHOD(res) == VOSFP_M_OPTIONS)
			return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH);
		voff = sip_user_agent_offset(&src, payload, frame + len, plen);
		if (!voff || voff >= plen)
			break;
		room = (size_t)(frame + len - (payload + voff));
		if (plen - voff >= VOSFP_UA_KEY_LEN && room >= VOSFP_UA_KEY_LEN &&
		    scanner_user_agent(payload + voff, plen - voff, room))
			return verdict(VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER);
		break;
	}
	}
	return verdict(VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
}
