/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Map layouts shared by the XDP program (bpf/vosfp.bpf.c) and the library
 * (libvosfp/). One definition, two users: change a layout here and both
 * sides follow. A layout change makes maps pinned by an older library
 * incompatible, which vosfp_open() reports as -EEXIST.
 *
 * Only UAPI types: this header is compiled for the BPF target and the host.
 */
#ifndef VOSFP_SHARED_H
#define VOSFP_SHARED_H

#include <linux/types.h>

/* The counter reasons (VOSFP_CTR_*) and the lists (VOSFP_LIST_*) are public
 * ids: defined once, in the public header's libc-free half, which this
 * program and the library both include (docs/abi.md, "Shared ids"). */
#include <vosfp/vosfp_ids.h>

/* Map names; they are also the file names of the pins under the pin root.
 * At most 15 characters (BPF_OBJ_NAME_LEN - 1). */
/* Policy lists (see "Policy lists" below): outer maps of maps, and the
 * state that says which generation of each list is live. */
#define VOSFP_MAP_POL_BITS4 "vosfp_pbits4"
#define VOSFP_MAP_POL_TABLES "vosfp_ptables"
#define VOSFP_MAP_POL_BLOOM6 "vosfp_pbloom6"
#define VOSFP_MAP_POL_STATE "vosfp_pstate"
#define VOSFP_MAP_CONFIG "vosfp_config"
#define VOSFP_MAP_COUNTERS "vosfp_counters"
#define VOSFP_MAP_IFINDEX "vosfp_ifindex"
#define VOSFP_MAP_IFROWS "vosfp_ifrows"
#define VOSFP_MAP_XSKS "vosfp_xsks"
#define VOSFP_MAP_BANS "vosfp_bans"
#define VOSFP_MAP_BANS_PRESENT "vosfp_banflag"
#define VOSFP_MAP_BANBITS "vosfp_banbits"
#define VOSFP_MAP_RATE "vosfp_rate"
#define VOSFP_MAP_RATE_SEEN "vosfp_rate_seen"
#define VOSFP_MAP_UA "vosfp_ua_sigs"
#define VOSFP_MAP_MBANS "vosfp_mbans"
#define VOSFP_MAP_VERIFIED "vosfp_verified"
#define VOSFP_MAP_BSTATS "vosfp_bstats"
#define VOSFP_MAP_BAN_EVENTS "vosfp_banev"
/* Pinned bpf_link of an attachment: VOSFP_LINK_PREFIX + ifname. */
#define VOSFP_LINK_PREFIX "link_"

/*
 * Shared data. The three maps of one entry that the program reads on most
 * packets (the config, the policy state, the ban pre-filter's flags) are
 * global variables in the program, each in a data section of its own named
 * VOSFP_SHARED_DATA_PREFIX + its pin name. libbpf makes each section a
 * one-entry ARRAY like the map it replaces, and the program reads it at an
 * address fixed at load time: no key on the stack, no bounds check, no NULL
 * test, and no register to keep the pointer in (2-4 ns a packet to a SIP
 * port on bench/README.md's machine, "Shared data"). They are pinned and
 * reused like every other map, with the flags they had as map definitions
 * (libvosfp/pin_names.c), so that roots made before open with this program
 * and the other way round. The kernel knows them by their section names,
 * truncated to 15 characters; their pins keep the names above.
 */
#define VOSFP_SHARED_DATA_PREFIX ".data."

#ifndef __bpf__
/* The name under the pin root of a map of the program's object, from
 * libbpf's name for it: its own, or a shared data section's name after
 * VOSFP_SHARED_DATA_PREFIX; NULL for data each load keeps to itself
 * (.rodata). Host only: libvosfp's loader and those of bench/ and tests/
 * (tests/common/obj_pins.c) pin alike by it. */
static inline const char *vosfp_pin_name(const char *map_name, int internal)
{
	const char *prefix = VOSFP_SHARED_DATA_PREFIX;
	unsigned int i = 0;

	if (!internal)
		return map_name;
	for (; prefix[i]; i++)
		if (map_name[i] != prefix[i])
			return (const char *)0;
	return map_name + i;
}
#endif

