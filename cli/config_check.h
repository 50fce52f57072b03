/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VOSFP_CLI_CONFIG_CHECK_H
#define VOSFP_CLI_CONFIG_CHECK_H

#include <stddef.h>

/*
 * Checks a config value's form before any privilege is needed, so that
 * `vosfp config ban_ttl x` is a usage error for every caller, not "no
 * permission" for some. The library checks again (and the methods and
 * User-Agents in full) when the value is set. 0, or -1 with why filled.
 */
int config_value_check(const char *key, const char *value, char *why, size_t len);

/* What a key's value is, for config --json: a number, a port list, on/off,
 * or text (also for a key this tool does not know). */
enum config_kind { CONFIG_ON_OFF, CONFIG_NUMBER, CONFIG_PORTS, CONFIG_TEXT };
enum config_kind config_value_kind(const char *key);

#endif
