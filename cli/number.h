/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VOSFP_CLI_NUMBER_H
#define VOSFP_CLI_NUMBER_H

#include <stdint.h>

/* A count as options and the configuration file take it: decimal digits
 * only (no sign, no spaces, no hex), 1 to max. 0 and *out set, or -1. */
int parse_count(const char *text, uint32_t max, uint32_t *out);

#endif