/*
 * Policy lists. Each list (block, allow) exists in two generations; the
 * program reads only the live one (vosfp_pol_state.gen), so a whole list is
 * replaced by filling the other generation aside and flipping one word.
 * One outer map (VOSFP_MAP_POL_TABLES) holds the inner maps of every
 * (list, generation), one per kind, at VOSFP_POL_INNER(slot, kind) with
 * slot VOSFP_POL_SLOT(list, gen); the library creates them and installs
 * a generation's four in one batch (the kernel waits for an RCU grace
 * period after each update of an outer map: 8-16 ms, once per batch).
 * All are memory-mapped ARRAYs of 64-byte elements.
 *
 * The lookup cost must not grow with the size of a list, so a list is not
 * an LPM trie (about 95 ns at a million prefixes) but a derived structure
 * built by the library from the list's entries:
 *
 * IPv4, one array lookup for most sources:
 *   bits4  one plain ARRAY (not inner maps) holding 2^18 words per (list,
 *          generation) at VOSFP_POL_SLOT * VOSFP_BITS4_WORDS, each word
 *          covering 64 consecutive /24s (word address >> 14, bit
 *          (address >> 8) & 63). cover: the whole /24
 *          is listed for good; detail: look at the /24's slot.
 *   slot4  TABLE (below) keyed by the /24 (address >> 8); its value is the
 *          index of a record (struct vosfp_slot4, stored in the same array
 *          after the buckets): the latest expiry of expiring prefixes of
 *          /24 or shorter that cover it, a bitmap of permanently listed
 *          hosts (from /25../32 prefixes), and whether any host in it has
 *          an expiring entry.
 *   host4  TABLE keyed by the host address, value its expiry: expiring
 *          /25../32 prefixes, expanded to their hosts (at most 128 each).
 * IPv6, one table lookup per prefix length that may match:
 *   net6   TABLE keyed by (level, address masked to it), level a multiple
 *          of 8, value its expiry; a prefix is expanded to the next level
 *          (at most 128 entries per prefix). vosfp_pol_gen.v6_levels says
 *          which levels hold entries.
 *   bloom6 one plain ARRAY of 2^18 u64 words per (list, generation), like
 *          bits4: a one-hash Bloom filter of the net6 keys (bit
 *          vosfp_bloom6_bit()), and of the IPv4 addresses behind a detail
 *          bit (vosfp_bloom4_bit). The program looks a level up in net6 only
 *          when its bit is set, so a clean source costs one inlined array
 *          read per level in use, not one table lookup.
 * And for the library alone:
 *   entries ARRAY holding the prefixes as given (struct vosfp_entry,
 *          packed across its 64-byte elements), with their expiry, sorted,
 *          vosfp_pol_gen.entries of them: what `list` shows and what the
 *          derived maps are rebuilt from. Two halves (entries_half says
 *          which is current), each sized for the list with room to spare,
 *          like the TABLEs.
 *
 * Addresses in keys are host byte order for IPv4, network order for IPv6.
 * Expiry times are CLOCK_MONOTONIC ns (bpf_ktime_get_ns); 0 = permanent.
 */
/* Lists are enum vosfp_list (vosfp_ids.h); each has two generations. */
#define VOSFP_POL_SLOT(list, gen) (((list) << 1) | ((gen) & 1))
#define VOSFP_POL_SLOTS 4
/* Kinds of inner maps: the TABLEs, then the entries array. The one
 * definition of these ids: the library numbers its own views of a
 * generation (libvosfp/policy/store.h) from them. */
#define VOSFP_PK_SLOT4 0
#define VOSFP_PK_HOST4 1
#define VOSFP_PK_NET6 2
#define VOSFP_PK_TABLES 3 /* kinds below are TABLEs */
#define VOSFP_PK_ENTRIES 3
#define VOSFP_POL_KINDS 4
#define VOSFP_POL_INNER(slot, kind) ((slot) * VOSFP_POL_KINDS + (kind))
#define VOSFP_BITS4_WORDS (1u << 18)
#define VOSFP_V6_LEVELS 17 /* /0, /8, ... /128 */

#define VOSFP_BLOOM6_WORDS (1u << 18)

/* A hash of a net6 key: the masked address as two host-order halves
 * (hi = bytes 0-7) and the level. Its top 24 bits are the key's Bloom bit
 * (VOSFP_BLOOM6_WORDS * 64), its top 32 its home bucket in net6
 * (vosfp_net6_home; the low bits are mixed too little for that).
 * Shared by program and library. */
static inline __u64 vosfp_net6_hash(__u64 hi, __u64 lo, __u32 level)
{
	__u64 x = hi * 0x9e3779b97f4a7c15ull ^ (lo + level) * 0xc2b2ae3d27d4eb4full;

	x ^= x >> 31;
	return x * 0xff51afd7ed558ccdull;
}

static inline __u32 vosfp_bloom6_bit(__u64 x)
{
	return (__u32)(x >> 40);
}

