// SPDX-License-Identifier: BSD-2-Clause
/*
 * The policy lookup structure against a model of its meaning. Random
 * sequences of adds (with and without TTLs), removes, merges and whole
 * replaces, on prefixes drawn from small address pools so that they
 * overlap, nest and share /24s, IPv6 bytes and levels; after each step
 * random sources (many inside listed prefixes, many just outside) go
 * through the real program (vosfp_test_packet) and each verdict must be
 * the model's: dropped exactly when a live entry covers the source. Then
 * entries with a 1 s TTL must stop being honoured by the program alone.
 * Needs root (BPF_PROG_TEST_RUN); skips with the reason otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"

#define MAX_ENTRIES 4096

struct ref_entry {
	int family;
	unsigned len;
	uint8_t addr[16];
	int ttl; /* seconds, 0 = permanent */
	char text[64];
};

static struct ref_entry ref[MAX_ENTRIES];
static size_t n_ref;
static uint64_t rng = 88172645463325252ull;
static int failures;

static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void mask(uint8_t *a, unsigned len, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;

		a[i] &= keep ? (uint8_t)(0xff << (8 - keep)) : 0;
	}
}

/* An address from the pools: 10.0-3.0-7.x and 2001:db8:0-3::/48 with few
 * distinct bytes, so that random prefixes collide and nest. */
static void pool_addr(int family, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == AF_INET) {
		a[0] = 10, a[1] = rnd() % 4, a[2] = rnd() % 8, a[3] = (uint8_t)rnd();
		return;
	}
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8, a[5] = rnd() % 4;
	for (int i = 6; i < 16; i++)
		a[i] = rnd() % 3 ? 0 : (uint8_t)(rnd() % 4);
}

static void random_entry(struct ref_entry *e)
{
	e->family = rnd() % 3 ? AF_INET : AF_INET6;
	pool_addr(e->family, e->addr);
	if (e->family == AF_INET)
		e->len = rnd() % 4 ? 20 + rnd() % 13 : 8 + rnd() % 12;
	else
		e->len = 24 + rnd() % 105;
	mask(e->addr, e->len, e->family == AF_INET ? 4 : 16);
	e->ttl = rnd() % 4 ? 0 : 3600;
	inet_ntop(e->family, e->addr, e->text, sizeof(e->text));
	snprintf(e->text + strlen(e->text), 8, "/%u", e->len);
}

static int covers(const struct ref_entry *e, int family, const uint8_t *a)
{
	uint8_t m[16];

	if (e->family != family)
		return 0;
	memcpy(m, a, 16);
	mask(m, e->len, family == AF_INET ? 4 : 16);
	return !memcmp(m, e->addr, family == AF_INET ? 4 : 16);
}

static long find(const struct ref_entry *e)
{
	for (size_t i = 0; i < n_ref; i++)
		if (!strcmp(ref[i].text, e->text))
			return (long)i;
	return -1;
}

static void ref_add(const struct ref_entry *e)
{
	long i = find(e);

	if (i >= 0)
		ref[i] = *e;
	else if (n_ref < MAX_ENTRIES)
		ref[n_ref++] = *e;
}

static void ref_remove(size_t i)
{
	ref[i] = ref[--n_ref];
}

/* A source inside a listed prefix, next to one, or anywhere in the pools. */
static void probe_source(int *family, uint8_t *a)
{
	uint32_t how = rnd() % 3;

	if (how < 2 && n_ref) {
		const struct ref_entry *e = &ref[rnd() % n_ref];
		unsigned bytes = e->family == AF_INET ? 4 : 16;

		*family = e->family;
		memcpy(a, e->addr, 16);
		for (unsigned i = e->len / 8; i < bytes; i++)
			a[i] |= (uint8_t)(rnd() >> (e->len % 8 && i == e->len / 8 ? e->len % 8 : 0));
		if (how == 1 && e->len) /* flip the prefix's last bit: just outside */
			a[(e->len - 1) / 8] ^= (uint8_t)(0x80 >> ((e->len - 1) % 8));
		return;
	}
	*family = rnd() % 2 ? AF_INET : AF_INET6;
	pool_addr(*family, a);
}

