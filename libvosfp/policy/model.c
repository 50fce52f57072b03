// SPDX-License-Identifier: BSD-2-Clause
/*
 * Entries -> derived lookup structure (see model.h). Prefixes are
 * expanded to the granularity the program looks at: IPv4 /24 bits and
 * slots, IPv4 hosts for expiring /25../32, IPv6 levels that are multiples
 * of 8. Overlapping entries merge: permanent wins, else the latest expiry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sort.h"

/* A growable array of fixed-size elements, bounded by limit. */
struct vec {
	void *data;
	size_t n, cap, elem, limit;
};

/* Room for n elements at once, so that a big list is not copied on every
 * doubling (0, or -ENOMEM). */
static int vec_reserve(struct vec *v, size_t n)
{
	void *p;

	if (n <= v->cap)
		return 0;
	p = realloc(v->data, n * v->elem);
	if (!p)
		return -ENOMEM;
	v->data = p;
	v->cap = n;
	return 0;
}

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap && vec_reserve(v, v->cap ? v->cap * 2 : 1024))
		return NULL;
	return memset((char *)v->data + v->n++ * v->elem, 0, v->elem);
}

/* memcmp's order on 20 bytes, as two big-endian words and a half: the
 * same answers without a call per comparison, which is most of the time
 * of sorting a million entries. */
static inline int bytes20_cmp(const void *a, const void *b)
{
	const uint8_t *x = a, *y = b;
	uint64_t u, v;
	uint32_t s, t;

	for (int i = 0; i < 16; i += 8) {
		u = pol_be64_at(x + i);
		v = pol_be64_at(y + i);
		if (u != v)
			return u < v ? -1 : 1;
	}
	memcpy(&s, x + 16, 4);
	memcpy(&t, y + 16, 4);
	s = be32toh(s);
	t = be32toh(t);
	return s < t ? -1 : s > t;
}

_Static_assert(sizeof(struct vosfp_entry_key) == 20, "entry key: 20 bytes");
_Static_assert(sizeof(struct vosfp_net6_key) == 20, "IPv6 key: 20 bytes");

int pol_entry_cmp(const void *a, const void *b)
{
	return bytes20_cmp(&((const struct pol_entry *)a)->key, &((const struct pol_entry *)b)->key);
}

int pol_slot_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct pol_slot *)a)->slot, y = ((const struct pol_slot *)b)->slot;

	return x < y ? -1 : x > y;
}

int pol_host_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct pol_host *)a)->addr, y = ((const struct pol_host *)b)->addr;

	return x < y ? -1 : x > y;
}

int pol_net6_cmp(const void *a, const void *b)
{
	return bytes20_cmp(&((const struct pol_net6 *)a)->key, &((const struct pol_net6 *)b)->key);
}

/* Permanent (0) wins; otherwise the later expiry. */
static uint64_t merge_expiry(uint64_t a, uint64_t b)
{
	if (!a || !b)
		return 0;
	return a > b ? a : b;
}

static int covered(const struct vosfp_bits4 *bits, uint32_t slot)
{
	return (bits[slot >> 6].cover >> (slot & 63)) & 1;
}

static int expand_v4(const struct pol_entry *e, struct pol_model *m, struct vec *slots,
		     struct vec *hosts)
{
	uint32_t a = ntohl(*(const uint32_t *)e->key.addr), len = e->key.len;

	m->v4_used = 1;
	if (len <= 24) {
		uint32_t first = len ? a >> 8 : 0, count = 1u << (24 - len);

		for (uint32_t s = first; s - first < count; s++) {
			struct pol_slot *p;

			if (!e->expires_ns) {
				m->bits[s >> 6].cover |= 1ull << (s & 63);
				continue;
			}
			if (slots->n >= slots->limit || !(p = vec_push(slots)))
				return slots->n >= slots->limit ? -ENOSPC : -ENOMEM;
			p->slot = s;
			p->val.whole_expires_ns = e->expires_ns;
		}
		return 0;
	}

	struct pol_slot *p;
	uint32_t first = a & 255, count = 1u << (32 - len);

	if (slots->n >= slots->limit || !(p = vec_push(slots)))
		return slots->n >= slots->limit ? -ENOSPC : -ENOMEM;
	p->slot = a >> 8;
	for (uint32_t h = first; h < first + count; h++) {
		struct pol_host *q;

		if (!e->expires_ns) {
			p->val.hosts[h >> 6] |= 1ull << (h & 63);
			continue;
		}
		p->val.host_ttls++;
		if (hosts->n >= hosts->limit || !(q = vec_push(hosts)))
			return hosts->n >= hosts->limit ? -ENOSPC : -ENOMEM;
		q->addr = (a & ~255u) | h;
		q->val.expires_ns = e->expires_ns;
	}
	return 0;
}

