// SPDX-License-Identifier: BSD-2-Clause
/*
 * The byte scans of the XDP program at their edges, against the host
 * reference: the Request-URI scan and the User-Agent walk read the payload
 * in blocks of words (bpf/sip_scan.h), so every place a block can start,
 * end or be cut short must give the answer a plain byte loop gives. Sweeps,
 * not random frames (the differential test does those): the URI's end and
 * the User-Agent line at every offset, the payload cut after every byte of
 * the lines that matter, bytes below 0x21 inside the URI that are not its
 * end, leading line breaks, the 64 candidate lines and the 1,500-byte
 * window. Each frame's verdict and reason must be the reference's, over
 * IPv4 and IPv6. Needs root and BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "reference.h"
#include "skip.h"

#define MAXP 3000

static struct vosfp *h;
static long frames, mismatches;

/* One payload through the kernel and the reference, from both families:
 * the same verdict, and the same reason where the kernel can tell it. */
static int check(const char *what, const char *pl, size_t len)
{
	static const char *srcs[] = { "192.0.2.99", "2001:db8:99::99" };

	for (int f = 0; f < 2; f++) {
		struct frame_spec s = { .src = srcs[f], .payload = pl, .payload_len = len };
		struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
		uint8_t frame[MAXP + 128];
		struct ref_verdict ref;
		size_t flen = frame_build(&s, frame, sizeof(frame));

		if (!flen) {
			fprintf(stderr, "%s: frame too long (%zu)\n", what, len);
			return -1;
		}
		ref = reference_verdict(frame, flen);
		if (vosfp_test_packet_ex(h, frame, flen, &o)) {
			fprintf(stderr, "%s: %s\n", what, vosfp_last_error(h));
			return -1;
		}
		frames++;
		if (o.verdict != ref.verdict ||
		    (o.reason != VOSFP_REASON_UNKNOWN && o.reason != ref.reason)) {
			if (++mismatches <= 10)
				fprintf(stderr,
					"%s (%s, %zu bytes): kernel %d/%s, reference %d/%s\n",
					what, srcs[f], len, o.verdict,
					o.reason >= 0 ? vosfp_counter_name(o.reason) : "none",
					ref.verdict,
					ref.reason >= 0 ? vosfp_counter_name(ref.reason) : "none");
		}
	}
	return 0;
}

/* check() on every prefix of pl from `from` bytes on (a datagram cut short
 * anywhere in the lines that matter), then on the whole. */
static int check_cuts(const char *what, const char *pl, size_t len, size_t from)
{
	for (size_t n = from; n < len; n++)
		if (check(what, pl, n))
			return -1;
	return check(what, pl, len);
}

static size_t put(char *buf, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at + n < MAXP)
		memcpy(buf + at, s, n);
	return at + n < MAXP ? at + n : at;
}

static size_t fill(char *buf, size_t at, char c, size_t n)
{
	if (at + n < MAXP)
		memset(buf + at, c, n);
	return at + n < MAXP ? at + n : at;
}

static const char *scanner_line = "User-Agent: friendly-scanner\r\n";

/* The Request-URI's end at every offset; a TAB, a NUL or a 0x1f inside it
 * (below 0x21, not its end); the payload cut through its end. */
static int sweep_uri(void)
{
	static const char inner[] = { '\t', 0, 0x1f, 0x7f, (char)0x80 };
	char pl[MAXP];

	for (size_t u = 1; u <= 420; u++) {
		for (int k = -1; k < (int)sizeof(inner); k++) {
			size_t n = put(pl, 0, "INVITE sip:");

			n = fill(pl, n, 'a', u);
			if (k >= 0)
				pl[n - 1 - u / 2] = inner[k];
			n = put(pl, n, " SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99\r\n");
			n = put(pl, n, scanner_line);
			n = put(pl, n, "\r\n");
			if (k < 0 && (u % 8 == 0 || u % 8 == 7 || u < 40)) {
				if (check_cuts("uri", pl, n, 9 + u)) /* from the URI's end */
					return -1;
			} else if (check("uri", pl, n)) {
				return -1;
			}
		}
	}
	return 0;
}

