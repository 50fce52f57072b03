// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scanner User-Agent signatures: the set lives in a table of slots indexed
 * by a hash of the first 4 bytes of each signature (folded), so that the
 * program finds the candidates for a User-Agent with one read whatever the
 * number of signatures. The table has two generations: a change writes the
 * one the program does not read, and the config write that follows makes
 * it live. See struct vosfp_ua_val in vosfp_shared.h for the layout and
 * the folding.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	e->val.key[k] = key;
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

/* The slots of the new set, with each candidate's text for the message
 * of a slot that overflows. */
struct sig_table {
	struct vosfp_ua_val slot[VOSFP_UA_KEY_BITS];
	__u32 idx[VOSFP_UA_KEY_BITS]; /* slot[b]'s index in the map: the batch's keys */
	const char *text[VOSFP_UA_KEY_BITS][VOSFP_UA_PER_KEY];
};

static int fill_table(struct vosfp *h, const struct sig_entry *set, int n, struct sig_table *t)
{
	for (int i = 0; i < n; i++) {
		__u32 b = vosfp_ua_key_bit(set[i].key);
		struct vosfp_ua_val *s = &t->slot[b];

		for (__u32 k = 0; k < set[i].val.n; k++) {
			__u32 at = s->n;

			if (at == VOSFP_UA_PER_KEY)
				return vosfp__fail(h, -E2BIG,
						   "'%s': more than %d signatures share its lookup "
						   "slot (with '%s'); leave one out or lengthen "
						   "its first four characters' difference",
						   set[i].text[k], VOSFP_UA_PER_KEY, t->text[b][0]);
			s->len[at] = set[i].val.len[k];
			s->key[at] = set[i].key;
			memcpy(s->head[at], set[i].val.head[k], sizeof(s->head[at]));
			s->tail[at] = set[i].val.tail[k];
			t->text[b][at] = set[i].text[k];
			s->n = at + 1;
		}
	}
	return 0;
}

int vosfp__scanners_set(struct vosfp *h, const char *list, struct vosfp_config *cfg)
{
	int fd = h->map_fd[MAP_UA], n, err;
	__u32 count, idle = cfg->flags & VOSFP_CFG_UA_GEN ? 0 : 1;
	struct sig_table *t = calloc(1, sizeof(*t));
	struct sig_entry *set = calloc(MAX_SIGS, sizeof(*set));

	if (!set || !t) {
		err = vosfp__fail(h, -ENOMEM, "out of memory");
		goto out;
	}
	err = parse_list(h, list, set, &n);
	if (!err)
		err = fill_table(h, set, n, t);
	if (err)
		goto out;
	/* The idle generation was live before the last change: a program
	 * that read the config then has long finished (an XDP program runs to
	 * its end with preemption off, in microseconds), and a millisecond
	 * more makes sure of it before its slots are overwritten. */
	nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	/* The whole generation in one batch: one syscall where one per slot
	 * cost 4096 (an ARRAY has it from Linux 5.6: docs/kernels.md). */
	for (__u32 b = 0; b < VOSFP_UA_KEY_BITS; b++)
		t->idx[b] = idle * VOSFP_UA_KEY_BITS + b;
	count = VOSFP_UA_KEY_BITS;
	if (bpf_map_update_batch(fd, t->idx, t->slot, &count, NULL)) {
		err = vosfp__fail(h, -errno, "cannot store signatures: %s", strerror(errno));
		goto out;
	}
	/* The keys' bits and the generation go out with the config the caller
	 * writes next, in one write: until then the program reads the old
	 * generation, whole. */
	memset(cfg->ua_keys, 0, sizeof(cfg->ua_keys));
	for (int i = 0; i < n; i++) {
		__u32 bit = vosfp_ua_key_bit(set[i].key);

		cfg->ua_keys[bit >> 6] |= 1ull << (bit & 63);
	}
	cfg->flags = (cfg->flags & ~VOSFP_CFG_UA_GEN) | (idle ? VOSFP_CFG_UA_GEN : 0);
	if (n)
		cfg->flags |= VOSFP_CFG_SCANNERS;
	else
		cfg->flags &= ~VOSFP_CFG_SCANNERS;
out:
	free(set);
	free(t);
	return err;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The live generation's signatures (cfg: the config as read), sorted. */
int vosfp__scanners_format(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			   size_t len)
{
	enum { MAX_TEXTS = MAX_SIGS * VOSFP_UA_PER_KEY };
	char (*text)[VOSFP_UA_MAX + 1] = calloc(MAX_TEXTS, VOSFP_UA_MAX + 1);
	char **sorted = calloc(MAX_TEXTS, sizeof(*sorted));
	int fd = h->map_fd[MAP_UA], n = 0, ret = 0;
	struct vosfp_ua_val val;
	size_t used = 0;
	__u32 live = cfg->flags & VOSFP_CFG_UA_GEN ? 1 : 0;

	if (!text || !sorted) {
		free(text);
		free(sorted);
		return -ENOMEM;
	}
	/* Only the slots whose bit is set hold candidates. */
	for (__u32 b = 0; b < VOSFP_UA_KEY_BITS; b++) {
		__u32 idx = live * VOSFP_UA_KEY_BITS + b;

		if (!((cfg->ua_keys[b >> 6] >> (b & 63)) & 1) ||
		    bpf_map_lookup_elem(fd, &idx, &val))
			continue;
		for (__u32 k = 0; k < val.n && k < VOSFP_UA_PER_KEY && n < MAX_TEXTS; k++) {
			size_t slen = val.len[k], back = slen >= 8 ? slen - 8 : slen - 4;
			__u8 folded[VOSFP_UA_MAX];

			if (slen < VOSFP_UA_KEY_LEN || slen > VOSFP_UA_MAX)
				continue;
			/* The signature again from its words (head, then tail). */
			memcpy(folded, val.head[k], slen / 8 * 8);
			memcpy(folded + back, &val.tail[k], slen >= 8 ? 8 : 4);
			if (slen < 8)
				memcpy(folded, &val.key[k], 4); /* the key holds the first 4 */
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
