/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to libvosfp: the handle, error helpers, prefix codec. */
#ifndef VOSFP_INTERNAL_H
#define VOSFP_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vosfp/vosfp.h"
#include "vosfp_shared.h"

#define VOSFP_ERR_LEN 512

/* The maps the handle holds, in the order of vosfp_map_names[]. */
enum vosfp_map_id {
	MAP_PBITS4,
	MAP_PTABLES,
	MAP_PBLOOM6,
	MAP_PSTATE,
	MAP_CONFIG,
	MAP_COUNTERS,
	MAP_XSKS,
	MAP_BANS,
	MAP_BANS_PRESENT,
	MAP_RATE,
	MAP_UA,
	MAP_MBANS,
	MAP_VERIFIED,
	MAP_BSTATS,
	MAP_BAN_EVENTS,
	MAP_IFINDEX,
	MAP_IFROWS,
	MAP_BANBITS,
	MAP_RATE_SEEN,
	MAP__COUNT
};

extern const char *const vosfp_map_names[MAP__COUNT];

struct bpf_map;
/* The name a map of the embedded program is pinned under in the pin root
 * (pin_names.c): its own, or a shared data section's (vosfp_shared.h) name
 * after VOSFP_SHARED_DATA_PREFIX; NULL for data each load keeps to itself. */
const char *vosfp__pin_name(const struct bpf_map *map);
/* Before the object loads: a shared data section gets the flags that make
 * it reuse the pin of the map it replaced. 0, or -ENOENT for a section
 * this library does not know; nothing for other maps. */
int vosfp__shared_data_prepare(struct bpf_map *map);

struct vosfp_bpf; /* the bpftool skeleton */
struct vosfp_policy;

struct vosfp {
	struct vosfp_bpf *skel;      /* the maps (its program is not loaded) */
	struct vosfp_bpf *prog_skel; /* the program, loaded on first need */
	int prog_fd;                 /* -1 until then: use vosfp__prog_fd() */
	int map_fd[MAP__COUNT];
	char pin_root[PATH_MAX];
	char err[VOSFP_ERR_LEN];
	/* The policy engine's own state (libvosfp/policy/policy.h). */
	struct vosfp_policy *pol;
	/* The ban pre-filter, memory-mapped (banfilter.c). */
	struct vosfp_banflag *banflag;
	struct vosfp_banf_line *banbits;
	/* The pin root's lock while vosfp_open() holds it, else -1. */
	int open_lock;
};

/* The pin root's lock (root_lock.c): how is LOCK_SH or LOCK_EX, with
 * LOCK_NB to give up at once. An fd to close (releasing it), -EAGAIN (not
 * recorded) when LOCK_NB found it held, or a recorded negative errno.
 * Inside vosfp_open(), which holds it exclusively, a copy of its fd. */
int vosfp__root_lock(struct vosfp *h, int how);

/* Record a failure: detail for vosfp_last_error() (h may be NULL) and for
 * the thread's vosfp_error_last(); returns -|err|. */
int vosfp__fail(struct vosfp *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same for a call that has no handle: the thread's last error only. */
int vosfp__error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* -EINVAL for a call given a NULL handle, with func named in the detail. */
int vosfp__no_handle(const char *func);
/* Record success (clears the detail), returns 0. */
int vosfp__ok(struct vosfp *h);
/* The same, for vosfp_open(), which has no handle yet. */
int vosfp__open_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vosfp__open_ok(void);
/* Message to the embedder's log callback, if any. */
void vosfp__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The XDP program's fd, verified and loaded on the first call (the
 * verifier's message in h's error on failure): fd or a negative errno. */
int vosfp__prog_fd(struct vosfp *h);

/* The program's object with the pinned maps planned in, not loaded (for
 * libxdp); 0 or a recorded negative errno. Free with vosfp_bpf__destroy(). */
int vosfp__prog_open(struct vosfp *h, struct vosfp_bpf **out);
/* One BPF_PROG_TEST_RUN of a frame through the program prog_fd gives
 * (testrun.c), with the frame's checks that every test call shares; what
 * names the public call in errors. 0 and the program's return value in
 * *retval, or a recorded negative errno. */
int vosfp__test_run(struct vosfp *h, const char *what, int (*prog_fd)(struct vosfp *h),
		    const void *frame, size_t len, uint32_t *retval);
/* Every counter slot's packets on every CPU in row "other", where test
 * runs count (counters.c), into packets
 * [cpu * VOSFP_CTR_SLOTS + slot] (ncpus from libbpf_num_possible_cpus()):
 * what tells which counter a test run moved. 0 or a recorded errno. */
int vosfp__counters_snapshot(struct vosfp *h, uint64_t *packets, int ncpus);
/* Counter rows per interface (ifcounters.c). At attach, before the hooks:
 * give ifindex a row (its own if it had one, else a free one; none free:
 * its packets count as "other", which is logged, not an error). At detach,
 * after the hooks: add the row's figures to the "detached" row, clear it
 * and free it. 0 or a recorded negative errno. */
