// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scanner User-Agent signatures: the set lives in a hash map keyed by the
 * first 4 bytes of each signature (folded), so that the program finds the
 * candidates for a User-Agent with one lookup whatever the number of
 * signatures. See struct vosfp_ua_val in vosfp_shared.h for the folding.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"

const char vosfp__default_scanners[] =
	"friendly-scanner,sipvicious,sipcli,VaxSIPUserAgent,pplsip,iWar,sundayddr,SIVuS,smap";

#define MAX_SIGS 256

struct sig_entry {
	__u32 key;
	struct vosfp_ua_val val;
	char text[VOSFP_UA_PER_KEY][VOSFP_UA_MAX + 1]; /* to spot duplicates */
};

/* Characters whose meaning survives the fold (bit 0x20 set on each byte):
 * letters fold to lower case, these stay themselves. */
static int sig_char_ok(unsigned char c)
{
	return isalnum(c) || (c && strchr(" !#$%&'()*+-./:;=?", c));
}

static __u32 fold_key(const char *sig)
{
	return ((__u32)(unsigned char)sig[0] | (__u32)(unsigned char)sig[1] << 8 |
		(__u32)(unsigned char)sig[2] << 16 | (__u32)(unsigned char)sig[3] << 24) |
	       (__u32)VOSFP_UA_FOLD;
}

static int add_sig(struct vosfp *h, struct sig_entry *set, int *n, const char *sig, size_t len)
{
	struct sig_entry *e = NULL;
	__u32 key = fold_key(sig);
	unsigned k;

	for (int i = 0; i < *n; i++)
		if (set[i].key == key)
			e = &set[i];
	if (!e) {
		if (*n == MAX_SIGS)
			return vosfp__fail(h, -E2BIG, "more than %d signatures", MAX_SIGS);
		e = &set[(*n)++];
		memset(e, 0, sizeof(*e));
		e->key = key;
	}
	for (k = 0; k < e->val.n; k++)
		if (e->val.len[k] == len && !strncasecmp(e->text[k], sig, len))
			return 0; /* a duplicate */
	if (e->val.n == VOSFP_UA_PER_KEY)
		return vosfp__fail(h, -E2BIG, "'%.*s': more than %d signatures begin with '%.4s'",
				   (int)len, sig, VOSFP_UA_PER_KEY, sig);
	k = e->val.n++;
	e->val.len[k] = (__u8)len;
	memcpy(e->text[k], sig, len);
	e->text[k][len] = '\0';
	{
		__u8 folded[VOSFP_UA_MAX];
		size_t back = len >= 8 ? len - 8 : len - 4;

		for (size_t b = 0; b < len; b++)
			folded[b] = (__u8)sig[b] | 0x20;
		/* Little-endian words, as the program loads them. */
		for (size_t w = 0; (w + 1) * 8 <= len; w++)
			memcpy(&e->val.head[k][w], folded + 8 * w, 8);
		memcpy(&e->val.tail[k], folded + back, len >= 8 ? 8 : 4);
	}
	return 0;
}

static int parse_list(struct vosfp *h, const char *list, struct sig_entry *set, int *n)
{
	const char *s = list;

	*n = 0;
	if (!strcasecmp(list, "none") || !*list)
		return 0;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int err;

		if (len < VOSFP_UA_KEY_LEN || len > VOSFP_UA_MAX)
			return vosfp__fail(h, -EINVAL,
					   "'%.*s': a signature is %d to %d characters long", (int)len,
					   s, VOSFP_UA_KEY_LEN, VOSFP_UA_MAX);
		if (s[0] == ' ' || s[len - 1] == ' ')
			return vosfp__fail(h, -EINVAL, "'%.*s': leading or trailing space",
					   (int)len, s);
		for (size_t i = 0; i < len; i++)
			if (!sig_char_ok((unsigned char)s[i]))
				return vosfp__fail(h, -EINVAL,
						   "'%.*s': character '%c' not allowed (letters, "
						   "digits, space and !#$%%&'()*+-./:;=?)",
						   (int)len, s, s[i]);
		err = add_sig(h, set, n, s, len);
		if (err)
			return err;
		if (!comma)
			break;
		s = comma + 1;
		if (!*s)
			return vosfp__fail(h, -EINVAL, "'%s': trailing comma", list);
	}
	return 0;
}