static int verdict_of(struct vosfp *h, int family, const uint8_t *a)
{
	char src[64];
	uint8_t frame[256];
	struct frame_spec spec = { .src = src, .l4 = IPPROTO_TCP };
	size_t len;
	int verdict = -1;

	inet_ntop(family, a, src, sizeof(src));
	len = frame_build(&spec, frame, sizeof(frame));
	if (vosfp_test_packet(h, frame, len, &verdict)) {
		fprintf(stderr, "test_packet: %s\n", vosfp_last_error(h));
		exit(1);
	}
	return verdict;
}

static void check_sources(struct vosfp *h, const char *after, int probes, int ignore_ttl)
{
	for (int p = 0; p < probes; p++) {
		uint8_t a[16];
		int family, want = 0, got;
		char src[64];

		probe_source(&family, a);
		for (size_t i = 0; i < n_ref && !want; i++)
			want = covers(&ref[i], family, a) && !(ignore_ttl && ref[i].ttl);
		got = verdict_of(h, family, a) == VOSFP_VERDICT_DROP;
		if (got != want && failures++ < 20) {
			inet_ntop(family, a, src, sizeof(src));
			fprintf(stderr, "FAIL after %s: %s %s, expected %s (%zu entries)\n", after, src,
				got ? "dropped" : "passed", want ? "dropped" : "passed", n_ref);
		}
	}
}

static void check_count(struct vosfp *h, const char *after, size_t live)
{
	int64_t n = vosfp_policy_count(h, VOSFP_LIST_BLOCK);

	if (n != (int64_t)live && failures++ < 20)
		fprintf(stderr, "FAIL after %s: count %lld, expected %zu\n", after, (long long)n,
			live);
}

/* The handle whose pin root goes away on every exit, the early ones
 * (exit(1) on a setup failure) included. */
static struct vosfp *pinned;

static void unpin_at_exit(void)
{
	if (pinned) {
		vosfp_unpin(pinned);
		vosfp_close(pinned);
		pinned = NULL;
	}
}

static void must(struct vosfp *h, int err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", what, vosfp_last_error(h));
		exit(1);
	}
}

/* Replace or merge with k random entries, as a policy file text. */
static void load_random(struct vosfp *h, size_t k, unsigned flags)
{
	char *text = malloc(k * 80 + 1);
	size_t off = 0;

	if (flags & VOSFP_LOAD_REPLACE)
		n_ref = 0;
	for (size_t i = 0; i < k; i++) {
		struct ref_entry e;

		random_entry(&e);
		off += (size_t)sprintf(text + off, "%s%s\n", e.text, e.ttl ? " ttl=1h" : "");
		ref_add(&e);
	}
	must(h, vosfp_policy_load_buffer(h, VOSFP_LIST_BLOCK, text, off, "random", flags), "load");
	free(text);
}

/*
 * A list big enough for the paths small lists never take: the radix sort
 * (4,096 entries and up) and the hash tables written by two threads
 * (131,072 elements and up; the second thread takes the IPv6 table and the
 * upper part of the IPv4 slots). 100,000 IPv4 hosts, each in a /24 of its
 * own, and 40,000 IPv6 /64s; then sources inside, and just beside, random
 * ones of them.
 */
#define BIG4 100000u
#define BIG6 40000u

static void big_addr(uint32_t i, int family, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == AF_INET) {
		uint32_t v = htonl((11u << 24) + (i << 8) + 1);

		memcpy(a, &v, 4);
	} else {
		a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
		a[4] = (uint8_t)(i >> 16), a[5] = (uint8_t)(i >> 8), a[6] = (uint8_t)i;
	}
}

