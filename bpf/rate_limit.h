/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-source request rate limit (config rate_limit, rate_burst), kept in
 * the vosfp_rate LRU map, and a source's first request in vosfp_rate_seen.
 * What happens to a source over it (the drop, the ban) is the decision's,
 * in vosfp.bpf.c. Included once, by vosfp.bpf.c, after maps.h and bans.h
 * (the hash's seed).
 */
#ifndef VOSFP_RATE_LIMIT_H
#define VOSFP_RATE_LIMIT_H

/* The GCRA's verdict on a request at now for a theoretical arrival time
 * tat: 1 if it goes over; else 0 and *next, the time after it. */
static __always_inline int gcra_over(const struct vosfp_config *cfg, __u64 tat, __u64 now,
				     __u64 *next)
{
	if (tat < now)
		tat = now;
	if (tat - now > cfg->rate_tau_ns)
		return 1;
	*next = tat + cfg->rate_interval_ns;
	return 0;
}

/* GCRA: 1 if this request goes over the source's rate. Two CPUs updating
 * one source at once may both pass: the limit is approximate by at most a
 * request per CPU, which costs no lock on the fast path. A source the
 * table does not hold is inserted only at its second request within an
 * interval; the first leaves its word in vosfp_rate_seen (vosfp_shared.h,
 * "First sightings"). */
static __always_inline int over_rate(const struct vosfp_config *cfg,
				     const struct vosfp_addr_key *k)
{
	struct vosfp_rate_val *r, val;
	__u64 now, hash, first, *word;
	__u32 idx;

	if (!cfg->rate_interval_ns)
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&vosfp_rate, k);
	if (r) {
		if (gcra_over(cfg, r->tat_ns, now, &val.tat_ns))
			return 1;
		r->tat_ns = val.tat_ns;
		return 0;
	}
	hash = vosfp_src_hash(k, shared_banflag.seed);
	idx = vosfp_rate_seen_word(hash);
	word = bpf_map_lookup_elem(&vosfp_rate_seen, &idx);
	if (!word)
		return 0;
	if (!vosfp_rate_seen_first(*word, hash, now, cfg->rate_interval_ns, &first)) {
		/* A first request (or the first an interval on): allowed,
		 * as the GCRA allows it from an empty bucket. */
		*word = (now & ~VOSFP_RATE_TAG_MASK) | vosfp_rate_seen_tag(hash);
		return 0;
	}
	/* The second: the GCRA goes on from the first's arrival. Over, the
	 * word stays as it is, as the table's time would have. */
	if (gcra_over(cfg, first + cfg->rate_interval_ns, now, &val.tat_ns))
		return 1;
	bpf_map_update_elem(&vosfp_rate, k, &val, BPF_ANY);
	return 0;
}

#endif /* VOSFP_RATE_LIMIT_H */
