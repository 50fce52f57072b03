// SPDX-License-Identifier: BSD-2-Clause
/*
 * Handle life cycle: load the embedded program, create or reuse the maps
 * pinned under the pin root, close. (Unpinning is attach.c's: it must
 * know that nothing is attached any more.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "policy/policy.h"
#include "vosfp.skel.h"

#define VERIFIER_LOG_SIZE (256 * 1024)

const char *const vosfp_map_names[MAP__COUNT] = {
	[MAP_PBITS4] = VOSFP_MAP_POL_BITS4,  [MAP_PTABLES] = VOSFP_MAP_POL_TABLES,
	[MAP_PBLOOM6] = VOSFP_MAP_POL_BLOOM6, [MAP_PSTATE] = VOSFP_MAP_POL_STATE,
	[MAP_CONFIG] = VOSFP_MAP_CONFIG,     [MAP_COUNTERS] = VOSFP_MAP_COUNTERS,
	[MAP_XSKS] = VOSFP_MAP_XSKS,	     [MAP_BANS] = VOSFP_MAP_BANS, [MAP_BANS_PRESENT] = VOSFP_MAP_BANS_PRESENT,
	[MAP_RATE] = VOSFP_MAP_RATE,	     [MAP_UA] = VOSFP_MAP_UA,
	[MAP_MBANS] = VOSFP_MAP_MBANS,	     [MAP_VERIFIED] = VOSFP_MAP_VERIFIED,
	[MAP_BSTATS] = VOSFP_MAP_BSTATS,
	[MAP_BAN_EVENTS] = VOSFP_MAP_BAN_EVENTS,
	[MAP_IFINDEX] = VOSFP_MAP_IFINDEX,     [MAP_IFROWS] = VOSFP_MAP_IFROWS,
	[MAP_BANBITS] = VOSFP_MAP_BANBITS,   [MAP_RATE_SEEN] = VOSFP_MAP_RATE_SEEN,
};

int vosfp__pin_path(const struct vosfp *h, const char *name, char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", h->pin_root, name);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* libbpf's OPTS rule: a caller's struct may be older (smaller) or newer
 * (larger, with the fields we do not know left zero). */
static int check_opts(const struct vosfp_open_opts *opts)
{
	if (!opts)
		return 0;
	if (opts->sz < offsetof(struct vosfp_open_opts, pin_root))
		return vosfp__open_fail(-EINVAL, "vosfp_open_opts.sz %zu is too small", opts->sz);
	for (size_t i = sizeof(*opts); i < opts->sz; i++)
		if (((const char *)opts)[i])
			return vosfp__open_fail(-EOPNOTSUPP,
						"vosfp_open_opts has fields this libvosfp (%s) "
						"does not know (sz %zu > %zu)",
						vosfp_version(), opts->sz, sizeof(*opts));
	return 0;
}

#define OPT(opts, field, dflt)                                                             \
	((opts) && (opts)->sz >= offsetof(struct vosfp_open_opts, field) + sizeof((opts)->field) \
		 ? (opts)->field : (dflt))

static bool on_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* The maps this open pins, and which of them were pinned before it. */
#define MAX_PINNED_MAPS 32
struct map_plan {
	int n;
	const char *name[MAX_PINNED_MAPS];
	bool existed[MAX_PINNED_MAPS];
};

#define NEEDS_CAPS "needs CAP_BPF (or CAP_SYS_ADMIN) and access to the bpffs pin root"

/* A pin root that exists: a directory on bpffs, or an error. */
static int existing_root(const char *root, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return vosfp__open_fail(-ENOTDIR, "%s: not a directory", root);
	if (!on_bpffs(root))
		return vosfp__open_fail(-EOPNOTSUPP, "%s: not on bpffs (mount -t bpf bpf DIR)",
					root);
	return 0;
}

