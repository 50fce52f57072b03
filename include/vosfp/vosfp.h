/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libvosfp — a SIP-aware XDP fast path in front of VoIP servers.
 *
 * This is the whole public ABI. Conventions (modelled on libbpf and libgit2):
 *
 *  - One opaque handle, `struct vosfp *`, made by vosfp_open() and freed by
 *    vosfp_close(). The handle owns the loaded XDP program and file
 *    descriptors of the pinned maps.
 *  - Every call that can fail returns `int`: 0 (or a documented positive
 *    value) on success, a negative errno on failure. vosfp_strerror() names
 *    the errno; vosfp_last_error() gives the detail of the handle's last
 *    failure ("eth9: no such interface", the verifier's message, ...), and
 *    vosfp_error_last() that of the calling thread's last failure, with a
 *    handle or without one.
 *  - Only scalars, C strings, opaque pointers and option structs whose first
 *    field is `size_t sz` cross the boundary, so ctypes and cgo can call every
 *    function, and a binary built against an older header keeps working when
 *    fields are appended to an option struct (fields past its `sz` read as 0).
 *  - The library never prints and never exits. Its messages, and libbpf's,
 *    go to the callback set with vosfp_set_log_callback() (none by default).
 *
 * State outlives the process. The maps (policy, config, counters) and each
 * attachment (a pinned bpf_link per interface) live in bpffs under one pin
 * root, default "/sys/fs/bpf/vosfp". A second vosfp_open() on the same root,
 * in this or any other process, reuses the pinned maps: all handles on one
 * root see and change one policy. Processes may open a new root at the same
 * moment: vosfp_open() holds the root's lock (below) while it makes or
 * reuses the maps, so all of them succeed on one set of maps. The library
 * creates the pin root directory but never mounts bpffs: the caller (or the
 * `vosfp` tool) does that.
 *
 * Privileges: vosfp_open() needs CAP_BPF (or CAP_SYS_ADMIN) to load the
 * program and create or reuse the maps; vosfp_attach()/vosfp_detach() also
 * need CAP_NET_ADMIN. Without them the calls fail with -EPERM and a detail
 * naming the missing capability.
 *
 * Thread safety: the free functions that take no handle (vosfp_version,
 * vosfp_strerror, vosfp_counter_*name, vosfp_list_name, ...) are safe from
 * any thread, as are vosfp_set_log_callback() and vosfp_error_last() (one
 * last error per thread). A handle may be used from several threads only if the caller
 * serialises the calls on it. Different handles are independent, even on the
 * same pin root. Policy writers on one root (in any process) take a lock
 * on the pin root directory (flock), so concurrent changes serialise and
 * none is lost; readers (count, iterators) take no lock and see a
 * consistent snapshot of the live list.
 */
#ifndef VOSFP_VOSFP_H
#define VOSFP_VOSFP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memset, for VOSFP_OPTS */

/* enum vosfp_counter (VOSFP_CTR_*) and enum vosfp_list (VOSFP_LIST_*): one
 * definition, shared with the XDP program. */
#include "vosfp_ids.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(VOSFP_API)
#define VOSFP_API __attribute__((visibility("default")))
#elif !defined(VOSFP_API)
#define VOSFP_API
#endif

struct vosfp;

/*
 * Options structs (their first field is size_t sz, set to the struct's
 * size as the caller was built with it) are best made with one of these,
 * as libbpf's LIBBPF_OPTS:
 *
 *     VOSFP_OPTS(open_opts, opts, .pin_root = "/sys/fs/bpf/edge");
 *     vosfp_open(&opts, &h);
 *
 * declares `struct vosfp_open_opts opts` zero-filled, padding included (the
 * library refuses non-zero bytes past the fields it knows), with sz set.
 * VOSFP_OPTS needs GNU C (GCC, Clang); VOSFP_OPTS_INIT is a plain C99
 * initializer with the same fields, for other compilers:
 *
 *     struct vosfp_open_opts opts = VOSFP_OPTS_INIT(open_opts, .pin_root = p);
 *
 * Since 0.2 (macros only: nothing here is a symbol of the library).
 */
#define VOSFP_OPTS(TYPE, NAME, ...)                                                     \
	struct vosfp_##TYPE NAME = ({                                                   \
		memset(&NAME, 0, sizeof(struct vosfp_##TYPE));                          \
		(struct vosfp_##TYPE){ .sz = sizeof(struct vosfp_##TYPE), __VA_ARGS__ }; \
	})
#define VOSFP_OPTS_INIT(TYPE, ...) { .sz = sizeof(struct vosfp_##TYPE), __VA_ARGS__ }

/*
 * The version of these headers: VOSFP_VERSION_MAJOR, _MINOR, _PATCH, the
 * string VOSFP_VERSION ("0.1.0") and VOSFP_VERSION_NUMBER (0x000100), all
 * generated from the project's version (meson.build), which is also the
 * library's file name (libvosfp.so.0.1.0) and the .pc file's Version.
 */
#include "vosfp/version.h"

/* "0.1.0": the version of the library actually loaded (not of this header). */
VOSFP_API const char *vosfp_version(void);
/* The same as numbers, to compare at run time with the header's
 * VOSFP_VERSION_MAJOR... (e.g. to require 0.2 or later). Since VOSFP_0.2. */
VOSFP_API int vosfp_version_major(void);
VOSFP_API int vosfp_version_minor(void);
VOSFP_API int vosfp_version_patch(void);

/* ------------------------------------------------------------------------ */
/* Errors and logging                                                        */

/*
 * A short, static description of a negative errno returned by this library
 * ("no such interface", "already exists", ...), true for every call that
 * returns it: which case it is (which list is full, what holds the
 * interface) is in the detail below. Never NULL; accepts the value with or
 * without its minus sign.
 */
VOSFP_API const char *vosfp_strerror(int err);

/*
 * The detail of the last failed call made in this thread, whatever it was
 * called on: a handle (the same text as vosfp_last_error(h)), no handle
 * (vosfp_open, vosfp_duration_parse, vosfp_prefix_check, a NULL handle) or
 * an iterator. Like libgit2's git_error_last(), a call that succeeds does
 * not clear it: read it right after the call that failed. Empty string if
 * no call has failed in this thread since it started or since
 * vosfp_error_clear(). Never NULL; valid until the thread's next call into
 * the library. Each thread has its own, so threads never see each other's
 * errors. Since VOSFP_0.2.
 */
VOSFP_API const char *vosfp_error_last(void);
/* Empty this thread's vosfp_error_last(). Since VOSFP_0.2. */
VOSFP_API void vosfp_error_clear(void);

/*
 * The detail of the last failed call on this handle, e.g.
 * "eth9: no such interface" or the tail of the verifier log. Empty string
 * when the last call succeeded. Valid until the next call on the handle.
 * Never NULL (a NULL handle gives a static message).
 */
VOSFP_API const char *vosfp_last_error(const struct vosfp *h);

enum vosfp_log_level {
	VOSFP_LOG_WARN = 0,
	VOSFP_LOG_INFO = 1,
	VOSFP_LOG_DEBUG = 2, /* includes libbpf's debug output */
};

/* msg is one line without a trailing newline, valid only during the call. */
typedef void (*vosfp_log_fn)(int level, const char *msg, void *user);

/*
 * Process-wide, like libbpf's print callback (which it wraps): one callback
 * for all handles. NULL (the default) discards every message. Safe to call
 * from any thread at any time: the callback and user change together (no
 * message pairs one with the other's user), but a message already under
 * way in another thread may still reach the old pair after this returns.
 * libbpf's print function: the library sets its own (libbpf's messages
 * come here, and libbpf never prints to stderr for it). If the embedder had
 * set one with libbpf_set_print() (before vosfp was loaded, or since, in
 * which case this call takes libbpf's messages back), it is kept and
 * called after the callback with each of libbpf's messages: setting either
 * never silences the other. Since 0.2.
 */
VOSFP_API void vosfp_set_log_callback(vosfp_log_fn fn, void *user);

/* ------------------------------------------------------------------------ */
/* Handle                                                                    */

#define VOSFP_DEFAULT_PIN_ROOT "/sys/fs/bpf/vosfp"
#define VOSFP_DEFAULT_BLOCK_CAPACITY 65536u
#define VOSFP_DEFAULT_ALLOW_CAPACITY 4096u

/* VOSFP_OPTS(open_opts, opts, .pin_root = ...) makes one (see above). */
struct vosfp_open_opts {
	size_t sz; /* sizeof(struct vosfp_open_opts) as the caller knows it */
	/* bpffs directory for maps and attachments; NULL = VOSFP_DEFAULT_PIN_ROOT.
	 * Its parent must be on a mounted bpffs. */
	const char *pin_root;
	/* Capacity of each list: prefixes (IPv4 and IPv6 together), and also
	 * the limit of each derived table the program looks up (IPv4 /24s with
	 * host or expiring entries, expiring IPv4 hosts, expanded IPv6
	 * prefixes; see docs/policy.md). 0 = default. Only used when the root
	 * is created: an existing root keeps its capacities (change them with
	 * vosfp_policy_set_capacity). Lookups cost the same at any size. */
	uint32_t block_capacity;
	uint32_t allow_capacity;
};

/*
 * Create, or reuse, the maps pinned under the pin root. opts may be NULL
 * (all defaults). The embedded XDP program is verified and loaded by the
 * first call that needs it (vosfp_attach, vosfp_test_packet), which then
 * reports the verifier's message if the kernel refuses it; a handle that
 * only changes policy or reads counters never pays for the verifier. On
 * success *out is a new handle; on failure *out is NULL, nothing is left
 * pinned that was not there before, and the error detail is available
 * from vosfp_open_error().
 *   -EINVAL   bad option (sz too small, pin_root too long, capacity too large)
 *   -EOPNOTSUPP (= -ENOTSUP) pin root's parent is not on bpffs (mount it
 *             first), or opts sets fields past this library's struct (a
 *             newer caller asking for something this library cannot do)
 *   -EPERM    missing CAP_BPF / CAP_SYS_ADMIN
 *   -EEXIST   pinned maps exist but are incompatible with this library
 */
VOSFP_API int vosfp_open(const struct vosfp_open_opts *opts, struct vosfp **out);

/*
 * The detail of the last vosfp_open() failure in this thread (there is no
 * handle to carry it). Empty string when there was none.
 */
VOSFP_API const char *vosfp_open_error(void);

/*
 * Free the handle. Attachments and pinned maps stay in force (they outlive
 * the process by design); use vosfp_detach() and vosfp_unpin() to remove them.
 * NULL is a no-op.
 */
VOSFP_API void vosfp_close(struct vosfp *h);
/* The handle's pin root as it uses it (trailing slashes removed), valid
 * until vosfp_close; NULL for a NULL handle. Since 0.2 (VOSFP_0.2). */
VOSFP_API const char *vosfp_pin_root(const struct vosfp *h);

/*
 * Remove every pin under this handle's root (maps; attachments must be
 * detached first, else -EBUSY) and the root directory itself. The handle
 * keeps working on its own (now unpinned) maps until closed.
 */
VOSFP_API int vosfp_unpin(struct vosfp *h);

/* ------------------------------------------------------------------------ */
/* Attachment                                                                */

enum vosfp_attach_mode {
	VOSFP_MODE_AUTO = 0,    /* native, falling back to generic */
	VOSFP_MODE_NATIVE = 1,  /* driver mode (XDP_FLAGS_DRV_MODE) */
	VOSFP_MODE_GENERIC = 2, /* skb mode (XDP_FLAGS_SKB_MODE) */
};

/* "auto", "native", "generic"; NULL for an unknown value. */
VOSFP_API const char *vosfp_mode_name(int mode);

/*
 * Attach the program to ifname as a bpf_link pinned under the pin root, so it
 * stays attached after the process exits, until vosfp_detach(). One handle's
 * program may be attached to several interfaces; they share one policy.
 * mode is an enum vosfp_attach_mode; *mode_used (may be NULL) receives the
 * mode obtained (NATIVE or GENERIC).
 *   -ENODEV   no such interface
 *   -EEXIST   this pin root already has ifname attached
 *   -EBUSY    another XDP program is attached to ifname (the detail names
 *             it, and says whether it is libxdp's dispatcher, which
 *             vosfp_attach_ex() with VOSFP_ATTACH_MULTIPROG can join)
 *   -EOPNOTSUPP the driver does not support the requested mode
 *   -ERANGE   the MTU is too large for native XDP (AUTO falls back to
 *             generic on this and on -EOPNOTSUPP)
 *   -EPERM    missing CAP_NET_ADMIN
 * On failure nothing is attached and nothing is pinned.
 */
VOSFP_API int vosfp_attach(struct vosfp *h, const char *ifname, int mode, int *mode_used);

/* vosfp_attach_opts.flags */
enum vosfp_attach_flags {
	/* Attach through libxdp's dispatcher (libxdp's multi-program
	 * loading), as one program among others such as xdp-filter, instead
	 * of owning the interface's XDP hook. Needs a kernel that lets the
	 * dispatcher run programs as freplace extensions; where it cannot,
	 * the attach fails with -EOPNOTSUPP and leaves nothing. vosfp runs at
	 * libxdp's default priority (50) and lets the next program see what
	 * it passes. */
	VOSFP_ATTACH_MULTIPROG = 1u << 0,
};

/* Options of vosfp_attach_ex(); VOSFP_OPTS(attach_opts, ...), or zero-fill
 * and set sz = sizeof(opts). */
struct vosfp_attach_opts {
	size_t sz;
	int mode;           /* enum vosfp_attach_mode */
	unsigned int flags; /* enum vosfp_attach_flags */
};

/*
 * vosfp_attach() with options (opts NULL = AUTO, no flags). Errors as
 * vosfp_attach(), and with VOSFP_ATTACH_MULTIPROG:
 *   -EOPNOTSUPP libxdp cannot run its dispatcher on this kernel
 *   -EBUSY      an XDP program that is not libxdp's dispatcher is attached
 * -EINVAL for unknown flags or option fields. vosfp_detach() removes only
 * vosfp's program from the dispatcher; the others keep running.
 * Since VOSFP_0.2.
 */
VOSFP_API int vosfp_attach_ex(struct vosfp *h, const char *ifname,
			      const struct vosfp_attach_opts *opts, int *mode_used);

/*
 * Detach from ifname and remove its pinned link. -ENOENT if this pin root has
 * no attachment on ifname. Also clears a stale pin whose interface is gone.
 * Attachments are recorded with the network namespace and ifindex of their
 * interface: if ifname's attachment belongs to an interface that has since
 * moved to another namespace (and ifname is now another interface, or
 * none), it is left alone and -ENOENT names it; detach it from the
 * namespace it is in, where it is found by its ifindex there.
 */
VOSFP_API int vosfp_detach(struct vosfp *h, const char *ifname);

/*
 * Attachments under this pin root, by index 0..n-1 (ctypes/cgo friendly).
 * vosfp_attachment_count() returns n >= 0 or a negative errno.
 * vosfp_attachment_get() fills ifname (NUL-terminated, at most len bytes;
 * 16 is always enough), the mode (NATIVE or GENERIC; AUTO if unknown: the
 * interface is gone, or lives in another network namespace than the
 * caller's) and the kernel program id (0 if the link is defunct because its
 * interface is gone). Any out pointer may be NULL. -ERANGE if idx >= n.
 * An interface that moved to another network namespace is listed under the
 * name it had (mode AUTO, its program id); one still here under its name
 * now. For a VOSFP_ATTACH_MULTIPROG attachment the program id is vosfp's
 * program in libxdp's dispatcher (0 once it is no longer in it).
 */
VOSFP_API int vosfp_attachment_count(struct vosfp *h);
VOSFP_API int vosfp_attachment_get(struct vosfp *h, int idx, char *ifname, size_t len,
				   int *mode, uint32_t *prog_id);
/*
 * How attachment idx (the same index as vosfp_attachment_get) was made:
 * its enum vosfp_attach_flags (VOSFP_ATTACH_MULTIPROG: vosfp's program is
 * one component of libxdp's dispatcher), >= 0; -ERANGE if idx >= n.
 * Since VOSFP_0.2.
 */
VOSFP_API int vosfp_attachment_flags(struct vosfp *h, int idx);

/* ------------------------------------------------------------------------ */
/* Policy: block and allow lists of IPv4/IPv6 prefixes                       */

/* enum vosfp_list, VOSFP_LIST_BLOCK and VOSFP_LIST_ALLOW: in vosfp_ids.h. */

/* Number of lists, and their names ("block", "allow"), for bindings. */
VOSFP_API int vosfp_list_count(void);
VOSFP_API const char *vosfp_list_name(int list);

/*
 * prefix: "192.0.2.0/24", "2001:db8::/32", or a bare address (a host
 * prefix, /32 or /128). Host bits beyond the prefix length are an error
 * (-EINVAL "192.0.2.1/24: host bits set"), as are spaces and every other
 * malformed form. An IPv4-mapped IPv6 prefix of /96 or longer
 * ("::ffff:192.0.2.1", "::ffff:192.0.2.0/120") means the IPv4 prefix
 * ("192.0.2.1/32", "192.0.2.0/24") and is stored and listed as such (since
 * 0.2; as IPv6 it could never match, IPv4 packets carrying IPv4 sources).
 * The same holds for vosfp_prefix_check() and for ban addresses.
 * Block takes precedence over allow.
 *   add:    0 if added, 1 if it was already present (idempotent; the
 *           difference lets a caller undo exactly what it added);
 *           -ENOSPC if the list is full.
 * Each change takes effect as a diff: only the lookup entries it affects
 * are rewritten, whatever the size of the list.
 *   remove: -ENOENT if the exact prefix is not in the list.
 */
VOSFP_API int vosfp_policy_add(struct vosfp *h, int list, const char *prefix);
/*
 * The same with a time to live: the program stops honouring the entry
 * ttl_seconds from now by itself (no daemon needed), and the library drops
 * it the next time it changes the list. 0 = permanent. Adding a prefix that
 * is present replaces its TTL (and returns 1).
 */
VOSFP_API int vosfp_policy_add_ttl(struct vosfp *h, int list, const char *prefix,
				   uint32_t ttl_seconds);
/* Options of vosfp_policy_add_ex(); VOSFP_OPTS(policy_add_opts, ...). */
struct vosfp_policy_add_opts {
	size_t sz;
	uint32_t ttl_seconds; /* 0 = permanent */
};
/* vosfp_policy_add_ttl() with options (NULL: permanent), the form that
 * can grow (docs/abi.md). -EINVAL for non-zero fields past this library's
 * struct. Since VOSFP_0.2. */
VOSFP_API int vosfp_policy_add_ex(struct vosfp *h, int list, const char *prefix,
				  const struct vosfp_policy_add_opts *opts);
/* Check a prefix without a handle: 0 if valid; else -EINVAL and the reason
 * in why (if why_len > 0). canonical (may be NULL) receives the canonical
 * form, e.g. "2001:db8::/32" for "2001:DB8:0::/32"; 64 bytes are enough. */
VOSFP_API int vosfp_prefix_check(const char *prefix, char *canonical, size_t canonical_len,
				 char *why, size_t why_len);
VOSFP_API int vosfp_policy_remove(struct vosfp *h, int list, const char *prefix);
VOSFP_API int vosfp_policy_clear(struct vosfp *h, int list);

/* Number of prefixes in the list (IPv4 + IPv6); negative errno on failure. */
VOSFP_API int64_t vosfp_policy_count(struct vosfp *h, int list);

/* The list's capacity, as set when the pin root was created (see
 * vosfp_open_opts) or since by vosfp_policy_set_capacity; negative errno
 * on failure. */
VOSFP_API int64_t vosfp_policy_capacity(struct vosfp *h, int list);
/* Change the list's capacity on the root (1 to 67,108,864 entries), in
 * every process: the capacity bounds what the list may hold, it is not
 * memory set aside, so it can be raised on a live, attached root (e.g.
 * after a load refused with -ENOSPC) and lowered down to what the list
 * holds. -ENOSPC (nothing changed) if the list holds more than capacity
 * entries or derived slots; -EINVAL for 0 or above the maximum. Takes the
 * writers' lock. Since 0.2 (VOSFP_0.2). */
VOSFP_API int vosfp_policy_set_capacity(struct vosfp *h, int list, uint32_t capacity);

/*
 * Iterate over a list: open, call next until it returns 0, close.
 * next writes one prefix in canonical text form ("192.0.2.0/24",
 * "2001:db8::/32") into buf and returns 1; 0 at the end; -ENOSPC if len is
 * too small (64 is always enough); another negative errno on failure.
 * Entries added or removed during iteration may or may not be seen.
 */
struct vosfp_policy_iter;
VOSFP_API int vosfp_policy_iter_open(struct vosfp *h, int list, struct vosfp_policy_iter **out);
VOSFP_API int vosfp_policy_iter_next(struct vosfp_policy_iter *it, char *buf, size_t len);
VOSFP_API void vosfp_policy_iter_close(struct vosfp_policy_iter *it);
/* Seconds the entry last returned by next has left; 0 = permanent. */
VOSFP_API int64_t vosfp_policy_iter_ttl(const struct vosfp_policy_iter *it);

/*
 * Load a policy file into a list. Format, one entry per line:
 *
 *     PREFIX [ttl=DURATION] [# comment]
 *
 * DURATION is seconds, or a number followed by s, m, h, d, w or y. Blank
 * lines are ignored; a comment starts at '#' or at ';' (the comments of
 * the Spamhaus DROP lists: "1.10.16.0/20 ; SBL256894"). Lines may end in
 * CRLF, and a UTF-8 byte order mark at the very start is skipped (a file
 * saved by a Windows editor; since 0.2). The whole file is checked
 * before anything changes: one bad line (-EINVAL, "FILE:LINE: why" in
 * vosfp_last_error) changes nothing.
 * flags 0: the entries are added to the list (existing ones take the new
 * TTL). VOSFP_LOAD_REPLACE: the file becomes the list, atomically: at no
 * instant does a packet see a mix of old and new, or an empty list, and a
 * writer killed midway leaves the old list in force.
 * Returns the number of entries in the file, or a negative errno.
 * Refused before anything changes (since 0.2): a path that is not a
 * regular file (-EISDIR for a directory, -EINVAL for a FIFO, device or
 * socket; it is opened O_NONBLOCK, so a FIFO never blocks the call), a
 * line longer than VOSFP_POLICY_LINE_MAX bytes (-EINVAL, "FILE:LINE"),
 * and a file (or buffer) longer than the list's capacity times
 * VOSFP_POLICY_LINE_MAX + 1 bytes, which could never fit (-EFBIG; a
 * file is refused unread, and one that grows while it is read is never
 * read past that bound).
 */
#define VOSFP_LOAD_REPLACE 1u
#define VOSFP_POLICY_LINE_MAX 512
/* A DURATION as policy files and the tool take it: seconds ("3600"), or a
 * number followed by s, m, h, d, w (7 days) or y (365 days) ("90s", "15m",
 * "2h", "7d", "2w", "1y"; w and y since 0.2); 1 s to 10 years. 0 and
 * *seconds set, or -EINVAL. No handle needed. */
VOSFP_API int vosfp_duration_parse(const char *text, uint32_t *seconds);
VOSFP_API int vosfp_policy_load(struct vosfp *h, int list, const char *path, unsigned flags);
/* The same from memory (text need not be NUL-terminated); name is used
 * in error messages in place of a file name. */
VOSFP_API int vosfp_policy_load_buffer(struct vosfp *h, int list, const char *text, size_t len,
				       const char *name, unsigned flags);
/* Options of the two calls below; VOSFP_OPTS(policy_load_opts, ...). */
struct vosfp_policy_load_opts {
	size_t sz;
	unsigned int flags; /* 0 or VOSFP_LOAD_REPLACE */
};
/* vosfp_policy_load() and vosfp_policy_load_buffer() with options (NULL:
 * flags 0), the forms that can grow (docs/abi.md). -EINVAL for non-zero
 * fields past this library's struct. Since VOSFP_0.2. */
VOSFP_API int vosfp_policy_load_ex(struct vosfp *h, int list, const char *path,
				   const struct vosfp_policy_load_opts *opts);
VOSFP_API int vosfp_policy_load_buffer_ex(struct vosfp *h, int list, const char *text,
					  size_t len, const char *name,
					  const struct vosfp_policy_load_opts *opts);
/* Read a policy file for list as vosfp_policy_load does, with the same
 * refusals (not a regular file, longer than the list could hold), without
 * parsing it: for callers that put several files together before one
 * vosfp_policy_load_buffer (vosfp sync). *text (not NUL-terminated, NULL
 * for an empty file) is malloc'ed: free() it. Since 0.2 (VOSFP_0.2). */
VOSFP_API int vosfp_policy_read_file(struct vosfp *h, int list, const char *path, char **text,
				     size_t *len);

/* ------------------------------------------------------------------------ */
/* Temporary bans                                                            */

/*
 * Sources dropped ("banned") until their ban expires. The program enforces
 * the expiry itself, so a ban ends on time with no process running.
 * Automatic bans come from scanner User-Agents and from the per-source rate
 * limit (config "autoban", "ban_ttl"); vosfp_ban_add() adds one by hand.
 * addr is one IPv4 or IPv6 address (no prefix; "::ffff:192.0.2.7" bans
 * 192.0.2.7). Block and allow lists are
 * checked around bans: block list first, then bans, then the allow list.
 *   add:    ttl_seconds 1..315360000 (10 years; 30 days before 0.2);
 *           replaces an existing ban; -ENOSPC ("ban table full (N)") when
 *           the table of bans by hand is full (automatic bans never take
 *           its room). 0 is -EINVAL, as in 0.1: a ban that never ends is
 *           asked for by name, with vosfp_ban_add_ex's VOSFP_BAN_PERMANENT.
 *   remove: lifts a ban by hand or an automatic one; -ENOENT if the
 *           address is not banned.
 */
VOSFP_API int vosfp_ban_add(struct vosfp *h, const char *addr, uint32_t ttl_seconds);
VOSFP_API int vosfp_ban_remove(struct vosfp *h, const char *addr);
/* Options of vosfp_ban_add_ex(); VOSFP_OPTS(ban_add_opts, ...). */
struct vosfp_ban_add_opts {
	size_t sz;
	uint32_t ttl_seconds; /* 1..315360000, or 0 with VOSFP_BAN_PERMANENT */
	uint32_t flags;       /* VOSFP_BAN_PERMANENT; 0.2, in what was padding */
};
/* The ban never expires: the program keeps it until vosfp_ban_remove(), and
 * it outlives the processes like every ban (not a reboot: bpffs is memory).
 * ttl_seconds must be 0 with it. */
#define VOSFP_BAN_PERMANENT 1u
/* vosfp_ban_add() with options (required: they carry the TTL), the form
 * that can grow (docs/abi.md). -EINVAL for NULL opts, unknown flags, a TTL
 * with VOSFP_BAN_PERMANENT, or non-zero fields past this library's struct.
 * Since VOSFP_0.2. */
VOSFP_API int vosfp_ban_add_ex(struct vosfp *h, const char *addr,
			       const struct vosfp_ban_add_opts *opts);

/*
 * Iterate over the unexpired bans: next writes the address ("192.0.2.7",
 * "2001:db8::7"; 46 bytes are enough) and returns 1, 0 at the end; ttl_left
 * gets the whole seconds left (rounded up: at least 1), or 0 for a
 * permanent ban (VOSFP_BAN_PERMANENT), reason the counter id that
 * caused the ban (VOSFP_CTR_SCANNER, VOSFP_CTR_RATE_LIMITED, or
 * VOSFP_CTR_BANNED for a ban added by hand). Either may be NULL. Expired
 * entries met on the way are removed.
 */
struct vosfp_ban_iter;
VOSFP_API int vosfp_ban_iter_open(struct vosfp *h, struct vosfp_ban_iter **out);
VOSFP_API int vosfp_ban_iter_next(struct vosfp_ban_iter *it, char *addr, size_t len,
				  uint32_t *ttl_left, int *reason);
VOSFP_API void vosfp_ban_iter_close(struct vosfp_ban_iter *it);

/*
 * Bans that an attacker cannot turn against the operator (since 0.2):
 * - Bans made by hand (vosfp_ban_add) have a table of their own that
 *   nothing evicts: an add to a full table fails with -ENOSPC ("ban table
 *   full (N)"). Automatic bans have another; when it is full the program
 *   makes no new automatic ban (the scanner's packets are still dropped)
 *   and counts it in auto_refused.
 * - Verified sources: while attached, a TC egress program learns every
 *   address the server answered with a 2xx final response to a REGISTER or
 *   an INVITE (config "verified_ttl"). Such a source is never banned on
 *   spoofable evidence (scanner User-Agent, rate limit): its offending
 *   packets are dropped, no ban is made, and auto_spared counts it.
 * vosfp_ban_stats() fills the fill levels and event counts. out->sz must be
 * set (OPTS rule: an older, smaller struct gets the fields it has). The
 * *_used counts walk the tables and remove expired entries on the way;
 * the same walk rebuilds the program's ban pre-filter without them, under
 * the pin root's writers' lock (docs/filter.md, "The ban pre-filter"; not
 * this time if another writer holds it: no waiting), so a caller that runs
 * it now and then (status, stats, a metrics scrape) keeps the filter tidy.
 * No verdict depends on it.
 */
struct vosfp_ban_stats {
	size_t sz;
	uint32_t manual_used, manual_capacity;     /* bans by hand */
	uint32_t auto_used, auto_capacity;         /* automatic bans */
	uint32_t verified_used, verified_capacity; /* verified sources */
	uint64_t auto_refused;     /* automatic bans not made: table full */
	uint64_t auto_spared;      /* automatic bans not made: source verified */
	uint64_t verified_learned; /* 2xx responses that verified a source */
	/* Since the ban events (VOSFP_0.2, later): automatic bans made whose
	 * event record was dropped because the ring buffer was full. */
	uint64_t events_lost;
};
VOSFP_API int vosfp_ban_stats(struct vosfp *h, struct vosfp_ban_stats *out);

/*
 * Ban events (since 0.2): the program writes one record to a BPF ring
 * buffer, pinned with the other maps, each time it creates an automatic
 * ban: the insert into the automatic table succeeded for a source that was
 * not banned. A source already banned, a verified source spared and a ban
 * refused by the full table make none, so there is at most one event per
 * source per ban. When the ring (256 KiB, some 5,000 records) is full the
 * record is lost, the ban still stands, and events_lost counts it.
 *
 * A ring buffer has ONE consumer: whoever consumes a record takes it from
 * everyone else. On a node that runs `vosfp agent`, the agent is that
 * consumer (it publishes the bans to the fleet); do not open a second one
 * on the same pin root.
 *
 *   open:    a reader on h's ring buffer; *out is freed with close. Needs
 *            the same privileges as vosfp_open. h must outlive it.
 *   fd:      a descriptor that becomes readable (EPOLLIN) when records
 *            wait: add it to your epoll/poll loop, then call consume.
 *   consume: calls fn once for each waiting record, in order, then
 *            returns how many it called fn for (0: none), without blocking.
 *            fn gets the source ("192.0.2.7", "2001:db8::7"), the reason
 *            (VOSFP_CTR_SCANNER or VOSFP_CTR_RATE_LIMITED), the ban's length
 *            in seconds (config "ban_ttl") and the seconds left now (0 once
 *            it has expired: a record read late). fn returns 0 to go on, or
 *            a negative errno to stop: consume then returns that value, and
 *            the record fn refused is consumed all the same.
 * Not thread-safe: one thread consumes.
 */
struct vosfp_ban_events;
typedef int (*vosfp_ban_event_fn)(void *user, const char *addr, int reason,
				  uint32_t ttl_seconds, uint32_t ttl_left);
VOSFP_API int vosfp_ban_events_open(struct vosfp *h, struct vosfp_ban_events **out);
VOSFP_API int vosfp_ban_events_fd(const struct vosfp_ban_events *ev);
VOSFP_API int vosfp_ban_events_consume(struct vosfp_ban_events *ev, vosfp_ban_event_fn fn,
				       void *user);
VOSFP_API void vosfp_ban_events_close(struct vosfp_ban_events *ev);

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */

#define VOSFP_MAX_PORTS 16

/*
 * The SIP ports (UDP and TCP) the filter inspects; everything else passes
 * untouched. Default: 5060. 1..VOSFP_MAX_PORTS distinct non-zero ports.
 * Takes effect at once, also while attached. Under the pin root's lock, as
 * vosfp_config_set().
 */
VOSFP_API int vosfp_config_set_ports(struct vosfp *h, const uint16_t *ports, size_t n);
/* Fills up to cap ports (ascending) and returns how many there are. */
VOSFP_API int vosfp_config_get_ports(struct vosfp *h, uint16_t *ports, size_t cap);

/*
 * Every setting by name, as text, so tools and bindings need no struct.
 * vosfp_config_key_name(i) for i = 0.. gives the key names (NULL past the
 * end); vosfp_config_key_help(i) a one-line description. Keys:
 *   "ports"            "5060,5080"
 *   "stealth_methods"  "OPTIONS" — requests with these methods from sources
 *                      not on the allow list are dropped unanswered;
 *                      "none" for none
 *   "malformed_drop"   "on"/"off" — drop UDP to a SIP port whose first line
 *                      is neither a Request-Line nor a Status-Line
 *                      (keep-alives always pass); default on
 *   "trusted_only"     "on"/"off" — drop every request from sources not on
 *                      the allow list (responses pass); default off
 *   "user_agents"      scanner User-Agent prefixes, comma-separated, 4-32
 *                      characters (letters, digits, space, !#$%&'()*+-./:;=?),
 *                      matched in any letter case wherever the header is;
 *                      shown lowercase; "none" for none. Default:
 *                      friendly-scanner, sipvicious, sipcli, VaxSIPUserAgent,
 *                      pplsip, iWar, sundayddr, SIVuS, smap
 *   "rate_limit"       requests per second allowed per source (token bucket
 *                      kept as a GCRA); 0 = no limit (default)
 *   "rate_burst"       requests a source may send at once (default 20)
 *   "autoban"          "on"/"off" — ban scanners and sources over the rate
 *                      limit for ban_ttl seconds (default on)
 *   "ban_ttl"          seconds an automatic ban lasts (default 3600)
 *   "verified_ttl"     seconds a source stays verified after the server's
 *                      last 2xx to its REGISTER or INVITE; a verified
 *                      source is never auto-banned (default 604800, 7 days;
 *                      0 = learn none, spare none)
 *   "xsk_redirect"     "none", "requests" or "all-passed" (default) — which
 *                      UDP packets that pass go to the AF_XDP socket of
 *                      their RX queue (vosfp_xsk_register): requests that
 *                      passed inspection, or also responses, keep-alives
 *                      and malformed payloads let through. Never TCP or a
 *                      fragment. docs/filter.md, "AF_XDP"
 *   "xsk_allowed"      "on"/"off" — UDP packets from allowed sources (not
 *                      inspected) go to the socket too (default on)
 * set: reads, changes and writes the config under the pin root's lock, so
 * it waits while another writer of the root (a policy change, another
 * config change) holds it; -EINVAL with a detail for an unknown key or a
 * bad value. An empty value is a bad value for every key (since 0.2; it
 * used to mean "none" for stealth_methods and user_agents): say "none" to
 * turn those off.
 * get: writes the value into buf; -ENOSPC if len is too small.
 */
VOSFP_API const char *vosfp_config_key_name(int idx);
VOSFP_API const char *vosfp_config_key_help(int idx);
VOSFP_API int vosfp_config_set(struct vosfp *h, const char *key, const char *value);
VOSFP_API int vosfp_config_get(struct vosfp *h, const char *key, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Counters                                                                  */

/* enum vosfp_counter, the reasons VOSFP_CTR_*: in vosfp_ids.h. */

VOSFP_API int vosfp_counter_count(void);
/* "passed", "allowed", ...; NULL for an unknown id. */
VOSFP_API const char *vosfp_counter_name(int id);
/* Also tells whether the reason is a drop (1) or not (0); -EINVAL if unknown. */
VOSFP_API int vosfp_counter_is_drop(int id);

/* Packets and bytes (frame length) for one reason, summed over all CPUs. */
VOSFP_API int vosfp_counter_read(struct vosfp *h, int id, uint64_t *packets, uint64_t *bytes);
/* Zero every counter. */
VOSFP_API int vosfp_counters_reset(struct vosfp *h);

/*
 * Counters per interface (since 0.2). vosfp_counter_read() gives the
 * totals: every interface, those since detached, and packets on an
 * interface that has no row (see below); the per-interface figures sum to
 * at most the totals. An interface gets a row of its own when it is
 * attached on this pin root and loses it when it is detached (its figures
 * then stay in the totals only); up to 62 interfaces per pin root have
 * rows, and only those with an ifindex below 65536 (a later one counts in
 * the totals only, which the log says at attach). ifindexes are per
 * network namespace: two interfaces of one index in different namespaces
 * on one pin root share a row (use a pin root per namespace).
 *
 * vosfp_counter_read_iface: packets and bytes of reason id on iface, an
 * interface name as attached (found from any namespace), or a decimal
 * ifindex or name of the caller's namespace. -EINVAL for a NULL, empty or
 * over-long iface or an unknown id; -ENODEV if iface names no interface
 * and no row; -ENOENT if the interface has no row (not attached here).
 *
 * vosfp_counter_iface: the interface of the pos-th row in use (pos from
 * 0): its name as attached into name (-ENOSPC if len is too small; 16
 * always fits) and its ifindex (in the namespace it was attached from)
 * into *ifindex (may be NULL); -ENOENT past the last. Rows come and go
 * with attach and detach: a caller listing them may miss or repeat one
 * that changes meanwhile.
 *
 * Both only read maps: CAP_BPF (or CAP_SYS_ADMIN) is needed only to open
 * the handle. Thread safety as for vosfp_counter_read().
 */
VOSFP_API int vosfp_counter_read_iface(struct vosfp *h, const char *iface, int id,
				       uint64_t *packets, uint64_t *bytes);
VOSFP_API int vosfp_counter_iface(struct vosfp *h, int pos, char *name, size_t len,
				  int *ifindex);

/* ------------------------------------------------------------------------ */
/* AF_XDP                                                                    */

/*
 * Hand SIP packets that pass all checks on RX queue queue_id to the AF_XDP
 * socket xsk_fd (bound to that queue of an attached interface) instead of
 * the kernel stack: the UDP packets config "xsk_redirect" and "xsk_allowed"
 * name. Counted as "redirected". A socket that is closed (or whose process
 * dies) leaves the map by itself and its queue's packets reach the stack
 * again. unregister is idempotent: 0 also when no socket was registered
 * (the kernel's XSKMAP cannot tell). examples/afxdp is a consumer.
 */
VOSFP_API int vosfp_xsk_register(struct vosfp *h, uint32_t queue_id, int xsk_fd);
VOSFP_API int vosfp_xsk_unregister(struct vosfp *h, uint32_t queue_id);

/* ------------------------------------------------------------------------ */
/* Dry run                                                                   */

enum vosfp_verdict {
	VOSFP_VERDICT_ABORTED = 0, /* XDP_ABORTED */
	VOSFP_VERDICT_DROP = 1,    /* XDP_DROP */
	VOSFP_VERDICT_PASS = 2,    /* XDP_PASS */
	VOSFP_VERDICT_TX = 3,      /* XDP_TX */
	VOSFP_VERDICT_REDIRECT = 4 /* XDP_REDIRECT */
};

/*
 * Run one Ethernet frame through the loaded program with the current policy
 * and config (BPF_PROG_TEST_RUN), without attaching anywhere. *verdict gets
 * an enum vosfp_verdict. The counters move as they would for real traffic.
 */
VOSFP_API int vosfp_test_packet(struct vosfp *h, const void *frame, size_t len, int *verdict);

/* vosfp_test_packet_opts.reason when no counter moved: the frame is not
 * the filter's (not to a SIP port, not IP...) and passed uncounted. */
#define VOSFP_REASON_NONE (-1)
/* ... when it cannot be told: more than one counter moved during the run
 * (other traffic counted on the same root and CPU meanwhile), or one the
 * library has no name for. */
#define VOSFP_REASON_UNKNOWN (-2)

/* In and out of vosfp_test_packet_ex(); VOSFP_OPTS(test_packet_opts, ...)
 * or zero-fill and set sz = sizeof(opts). */
struct vosfp_test_packet_opts {
	size_t sz;
	int verdict; /* out: an enum vosfp_verdict */
	/* out: the enum vosfp_counter the program counted the frame under
	 * (why it got its verdict), VOSFP_REASON_NONE or _UNKNOWN. */
	int reason;
};

/*
 * vosfp_test_packet() that also says why (since VOSFP_0.2): the counter
 * the frame was counted under, read from the counters around the run, so
 * callers need not compare counter snapshots themselves. The run is on the
 * caller's CPU and only that CPU's counters are read (while the thread
 * stays on it): live traffic on an attached root, counted on other CPUs,
 * does not blur the reason; traffic counted on the same CPU meanwhile
 * makes it VOSFP_REASON_UNKNOWN rather than a wrong one. Costs two reads
 * of every counter slot per call. Errors as
 * vosfp_test_packet(), and -EINVAL for a NULL opts, an sz too small to
 * hold verdict, or non-zero fields past this library's struct. An opts
 * with sz up to verdict gets the verdict only.
 */
VOSFP_API int vosfp_test_packet_ex(struct vosfp *h, const void *frame, size_t len,
				   struct vosfp_test_packet_opts *opts);

/*
 * The same for a frame leaving the server (since 0.2): runs it through the
 * TC egress program that learns verified sources (see vosfp_ban_stats), as
 * if the server had sent it. The program never drops: *verdict is the TC
 * action it returned (0, TC_ACT_OK). Its effect shows in the verified
 * sources.
 */
VOSFP_API int vosfp_test_egress(struct vosfp *h, const void *frame, size_t len, int *verdict);

/* ------------------------------------------------------------------------ */
/* Explaining a source                                                      */

/* vosfp_explain.ban: which ban table holds the source. */
enum vosfp_explain_ban {
	VOSFP_EXPLAIN_BAN_NONE = 0,
	VOSFP_EXPLAIN_BAN_MANUAL = 1, /* a ban by hand (vosfp_ban_add) */
	VOSFP_EXPLAIN_BAN_AUTO = 2,   /* an automatic ban (scanner, rate limit) */
};

/*
 * Out of vosfp_explain_source(): what the filter holds about one source,
 * as of the call. Set sz (VOSFP_OPTS(explain, e)); the library fills the
 * fields that lie within it (OPTS rule) and leaves sz alone. TTLs left are
 * whole seconds rounded up; 0 means permanent. Text fields are
 * NUL-terminated.
 */
struct vosfp_explain {
	size_t sz;
	/* The address as the filter looks it up: canonical text, and 4 or 6.
	 * A v4-mapped IPv6 address ("::ffff:192.0.2.7") is its IPv4 address,
	 * as the lists store it. */
	char addr[46];
	int family;
	/* Block list: the number of live entries covering the address, and
	 * the one that holds longest (permanent first, then the longest TTL,
	 * then the longest prefix), as stored ("192.0.2.0/24"). */
	uint32_t block_matches;
	uint32_t block_ttl_left;
	char block_prefix[50];
	/* Allow list: the same. */
	uint32_t allow_matches;
	uint32_t allow_ttl_left;
	char allow_prefix[50];
	/* Bans: enum vosfp_explain_ban (a ban by hand wins over an automatic
	 * one, as the program reads it first), the counter reason recorded
	 * with it (VOSFP_CTR_BANNED by hand, VOSFP_CTR_SCANNER or
	 * VOSFP_CTR_RATE_LIMITED) and its time left. */
	int ban;
	int ban_reason;
	uint32_t ban_ttl_left;
	/* 1 if the TC egress program learnt the source (the server answered
	 * its REGISTER or INVITE with a 2xx), and for how long more. */
	int verified;
	uint32_t verified_ttl_left;
	/* Rate limit (config rate_limit, rate_burst): rate_limit 0 = off.
	 * rate_tracked is 1 when the program keeps state for the source;
	 * rate_tokens is the number of requests it may send at once now
	 * (rate_burst when untracked or idle), 0 when over the rate. */
	uint32_t rate_limit;
	uint32_t rate_burst;
	int rate_tracked;
	uint32_t rate_tokens;
	/* The decision for a SIP request (an INVITE with no scanner
	 * User-Agent) from the source to a SIP port: an enum vosfp_verdict,
	 * the counter reason it would be counted under (VOSFP_CTR_*), and one
	 * line saying why ("dropped: blocked by 192.0.2.0/24 (permanent)").
	 * Worked out from the findings above, not by sending one: explaining
	 * moves no counter and spends no token. */
	int verdict;
	int reason;
	char decision[160];
};

/*
 * Explain what the filter does with packets from addr, one IPv4 or IPv6
 * address ("::ffff:192.0.2.7" is 192.0.2.7): which block and allow
 * entries cover it, its ban, whether it is verified, its rate-limit state,
 * and the resulting decision (struct vosfp_explain). Only reads: nothing
 * changes, except that expired entries met on the way may be removed. Needs
 * CAP_BPF like every call on the maps.
 *   -EINVAL  addr is not one address (a prefix, bad text), out is NULL or
 *            out->sz is too small to hold addr
 * Since VOSFP_0.2.
 */
VOSFP_API int vosfp_explain_source(struct vosfp *h, const char *addr,
				   struct vosfp_explain *out);

#ifdef __cplusplus
}
#endif

#endif /* VOSFP_VOSFP_H */