static int expand_v6(const struct pol_entry *e, struct pol_model *m, struct vec *nets)
{
	uint32_t len = e->key.len, level = (len + 7) / 8 * 8, count = 1u << (level - len);

	m->v6_levels |= 1u << (level / 8);
	for (uint32_t i = 0; i < count; i++) {
		struct pol_net6 *p;

		if (nets->n >= nets->limit || !(p = vec_push(nets)))
			return nets->n >= nets->limit ? -ENOSPC : -ENOMEM;
		p->key.level = level;
		memcpy(p->key.addr, e->key.addr, level / 8);
		if (level)
			p->key.addr[level / 8 - 1] |= (uint8_t)i;
		p->val.expires_ns = e->expires_ns;
	}
	return 0;
}

static void set_bit(uint64_t *bloom, uint32_t bit)
{
	bloom[bit >> 6] |= 1ull << (bit & 63);
}

static void set_bloom(uint64_t *bloom, const struct vosfp_net6_key *k)
{
	uint64_t x = vosfp_net6_hash(pol_be64_at(k->addr), pol_be64_at(k->addr + 8), k->level);

	set_bit(bloom, vosfp_bloom6_bit(x));
}

/* The IPv4 addresses behind a /24's detail bit (vosfp_bloom4_bit): its
 * permanent hosts, and the /24 itself if an expiring prefix covers it. The
 * expiring hosts are set from the host4 list, in pol_model_build(). */
static void set_bloom4_slot(uint64_t *bloom, const struct pol_slot *s)
{
	if (s->val.whole_expires_ns)
		set_bit(bloom, vosfp_bloom4_bit(s->slot, VOSFP_BLOOM4_NET24));
	for (uint32_t h = 0; h < 256; h++)
		if ((s->val.hosts[h >> 6] >> (h & 63)) & 1)
			set_bit(bloom, vosfp_bloom4_bit(s->slot << 8 | h, VOSFP_BLOOM4_HOST));
}

/* Radix-sort heads (sort.h) of the derived records. */
static uint64_t slot_head(const void *r)
{
	return (uint64_t)((const struct pol_slot *)r)->slot << 32;
}

static uint64_t host_head(const void *r)
{
	return (uint64_t)((const struct pol_host *)r)->addr << 32;
}

static uint64_t net6_head(const void *r)
{
	return pol_be64_at(&((const struct pol_net6 *)r)->key);
}

/* Sort, then fold runs of equal keys into their first element. */
static void merge_slots(struct vec *v, const struct vosfp_bits4 *bits)
{
	struct pol_slot *s = v->data;
	size_t out = 0;

	pol_sort(s, v->n, sizeof(*s), slot_head, pol_slot_cmp);
	for (size_t i = 0; i < v->n; i++) {
		if (covered(bits, s[i].slot))
			continue; /* a permanent prefix covers the whole /24 */
		if (out && s[out - 1].slot == s[i].slot) {
			struct vosfp_slot4 *d = &s[out - 1].val;

			if (s[i].val.whole_expires_ns > d->whole_expires_ns)
				d->whole_expires_ns = s[i].val.whole_expires_ns;
			for (int w = 0; w < 4; w++)
				d->hosts[w] |= s[i].val.hosts[w];
			d->host_ttls += s[i].val.host_ttls;
			continue;
		}
		s[out++] = s[i];
	}
	v->n = out;
}

static void merge_hosts(struct vec *v, const struct vosfp_bits4 *bits)
{
	struct pol_host *h = v->data;
	size_t out = 0;

	pol_sort(h, v->n, sizeof(*h), host_head, pol_host_cmp);
	for (size_t i = 0; i < v->n; i++) {
		if (covered(bits, h[i].addr >> 8))
			continue;
		if (out && h[out - 1].addr == h[i].addr) {
			h[out - 1].val.expires_ns =
				merge_expiry(h[out - 1].val.expires_ns, h[i].val.expires_ns);
			continue;
		}
		h[out++] = h[i];
	}
	v->n = out;
}