static void check_big_list(struct vosfp *h)
{
	char *text = malloc((BIG4 + BIG6) * 48), src[64];
	size_t off = 0;
	uint8_t a[16];

	if (!text)
		exit(1);
	for (uint32_t i = 0; i < BIG4; i++) {
		big_addr(i, AF_INET, a);
		inet_ntop(AF_INET, a, src, sizeof(src));
		off += (size_t)sprintf(text + off, "%s\n", src);
	}
	for (uint32_t i = 0; i < BIG6; i++) {
		big_addr(i, AF_INET6, a);
		inet_ntop(AF_INET6, a, src, sizeof(src));
		off += (size_t)sprintf(text + off, "%s/64\n", src);
	}
	must(h, vosfp_policy_load_buffer(h, VOSFP_LIST_BLOCK, text, off, "big", VOSFP_LOAD_REPLACE),
	     "big replace");
	free(text);
	check_count(h, "the big replace", BIG4 + BIG6);
	for (int p = 0; p < 400; p++) {
		int family = p % 2 ? AF_INET6 : AF_INET, got, want = 1;
		uint32_t i = rnd() % (family == AF_INET ? BIG4 : BIG6);

		big_addr(i, family, a);
		if (family == AF_INET6)
			a[8 + rnd() % 8] ^= (uint8_t)(1 + rnd() % 255); /* inside the /64 */
		if (rnd() % 2) { /* beside it: the next host, or the /64 after the last */
			want = 0;
			if (family == AF_INET)
				a[3] ^= 3;
			else
				big_addr(BIG6 + i, AF_INET6, a);
		}
		got = verdict_of(h, family, a) == VOSFP_VERDICT_DROP;
		if (got != want && failures++ < 20) {
			inet_ntop(family, a, src, sizeof(src));
			fprintf(stderr, "FAIL after the big replace: %s %s, expected %s\n", src,
				got ? "dropped" : "passed", want ? "dropped" : "passed");
		}
	}
	must(h, vosfp_policy_clear(h, VOSFP_LIST_BLOCK), "clear");
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .block_capacity = 200000 }; /* >= BIG4 + BIG6 */
	struct vosfp *h;
	char root[96], step[128];

	if (geteuid())
		return test_skip("needs root (BPF_PROG_TEST_RUN and pinned maps)");
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-lookup-%d", getpid());
	opts.pin_root = root;
	if (vosfp_open(&opts, &h)) {
		fprintf(stderr, "open: %s\n", vosfp_open_error());
		return 1;
	}
	pinned = h;
	atexit(unpin_at_exit);
	must(h, vosfp_config_set(h, "autoban", "off"), "config");
	for (int round = 0; round < 400 && failures < 20; round++) {
		uint32_t op = rnd() % 100;

		if (op < 60) {
			struct ref_entry e;

			random_entry(&e);
			must(h, vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, e.text, (uint32_t)e.ttl), e.text);
			ref_add(&e);
			snprintf(step, sizeof(step), "add %s", e.text);
		} else if (op < 88 && n_ref) {
			size_t i = rnd() % n_ref;

			snprintf(step, sizeof(step), "remove %s", ref[i].text);
			must(h, vosfp_policy_remove(h, VOSFP_LIST_BLOCK, ref[i].text), step);
			ref_remove(i);
		} else if (op < 94) {
			load_random(h, 1 + rnd() % 300, 0);
			snprintf(step, sizeof(step), "merge");
		} else {
			load_random(h, rnd() % 400, VOSFP_LOAD_REPLACE);
			snprintf(step, sizeof(step), "replace");
		}
		check_sources(h, step, 60, 0);
		if (round % 20 == 0)
			check_count(h, step, n_ref);
	}
	check_count(h, "the random rounds", n_ref);

	/* Entries with a 1 s TTL: honoured, then no longer, with no call in
	 * between; the next change drops them from the list. */
	for (size_t i = 0; i < n_ref; i++)
		if (ref[i].ttl) {
			must(h, vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, ref[i].text, 1), ref[i].text);
		}
	check_sources(h, "TTLs set to 1 s", 300, 0);
	sleep(2);
	check_sources(h, "the TTLs ran out", 300, 1);
	for (size_t i = 0; i < n_ref;)
		if (ref[i].ttl)
			ref_remove(i);
		else
			i++;
	must(h, vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.1"), "add");
	{
		struct ref_entry e = { .family = AF_INET, .len = 32, .addr = { 192, 0, 2, 1 } };

		snprintf(e.text, sizeof(e.text), "192.0.2.1/32");
		ref_add(&e);
	}
	check_count(h, "expired entries were dropped", n_ref);
	check_sources(h, "expired entries were dropped", 300, 0);

	check_big_list(h);

	unpin_at_exit();
	printf("policy lookup: %d failures\n", failures);
	return failures ? 1 : 0;
}
