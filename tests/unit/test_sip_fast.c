// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpf/sip_fast.h, the decision's shortcut before the classifier, against
 * sip_classify() itself, both compiled for the host: wherever the shortcut
 * answers, its answer is the classifier's, for every payload of up to five
 * bytes over the bytes that steer the classifier, for every known method
 * with its space and any tail, with every bytes-present count (a frame cut
 * short, or padded past the payload), and for the settled sets the program
 * passes (none, the stealth default, all). And it answers, without the
 * classifier, for the junk it exists for: keep-alives, settled methods,
 * binary first bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip_classify.h"
#include "sip_fast.h"

struct sip_src {
	const __u8 *p;
	const __u8 *end;
	__u32 len;
};

/* The contracts of the program's hooks (sip_hooks.h), as plain loops. */
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

static inline __u32 sip_find_line_u(const struct sip_src *src, __u32 from)
{
	(void)src;
	(void)from;
	return SIP_NOT_SEEN; /* the User-Agent walk is not under test */
}

static inline __u32 sip_header_value(const struct sip_src *src, __u32 at)
{
	return sip_value_after_name(src->p, src->end, src->len, at);
}

static const __u32 settled_sets[] = { 0, 1u << VOSFP_M_OPTIONS, ~0u };

static unsigned long decided, compared;

/* len: what UDP says; avail: the bytes present from buf on. */
static void check_one(const __u8 *buf, __u32 len, __u32 avail, __u32 settled)
{
	struct sip_src src = { buf, buf + avail, len };
	int fast = sip_fast((void *)buf, (void *)(buf + avail), 0, len, settled);
	int want;

	compared++;
	if (fast == SIP_FAST_ASK)
		return;
	decided++;
	want = sip_classify(&src, buf, buf + avail, len, settled);
	if (fast != want) {
		print_error("len %u avail %u settled %#x: fast %#x, classifier %#x, bytes:", len,
			    avail, settled, fast, want);
		for (__u32 i = 0; i < avail && i < 16; i++)
			print_error(" %02x", buf[i]);
		print_error("\n");
		fail();
	}
}

/* Every bytes-present count around len: cut short, exact, padded (with
 * the padding bytes given, as Ethernet padding would be). */
static void check_all(__u8 *buf, __u32 len, __u8 pad)
{
	__u8 frame[96];

	assert_true(len + 8 <= sizeof(frame));
	for (__u32 avail = 0; avail <= len + 8; avail++) {
		memcpy(frame, buf, len < avail ? len : avail);
		for (__u32 i = len; i < avail; i++)
			frame[i] = pad;
		for (size_t s = 0; s < sizeof(settled_sets) / sizeof(settled_sets[0]); s++)
			check_one(frame, len, avail, settled_sets[s]);
	}
}

/* The bytes the classifier's first steps branch on. */
static const __u8 alphabet[] = { '\r', '\n', ' ', 'O', 'S', 'I', 'P', '/', 'x', '1', 0x00,
				 0x16, 0x7f, 0xc3, '<', ':' };

static void short_payloads(void **state)
{
	const size_t n = sizeof(alphabet);
	__u8 buf[8];

	(void)state;
	for (__u32 len = 0; len <= 5; len++) {
		size_t total = 1;

		for (__u32 i = 0; i < len; i++)
			total *= n;
		for (size_t k = 0; k < total; k++) {
			size_t x = k;

			for (__u32 i = 0; i < len; i++, x /= n)
				buf[i] = alphabet[x % n];
			check_all(buf, len, 0);
			if (len <= 3)
				check_all(buf, len, '\n');
		}
	}
	print_message("%lu cases, %lu decided by the shortcut\n", compared, decided);
	assert_true(decided > 0);
}

static const char *const methods[] = { "ACK",	  "BYE",     "INFO",	"PRACK",   "REFER",
				       "INVITE",  "CANCEL",  "NOTIFY",	"UPDATE",  "OPTIONS",
				       "PUBLISH", "MESSAGE", "REGISTER", "SUBSCRIBE", "OPTION",
				       "options", "OPTIONSX", "AC",	"FOO" };

static const char *const tails[] = { "sip:100@198.51.100.1 SIP/2.0\r\n", "", " ", "\r\n",
				     "sip:x SIP/2.0", "<sip:x> SIP/2.0\r\n", "sip:x sip/2.0\n",
				     "\x01\x02" };

static void methods_and_tails(void **state)
{
	__u8 buf[80];

	(void)state;
	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++)
			for (int sep = 0; sep < 3; sep++) {
				int n = snprintf((char *)buf, sizeof(buf), "%s%s%s", methods[m],
						 sep == 0 ? " " : sep == 1 ? "\t" : "", tails[t]);

				check_all(buf, (__u32)n, 0);
			}
}

/* STUN-shaped headers (RFC 5389: the top two bits clear, the cookie at
 * 4): the shortcut must leave every one of them to the classifier. */
static void stun_shapes(void **state)
{
	__u8 buf[40];

	(void)state;
	for (int first = 0; first < 0x40; first += 0x16)
		for (int cookie = 0; cookie < 2; cookie++)
			for (__u32 len = 18; len <= 32; len += 2) {
				memset(buf, 'a', sizeof(buf));
				buf[0] = (__u8)first;
				buf[1] = 0x01;
				buf[2] = 0;
				buf[3] = (__u8)(len - 20);
				if (cookie)
					memcpy(buf + 4, "\x21\x12\xa4\x42", 4);
				check_all(buf, len, 0);
			}
}

/* The junk the shortcut is for is decided without the classifier. */
static void answers_the_junk(void **state)
{
	static const char options[] = "OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n\r\n";
	static const __u8 tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03,
				    0x03, ' ',	'g',  'a',  'r',  'b',	'a',  'g',  'e' };
	const __u8 *o = (const __u8 *)options;

	(void)state;
	assert_int_equal(sip_fast((void *)"\r\n\r\n", (void *)("\r\n\r\n" + 4), 0, 4, 0),
			 SIP_RESULT(SIP_KEEPALIVE, 0));
	assert_int_equal(sip_fast((void *)"\r\n", (void *)("\r\n" + 2), 0, 2, 0),
			 SIP_RESULT(SIP_KEEPALIVE, 0));
	assert_int_equal(sip_fast((void *)o, (void *)(o + sizeof(options) - 1), 0,
				  sizeof(options) - 1, 1u << VOSFP_M_OPTIONS),
			 SIP_RESULT(SIP_REQUEST, VOSFP_M_OPTIONS));
	assert_int_equal(sip_fast((void *)tls, (void *)(tls + sizeof(tls)), 0, sizeof(tls), 0),
			 SIP_RESULT(SIP_MALFORMED, 0));
	/* Not settled, a STUN-shaped header, leading CRLF: the classifier's. */
	assert_int_equal(sip_fast((void *)o, (void *)(o + sizeof(options) - 1), 0,
				  sizeof(options) - 1, 0),
			 SIP_FAST_ASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_payloads),
		cmocka_unit_test(methods_and_tails),
		cmocka_unit_test(stun_shapes),
		cmocka_unit_test(answers_the_junk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