int vosfp__ifrow_attach(struct vosfp *h, const char *ifname, uint32_t ifindex);
int vosfp__ifrow_detach(struct vosfp *h, const char *ifname, uint32_t ifindex);
/* One reason's packets and bytes summed over every row and CPU: the
 * totals. 0 or a recorded negative errno. */
int vosfp__counter_sum(struct vosfp *h, int id, uint64_t *packets, uint64_t *bytes);
/* The same for one row (counters.c; the caller checks id). */
int vosfp__counter_row_read(struct vosfp *h, uint32_t row, int id, uint64_t *packets,
			    uint64_t *bytes);
/* The TC egress program's fd (egress.c), loaded with the XDP program. */
int vosfp__egress_prog_fd(struct vosfp *h);
/* Hooks of vosfp_attach/vosfp_detach (egress.c): the egress program on
 * the interface's clsact egress hook, and off it again. */
int vosfp__egress_attach(struct vosfp *h, const char *ifname, int ifindex);
int vosfp__egress_detach(struct vosfp *h, const char *ifname);

/* The OPTS rule (opts.c) for an opts struct of the library's size known:
 * NULL leaves out as it is; sz below sizeof(size_t), or non-zero bytes
 * past known, are a recorded -EINVAL naming type; else the caller's
 * fields (up to its sz) are copied into out, whose sz stays. */
int vosfp__read_opts(struct vosfp *h, const char *type, const void *opts, void *out,
		     size_t known);

/* The longest ban and policy TTL, 10 years: fail2ban's growing bantimes
 * reach months; seconds fit a u32 for 136 years, expiries in ns a u64. */
#define VOSFP__BAN_TTL_MAX (10u * 365 * 24 * 3600)

/* A ban by hand (bans.c): ttl_seconds 1..VOSFP__BAN_TTL_MAX, or 0 and
 * permanent. h is not NULL. 0 or a recorded negative errno. */
int vosfp__ban_put(struct vosfp *h, const char *addr, uint32_t ttl_seconds, bool permanent);

/* The ban pre-filter (banfilter.c; the design in vosfp_shared.h): mapped
 * at open, unmapped at close; a new ban's cells and flags; a rebuild as
 * begin (lock fd, -EAGAIN while another writer holds the lock, or a
 * negative errno), add for each live ban, end (flips only when complete). */
int vosfp__banfilter_open(struct vosfp *h);
void vosfp__banfilter_close(struct vosfp *h);
void vosfp__banfilter_mark(struct vosfp *h, const struct vosfp_addr_key *k);
int vosfp__banfilter_begin(struct vosfp *h, __u32 *idle);
void vosfp__banfilter_add(struct vosfp *h, __u32 idle, const struct vosfp_addr_key *k);
void vosfp__banfilter_end(struct vosfp *h, int lock, __u32 idle, bool complete);

/* Common argument checks; return 0 or a recorded -EINVAL. */
int vosfp__check_list(struct vosfp *h, int list);

/* A parsed prefix: family AF_INET or AF_INET6, address in network order. */
struct vosfp_prefix {
	int family;
	uint32_t len;
	uint8_t addr[16];
};

/* Parse "a.b.c.d[/n]" or "x:y::z[/n]"; bare address = host prefix. On
 * failure returns -EINVAL and writes why into why (if why_len > 0). */
int vosfp__prefix_parse(const char *text, struct vosfp_prefix *out, char *why, size_t why_len);
/* Canonical text ("192.0.2.0/24"); -ENOSPC if len is too small. */
int vosfp__prefix_format(const struct vosfp_prefix *p, char *buf, size_t len);

/* Read-modify-write of the single config entry. */
int vosfp__config_read(struct vosfp *h, struct vosfp_config *cfg);
int vosfp__config_write(struct vosfp *h, const struct vosfp_config *cfg);
void vosfp__config_defaults(struct vosfp_config *cfg);

/* Scanner signatures (scanners.c): replace the whole set from a comma
 * list, and write the set back as one. Both keep the config's
 * VOSFP_CFG_SCANNERS flag in step with whether the set is empty. */
int vosfp__scanners_set(struct vosfp *h, const char *list, struct vosfp_config *cfg);
int vosfp__scanners_format(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			   size_t len);
/* The shipped default signature list. */
extern const char vosfp__default_scanners[];

/* The AF_XDP settings (config_xsk.c), for the config key table. */
int vosfp__parse_xsk_redirect(struct vosfp *h, const char *value, struct vosfp_config *cfg);
int vosfp__format_xsk_redirect(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			       size_t len);
int vosfp__parse_xsk_allowed(struct vosfp *h, const char *value, struct vosfp_config *cfg);
int vosfp__format_xsk_allowed(struct vosfp *h, const struct vosfp_config *cfg, char *buf,
			      size_t len);

/* "pin_root/name" into buf (PATH_MAX); -ENAMETOOLONG if it does not fit. */
int vosfp__pin_path(const struct vosfp *h, const char *name, char *buf);

#endif /* VOSFP_INTERNAL_H */
