/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Force-included (-include) into a test build of bpf/vosfp.bpf.c, never into
 * the program the library embeds: counts, per CPU, the frames for which the
 * decision calls the classifier's global function (SIP_FAST_TEST_ASKED in
 * bpf/sip_fast.h). tests/bpf/test_fast_path.c reads the count.
 */
#ifndef VOSFP_TEST_FAST_PATH_PROBE_H
#define VOSFP_TEST_FAST_PATH_PROBE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} vosfp_test_asked SEC(".maps");

static __always_inline void vosfp_test_asked_inc(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&vosfp_test_asked, &zero);

	if (n)
		*n += 1;
}

#define SIP_FAST_TEST_ASKED() vosfp_test_asked_inc()

#endif
