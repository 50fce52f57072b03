// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay's scratch pin root: "<live root>-replay-<pid>", beside the live
 * one, holding a copy of its policy, config and bans. A root costs about
 * 37 MB of kernel memory until it is removed, and bpffs keeps it after
 * its process is gone, so: replay removes it on every exit path it has
 * (SIGTERM, SIGINT and SIGHUP included, see replay_signals), and a kill
 * -9 or a crash is made up for by the next replay, which sweeps every
 * scratch root of the same live root whose process no longer exists. The
 * PID in the name is what tells: a live PID's root is never touched. A
 * PID from another PID namespace (a container sharing bpffs) can look
 * gone, so the owner also holds a flock on a directory in its root,
 * "owner" (not on the root itself, which the library's writers lock), and
 * a root whose owner lock is held is never swept either.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "replay.h"

volatile sig_atomic_t replay_stop;

#define OWNER "owner"

/* This process's lock on its own scratch root, for as long as it lives. */
static int owner_fd = -1;

static void on_signal(int sig)
{
	replay_stop = sig;
}

void replay_signals(void)
{
	/* No SA_RESTART: nothing here blocks for long, and the loops look at
	 * replay_stop after each step. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The live root without trailing slashes, split into parent and base. */
static int split_root(const char *live, char *parent, char *base)
{
	char copy[PATH_MAX], *slash;
	size_t n;

	if (snprintf(copy, sizeof(copy), "%s", live) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	snprintf(base, NAME_MAX + 1, "%s", slash + 1);
	if (slash == copy) {
		strcpy(parent, "/");
	} else {
		*slash = '\0';
		snprintf(parent, PATH_MAX, "%s", copy);
	}
	return 0;
}

/* The PID a scratch root's name gives, if the name is "BASE-replay-PID". */
static pid_t scratch_pid(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p;
	long pid = 0;

	if (strncmp(name, base, n) || strncmp(name + n, "-replay-", 8))
		return 0;
	p = name + n + 8;
	if (!*p)
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || pid > INT_MAX / 10)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return (pid_t)pid;
}

/* A scratch root holds pinned maps (it is never attached) and the owner
 * directory: unpin and remove them all, then the root. */
static int remove_root(const char *path)
{
	char entry[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir(path);
	int err = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (snprintf(entry, sizeof(entry), "%s/%s", path, d->d_name) >= (int)sizeof(entry))
			err = -ENAMETOOLONG;
		else if (unlink(entry) < 0 && errno != ENOENT &&
			 !((errno == EISDIR || errno == EPERM) && !rmdir(entry)))
			err = -errno;
	}
	closedir(dir);
	if (rmdir(path) < 0 && errno != ENOENT)
		err = -errno;
	return err;
}

/* Whether a process (in any PID namespace) holds the root's owner lock. */
static int owner_alive(const char *root)
{
	char path[PATH_MAX];
	int fd, held;

	if (snprintf(path, sizeof(path), "%s/" OWNER, root) >= (int)sizeof(path))
		return 1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* killed before it made it: the PID is all there is */
	held = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* Make the owner directory of our scratch root and lock it. */
static int owner_take(const char *root)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/" OWNER, root) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	owner_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (owner_fd < 0 || flock(owner_fd, LOCK_EX | LOCK_NB) < 0)
		return -errno;
	return 0;
}

void replay_sweep(const char *live)
{
	char parent[PATH_MAX], base[NAME_MAX + 1], path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	if (split_root(live, parent, base) || !(dir = opendir(parent)))
		return;
	while ((d = readdir(dir))) {
		pid_t pid = scratch_pid(d->d_name, base);
		int err;

		/* EPERM means a process is there: only ESRCH says it is gone. */
		if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", parent, d->d_name) >= (int)sizeof(path) ||
		    owner_alive(path))
			continue;
		err = remove_root(path);
		if (err)
			fprintf(stderr, "vosfp: replay: cannot remove the stale scratch root %s: %s\n",
				path, strerror(-err));
		else
			fprintf(stderr, "vosfp: replay: removed the stale scratch root %s (process "
				"%d is gone)\n", path, (int)pid);
	}
	closedir(dir);
}

/* The live list as policy-file text, TTLs included: one replace fills the
 * scratch list, whatever its size. */
static int list_text(struct vosfp *live, int list, char **text, size_t *len)
{
	struct vosfp_policy_iter *it;
	char buf[64];
	FILE *mem;
	int err;

	*text = NULL;
	mem = open_memstream(text, len);
	if (!mem)
		return -ENOMEM;
	err = vosfp_policy_iter_open(live, list, &it);
	if (!err) {
		while (!replay_stop && (err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
			int64_t ttl = vosfp_policy_iter_ttl(it);

			if (ttl > 0)
				fprintf(mem, "%s ttl=%lld\n", buf, (long long)ttl);
			else
				fprintf(mem, "%s\n", buf);
		}
		vosfp_policy_iter_close(it);
	}
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (err < 0 || replay_stop) {
		free(*text);
		*text = NULL;
	}
	return err < 0 ? err : 0;
}

static int copy_state(struct vosfp *live, struct vosfp *out)
{
	struct vosfp_ban_iter *bi;
	char buf[4096];
	uint32_t ttl;
	int err = 0, reason;

	for (int i = 0; vosfp_config_key_name(i) && !err && !replay_stop; i++) {
		err = vosfp_config_get(live, vosfp_config_key_name(i), buf, sizeof(buf));
		if (!err)
			err = vosfp_config_set(out, vosfp_config_key_name(i), buf);
	}
	for (int l = 0; l < vosfp_list_count() && !err && !replay_stop; l++) {
		char *text;
		size_t len;

		err = list_text(live, l, &text, &len);
		if (!err && text)
			err = vosfp_policy_load_buffer(out, l, text, len, "<live list>",
						       VOSFP_LOAD_REPLACE);
		free(text);
		err = err < 0 ? err : 0;
	}
	if (!err && !replay_stop && !(err = vosfp_ban_iter_open(live, &bi))) {
		int more = 0;

		/* The next ban only after this one was copied: a failed copy
		 * (scratch ban table full) must not be overwritten by the
		 * iterator's 1, or the dry run would silently lack a ban. */
		while (!err && !replay_stop &&
		       (more = vosfp_ban_iter_next(bi, buf, sizeof(buf), &ttl, &reason)) == 1)
			err = vosfp_ban_add(out, buf, ttl);
		if (!err && more < 0)
			err = more;
		vosfp_ban_iter_close(bi);
	}
	return err < 0 ? err : 0;
}

int replay_scratch_open(struct cli *cli, struct vosfp **out, char *root, size_t root_len)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	const char *live = cli->pin_root ? cli->pin_root : VOSFP_DEFAULT_PIN_ROOT;
	char parent[PATH_MAX], base[NAME_MAX + 1];
	int64_t cap[2];
	int err;

	*out = NULL;
	replay_sweep(live);
	/* The live lists' capacities: a copy of a list raised past the
	 * default must fit. */
	for (int l = 0; l < 2; l++) {
		cap[l] = vosfp_policy_capacity(cli->h, l);
		if (cap[l] < 0) {
			fprintf(stderr, "vosfp: replay: %s\n", vosfp_last_error(cli->h));
			return (int)cap[l];
		}
	}
	opts.block_capacity = (uint32_t)cap[VOSFP_LIST_BLOCK];
	opts.allow_capacity = (uint32_t)cap[VOSFP_LIST_ALLOW];
	/* Named from the root without its trailing slashes: "root/" must not
	 * put the scratch root inside the live one. */
	if (split_root(live, parent, base) ||
	    snprintf(root, root_len, "%s%s%s-replay-%d", parent, strcmp(parent, "/") ? "/" : "",
		     base, (int)getpid()) >= (int)root_len) {
		fprintf(stderr, "vosfp: replay: %s: no room for a scratch root beside it\n", live);
		return -ENAMETOOLONG;
	}
	opts.pin_root = root;
	err = vosfp_open(&opts, out);
	if (err) {
		fprintf(stderr, "vosfp: replay: scratch root: %s\n", vosfp_open_error());
		return err;
	}
	err = owner_take(root);
	if (err) {
		fprintf(stderr, "vosfp: replay: %s/" OWNER ": %s\n", root, strerror(-err));
		return err;
	}
	err = copy_state(cli->h, *out);
	if (err)
		fprintf(stderr, "vosfp: replay: copying the policy: %s\n",
			*vosfp_last_error(*out) ? vosfp_last_error(*out) : vosfp_last_error(cli->h));
	return err;
}

void replay_scratch_close(struct vosfp *h, const char *root)
{
	if (!h)
		return;
	/* vosfp_unpin removes the maps, then fails to remove the root,
	 * which still holds the owner directory: remove_root finishes. */
	vosfp_unpin(h);
	vosfp_close(h);
	remove_root(root);
	if (owner_fd >= 0)
		close(owner_fd);
	owner_fd = -1;
}
