// SPDX-License-Identifier: BSD-2-Clause
/* The forms of the config values, as docs/cli.md and vosfp.h give them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vosfp/vosfp.h>

#include "config_check.h"

#define ON_OFF CONFIG_ON_OFF
#define NUMBER CONFIG_NUMBER
#define PORTS CONFIG_PORTS
#define WORDS CONFIG_TEXT

static const struct {
	const char *key;
	enum config_kind kind;
	unsigned long min, max;
} forms[] = {
	{ "ports", PORTS, 1, 65535 },
	{ "stealth_methods", WORDS, 0, 0 },
	{ "malformed_drop", ON_OFF, 0, 0 },
	{ "trusted_only", ON_OFF, 0, 0 },
	{ "user_agents", WORDS, 0, 0 },
	{ "rate_limit", NUMBER, 0, 1000000 },
	{ "rate_burst", NUMBER, 1, 100000 },
	{ "autoban", ON_OFF, 0, 0 },
	{ "ban_ttl", NUMBER, 1, 2592000 },
	{ "verified_ttl", NUMBER, 0, 2592000 },
	{ "xsk_redirect", WORDS, 0, 0 },
	{ "xsk_allowed", ON_OFF, 0, 0 },
};

/* Decimal digits only, min to max. */
static int number(const char *s, size_t n, unsigned long min, unsigned long max,
		  unsigned long *out)
{
	unsigned long v = 0;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

static int check_ports(const char *value, char *why, size_t len)
{
	unsigned long seen[VOSFP_MAX_PORTS], port;
	int n = 0;

	for (const char *p = value;; p++) {
		size_t l = strcspn(p, ",");

		if (number(p, l, 1, 65535, &port)) {
			snprintf(why, len, "ports: '%s': ports are numbers 1-65535, separated by "
				 "commas", value);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (seen[i] == port) {
				snprintf(why, len, "ports: '%s': port %lu given twice", value, port);
				return -1;
			}
		if (n == VOSFP_MAX_PORTS) {
			snprintf(why, len, "at most %d ports", VOSFP_MAX_PORTS);
			return -1;
		}
		seen[n++] = port;
		p += l;
		if (!*p)
			return 0;
	}
}

int config_value_check(const char *key, const char *value, char *why, size_t len)
{
	unsigned long v;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strcmp(key, forms[i].key))
			continue;
		/* The library's words: an empty shell variable never turns a
		 * protection off unnoticed. */
		if (!*value) {
			if (forms[i].kind == WORDS)
				snprintf(why, len, "%s: empty value; give 'none' to turn it off", key);
			else
				snprintf(why, len, "%s: empty value", key);
			return -1;
		}
		switch (forms[i].kind) {
		case ON_OFF:
			/* The library's spellings, no others. */
			if (!strcasecmp(value, "on") || !strcasecmp(value, "off") ||
			    !strcasecmp(value, "true") || !strcasecmp(value, "false") ||
			    !strcmp(value, "1") || !strcmp(value, "0"))
				return 0;
			snprintf(why, len, "%s: '%s': expected on or off", key, value);
			return -1;
		case NUMBER:
			if (!number(value, strlen(value), forms[i].min, forms[i].max, &v))
				return 0;
			snprintf(why, len, "%s: '%s': expected a whole number from %lu to %lu", key,
				 value, forms[i].min, forms[i].max);
			return -1;
		case PORTS:
			return check_ports(value, why, len);
		case WORDS:
			return 0;
		}
	}
	return 0; /* a key this tool does not know the form of: the library decides */
}

enum config_kind config_value_kind(const char *key)
{
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (!strcmp(key, forms[i].key))
			return forms[i].kind;
	return CONFIG_TEXT;
}
