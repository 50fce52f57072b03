/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-source request rate limit (config rate_limit, rate_burst), kept in
 * the vosfp_rate LRU map. What happens to a source over it (the drop, the
 * ban) is the decision's, in vosfp.bpf.c. Included once, by vosfp.bpf.c,
 * after maps.h.
 */
#ifndef VOSFP_RATE_LIMIT_H
#define VOSFP_RATE_LIMIT_H

/* GCRA: 1 if this request goes over the source's rate. Two CPUs updating
 * one source at once may both pass: the limit is approximate by at most a
 * request per CPU, which costs no lock on the fast path. */
static __always_inline int over_rate(const struct vosfp_config *cfg,
				     const struct vosfp_addr_key *k)
{
	struct vosfp_rate_val *r;
	__u64 tat, now;

	if (!cfg->rate_interval_ns)
		return 0;
	now = bpf_ktime_get_ns();
	r = bpf_map_lookup_elem(&vosfp_rate, k);
	if (!r) {
		struct vosfp_rate_val first = { .tat_ns = now + cfg->rate_interval_ns };

		bpf_map_update_elem(&vosfp_rate, k, &first, BPF_ANY);
		return 0;
	}
	tat = r->tat_ns > now ? r->tat_ns : now;
	if (tat - now > cfg->rate_tau_ns)
		return 1;
	r->tat_ns = tat + cfg->rate_interval_ns;
	return 0;
}

#endif /* VOSFP_RATE_LIMIT_H */