static inline __u32 vosfp_net6_home(__u64 x)
{
	return (__u32)(x >> 32);
}

/* IPv4 keys in the same Bloom filter (layout 5): a /24 with detail (its
 * bits4 bit) says only that some address in it is listed, and finding out
 * which takes its slot4 entry and record, two lookups in inner maps that
 * the verifier cannot inline (a helper call each, dear with a return
 * thunk). So every such address also sets a Bloom bit: each listed host
 * (the record's permanent hosts, and the expiring ones of host4) under
 * VOSFP_BLOOM4_HOST, a /24 covered by an expiring prefix under
 * VOSFP_BLOOM4_NET24 (key: the /24, address >> 8). A source whose two bits
 * are clear is on no list, and the usual case, an unknown source that
 * shares a /24 with a listed one, pays two inlined array reads instead.
 * The "levels" are none of IPv6's (0..128), so the keys never meet. */
#define VOSFP_BLOOM4_HOST 0x120u
#define VOSFP_BLOOM4_NET24 0x118u
static inline __u32 vosfp_bloom4_bit(__u32 key, __u32 kind)
{
	return vosfp_bloom6_bit(vosfp_net6_hash(key, 0, kind));
}

/*
 * TABLE: a hash table the library writes in place through a memory-mapped
 * ARRAY (BPF_F_MMAPABLE), where a kernel hash map costs a bucket-locked
 * syscall insert per element (most of a million-prefix load). Open
 * addressing: element i of the array is bucket i, of 64 bytes: four IPv4
 * entries (slot4, host4) or two IPv6 entries (net6); a key lives in the
 * first bucket from its home (vosfp_tbl_home4, vosfp_net6_home) on,
 * modulo the bucket count (a power of two, vosfp_pol_tbl.buckets),
 * at most VOSFP_TBL_PROBES buckets away; an empty entry (tag 0) ends a
 * search. The library sizes a table when it builds a generation and
 * builds a new generation when a change would not fit.
 *
 * Why a reader never sees a half-written entry: an entry goes from empty
 * to holding a key only by its tag, stored last; its key never changes
 * after that; it is deleted by storing VOSFP_TBL_TOMB in its value (the
 * entry keeps the key, so a search goes on past it, and the same key may
 * come back in it). Values are single aligned 64-bit words. A slot4
 * record is written whole before the value that points to it, and never
 * rewritten: a change writes a new record and then the value.
 */
#define VOSFP_TBL_WAYS4 4
#define VOSFP_TBL_WAYS6 2
#define VOSFP_TBL_PROBES 8
#define VOSFP_TBL_TOMB (~0ull)
/* tag of an IPv4 key (slot4, host4); a net6 key's tag is 1 + its level. */
#define VOSFP_TBL_TAG4 1

struct vosfp_tbl_entry4 {
	__u32 tag;  /* 0: empty */
	__u32 key4; /* slot4: the /24; host4: the address (host order) */
	__u64 val;  /* host4: expiry ns (0 = permanent); slot4: the record's index */
};

struct vosfp_tbl_entry6 {
	__u32 tag; /* 0: empty */
	__u32 pad;
	__u64 hi; /* the masked address, bytes 0-7 and 8-15, host order */
	__u64 lo;
	__u64 val; /* expiry ns (0 = permanent) */
};

/* One array element: a bucket, or (slot4, past the buckets) a record. */
struct vosfp_tbl_bucket {
	union {
		struct vosfp_tbl_entry4 e4[VOSFP_TBL_WAYS4];
		struct vosfp_tbl_entry6 e6[VOSFP_TBL_WAYS6];
	};
};

/* The home bucket of an IPv4 key (masked to the bucket count): mixed
 * well, as neighbouring /24s and hosts are the common case. */
static inline __u32 vosfp_tbl_home4(__u32 key)
{
	__u64 x = (__u64)key * 0x9e3779b97f4a7c15ull;

	x ^= x >> 29;
	return (__u32)((x * 0xbf58476d1ce4e5b9ull) >> 32);
}

struct vosfp_bits4 {
	__u64 cover;
	__u64 detail;
};

struct vosfp_slot4 {
	__u64 whole_expires_ns; /* 0: no expiring prefix covers the whole /24 */
	__u64 hosts[4];         /* host h listed for good: bit h % 64 of hosts[h / 64] */
	__u32 host_ttls;        /* hosts of this /24 that have an expiring entry */
	__u32 pad;
};

struct vosfp_expiry {
	__u64 expires_ns; /* 0 = permanent */
};

