// SPDX-License-Identifier: LGPL-2.1-or-later
/* The spoofed flood's frame templates: see frame_templates.h. */
#include "frame_templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_LEN 14
#define IPV4_LEN 20
#define IPV6_LEN 40
#define UDP_LEN 8

static void bad(const char *prog, const char *path, unsigned int lineno, const char *what)
{
	if (lineno)
		fprintf(stderr, "%s: %s:%u: %s\n", prog, path, lineno, what);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, path, what);
	exit(2);
}

/* The length the IP header claims for what follows the Ethernet header. */
static unsigned int ip_claimed_len(const struct frame_tmpl *t)
{
	const unsigned char *ip = t->frame + ETH_LEN;

	if (t->v6)
		return IPV6_LEN + (ip[4] << 8 | ip[5]);
	return ip[2] << 8 | ip[3];
}

static void parse_spans(const char *prog, const char *path, unsigned int lineno,
			char *spans, struct frame_tmpl *t)
{
	char *s, *save = NULL;

	s = strcmp(spans, "-") ? strtok_r(spans, ",", &save) : NULL;
	for (; s; s = strtok_r(NULL, ",", &save)) {
		struct frame_span *r = &t->span[t->nspans];
		char tail;

		if (t->nspans == FRAME_MAX_SPANS)
			bad(prog, path, lineno, "more random spans than a template may have");
		if (sscanf(s, "%u:%u%c", &r->off, &r->len, &tail) != 2 || !r->len ||
		    r->off >= t->len || r->len > t->len - r->off)
			bad(prog, path, lineno, "a random span is not OFF:LEN inside the frame");
		t->nspans++;
	}
}

unsigned int frame_templates_load(const char *prog, const char *path,
				  struct frame_tmpl *tmpls)
{
	char line[2 * FRAME_MAX_LEN + 256], fam[4], spans[128], hex[2 * FRAME_MAX_LEN + 2];
	unsigned int n = 0, lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		bad(prog, path, 0, "cannot open the template file");
	while (fgets(line, sizeof(line), f)) {
		struct frame_tmpl *t = &tmpls[n];
		size_t hexlen;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strchr(line, '\n') && !feof(f))
			bad(prog, path, lineno, "line too long (a frame is at most 1514 bytes)");
		if (n == FRAME_MAX_TEMPLATES)
			bad(prog, path, lineno, "more than 32 templates");
		memset(t, 0, sizeof(*t));
		if (sscanf(line, "%3s %127s %3030s", fam, spans, hex) != 3)
			bad(prog, path, lineno, "not \"v4|v6 SPANS HEXFRAME\"");
		t->v6 = !strcmp(fam, "v6");
		if (!t->v6 && strcmp(fam, "v4"))
			bad(prog, path, lineno, "the family must be v4 or v6");
		hexlen = strlen(hex);
		if (hexlen % 2 || hexlen / 2 > FRAME_MAX_LEN ||
		    hexlen / 2 < ETH_LEN + (t->v6 ? IPV6_LEN : IPV4_LEN) + UDP_LEN)
			bad(prog, path, lineno, "the frame is not whole bytes of an IP/UDP frame");
		for (size_t i = 0; i < hexlen / 2; i++)
			if (sscanf(hex + 2 * i, "%2hhx", &t->frame[i]) != 1)
				bad(prog, path, lineno, "bad hex in the frame");
		t->len = hexlen / 2;
		if (ip_claimed_len(t) > t->len - ETH_LEN)
			bad(prog, path, lineno, "the IP length runs past the frame");
		parse_spans(prog, path, lineno, spans, t);
		n++;
	}
	fclose(f);
	if (!n)
		bad(prog, path, 0, "no templates");
	return n;
}

struct frame_csum_area frame_csum_area(const struct frame_tmpl *t)
{
	struct frame_csum_area a;

	if (t->v6) {
		a.start = ETH_LEN + 8;	/* the source address */
		a.end = ETH_LEN + ip_claimed_len(t);
		a.field = ETH_LEN + IPV6_LEN + 6;
	} else {
		a.start = ETH_LEN;
		a.end = ETH_LEN + IPV4_LEN;
		a.field = ETH_LEN + 10;
	}
	return a;
}

uint32_t ipv6_pseudo_rest(const unsigned char *frame)
{
	const unsigned char *ip = frame + ETH_LEN;

	return (uint32_t)(ip[4] << 8 | ip[5]) + 17;
}

uint32_t frame_sum16(const unsigned char *p, unsigned int len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t frame_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
