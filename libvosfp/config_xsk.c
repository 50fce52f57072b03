// SPDX-License-Identifier: BSD-2-Clause
/*
 * The AF_XDP settings: which passed packets the program hands to a
 * registered socket (xsk_redirect) and whether allowed sources' packets are
 * among them (xsk_allowed). Both are bits of vosfp_config.flags, so the
 * pinned config keeps its layout; all bits clear is the behaviour of the
 * program before the settings existed (all-passed, allowed included).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define XSK_MODE_BITS (VOSFP_CFG_XSK_NONE | VOSFP_CFG_XSK_REQUESTS)

static const struct {
	const char *name;
	__u32 bits;
} xsk_modes[] = {
	{ "none", VOSFP_CFG_XSK_NONE },
	{ "requests", VOSFP_CFG_XSK_REQUESTS },
	{ "all-passed", 0 },
};

#define NMODES (int)(sizeof(xsk_modes) / sizeof(xsk_modes[0]))

int vosfp__parse_xsk_redirect(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	for (int i = 0; i < NMODES; i++)
		if (!strcmp(value, xsk_modes[i].name)) {
			cfg->flags = (cfg->flags & ~XSK_MODE_BITS) | xsk_modes[i].bits;
			return 0;
		}
	return vosfp__fail(h, -EINVAL, "'%s': expected none, requests or all-passed", value);
}

int vosfp__format_xsk_redirect(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			       size_t len)
{
	__u32 bits = cfg->flags & XSK_MODE_BITS;
	const char *name = "none"; /* both bits: the program reads NONE first */

	(void)h;
	for (int i = 0; i < NMODES; i++)
		if (bits == xsk_modes[i].bits)
			name = xsk_modes[i].name;
	return snprintf(buf, len, "%s", name) >= (int)len ? -ENOSPC : 0;
}

/* on/off like the other switches; stored inverted (NO_ALLOWED) so that a
 * config without the bit keeps allowed sources included, as before. */
int vosfp__parse_xsk_allowed(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	if (!strcasecmp(value, "on") || !strcmp(value, "1") || !strcasecmp(value, "true"))
		cfg->flags &= ~VOSFP_CFG_XSK_NO_ALLOWED;
	else if (!strcasecmp(value, "off") || !strcmp(value, "0") || !strcasecmp(value, "false"))
		cfg->flags |= VOSFP_CFG_XSK_NO_ALLOWED;
	else
		return vosfp__fail(h, -EINVAL, "'%s': expected on or off", value);
	return 0;
}

int vosfp__format_xsk_allowed(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			      size_t len)
{
	(void)h;
	return snprintf(buf, len, "%s", cfg->flags & VOSFP_CFG_XSK_NO_ALLOWED ? "off" : "on") >=
		       (int)len ? -ENOSPC : 0;
}
