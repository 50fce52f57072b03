// SPDX-License-Identifier: BSD-2-Clause
/*
 * The program's settings live in one array-map entry (struct vosfp_config).
 * Every change is a read-modify-write of that entry; the program sees
 * either the old or the new value of each field.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "internal.h"

static const char *const method_names[VOSFP_M__COUNT] = {
	[VOSFP_M_INVITE] = "INVITE",	   [VOSFP_M_ACK] = "ACK",
	[VOSFP_M_BYE] = "BYE",		   [VOSFP_M_CANCEL] = "CANCEL",
	[VOSFP_M_REGISTER] = "REGISTER",   [VOSFP_M_OPTIONS] = "OPTIONS",
	[VOSFP_M_PRACK] = "PRACK",	   [VOSFP_M_SUBSCRIBE] = "SUBSCRIBE",
	[VOSFP_M_NOTIFY] = "NOTIFY",	   [VOSFP_M_PUBLISH] = "PUBLISH",
	[VOSFP_M_INFO] = "INFO",	   [VOSFP_M_REFER] = "REFER",
	[VOSFP_M_MESSAGE] = "MESSAGE",	   [VOSFP_M_UPDATE] = "UPDATE",
	[VOSFP_M_OTHER] = "OTHER",
};

void vosfp__config_defaults(struct vosfp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->magic = VOSFP_CFG_MAGIC;
	cfg->flags = VOSFP_CFG_MALFORMED_DROP | VOSFP_CFG_AUTOBAN;
	cfg->ban_ttl_ns = 3600ull * 1000000000ull;
	cfg->verified_ttl_ns = 7ull * 24 * 3600 * 1000000000ull;
	cfg->rate_tau_ns = 20 - 1; /* burst 20, no rate: see set_rate() */
	cfg->stealth_methods = 1u << VOSFP_M_OPTIONS;
	cfg->port_bitmap[5060 / 32] |= 1u << (5060 % 32);
}

int vosfp__config_read(struct vosfp *h, struct vosfp_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(h->map_fd[MAP_CONFIG], &zero, cfg))
		return vosfp__fail(h, -errno, "cannot read the config: %s", strerror(errno));
	return 0;
}

int vosfp__config_write(struct vosfp *h, const struct vosfp_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(h->map_fd[MAP_CONFIG], &zero, cfg, BPF_ANY))
		return vosfp__fail(h, -errno, "cannot write the config: %s", strerror(errno));
	return 0;
}

static int ports_to_bitmap(struct vosfp *h, const uint16_t *ports, size_t n,
			   struct vosfp_config *cfg)
{
	if (!ports || n == 0 || n > VOSFP_MAX_PORTS)
		return vosfp__fail(h, -EINVAL, "give 1 to %d SIP ports", VOSFP_MAX_PORTS);
	memset(cfg->port_bitmap, 0, sizeof(cfg->port_bitmap));
	for (size_t i = 0; i < n; i++) {
		uint16_t p = ports[i];

		if (p == 0)
			return vosfp__fail(h, -EINVAL, "port 0 is not a SIP port");
		if (cfg->port_bitmap[p / 32] & (1u << (p % 32)))
			return vosfp__fail(h, -EINVAL, "port %u given twice", p);
		cfg->port_bitmap[p / 32] |= 1u << (p % 32);
	}
	return 0;
}

VOSFP_API int vosfp_config_set_ports(struct vosfp *h, const uint16_t *ports, size_t n)
{
	struct vosfp_config cfg;
	int err, lock;

	if (!h)
		return vosfp__no_handle(__func__);
	lock = vosfp__root_lock(h, LOCK_EX); /* as in vosfp_config_set */
	if (lock < 0)
		return lock;
	err = vosfp__config_read(h, &cfg);
	if (!err)
		err = ports_to_bitmap(h, ports, n, &cfg);
	if (!err)
		err = vosfp__config_write(h, &cfg);
	close(lock);
	return err ? err : vosfp__ok(h);
}

static int bitmap_to_ports(const struct vosfp_config *cfg, uint16_t *ports, size_t cap)
{
	int n = 0;

	for (uint32_t p = 1; p < 65536; p++)
		if (cfg->port_bitmap[p / 32] & (1u << (p % 32))) {
			if (ports && (size_t)n < cap)
				ports[n] = (uint16_t)p;
			n++;
		}
	return n;
}

