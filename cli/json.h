/* SPDX-License-Identifier: BSD-2-Clause */
/* A minimal streaming JSON writer for the tool's --json output. Its names
 * are jsonw_*: the tool links jansson (through the agent's fleet), whose
 * json_* a writer of the same names would shadow. */
#ifndef VOSFP_CLI_JSON_H
#define VOSFP_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

/* The "schema" member of every top-level object the tool prints: raised
 * when a member changes meaning or type, not when one is added. */
#define JSON_SCHEMA 1

struct jsonw {
	FILE *out;
	int depth;
	int need_comma[16];
};

void jsonw_init(struct jsonw *j, FILE *out);
/* Starts the top-level object, with its "schema" member. */
void jsonw_document(struct jsonw *j, FILE *out);
void jsonw_begin_object(struct jsonw *j, const char *key); /* key NULL at top/in array */
void jsonw_end_object(struct jsonw *j);
void jsonw_begin_array(struct jsonw *j, const char *key);
void jsonw_end_array(struct jsonw *j);
/* Any bytes: invalid UTF-8 is written as U+FFFD, so the output always
 * parses (interface and file names are bytes, not text). */
void jsonw_string(struct jsonw *j, const char *key, const char *value);
void jsonw_uint(struct jsonw *j, const char *key, uint64_t value);
void jsonw_bool(struct jsonw *j, const char *key, int value);
/* Ends the document with a newline. */
void jsonw_finish(struct jsonw *j);

#endif
