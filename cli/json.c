// SPDX-License-Identifier: BSD-2-Clause
#include <inttypes.h>

#include "json.h"

void jsonw_init(struct jsonw *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = 0;
}

static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
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