VOSFP_API int vosfp_config_get_ports(struct vosfp *h, uint16_t *ports, size_t cap)
{
	struct vosfp_config cfg;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	err = vosfp__config_read(h, &cfg);
	if (err)
		return err;
	vosfp__ok(h);
	return bitmap_to_ports(&cfg, ports, cap);
}

/* --- named settings ---------------------------------------------------- */

static int parse_ports(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	uint16_t ports[VOSFP_MAX_PORTS];
	size_t n = 0;
	const char *s = value;

	while (*s) {
		char *end;
		long v;

		if (n == VOSFP_MAX_PORTS)
			return vosfp__fail(h, -EINVAL, "'%s': at most %d ports", value,
					   VOSFP_MAX_PORTS);
		if (!isdigit((unsigned char)*s))
			return vosfp__fail(h, -EINVAL, "'%s': ports are numbers 1-65535, "
					   "separated by commas", value);
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || v < 1 || v > 65535 || (*end && *end != ','))
			return vosfp__fail(h, -EINVAL, "'%s': ports are numbers 1-65535, "
					   "separated by commas", value);
		ports[n++] = (uint16_t)v;
		s = *end ? end + 1 : end;
		if (*end == ',' && !*s)
			return vosfp__fail(h, -EINVAL, "'%s': trailing comma", value);
	}
	return ports_to_bitmap(h, ports, n, cfg);
}

static int format_ports(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	uint16_t ports[VOSFP_MAX_PORTS];
	int n = bitmap_to_ports(cfg, ports, VOSFP_MAX_PORTS);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && i < VOSFP_MAX_PORTS; i++) {
		int w = snprintf(buf + used, len - used, "%s%u", i ? "," : "", ports[i]);

		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return 0;
}

static int parse_methods(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	char copy[256], *save = NULL, *tok;
	__u32 set = 0;

	if (strlen(value) >= sizeof(copy))
		return vosfp__fail(h, -EINVAL, "method list too long");
	snprintf(copy, sizeof(copy), "%s", value);
	if (!strcasecmp(copy, "none")) {
		cfg->stealth_methods = 0;
		return 0;
	}
	/* strtok would skip empty items: "OPTIONS,,INVITE" is a typo, not a list. */
	if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return vosfp__fail(h, -EINVAL, "'%s': empty method in the list", value);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int m;

		for (m = 0; m < VOSFP_M__COUNT; m++)
			if (!strcasecmp(tok, method_names[m]))
				break;
		if (m == VOSFP_M__COUNT)
			return vosfp__fail(h, -EINVAL,
					   "'%s': unknown method (known: INVITE ACK BYE CANCEL "
					   "REGISTER OPTIONS PRACK SUBSCRIBE NOTIFY PUBLISH INFO "
					   "REFER MESSAGE UPDATE OTHER)", tok);
		set |= 1u << m;
	}
	cfg->stealth_methods = set;
	return 0;
}