/* The User-Agent line at every offset, after a long or a short line, in
 * the headers or after the empty line; cut through its name and value. */
static int sweep_user_agent(void)
{
	char pl[MAXP];

	for (size_t pad = 0; pad <= 400; pad++) {
		for (int body = 0; body < 3; body++) {
			size_t n = put(pl, 0, "REGISTER sip:example.com SIP/2.0\r\nX-Pad: ");
			size_t at;

			n = fill(pl, n, 'p', pad);
			n = put(pl, n, body == 2 ? "\n" : "\r\n");
			if (body == 1)
				n = put(pl, n, "\r\n");
			at = n;
			n = put(pl, n, pad % 2 ? scanner_line : "user-agent :\t sipvicious\r\n");
			n = put(pl, n, "\r\n");
			if (pad % 16 < 3 || pad % 16 > 13) {
				if (check_cuts("user-agent", pl, n, at > 2 ? at - 2 : 0))
					return -1;
			} else if (check("user-agent", pl, n)) {
				return -1;
			}
		}
	}
	return 0;
}

/* Line breaks before the Request-Line; lines that start with U (each a
 * candidate of the walk) up to and past its 64; a User-Agent line about
 * the end of the 1,500-byte window. */
static int sweep_limits(void)
{
	static const char *lead[] = { "\r\n", "\n", "\r\n\r\n", "\n\n", "\r\n\r\n\r\n" };
	char pl[MAXP];

	for (size_t l = 0; l < sizeof(lead) / sizeof(lead[0]); l++) {
		size_t n = put(pl, 0, lead[l]);

		n = put(pl, n, "UPDATE sip:a@example.com SIP/2.0\r\nUnsupported: x\r\n");
		n = put(pl, n, scanner_line);
		if (check("leading line breaks", pl, put(pl, n, "\r\n")))
			return -1;
	}
	for (int lines = 58; lines <= 68; lines++) {
		size_t n = put(pl, 0, "OPTIONSX sip:a@example.com SIP/2.0\r\n");

		for (int k = 0; k < lines; k++)
			n = put(pl, n, k % 2 ? "Unsupported: timer\r\n" : "u: x\r\n");
		n = put(pl, n, scanner_line);
		if (check("64 lines", pl, put(pl, n, "\r\n")))
			return -1;
	}
	for (size_t at = 1440; at <= 1560; at++) {
		size_t n = put(pl, 0, "MESSAGE sip:a@example.com SIP/2.0\r\nX-Long: ");

		n = fill(pl, n, 'x', at - n - 2);
		n = put(pl, n, "\r\n");
		n = put(pl, n, scanner_line);
		if (check("window", pl, put(pl, n, "\r\n")))
			return -1;
	}
	/* A Request-URI about the end of its window. */
	for (size_t u = 1480; u <= 1530; u++) {
		size_t n = put(pl, 0, "INVITE sip:");

		n = fill(pl, n, 'u', u);
		n = put(pl, n, " SIP/2.0\r\n");
		n = put(pl, n, scanner_line);
		if (check("uri window", pl, put(pl, n, "\r\n")))
			return -1;
	}
	return 0;
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	char root[128];
	int err;

	if (geteuid() != 0)
		return test_skip("needs root and BPF (BPF_PROG_TEST_RUN)");
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tscan-%d", getpid());
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err) {
		printf("SKIP: cannot load the program: %s\n", vosfp_open_error());
		return err == -EPERM ? TEST_SKIPPED : 1;
	}
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK4) ||
	    vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK6) ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW4) ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW6) ||
	    vosfp_config_set(h, "autoban", "off") ||
	    vosfp_config_set(h, "user_agents", REF_SCANNERS)) {
		fprintf(stderr, "setup: %s\n", vosfp_last_error(h));
		err = -1;
	}
	if (!err)
		err = sweep_uri() || sweep_user_agent() || sweep_limits();
	vosfp_unpin(h);
	vosfp_close(h);
	printf("%ld mismatches in %ld frames\n", mismatches, frames);
	return err || mismatches ? 1 : 0;
}