static void merge_nets(struct vec *v)
{
	struct pol_net6 *p = v->data;
	size_t out = 0;

	pol_sort(p, v->n, sizeof(*p), net6_head, pol_net6_cmp);
	for (size_t i = 0; i < v->n; i++) {
		if (out && !pol_net6_cmp(&p[out - 1], &p[i])) {
			p[out - 1].val.expires_ns =
				merge_expiry(p[out - 1].val.expires_ns, p[i].val.expires_ns);
			continue;
		}
		p[out++] = p[i];
	}
	v->n = out;
}

/* Reserve what the expansion of e[0..n) will push at most (no more than
 * each vector's limit: going past it is an error found when pushing). */
static int reserve_all(const struct pol_entry *e, size_t n, uint64_t now, struct vec *slots,
		       struct vec *hosts, struct vec *nets)
{
	size_t ns = 0, nh = 0, nn = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t len = e[i].key.len;

		if (now && pol_entry_expired(&e[i], now))
			continue;
		if (e[i].key.family != 4)
			nn += (size_t)1 << ((len + 7) / 8 * 8 - len);
		else if (len > 24)
			ns++, nh += e[i].expires_ns ? (size_t)1 << (32 - len) : 0;
		else if (e[i].expires_ns)
			ns += (size_t)1 << (24 - len);
	}
	if (vec_reserve(slots, ns < slots->limit ? ns : slots->limit) ||
	    vec_reserve(hosts, nh < hosts->limit ? nh : hosts->limit) ||
	    vec_reserve(nets, nn < nets->limit ? nn : nets->limit))
		return -ENOMEM;
	return 0;
}

int pol_model_build(const struct pol_entry *e, size_t n, uint64_t now, size_t limit,
		    struct pol_model *m, const char **what)
{
	struct vec slots = { .elem = sizeof(struct pol_slot), .limit = limit };
	struct vec hosts = { .elem = sizeof(struct pol_host), .limit = limit };
	struct vec nets = { .elem = sizeof(struct pol_net6), .limit = limit };
	int err = 0;

	memset(m, 0, sizeof(*m));
	*what = "";
	m->bits = calloc(VOSFP_BITS4_WORDS, sizeof(*m->bits));
	m->bloom = calloc(VOSFP_BLOOM6_WORDS, sizeof(*m->bloom));
	if (!m->bits || !m->bloom) {
		pol_model_free(m);
		return -ENOMEM;
	}
	err = reserve_all(e, n, now, &slots, &hosts, &nets);
	for (size_t i = 0; i < n && !err; i++) {
		if (now && pol_entry_expired(&e[i], now))
			continue;
		if (e[i].key.family == 4)
			err = expand_v4(&e[i], m, &slots, &hosts);
		else
			err = expand_v6(&e[i], m, &nets);
		if (err == -ENOSPC)
			*what = e[i].key.family == 4 ? "IPv4 /24 slots or expiring hosts"
						     : "IPv6 expanded prefixes";
	}
	if (!err) {
		merge_slots(&slots, m->bits);
		merge_hosts(&hosts, m->bits);
		merge_nets(&nets);
		for (size_t i = 0; i < slots.n; i++) {
			const struct pol_slot *p = (struct pol_slot *)slots.data + i;

			m->bits[p->slot >> 6].detail |= 1ull << (p->slot & 63);
			set_bloom4_slot(m->bloom, p);
		}
		for (size_t i = 0; i < hosts.n; i++)
			set_bit(m->bloom, vosfp_bloom4_bit(((struct pol_host *)hosts.data)[i].addr,
							   VOSFP_BLOOM4_HOST));
		for (size_t i = 0; i < nets.n; i++)
			set_bloom(m->bloom, &((struct pol_net6 *)nets.data)[i].key);
	}
	m->slots = slots.data;
	m->n_slots = slots.n;
	m->hosts = hosts.data;
	m->n_hosts = hosts.n;
	m->nets = nets.data;
	m->n_nets = nets.n;
	if (err)
		pol_model_free(m);
	return err;
}

void pol_model_free(struct pol_model *m)
{
	free(m->bits);
	free(m->bloom);
	free(m->slots);
	free(m->hosts);
	free(m->nets);
	memset(m, 0, sizeof(*m));
}

/* Sorting entries is the model's, not the sorter's: sort.c knows no
 * record type. */
static uint64_t entry_head(const void *e)
{
	return pol_be64_at(&((const struct pol_entry *)e)->key);
}

void pol_sort_entries(struct pol_entry *e, size_t n)
{
	pol_sort(e, n, sizeof(*e), entry_head, pol_entry_cmp);
}