/* Make sure the pin root exists on bpffs; *created tells whether we made it. */
static int prepare_root(const char *root, bool *created)
{
	char parent[PATH_MAX];
	char *slash;
	struct stat st;

	*created = false;
	if (stat(root, &st) == 0)
		return existing_root(root, &st);
	/* bpffs directories are root-only (0700): an unprivileged caller
	 * cannot even look, which is a privilege problem, not a missing root. */
	if (errno == EACCES || errno == EPERM)
		return vosfp__open_fail(-EPERM, "%s: permission denied (" NEEDS_CAPS ")", root);
	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return vosfp__open_fail(-EINVAL, "%s: pin root must be a directory below a bpffs mount",
					root);
	*slash = '\0';
	if (!on_bpffs(parent))
		return vosfp__open_fail(-EOPNOTSUPP, "%s: not on bpffs (mount -t bpf bpf %s)",
					parent, parent);
	if (mkdir(root, 0700) < 0) {
		int err = errno;

		/* Made meanwhile by another process's first open: use it. */
		if (err == EEXIST && stat(root, &st) == 0)
			return existing_root(root, &st);
		if (err == EACCES || err == EPERM)
			return vosfp__open_fail(-EPERM, "%s: cannot create pin root: permission "
						"denied (" NEEDS_CAPS ")", root);
		return vosfp__open_fail(-err, "%s: cannot create pin root: %s", root,
					strerror(err));
	}
	*created = true;
	return 0;
}

/* By pin name: a shared data section is found under its pin's. */
static struct bpf_map *skel_map(struct vosfp_bpf *skel, int id)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj) {
		const char *name = vosfp__pin_name(map);

		if (name && !strcmp(name, vosfp_map_names[id]))
			return map;
	}
	return NULL;
}

/*
 * Point every map of the object at its pin, so that all of the program's
 * state (also maps this file does not use itself, like bans) is shared by
 * every handle on the root. For a pin that exists, adopt its capacity so
 * that libbpf reuses it instead of refusing a size mismatch.
 */
static int plan_maps(struct vosfp *h, struct vosfp_bpf *skel, struct map_plan *plan)
{
	struct bpf_map *map;
	char path[PATH_MAX];

	for (int id = 0; id < MAP__COUNT; id++)
		if (!skel_map(skel, id))
			return vosfp__open_fail(-ENOENT, "embedded program has no map %s",
						vosfp_map_names[id]);
	plan->n = 0;
	bpf_object__for_each_map(map, skel->obj) {
		const char *name = vosfp__pin_name(map);
		int fd, err;

		if (!name) /* .rodata: per program */
			continue;
		err = vosfp__shared_data_prepare(map);
		if (err)
			return vosfp__open_fail(err, "embedded program has unknown shared data %s",
						bpf_map__name(map));
		if (plan->n == MAX_PINNED_MAPS)
			return vosfp__open_fail(-E2BIG, "embedded program has too many maps");
		if (vosfp__pin_path(h, name, path))
			return vosfp__open_fail(-ENAMETOOLONG, "%s: pin path too long", h->pin_root);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return vosfp__open_fail(err, "%s: cannot set pin path", path);
		plan->name[plan->n] = name;

		fd = bpf_obj_get(path);
		plan->existed[plan->n++] = fd >= 0;
		if (fd >= 0) {
			struct bpf_map_info info = {};
			__u32 len = sizeof(info);

			err = bpf_obj_get_info_by_fd(fd, &info, &len);
			close(fd);
			if (err)
				return vosfp__open_fail(err, "%s: cannot read pinned map", path);
			bpf_map__set_max_entries(map, info.max_entries);
		} else if (errno == EPERM || errno == EACCES) {
			return vosfp__open_fail(-EPERM, "%s: permission denied (" NEEDS_CAPS ")",
						path);
		}
	}
	return 0;
}

/* The last lines of the verifier's log: enough to see why it refused. */
static const char *log_tail(const char *log)
{
	size_t n = strlen(log);
	const char *p = n > 300 ? log + n - 300 : log;

	return *p ? p : "(no verifier log)";
}

static int load_error(const char *root, int err, const char *vlog,
		      const struct map_plan *plan)
{
	bool reused = false;

	for (int i = 0; i < plan->n; i++)
		reused |= plan->existed[i];
	if (err == -EPERM || err == -EACCES)
		return vosfp__open_fail(-EPERM,
					"loading the XDP program needs CAP_BPF (or CAP_SYS_ADMIN) "
					"and CAP_NET_ADMIN");
	if (reused && err == -EINVAL && !*vlog)
		return vosfp__open_fail(-EEXIST,
					"%s: pinned maps are incompatible with this libvosfp (%s); "
					"detach everything and remove the pin root",
					root, vosfp_version());
	if (*vlog)
		return vosfp__open_fail(err, "the kernel refused the XDP program: %s",
					log_tail(vlog));
	return vosfp__open_fail(err, "loading the XDP program failed: %s", strerror(-err));
}