static int format_methods(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	size_t used = 0;

	buf[0] = '\0';
	if (!cfg->stealth_methods)
		return snprintf(buf, len, "none") >= (int)len ? -ENOSPC : 0;
	for (int m = 0; m < VOSFP_M__COUNT; m++) {
		int w;

		if (!(cfg->stealth_methods & (1u << m)))
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", method_names[m]);
		if (w < 0 || (size_t)w >= len - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return 0;
}

static int parse_flag(struct vosfp *h, const char *value, __u32 bit, struct vosfp_config *cfg)
{
	if (!strcasecmp(value, "on") || !strcmp(value, "1") || !strcasecmp(value, "true"))
		cfg->flags |= bit;
	else if (!strcasecmp(value, "off") || !strcmp(value, "0") || !strcasecmp(value, "false"))
		cfg->flags &= ~bit;
	else
		return vosfp__fail(h, -EINVAL, "'%s': expected on or off", value);
	return 0;
}

static int parse_malformed(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	return parse_flag(h, value, VOSFP_CFG_MALFORMED_DROP, cfg);
}

static int format_flag(const struct vosfp_config *cfg, __u32 bit, char *buf, size_t len)
{
	return snprintf(buf, len, "%s", cfg->flags & bit ? "on" : "off") >= (int)len ? -ENOSPC : 0;
}

static int format_malformed(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	return format_flag(cfg, VOSFP_CFG_MALFORMED_DROP, buf, len);
}

static int parse_trusted_only(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	return parse_flag(h, value, VOSFP_CFG_TRUSTED_ONLY, cfg);
}

static int format_trusted_only(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			       size_t len)
{
	(void)h;
	return format_flag(cfg, VOSFP_CFG_TRUSTED_ONLY, buf, len);
}

static int parse_autoban(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	return parse_flag(h, value, VOSFP_CFG_AUTOBAN, cfg);
}

static int format_autoban(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	return format_flag(cfg, VOSFP_CFG_AUTOBAN, buf, len);
}

static int parse_user_agents(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	return vosfp__scanners_set(h, value, cfg);
}

static int format_user_agents(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			      size_t len)
{
	return vosfp__scanners_format(h, cfg, buf, len);
}

/* A whole number from min to max, nothing else. */
static int parse_number(struct vosfp *h, const char *value, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end || errno || *out < min || *out > max)
		return vosfp__fail(h, -EINVAL, "'%s': expected a whole number from %lu to %lu", value,
				   min, max);
	return 0;
}

#define NSEC 1000000000ull
#define MAX_RATE 1000000ul
#define MAX_BURST 100000ul
#define MAX_BAN_TTL (30ul * 24 * 3600)

/* The burst in requests, from the GCRA's tolerance. */
static unsigned long burst_of(const struct vosfp_config *cfg)
{
	return cfg->rate_interval_ns ? (unsigned long)(cfg->rate_tau_ns / cfg->rate_interval_ns) + 1
				     : (unsigned long)cfg->rate_tau_ns + 1;
}

static void set_rate(struct vosfp_config *cfg, unsigned long rate, unsigned long burst)
{
	cfg->rate_pps = (__u32)rate;
	cfg->rate_interval_ns = rate ? NSEC / rate : 0;
	/* With no rate the tolerance keeps the burst, scaled by one. */
	cfg->rate_tau_ns = rate ? (burst - 1) * cfg->rate_interval_ns : burst - 1;
}

static int parse_rate(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	unsigned long rate;
	int err = parse_number(h, value, 0, MAX_RATE, &rate);

	if (!err)
		set_rate(cfg, rate, burst_of(cfg));
	return err;
}

static int format_rate(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	return snprintf(buf, len, "%u", cfg->rate_pps) >= (int)len ? -ENOSPC : 0;
}

static int parse_burst(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	unsigned long burst;
	int err = parse_number(h, value, 1, MAX_BURST, &burst);

	if (!err)
		set_rate(cfg, cfg->rate_pps, burst);
	return err;
}

static int format_burst(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	return snprintf(buf, len, "%lu", burst_of(cfg)) >= (int)len ? -ENOSPC : 0;
}

static int parse_ban_ttl(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	unsigned long ttl;
	int err = parse_number(h, value, 1, MAX_BAN_TTL, &ttl);

	if (!err)
		cfg->ban_ttl_ns = ttl * NSEC;
	return err;
}

static int format_ban_ttl(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len)
{
	(void)h;
	return snprintf(buf, len, "%llu", (unsigned long long)(cfg->ban_ttl_ns / NSEC)) >=
		       (int)len ? -ENOSPC : 0;
}

/* 0 turns learning off: no source is verified, so none is spared. */
static int parse_verified_ttl(struct vosfp *h, const char *value, struct vosfp_config *cfg)
{
	unsigned long ttl;
	int err = parse_number(h, value, 0, MAX_BAN_TTL, &ttl);

	if (!err)
		cfg->verified_ttl_ns = ttl * NSEC;
	return err;
}

static int format_verified_ttl(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			       size_t len)
{
	(void)h;
	return snprintf(buf, len, "%llu", (unsigned long long)(cfg->verified_ttl_ns / NSEC)) >=
		       (int)len ? -ENOSPC : 0;
}

struct config_key {
	const char *name;
	const char *help;
	/* The word that turns the setting off, for keys that have one: an
	 * empty value is refused, so that a shell variable that expanded to
	 * nothing never turns a protection off unnoticed. */
	const char *none;
	int (*parse)(struct vosfp *h, const char *value, struct vosfp_config *cfg);
	int (*format)(struct vosfp *h, const struct vosfp_config *cfg, char *buf, size_t len);
};

static const struct config_key keys[] = {
	{ "ports", "SIP ports inspected, comma-separated (default 5060)", NULL, parse_ports,
	  format_ports },
	{ "stealth_methods",
	  "request methods dropped unanswered from sources not on the allow list "
	  "(default OPTIONS; 'none' for none)",
	  "none", parse_methods, format_methods },
	{ "malformed_drop", "drop UDP to a SIP port that is not SIP: on or off (default on)",
	  NULL, parse_malformed, format_malformed },
	{ "trusted_only",
	  "drop every request from sources not on the allow list; responses pass: on or off "
	  "(default off)",
	  NULL, parse_trusted_only, format_trusted_only },
	{ "user_agents",
	  "scanner User-Agent prefixes, comma-separated, any case, 4-32 characters; 'none' "
	  "for none (default friendly-scanner,sipvicious,sipcli,VaxSIPUserAgent,pplsip,iWar,"
	  "sundayddr,SIVuS,smap)",
	  "none", parse_user_agents, format_user_agents },
	{ "rate_limit", "requests per second allowed per source, 0 for no limit (default 0)",
	  NULL, parse_rate, format_rate },
	{ "rate_burst", "requests a source may send at once above its rate (default 20)",
	  NULL, parse_burst, format_burst },
	{ "autoban", "ban scanners and sources over the rate limit: on or off (default on)",
	  NULL, parse_autoban, format_autoban },
	{ "ban_ttl", "seconds an automatic ban lasts (default 3600)", NULL, parse_ban_ttl,
	  format_ban_ttl },
	{ "verified_ttl",
	  "seconds a source stays verified (never auto-banned) after the server's 2xx to its "
	  "REGISTER or INVITE, 0 for off (default 604800)",
	  NULL, parse_verified_ttl, format_verified_ttl },
	{ "xsk_redirect",
	  "UDP packets that pass and go to a registered AF_XDP socket rather than the kernel "
	  "stack: none, requests (SIP requests that passed inspection) or all-passed "
	  "(default all-passed)",
	  "none", vosfp__parse_xsk_redirect, vosfp__format_xsk_redirect },
	{ "xsk_allowed",
	  "whether UDP packets from allowed sources (not inspected) also go to the AF_XDP "
	  "socket, unless xsk_redirect is none: on or off (default on)",
	  NULL, vosfp__parse_xsk_allowed, vosfp__format_xsk_allowed },
};

#define NKEYS ((int)(sizeof(keys) / sizeof(keys[0])))

VOSFP_API const char *vosfp_config_key_name(int idx)
{
	return idx >= 0 && idx < NKEYS ? keys[idx].name : NULL;
}

VOSFP_API const char *vosfp_config_key_help(int idx)
{
	return idx >= 0 && idx < NKEYS ? keys[idx].help : NULL;
}

static const struct config_key *find_key(struct vosfp *h, const char *key)
{
	for (int i = 0; key && i < NKEYS; i++)
		if (!strcmp(keys[i].name, key))
			return &keys[i];
	vosfp__fail(h, -EINVAL, "'%s': unknown config key (see vosfp_config_key_name())",
		    key ? key : "(null)");
	return NULL;
}

VOSFP_API int vosfp_config_set(struct vosfp *h, const char *key, const char *value)
{
	const struct config_key *k;
	struct vosfp_config cfg;
	int err, lock;

	if (!h)
		return vosfp__no_handle(__func__);
	k = find_key(h, key);
	if (!k)
		return -EINVAL;
	if (!value)
		return vosfp__fail(h, -EINVAL, "%s: no value given", key);
	if (!*value)
		return k->none ? vosfp__fail(h, -EINVAL, "%s: empty value; give '%s' to turn it off",
					     key, k->none)
			       : vosfp__fail(h, -EINVAL, "%s: empty value", key);
	/* Read, change, write under the pin root's lock: two writers of
	 * different keys keep both changes, and two user_agents changes do
	 * not write the same idle generation of the signature table at once
	 * (scanners.c). */
	lock = vosfp__root_lock(h, LOCK_EX);
	if (lock < 0)
		return lock;
	err = vosfp__config_read(h, &cfg);
	if (!err)
		err = k->parse(h, value, &cfg);
	if (!err)
		err = vosfp__config_write(h, &cfg);
	close(lock);
	return err ? err : vosfp__ok(h);
}

VOSFP_API int vosfp_config_get(struct vosfp *h, const char *key, char *buf, size_t len)
{
	const struct config_key *k;
	struct vosfp_config cfg;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	k = find_key(h, key);
	if (!k)
		return -EINVAL;
	if (!buf || !len)
		return vosfp__fail(h, -EINVAL, "%s: no buffer given", key);
	err = vosfp__config_read(h, &cfg);
	if (err)
		return err;
	if (k->format(h, &cfg, buf, len))
		return vosfp__fail(h, -ENOSPC, "%s: buffer of %zu bytes too small", key, len);
	return vosfp__ok(h);
}