struct vosfp_net6_key {
	__u32 level;
	__u8 addr[16];
};

/* An entry as given: family 4 or 6, prefix length, address (an IPv4
 * address fills the first 4 bytes, network order). */
struct vosfp_entry_key {
	__u8 family;
	__u8 len;
	__u8 pad[2];
	__u8 addr[16];
};

struct vosfp_entry {
	struct vosfp_entry_key key;
	__u32 pad;
	__u64 expires_ns; /* 0 = permanent */
};


/* A TABLE's figures in the policy state. */
struct vosfp_pol_tbl {
	__u32 buckets; /* a power of two; the program needs it */
	__u32 filled;  /* entries not empty: live keys and deleted ones */
	__u32 keys;    /* live keys (what the capacity limits) */
	__u32 records; /* slot4: records written, the deleted ones too; else 0 */
};

/* One generation of one list, as one record: all that the program needs
 * to read it and the library to change it. */
struct vosfp_pol_gen {
	__u32 v4_used;   /* 1 if the IPv4 part has entries */
	__u32 v6_levels; /* bit i = level 8 * i holds entries */
	__u32 entries;   /* entries in the entries array */
	/* Which half of the entries array holds the entries. A change writes
	 * the other half, then switches with this word and the count: a
	 * writer killed halfway leaves the list it started from. */
	__u32 entries_half;
	struct vosfp_pol_tbl tbl[VOSFP_PK_TABLES]; /* slot4, host4, net6 */
};

/* The layout of struct vosfp_pol_state (and of what it describes) that
 * this library and program read, in its first word. A root made with
 * another layout is refused, not misread. Roots made before layouts were
 * numbered have no such word (theirs is a live generation, 0 or 1) and
 * count as layout 1; its last form was VOSFP_POL_LAYOUT1_SIZE bytes. */
/* 3: the counters became rows x VOSFP_CTR_SLOTS, one row per interface
 * (VOSFP_MAP_IFINDEX, VOSFP_MAP_IFROWS).
 * 4: the ban pre-filter (VOSFP_MAP_BANBITS, struct vosfp_banflag).
 * 5: IPv4 keys in the Bloom filter (vosfp_bloom4_bit), the signature
 *    keys' bits in the config (vosfp_config.ua_keys), and the signatures
 *    in a two-generation ARRAY instead of a hash map. */
#define VOSFP_POL_LAYOUT 5
#define VOSFP_POL_LAYOUT1_SIZE 248

/* The single entry (key 0) of VOSFP_MAP_POL_STATE. The library writes the
 * record of a generation before it makes that generation live. */
struct vosfp_pol_state {
	__u32 layout;      /* VOSFP_POL_LAYOUT; 0 before the first open */
	__u32 gen[2];      /* live generation of each list */
	__u32 capacity[2]; /* entries per list, as chosen at the first open */
	/* Set while a change writes a list's live generation in place: a
	 * writer killed halfway leaves it set, and the next change rebuilds
	 * that list as a new generation rather than trust the live maps. */
	__u32 dirty[2];
	__u32 pad;
	struct vosfp_pol_gen gens[2][2]; /* [list][gen] */
};

/* The counters map is indexed by row * VOSFP_CTR_SLOTS + enum
 * vosfp_counter (vosfp_ids.h); a row has room for VOSFP_CTR_SLOTS reasons,
 * so that reasons can be appended without changing the pinned map's size.
 *
 * Rows, so that an operator with several interfaces sees each one's
 * figures: VOSFP_MAP_IFINDEX, a plain ARRAY indexed by ifindex, gives the
 * row of the interface a packet came in on. A plain ARRAY because the
 * verifier inlines its lookup (a bounds check and an add, no helper call,
 * no hash): the per-packet cost stays a few instructions, paid only by
 * packets that are counted. The library writes an interface's entry when
 * it attaches there and clears it when it detaches.
 *   row 0  other: an ifindex with no entry (0, or past VOSFP_IFINDEX_SLOTS,
 *          or attached by a library before rows), and BPF_PROG_TEST_RUN;
 *   row 1  detached: the library alone writes it, adding a row's figures
 *          into it when its interface is detached, so that the totals (the
 *          sum of all rows) never go back, as a Prometheus counter must not;
 *   rows VOSFP_IFROW_FIRST.. one per attached interface, named in
 *          VOSFP_MAP_IFROWS (row -> ifindex and name), which only the
 *          library reads.
 * ifindexes are per network namespace: interfaces of two namespaces with
 * one index on one pin root share a row (one root per namespace avoids it). */
