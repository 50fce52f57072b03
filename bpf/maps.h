/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The XDP program's maps: policy lists, config, counters, AF_XDP sockets,
 * rate limiter and scanner signatures (layouts and the why in
 * vosfp_shared.h; the ban tables are in bans.h). Included once, by
 * vosfp.bpf.c, before the code that uses them.
 */
#ifndef VOSFP_MAPS_H
#define VOSFP_MAPS_H

/* A map of one entry as a global variable in a section of its own, named
 * after its pin (vosfp_shared.h, "Shared data"). */
#define VOSFP_SHARED_DATA(pin_name) SEC(VOSFP_SHARED_DATA_PREFIX pin_name)

/*
 * Policy lists: one outer map holding the inner maps of every (list,
 * generation) and kind; layouts and meaning in vosfp_shared.h. The inner
 * definition is the template the kernel checks the library's inner maps
 * against; the library sizes each inner map (BPF_F_INNER_MAP lets sizes
 * differ).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_POL_KINDS);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__uint(map_flags, BPF_F_INNER_MAP | BPF_F_MMAPABLE);
		__type(key, __u32);
		__type(value, struct vosfp_tbl_bucket);
		__uint(max_entries, 1);
	});
} vosfp_ptables SEC(".maps");

/* clang describes types reached only two pointers deep (the template's
 * value) as forward declarations, which libbpf cannot size; this
 * read-only variable, never used, gives it a full description. */
const volatile struct vosfp_tbl_bucket btf_tbl_bucket;

/* The IPv4 bits of all four (list, generation) pairs in one plain array,
 * VOSFP_BITS4_WORDS words each: a direct array lookup is inlined by the
 * verifier, where an inner map would cost a helper call per list. Memory-
 * mapped by the library, which reads and writes the words in place instead
 * of a syscall per batch (this and the Bloom words below). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_bits4);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_BITS4_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
} vosfp_pbits4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, VOSFP_POL_SLOTS * VOSFP_BLOOM6_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
} vosfp_pbloom6 SEC(".maps");

/* The policy state and the config: shared data (vosfp_shared.h), read at
 * a fixed address with no lookup. */
struct vosfp_pol_state shared_pol_state VOSFP_SHARED_DATA(VOSFP_MAP_POL_STATE);
struct vosfp_config shared_config VOSFP_SHARED_DATA(VOSFP_MAP_CONFIG);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_counter_val);
	__uint(max_entries, VOSFP_IFROWS * VOSFP_CTR_SLOTS);
} vosfp_counters SEC(".maps");

/* ifindex -> counter row (vosfp_shared.h): a plain ARRAY, inlined. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, VOSFP_IFINDEX_SLOTS);
} vosfp_ifindex SEC(".maps");

/* row -> interface, for the library only (the program never reads it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_ifrow);
	__uint(max_entries, VOSFP_IFROWS);
} vosfp_ifrows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, VOSFP_XSK_SLOTS);
} vosfp_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct vosfp_addr_key);
	__type(value, struct vosfp_rate_val);
	__uint(max_entries, VOSFP_RATE_SLOTS);
} vosfp_rate SEC(".maps");

/* The rate limiter's first sightings (vosfp_shared.h): a plain ARRAY, so
 * that a spoofed source's request costs an inlined read and a store. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1u << VOSFP_RATE_SEEN_BITS);
} vosfp_rate_seen SEC(".maps");

/* Two generations of the signature table (vosfp_shared.h): a plain ARRAY,
 * so that the program's read is inlined. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vosfp_ua_val);
	__uint(max_entries, VOSFP_UA_SLOTS);
} vosfp_ua_sigs SEC(".maps");

#endif /* VOSFP_MAPS_H */