int vosfp__scanners_set(struct vosfp *h, const char *list, struct vosfp_config *cfg)
{
	int fd = h->map_fd[MAP_UA], n, err;
	struct sig_entry *set;
	__u32 key, next;

	set = calloc(MAX_SIGS, sizeof(*set));
	if (!set)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	err = parse_list(h, list, set, &n);
	if (err)
		goto out;
	/* New entries first, then stale keys out: a signature present in both
	 * sets is never missing in between. */
	for (int i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, &set[i].key, &set[i].val, BPF_ANY)) {
			err = vosfp__fail(h, -errno, "cannot store signatures: %s", strerror(errno));
			goto out;
		}
	for (int more = !bpf_map_get_next_key(fd, NULL, &key); more; key = next) {
		int keep = 0;

		more = !bpf_map_get_next_key(fd, &key, &next);
		for (int i = 0; i < n; i++)
			keep |= set[i].key == key;
		if (!keep)
			bpf_map_delete_elem(fd, &key);
	}
	/* The keys' bits go out with the config the caller writes next:
	 * after the map holds every new key, and while a removed key's bit
	 * is still set it only costs the program a lookup that misses. */
	memset(cfg->ua_keys, 0, sizeof(cfg->ua_keys));
	for (int i = 0; i < n; i++) {
		__u32 bit = vosfp_ua_key_bit(set[i].key);

		cfg->ua_keys[bit >> 6] |= 1ull << (bit & 63);
	}
	if (n)
		cfg->flags |= VOSFP_CFG_SCANNERS;
	else
		cfg->flags &= ~VOSFP_CFG_SCANNERS;
out:
	free(set);
	return err;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vosfp__scanners_format(struct vosfp *h, char *buf, size_t len)
{
	enum { MAX_TEXTS = MAX_SIGS * VOSFP_UA_PER_KEY };
	char (*text)[VOSFP_UA_MAX + 1] = calloc(MAX_TEXTS, VOSFP_UA_MAX + 1);
	char **sorted = calloc(MAX_TEXTS, sizeof(*sorted));
	int fd = h->map_fd[MAP_UA], n = 0, err, ret = 0;
	struct vosfp_ua_val val;
	size_t used = 0;
	__u32 key;

	if (!text || !sorted) {
		free(text);
		free(sorted);
		return -ENOMEM;
	}
	for (err = bpf_map_get_next_key(fd, NULL, &key); !err;
	     err = bpf_map_get_next_key(fd, &key, &key)) {
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		for (__u32 k = 0; k < val.n && k < VOSFP_UA_PER_KEY && n < MAX_TEXTS; k++) {
			size_t slen = val.len[k], back = slen >= 8 ? slen - 8 : slen - 4;
			__u8 folded[VOSFP_UA_MAX];

			/* The signature again from its words (head, then tail). */
			memcpy(folded, val.head[k], slen / 8 * 8);
			memcpy(folded + back, &val.tail[k], slen >= 8 ? 8 : 4);
			if (slen < 8)
				memcpy(folded, &key, 4); /* the key holds the first 4 */
			memcpy(text[n], folded, slen);
			text[n][slen] = '\0';
			sorted[n] = text[n];
			n++;
		}
	}
	qsort(sorted, (size_t)n, sizeof(sorted[0]), by_text);
	buf[0] = '\0';
	if (!n && snprintf(buf, len, "none") >= (int)len)
		ret = -ENOSPC;
	for (int i = 0; i < n && !ret; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? "," : "", sorted[i]);

		if (w < 0 || (size_t)w >= len - used)
			ret = -ENOSPC;
		else
			used += (size_t)w;
	}
	free(text);
	free(sorted);
	return ret;
}
