// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>

#include "json.h"

void jsonw_init(struct jsonw *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = 0;
}

/* Length of the valid UTF-8 sequence at s (2 to 4), or 0 if it is not
 * one: RFC 3629, so no overlong forms, surrogates or code points past
 * U+10FFFF. */
static int utf8_len(const unsigned char *s)
{
	int n, cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void write_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (s && *s) {
		unsigned char c = *s;
		int n;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, out);
		else if ((n = utf8_len(s))) {
			fwrite(s, 1, (size_t)n, out);
			s += n;
			continue;
		} else {
			fputs("\\ufffd", out); /* one per invalid byte */
		}
		s++;
	}
	fputc('"', out);
}

/* Comma and key before a value. */
static void prefix(struct jsonw *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = 1;
	if (key) {
		write_string(j->out, key);
		fputc(':', j->out);
	}
}

static void open(struct jsonw *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->out);
	if (j->depth < 15)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

void jsonw_document(struct jsonw *j, FILE *out)
{
	jsonw_init(j, out);
	jsonw_begin_object(j, NULL);
	jsonw_uint(j, "schema", JSON_SCHEMA);
}

void jsonw_begin_object(struct jsonw *j, const char *key)
{
	open(j, key, '{');
}

void jsonw_end_object(struct jsonw *j)
{
	j->depth--;
	fputc('}', j->out);
}

void jsonw_begin_array(struct jsonw *j, const char *key)
{
	open(j, key, '[');
}

void jsonw_end_array(struct jsonw *j)
{
	j->depth--;
	fputc(']', j->out);
}

void jsonw_string(struct jsonw *j, const char *key, const char *value)
{
	prefix(j, key);
	if (value)
		write_string(j->out, value);
	else
		fputs("null", j->out);
}

void jsonw_uint(struct jsonw *j, const char *key, uint64_t value)
{
	prefix(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void jsonw_bool(struct jsonw *j, const char *key, int value)
{
	prefix(j, key);
	fputs(value ? "true" : "false", j->out);
}

void jsonw_finish(struct jsonw *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