#define VOSFP_CTR_SLOTS 32
#define VOSFP_IFROWS 64
#define VOSFP_IFROW_OTHER 0
#define VOSFP_IFROW_DETACHED 1
#define VOSFP_IFROW_FIRST 2
#define VOSFP_IFINDEX_SLOTS 65536

/* VOSFP_MAP_IFROWS value: ifindex 0 = row free. */
struct vosfp_ifrow {
	__u32 ifindex;
	char name[16]; /* IFNAMSIZ, NUL-terminated */
};

struct vosfp_counter_val {
	__u64 packets;
	__u64 bytes;
};

/* SIP request methods as bits of vosfp_config.stealth_methods (RFC 3261
 * and the extension RFCs in common use). VOSFP_M_OTHER stands for any other
 * valid extension method token. */
enum vosfp_method_bit {
	VOSFP_M_INVITE = 0,
	VOSFP_M_ACK,
	VOSFP_M_BYE,
	VOSFP_M_CANCEL,
	VOSFP_M_REGISTER,
	VOSFP_M_OPTIONS,
	VOSFP_M_PRACK,
	VOSFP_M_SUBSCRIBE,
	VOSFP_M_NOTIFY,
	VOSFP_M_PUBLISH,
	VOSFP_M_INFO,
	VOSFP_M_REFER,
	VOSFP_M_MESSAGE,
	VOSFP_M_UPDATE,
	VOSFP_M_OTHER,
	VOSFP_M__COUNT
};

/* vosfp_config.flags */
#define VOSFP_CFG_MALFORMED_DROP (1u << 0)
/* Drop every request from sources not on the allow list (responses pass). */
#define VOSFP_CFG_TRUSTED_ONLY (1u << 1)
/* Set by the library while the User-Agent signature set is not empty, so
 * that the program scans headers only when there is something to find. */
#define VOSFP_CFG_SCANNERS (1u << 2)
/* Scanners and sources over the rate limit land on the ban list. */
#define VOSFP_CFG_AUTOBAN (1u << 3)
/* Which passed packets go to a registered AF_XDP socket (config
 * xsk_redirect, xsk_allowed; docs/filter.md, "AF_XDP"). All three clear is
 * all-passed with allowed sources included: what the program did before
 * these bits existed, so a pinned config from an older library keeps its
 * behaviour. NONE wins over REQUESTS. High bits, away from the filter's own. */
#define VOSFP_CFG_XSK_NONE (1u << 8)       /* nothing: every packet to the stack */
#define VOSFP_CFG_XSK_REQUESTS (1u << 9)   /* only UDP requests that passed inspection */
#define VOSFP_CFG_XSK_NO_ALLOWED (1u << 10) /* allowed sources' packets to the stack */
/* Which generation of the signature table (VOSFP_MAP_UA) is live: the
 * library writes the other one whole, then flips this bit in the config
 * write that also carries the keys' bits (vosfp_config.ua_keys). */
#define VOSFP_CFG_UA_GEN (1u << 11)

/* Written by the library when it creates the config; a config entry
 * without it (a fresh, all-zero map) is initialised to the defaults. */
#define VOSFP_CFG_MAGIC 0x56534650u /* "VSFP" */

#define VOSFP_PORT_WORDS (65536 / 32)

/* The scanner signatures' lookup keys (struct vosfp_ua_val: the first 4
 * bytes of a signature, folded), one bit each in vosfp_config.ua_keys, at
 * the index of the key's slot in the signature table. A User-Agent whose
 * key's bit is clear begins with no signature: the program skips the
 * match's call and its table read. 4096 bits for at most 256 keys: a
 * false hit costs the read, never a verdict. */
#define VOSFP_UA_KEY_WORDS 64
#define VOSFP_UA_KEY_BITS (VOSFP_UA_KEY_WORDS * 64)
static inline __u32 vosfp_ua_key_bit(__u32 key)
{
	return (key * 0x9e3779b1u) >> 20; /* 12 bits: VOSFP_UA_KEY_BITS */
}

