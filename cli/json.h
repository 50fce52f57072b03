/* SPDX-License-Identifier: BSD-2-Clause */
/* A minimal streaming JSON writer for the tool's --json output. */
#ifndef VOSFP_CLI_JSON_H
#define VOSFP_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *out;
	int depth;
	int need_comma[16];
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key); /* key NULL at top/in array */
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, int value);
/* Ends the document with a newline. */
void json_finish(struct json *j);

#endif
