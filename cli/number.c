// SPDX-License-Identifier: BSD-2-Clause
/* The one parser for the counts the tool takes (capacities, limits,
 * timeouts), so that the options and the configuration file accept and
 * refuse exactly the same spellings. */
#include "number.h"

int parse_count(const char *text, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*text)
		return -1;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned)(*c - '0');
		if (v > max)
			return -1;
	}
	if (!v)
		return -1;
	*out = (uint32_t)v;
	return 0;
}
