// SPDX-License-Identifier: BSD-2-Clause
/*
 * Policy files: "PREFIX [ttl=DURATION] [# comment]" per line. The whole
 * text is parsed before the list is touched, so a bad line changes
 * nothing; then the entries go in as one change or one atomic replace.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define MAX_TTL_SECONDS (10u * 365 * 24 * 3600)

VOSFP_API int vosfp_duration_parse(const char *text, uint32_t *seconds)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!text || !seconds || !isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 's': end++; break;
	case 'm': mult = 60; end++; break;
	case 'h': mult = 3600; end++; break;
	case 'd': mult = 86400; end++; break;
	default: return -EINVAL;
	}
	if (*end || !v || v > MAX_TTL_SECONDS / mult)
		return -EINVAL;
	*seconds = (uint32_t)(v * mult);
	return 0;
}

/* One line (NUL-terminated, comment already cut): 0 = blank, 1 = entry. */
static int parse_line(char *line, struct pol_entry *e, char *why, size_t why_len)
{
	char *words[3];
	int n = 0;
	uint32_t ttl = 0;
	struct vosfp_prefix p;

	for (char *w = strtok(line, " \t\r"); w; w = strtok(NULL, " \t\r")) {
		if (n == 2) {
			snprintf(why, why_len, "unexpected '%s' (expected PREFIX [ttl=DURATION])", w);
			return -EINVAL;
		}
		words[n++] = w;
	}
	if (!n)
		return 0;
	if (vosfp__prefix_parse(words[0], &p, why, why_len))
		return -EINVAL;
	if (n == 2) {
		if (strncmp(words[1], "ttl=", 4) || vosfp_duration_parse(words[1] + 4, &ttl)) {
			snprintf(why, why_len, "bad TTL '%s' (expected ttl=SECONDS or ttl=N[smhd], "
				 "at most 10 years)", words[1]);
			return -EINVAL;
		}
	}
	vosfp__policy_entry(&p, ttl, e);
	return 1;
}

static int parse_text(struct vosfp *h, const char *text, size_t len, const char *name,
		      struct pol_entry **out, size_t *n)
{
	struct pol_entry *e = NULL;
	size_t count = 0, cap = 0, lineno = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *hash = memchr(p, '#', l);
		size_t keep = hash ? (size_t)(hash - p) : l; /* the comment is cut */
		/* Lines are short: most are copied to the stack, not the heap. */
		char why[256], small[256], *line = keep < sizeof(small) ? small : malloc(keep + 1);
		int r;

		lineno++;
		if (!line)
			goto nomem;
		if (memchr(p, '\0', l)) {
			if (line != small)
				free(line);
			free(e);
			return vosfp__fail(h, -EINVAL, "%s:%zu: NUL byte in the line", name, lineno);
		}
		memcpy(line, p, keep);
		line[keep] = '\0';
		p += l + (nl != NULL);
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct pol_entry *ne = realloc(e, ncap * sizeof(*ne));

			if (!ne) {
				if (line != small)
					free(line);
				goto nomem;
			}
			e = ne;
			cap = ncap;
		}
		r = parse_line(line, &e[count], why, sizeof(why));
		if (line != small)
			free(line);
		if (r < 0) {
			free(e);
			return vosfp__fail(h, -EINVAL, "%s:%zu: %s", name, lineno, why);
		}
		count += (size_t)r;
	}
	*out = e;
	*n = count;
	return 0;
nomem:
	free(e);
	return vosfp__fail(h, -ENOMEM, "%s: out of memory", name);
}

VOSFP_API int vosfp_policy_load_buffer(struct vosfp *h, int list, const char *text, size_t len,
				       const char *name, unsigned flags)
{
	struct pol_entry *e = NULL;
	size_t n = 0;
	int err, present;

	if (!h)
		return -EINVAL;
	if (vosfp__check_list(h, list))
		return -EINVAL;
	if ((!text && len) || (flags & ~VOSFP_LOAD_REPLACE))
		return vosfp__fail(h, -EINVAL, "vosfp_policy_load: bad text or flags");
	if (!name)
		name = "<buffer>";
	err = parse_text(h, text ? text : "", len, name, &e, &n);
	if (err)
		return err;
	if (n > INT32_MAX)
		err = vosfp__fail(h, -E2BIG, "%s: too many entries", name);
	else if (flags & VOSFP_LOAD_REPLACE)
		err = vosfp__policy_replace(h, list, e, n);
	else
		err = vosfp__policy_change(h, list, e, n, NULL, 0, &present);
	free(e);
	if (err)
		return err;
	vosfp__ok(h);
	return (int)n;
}

VOSFP_API int vosfp_policy_load(struct vosfp *h, int list, const char *path, unsigned flags)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!h)
		return -EINVAL;
	if (!path)
		return vosfp__fail(h, -EINVAL, "vosfp_policy_load: path is NULL");
	f = fopen(path, "re");
	if (!f)
		return vosfp__fail(h, -errno, "%s: %s", path, strerror(errno));
	/* Read it whole: the file is checked completely before any change. */
	{
		FILE *mem = open_memstream(&text, &len);
		char buf[65536];
		size_t got;

		if (!mem) {
			fclose(f);
			return vosfp__fail(h, -ENOMEM, "%s: out of memory", path);
		}
		while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, got, mem);
		err = ferror(f) ? -EIO : 0;
		fclose(mem);
	}
	fclose(f);
	if (err)
		err = vosfp__fail(h, err, "%s: read error", path);
	else
		err = vosfp_policy_load_buffer(h, list, text, len, path, flags);
	free(text);
	return err;
}