/* The single entry (key 0) of the config array map. */
struct vosfp_config {
	__u32 magic;
	__u32 flags;
	__u32 stealth_methods; /* bit set of enum vosfp_method_bit */
	__u32 rate_pps;          /* the library's record of the rate it set */
	/* Per-source request rate limit as a GCRA (a token bucket kept as one
	 * timestamp): a request is allowed while the source's theoretical
	 * arrival time is at most rate_tau_ns ahead of now; each allowed
	 * request moves it rate_interval_ns further. 0 interval = no limit. */
	__u64 rate_interval_ns; /* 1e9 / requests per second */
	__u64 rate_tau_ns;      /* (burst - 1) * rate_interval_ns */
	__u64 ban_ttl_ns;       /* how long an automatic ban lasts */
	/* How long a source stays verified after the server's last 2xx final
	 * response to its REGISTER or INVITE; 0 = learn none (and spare none). */
	__u64 verified_ttl_ns;
	/* SIP ports, one bit per port: word port / 32, bit port % 32. One
	 * lookup tells whether a packet is ours, whatever the number of ports. */
	__u32 port_bitmap[VOSFP_PORT_WORDS];
	/* Bits of the signature keys in use (vosfp_ua_key_bit), written with
	 * the signatures: the table's idle generation first, then this, in the
	 * config write that also flips VOSFP_CFG_UA_GEN and sets
	 * VOSFP_CFG_SCANNERS, so a set bit never leads to a slot that was
	 * never written. */
	__u64 ua_keys[VOSFP_UA_KEY_WORDS];
};

#define VOSFP_XSK_SLOTS 64

/* A source address, the key of the ban list and of the rate limiter.
 * family is 4 or 6; an IPv4 address fills the first 4 bytes of addr. */
