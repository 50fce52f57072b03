/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The policy engine (block and allow lists) as the rest of the library
 * sees it: the only header outside libvosfp/policy/ may include. The
 * engine's own files and what each one does are listed in README.md here.
 *
 * Everything the engine keeps per handle is in struct vosfp_policy, hung
 * off struct vosfp by vosfp__policy_open() and freed by
 * vosfp__policy_close(); the public vosfp_policy_* calls are defined in
 * this folder too (api.c, file.c).
 */
#ifndef VOSFP_POLICY_POLICY_H
#define VOSFP_POLICY_POLICY_H

#include <stdint.h>

struct vosfp;

/* The largest capacity a list may have, at creation or raised later. */
#define VOSFP__MAX_CAPACITY (64u * 1024 * 1024)

/*
 * Before the program's object is loaded on the pin root: refuse (-EEXIST)
 * a root whose pinned policy state has another layout than this library
 * reads (an older or a newer libvosfp made it), saying so, where the load
 * would fail with a bare EINVAL or, worse, misread it. 0 or a negative
 * errno recorded with vosfp__open_fail().
 */
int vosfp__policy_check_root(const struct vosfp *h);

/*
 * After the maps are loaded (h->map_fd[] set, h->skel loaded): set up
 * h->pol, and on a new root record the lists' capacities (0: the
 * default). 0 or a negative errno recorded in h.
 */
int vosfp__policy_open(struct vosfp *h, uint32_t block_capacity, uint32_t allow_capacity);

/* Free h->pol and unmap what it mapped (vosfp_close; NULL h->pol is fine). */
void vosfp__policy_close(struct vosfp *h);

/* What a list holds for one address (vosfp__policy_match). */
struct vosfp__policy_hit {
	uint32_t matches;    /* live entries covering the address */
	/* The one that holds longest: permanent first, then the latest
	 * expiry, then the longest prefix. */
	int family;          /* AF_INET or AF_INET6 */
	uint32_t len;
	uint8_t addr[16];
	uint64_t expires_ns; /* 0 = permanent (CLOCK_MONOTONIC) */
};

/*
 * The live entries of list that cover the address family/addr (AF_INET:
 * 4 bytes; AF_INET6: 16), read from a snapshot of the live generation
 * (the entries as stored, not the derived tables: an explanation names
 * what the operator wrote). hit->matches 0: none. 0 or a negative errno
 * recorded in h.
 */
int vosfp__policy_match(struct vosfp *h, int list, int family, const uint8_t *addr,
			struct vosfp__policy_hit *hit);

#endif /* VOSFP_POLICY_POLICY_H */