static void undo_pins(struct vosfp *h, const struct map_plan *plan, bool created_root)
{
	char path[PATH_MAX];

	for (int i = 0; i < plan->n; i++)
		if (!plan->existed[i] && !vosfp__pin_path(h, plan->name[i], path))
			unlink(path);
	if (created_root)
		rmdir(h->pin_root);
}

/*
 * The pin root, made if need be, and its lock in h->open_lock. One open at
 * a time makes a root's maps: processes that open a new root together
 * would each create them, and all but one would fail to pin theirs. The
 * lock is held to the end of the open, failed or not. A first open that
 * failed removes the root it made while a second waits for the lock: the
 * second then makes it again.
 */
static int lock_root(struct vosfp *h, bool *created)
{
	for (int tries = 0; tries < 3; tries++) {
		struct stat locked, now;
		int err = prepare_root(h->pin_root, created), fd;

		if (err)
			return err;
		fd = vosfp__root_lock(h, LOCK_EX);
		if (fd < 0)
			return vosfp__open_fail(fd, "%s", h->err);
		if (fstat(fd, &locked) == 0 && stat(h->pin_root, &now) == 0 &&
		    locked.st_dev == now.st_dev && locked.st_ino == now.st_ino) {
			h->open_lock = fd;
			return 0;
		}
		close(fd);
	}
	return vosfp__open_fail(-EAGAIN, "%s: removed and made again while opening; try again",
				h->pin_root);
}

VOSFP_API int vosfp_open(const struct vosfp_open_opts *opts, struct vosfp **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	const char *root;
	struct map_plan plan = { .n = 0 };
	bool created_root = false;
	struct vosfp_config cfg;
	struct vosfp *h = NULL;
	char *vlog = NULL;
	int err;

	if (out)
		*out = NULL;
	if (!out)
		return vosfp__open_fail(-EINVAL, "vosfp_open: out is NULL");
	err = check_opts(opts);
	if (err)
		return err;
	root = OPT(opts, pin_root, NULL);
	if (!root)
		root = VOSFP_DEFAULT_PIN_ROOT;
	if (!*root || strlen(root) >= PATH_MAX - 64)
		return vosfp__open_fail(-EINVAL, "pin root is empty or too long");
	if (OPT(opts, block_capacity, 0) > VOSFP__MAX_CAPACITY ||
	    OPT(opts, allow_capacity, 0) > VOSFP__MAX_CAPACITY)
		return vosfp__open_fail(-EINVAL, "capacity above the maximum of %u entries",
					VOSFP__MAX_CAPACITY);

	h = calloc(1, sizeof(*h));
	vlog = calloc(1, VERIFIER_LOG_SIZE);
	if (!h || !vlog) {
		err = vosfp__open_fail(-ENOMEM, "out of memory");
		goto fail;
	}
	for (int id = 0; id < MAP__COUNT; id++)
		h->map_fd[id] = -1;
	h->prog_fd = -1;
	h->open_lock = -1;
	snprintf(h->pin_root, sizeof(h->pin_root), "%s", root);
	/* A trailing slash would make "root//name" pins and defeat rmdir. */
	for (size_t n = strlen(h->pin_root); n > 1 && h->pin_root[n - 1] == '/'; n--)
		h->pin_root[n - 1] = '\0';

	err = lock_root(h, &created_root);
	if (err)
		goto fail;

	oopts.kernel_log_buf = vlog;
	oopts.kernel_log_size = VERIFIER_LOG_SIZE;
	h->skel = vosfp_bpf__open_opts(&oopts);
	if (!h->skel) {
		err = vosfp__open_fail(-errno, "cannot open the embedded XDP object");
		goto fail;
	}
	err = plan_maps(h, h->skel, &plan);
	if (!err)
		err = vosfp__policy_check_root(h);
	if (err)
		goto fail;
	/* Maps only: the program is verified and loaded when first needed
	 * (vosfp__prog_fd), so that a handle that only changes policy or
	 * reads counters opens in milliseconds, not the verifier's time. */
	bpf_program__set_autoload(h->skel->progs.vosfp_xdp, false);
	bpf_program__set_autoload(h->skel->progs.vosfp_egress, false);
	err = vosfp_bpf__load(h->skel);
	if (err) {
		err = load_error(h->pin_root, err, vlog, &plan);
		goto fail;
	}

	for (int id = 0; id < MAP__COUNT; id++)
		h->map_fd[id] = bpf_map__fd(skel_map(h->skel, id));
	/* A new root (or one a crashed process left half-made) gets defaults. */
	err = vosfp__config_read(h, &cfg);
	if (!err && cfg.magic != VOSFP_CFG_MAGIC) {
		vosfp__config_defaults(&cfg);
		err = vosfp__scanners_set(h, vosfp__default_scanners, &cfg);
		if (!err)
			err = vosfp__config_write(h, &cfg);
	}
	if (!err)
		err = vosfp__policy_open(h, OPT(opts, block_capacity, 0),
					 OPT(opts, allow_capacity, 0));
	if (!err)
		err = vosfp__banfilter_open(h);
	if (err) {
		err = vosfp__open_fail(err, "cannot initialise the maps: %s", h->err);
		goto fail;
	}

	close(h->open_lock);
	h->open_lock = -1;
	free(vlog);
	vosfp__open_ok();
	vosfp__ok(h);
	*out = h;
	return 0;

fail:
	if (h) {
		undo_pins(h, &plan, created_root);
		if (h->open_lock >= 0)
			close(h->open_lock);
		vosfp__banfilter_close(h);
		vosfp_bpf__destroy(h->skel);
		free(h);
	}
	free(vlog);
	return err;
}