struct vosfp_addr_key {
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

/* Ban list entry; times are CLOCK_MONOTONIC (bpf_ktime_get_ns). The
 * program ignores, and deletes, an entry once it has expired. A ban made
 * permanent by hand expires at VOSFP_BAN_FOREVER_NS, a time the monotonic
 * clock never reaches (584 years of uptime), so that one compare decides
 * both kinds. */
#define VOSFP_BAN_FOREVER_NS 0xffffffffffffffffull
struct vosfp_ban_val {
	__u64 expires_ns;
	__u32 reason; /* the counter reason that caused the ban */
	__u32 pad;
};

/* The single entry (key 0) of VOSFP_MAP_BANS_PRESENT: the state of the
 * ban pre-filter below. present[g]: 0 only while generation g is known to
 * hold no ban, so that most packets skip even the filter; it is set and
 * cleared like a cell (below), not cleared in place: clearing a single
 * flag to re-check it, as layout 3 did, let a banned source through
 * between the clear and the re-check. */
struct vosfp_banflag {
	__u32 gen;        /* the generation the program reads (bit 0) */
	__u32 present[2]; /* per generation */
	__u32 pad;
	__u64 seed;       /* the filter's hash seed: random, chosen once per root */
};

/*
 * The ban pre-filter (VOSFP_MAP_BANBITS): under a flood of random spoofed
 * sources, the two ban-table lookups of every unknown source miss the
 * cache (120-150 ns a packet). So the program first reads one cell of a
 * fixed-size filter, a plain ARRAY the verifier inlines, indexed by a
 * seeded hash of the source, and looks in the tables only when the cell is
 * set. A cell is a whole byte, not a bit: Linux 5.10 has no atomic OR for
 * BPF, and a byte store never loses a neighbour's store the way a
 * read-modify-write of a shared word would.
 *
 * The invariant: every ban that exists has its cell and the present flag
 * set in the live generation. Whoever makes a ban (the library by hand,
 * the program's ban()) inserts it, then sets its cell and the flag in
 * both generations. Cells are
 * never cleared one by one (several sources share one): a cell left set
 * by a ban that is gone costs a table lookup, never a verdict. The
 * library rebuilds when it sweeps the tables (vosfp_ban_stats, and
 * vosfp_ban_remove once the tables are empty): under the writers' lock it
 * clears the idle generation (flag and cells), walks both tables setting
 * the cells of live bans there (and the flag if it found one), then flips
 * gen. A ban inserted before the clear is seen by the walk; one inserted
 * after it sets its own cell and flag after the clear; so after the flip
 * every ban made before it has both (a ban still being made at that moment
 * is in the window every ban has between its insert and its cell). The
 * generation a flip leaves is cleared only by the next rebuild, a whole
 * walk later: a packet that read gen just before the flip is long done.
 *
 * The seed keeps an attacker from choosing sources that share one cell;
 * one who fills the filter anyway only brings back the table lookups.
 * The library writes the cells through a memory mapping, a byte at a time.
 */
#define VOSFP_BANF_LINE 64 /* cells per array element: one cache line */
#define VOSFP_BANF_LINES (1u << 12) /* elements per generation */
#define VOSFP_BANF_CELL_BITS 18     /* 2^18 cells, 256 KiB per generation */

struct vosfp_banf_line {
	__u8 cell[VOSFP_BANF_LINE];
};

/* A seeded hash of a source: a few multiplies over the key's 20 bytes,
 * as five words, mixed with the seed (vosfp_banflag.seed). Its top bits
 * pick a ban pre-filter cell, its middle and low bits a rate limiter
 * sighting (below). Shared by program and library. */
static inline __u64 vosfp_src_hash(const struct vosfp_addr_key *k, __u64 seed)
{
	__u32 w[5];
	__u64 a, b;

	__builtin_memcpy(w, k, sizeof(w));
	a = ((__u64)w[1] | (__u64)w[2] << 32) ^ seed;
	b = ((__u64)w[3] | (__u64)w[4] << 32) + w[0] + (seed >> 32);
	a = a * 0x9e3779b97f4a7c15ull ^ b * 0xc2b2ae3d27d4eb4full;
	a ^= a >> 31;
	return a * 0xff51afd7ed558ccdull;
}

/* The cell of a source: element (gen * VOSFP_BANF_LINES + cell / 64),
 * byte cell % 64. */
static inline __u32 vosfp_banf_cell(const struct vosfp_addr_key *k, __u64 seed)
{
	return (__u32)(vosfp_src_hash(k, seed) >> (64 - VOSFP_BANF_CELL_BITS));
}

struct vosfp_rate_val {
	__u64 tat_ns; /* the GCRA's theoretical arrival time */
};

/*
 * First sightings of the rate limiter (VOSFP_MAP_RATE_SEEN). A source the
 * rate table (VOSFP_MAP_RATE, an LRU hash) does not hold used to be
 * inserted at its first request, so a flood with a new spoofed source a
 * packet paid an LRU insert for every request (about 830 ns a REGISTER
 * under such a flood, bench/README.md) and pushed the real sources' state
 * out of the table, which let a real flooder start again from a full
 * burst. Now its first request within an interval only stores one word of
 * a fixed-size plain ARRAY (the verifier inlines its lookup): the time,
 * rounded down to VOSFP_RATE_TIME_STEP, and a tag of the source's hash.
 * A second request within rate_interval_ns of the first that finds its
 * word goes on with the GCRA as if the first had been in the table, and
 * only then is the source inserted. A request an interval or more after
 * the first starts afresh in the GCRA too, so nothing is lost by
 * forgetting it. What a shared or overwritten word costs: a source whose
 * word another took meanwhile counts its request as a first one (at most
 * one more request than its burst each time that happens); a spoofed
 * source whose tag matches another's word (1 in 32,768: the tag keeps 15
 * bits of the hash) is inserted as a second request would be. The hash is
 * seeded (vosfp_banflag.seed), so an attacker cannot choose sources that
 * share a word.
 */
#define VOSFP_RATE_SEEN_BITS 18 /* 2^18 words, 2 MiB */
#define VOSFP_RATE_TAG_MASK 0xffffull
#define VOSFP_RATE_TIME_STEP (VOSFP_RATE_TAG_MASK + 1) /* ns: about 66 us */

/* A source's word in VOSFP_MAP_RATE_SEEN, and the tag it holds there
 * (never 0, so that an unused word matches no source). */
static inline __u32 vosfp_rate_seen_word(__u64 hash)
{
	return (__u32)(hash >> 24) & ((1u << VOSFP_RATE_SEEN_BITS) - 1);
}

static inline __u64 vosfp_rate_seen_tag(__u64 hash)
{
	return (hash & VOSFP_RATE_TAG_MASK) | 1;
}

/* 1 and *first, the arrival of the source's first request (rounded down),
 * if its word (seen) holds one from less than interval_ns before now;
 * else 0: the next request is a first one. */
static inline int vosfp_rate_seen_first(__u64 seen, __u64 hash, __u64 now, __u64 interval_ns,
					__u64 *first)
{
	*first = seen & ~VOSFP_RATE_TAG_MASK;
	return (seen & VOSFP_RATE_TAG_MASK) == vosfp_rate_seen_tag(hash) &&
	       now - *first < interval_ns;
}

/*
 * Two ban tables, so that spoofable evidence can never push out the
 * operator's own entries: VOSFP_MAP_MBANS holds the bans made by hand (a
 * plain hash: an add to a full table is refused with ENOSPC, nothing is
 * ever evicted), VOSFP_MAP_BANS the automatic ones (a plain hash too: when
 * it is full the program refuses the new ban and counts it, so a flood of
 * spoofed sources cannot evict the bans of real scanners either; their
 * packets are still dropped one by one). The program reads both.
 */
#define VOSFP_BAN_SLOTS 65536
#define VOSFP_MBAN_SLOTS 65536
#define VOSFP_RATE_SLOTS 65536

/*
 * Verified sources (VOSFP_MAP_VERIFIED, an LRU hash keyed by struct
 * vosfp_addr_key): addresses the server itself answered with a 2xx final
 * response to a REGISTER or an INVITE, learned by the TC egress program
 * from the server's responses. A verified source is never banned on
 * spoofable evidence (a scanner User-Agent, a burst over the rate limit):
 * the packet is dropped, the ban is not made. An entry lives until
 * expires_ns (config verified_ttl, refreshed by every such response); an
 * LRU because losing an old entry only loses that protection.
 */
#define VOSFP_VERIFIED_SLOTS 65536

struct vosfp_verified_val {
	__u64 expires_ns;
};

/* Slots of VOSFP_MAP_BSTATS, a per-CPU array of __u64 event counts about
 * the ban tables (not packet reasons: a packet can cause one of these and
 * still be counted under its reason). */
enum vosfp_ban_stat {
	VOSFP_BS_AUTO_REFUSED = 0, /* automatic ban not made: the table was full */
	VOSFP_BS_SPARED = 1,       /* automatic ban not made: the source is verified */
	VOSFP_BS_LEARNED = 2,      /* 2xx responses that verified (or refreshed) a source */
	VOSFP_BS_EVENTS_LOST = 3,  /* automatic ban made, its event record not: ring full */
	VOSFP_BS__COUNT
};
#define VOSFP_BSTATS_SLOTS 8

/*
 * VOSFP_MAP_BAN_EVENTS, a BPF ring buffer (Linux 5.8+): one record each
 * time the program creates an automatic ban, so that the agent learns of
 * it at once instead of polling the ban table. Made only for a new ban:
 * not for a source already banned, a verified source spared or a ban the
 * full table refused. When the ring is full the record is dropped (the ban
 * stands) and VOSFP_BS_EVENTS_LOST counts it. One consumer per ring: the
 * agent.
 */
#define VOSFP_BAN_EVENTS_BYTES (256 * 1024)

struct vosfp_ban_event {
	__u64 ktime_ns; /* bpf_ktime_get_ns() when the ban was made */
	__u32 ttl_s;    /* the ban's length (config ban_ttl) */
	__u32 reason;   /* VOSFP_CTR_SCANNER or VOSFP_CTR_RATE_LIMITED */
	__u8 family;    /* 4 or 6, as in struct vosfp_addr_key */
	__u8 pad[3];
	__u8 addr[16];
	__u32 pad2;
};

/* Scanner User-Agent signatures: prefixes of the header value, 4 to 32
 * bytes, keyed by their first 4 bytes (folded). The table is a plain ARRAY,
 * so that its read is inlined (a hash map's lookup is a helper call, dear
 * with a return thunk): two generations of VOSFP_UA_KEY_BITS slots, the
 * live one named by VOSFP_CFG_UA_GEN, a key's slot at vosfp_ua_key_bit().
 * A slot holds up to VOSFP_UA_PER_KEY candidates, with their keys, since
 * keys may share a slot; the library refuses a set that would put more in
 * one. The library never writes the live generation, so a reader never
 * sees a half-written candidate. Matching folds case by setting bit 0x20 of every byte:
 * exact for letters, digits and most punctuation; a few pairs (@ and `,
 * [ and {, ^ and ~, _ and DEL...) are not told apart, which costs nothing
 * in practice and lets a signature be compared 8 bytes at a time. */
#define VOSFP_UA_KEY_LEN 4
#define VOSFP_UA_MAX 32
#define VOSFP_UA_WORDS (VOSFP_UA_MAX / 8)
#define VOSFP_UA_PER_KEY 4
#define VOSFP_UA_SLOTS (2 * VOSFP_UA_KEY_BITS)
#define VOSFP_UA_FOLD 0x2020202020202020ull

/* One slot of the signature table. */
struct vosfp_ua_val {
	__u32 n;                                      /* signatures in use */
	__u8 len[VOSFP_UA_PER_KEY];                   /* their lengths */
	__u32 key[VOSFP_UA_PER_KEY];                  /* their keys */
	/* Folded bytes as little-endian words: head[w] holds bytes 8w..8w+7
	 * for every whole word of the signature; tail the last 8 bytes
	 * (the last 4, in its low half, for signatures under 8 bytes). */
	__u64 head[VOSFP_UA_PER_KEY][VOSFP_UA_WORDS];
	__u64 tail[VOSFP_UA_PER_KEY];
};

#endif /* VOSFP_SHARED_H */