int vosfp__prog_fd(struct vosfp *h)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct map_plan plan = { .n = 0 };
	struct vosfp_bpf *skel;
	char *vlog;
	int err;

	if (h->prog_fd >= 0)
		return h->prog_fd;
	vlog = calloc(1, VERIFIER_LOG_SIZE);
	if (!vlog)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	oopts.kernel_log_buf = vlog;
	oopts.kernel_log_size = VERIFIER_LOG_SIZE;
	/* A second instance of the object whose maps are the pinned ones the
	 * handle already holds: only its program is new. */
	skel = vosfp_bpf__open_opts(&oopts);
	if (!skel) {
		err = vosfp__fail(h, -errno, "cannot open the embedded XDP object");
		goto out;
	}
	err = plan_maps(h, skel, &plan);
	if (!err && (err = vosfp_bpf__load(skel)))
		err = load_error(h->pin_root, err, vlog, &plan);
	if (err) {
		/* plan_maps and load_error leave their detail for vosfp_open */
		err = vosfp__fail(h, err, "%s", vosfp_open_error());
		vosfp_bpf__destroy(skel);
		goto out;
	}
	h->prog_skel = skel;
	h->prog_fd = err = bpf_program__fd(skel->progs.vosfp_xdp);
out:
	free(vlog);
	return err;
}

VOSFP_API const char *vosfp_pin_root(const struct vosfp *h)
{
	return h ? h->pin_root : NULL;
}

/* For libxdp, which loads the program itself (as a dispatcher's component):
 * the object opened with the pinned maps planned in, not loaded. */
int vosfp__prog_open(struct vosfp *h, struct vosfp_bpf **out)
{
	struct map_plan plan = { .n = 0 };
	struct vosfp_bpf *skel = vosfp_bpf__open();
	int err;

	*out = NULL;
	if (!skel)
		return vosfp__fail(h, -errno, "cannot open the embedded XDP object");
	err = plan_maps(h, skel, &plan);
	if (err) {
		vosfp_bpf__destroy(skel);
		return vosfp__fail(h, err, "%s", vosfp_open_error());
	}
	*out = skel;
	return 0;
}

VOSFP_API void vosfp_close(struct vosfp *h)
{
	if (!h)
		return;
	vosfp__policy_close(h);
	vosfp__banfilter_close(h);
	vosfp_bpf__destroy(h->prog_skel);
	vosfp_bpf__destroy(h->skel);
	free(h);
}
