// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp sync [--watch] block=FILE allow=FILE ...: the files are the desired
 * state. Each list named is replaced (atomically, by the library) with the
 * concatenation of its files; lists not named are left alone. With --watch
 * the directories holding the files are watched with inotify, because the
 * usual ways of updating a file replace the directory entry rather than
 * writing into it: an editor's rename-on-save, rsync's temporary file, and
 * the Kubernetes ConfigMap volume, which swaps the "..data" symlink. The
 * parents of those directories are watched too, so that a directory
 * removed and made again (a volume remounted, a deploy that replaces the
 * whole directory) is watched again. One sync per pin root: the lock, and
 * the outcome that status and the exporter show, are in sync_state.c.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>

#include "commands.h"
#include "opts.h"
#include "sync_state.h"

#define MAX_SOURCES 32
/* Each file's directory and its parent, and those of its symlink's target. */
#define MAX_WATCHES (4 * MAX_SOURCES)
/* One mask for every watch, so that a directory watched for two reasons
 * (a file's, and another's parent) keeps all of it. */
#define WATCH_MASK                                                                      \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB |  \
	 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* Quiet time after the last event before applying: one save or one
 * ConfigMap swap is a burst of several events. */
#define DEBOUNCE_MS 200

struct source {
	int list;
	const char *path;
	size_t first_line; /* of this file in its list's concatenated text, from 1 */
};

struct sync_state {
	struct cli *cli;
	struct source src[MAX_SOURCES];
	int n;
	/* The text last applied (or tried) per list: a change elsewhere in a
	 * watched directory must not reapply, which would restart the TTLs. */
	char *last[2];
	size_t last_len[2];
	int tried[2];
	struct sync_run run;
	char why[1100]; /* the last apply's error, for the state file */
};

/* The files of one list, each ending with a newline, one after the other;
 * records where each file starts for the error messages. */
static char *gather(struct sync_state *s, int list, size_t *len, char *why, size_t why_len)
{
	char *all = NULL;
	size_t lines = 0;
	FILE *mem = open_memstream(&all, len);

	if (!mem) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	for (int i = 0; i < s->n; i++) {
		size_t flen;
		char *text;

		if (s->src[i].list != list)
			continue;
		/* The library's reading: regular files only, never more
		 * than the list could hold (a FIFO or /dev/zero would hang or
		 * fill memory, and a watcher runs unattended). */
		if (vosfp_policy_read_file(s->cli->h, list, s->src[i].path, &text, &flen) < 0) {
			snprintf(why, why_len, "%s", vosfp_last_error(s->cli->h));
			fclose(mem);
			free(all);
			return NULL;
		}
		s->src[i].first_line = lines + 1;
		if (flen)
			fwrite(text, 1, flen, mem);
		for (size_t k = 0; k < flen; k++)
			lines += text[k] == '\n';
		if (flen && text[flen - 1] != '\n') {
			fputc('\n', mem);
			lines++;
		}
		free(text);
	}
	if (fclose(mem)) {
		free(all);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	return all;
}

/* The library names the buffer in "NAME:LINE: why"; NAME is ours, so turn
 * the line of the concatenation back into the file and line it came from. */
static void locate_error(const struct sync_state *s, int list, const char *name,
			 const char *msg, char *out, size_t out_len)
{
	size_t nlen = strlen(name), line;
	const struct source *from = NULL;
	char *end;

	if (strncmp(msg, name, nlen) || msg[nlen] != ':') {
		snprintf(out, out_len, "%s", msg);
		return;
	}
	line = strtoul(msg + nlen + 1, &end, 10);
	for (int i = 0; i < s->n; i++)
		if (s->src[i].list == list && s->src[i].first_line <= line)
			from = &s->src[i];
	if (!from || *end != ':') {
		snprintf(out, out_len, "%s", msg);
		return;
	}
	snprintf(out, out_len, "%s:%zu%s", from->path, line - from->first_line + 1, end);
}

static void file_names(const struct sync_state *s, int list, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < s->n && used < len; i++)
		if (s->src[i].list == list)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "",
						 s->src[i].path);
}

/* Applies one list if its files changed since the last try (or always if
 * force). Logs one line. 1 if applied, 0 if unchanged, or -1 if the list
 * was kept because of an error (s->why says which). */
static int apply_list(struct sync_state *s, int list, int force)
{
	char why[1024], names[1024], name[32];
	size_t len = 0;
	char *text;
	int n;

	file_names(s, list, names, sizeof(names));
	text = gather(s, list, &len, why, sizeof(why));
	if (!text) {
		fprintf(stderr, "vosfp: sync: %s list kept: %s\n", vosfp_list_name(list), why);
		snprintf(s->why, sizeof(s->why), "%s list kept: %s", vosfp_list_name(list), why);
		return -1;
	}
	if (!force && s->tried[list] && len == s->last_len[list] &&
	    !memcmp(text, s->last[list], len)) {
		free(text);
		return 0;
	}
	free(s->last[list]);
	s->last[list] = text;
	s->last_len[list] = len;
	s->tried[list] = 1;
	snprintf(name, sizeof(name), "<%s files>", vosfp_list_name(list));
	n = vosfp_policy_load_buffer(s->cli->h, list, text, len, name, VOSFP_LOAD_REPLACE);
	if (n < 0) {
		locate_error(s, list, name, vosfp_last_error(s->cli->h), why, sizeof(why));
		fprintf(stderr, "vosfp: sync: %s list kept: %s\n", vosfp_list_name(list), why);
		snprintf(s->why, sizeof(s->why), "%s list kept: %s", vosfp_list_name(list), why);
		return -1;
	}
	fprintf(stderr, "vosfp: sync: %s list replaced: %d entries from %s\n",
		vosfp_list_name(list), n, names);
	return 1;
}

static int apply_all(struct sync_state *s, int force)
{
	int failed = 0, applied = 0;

	for (int list = 0; list < vosfp_list_count() && list < 2; list++) {
		int named = 0, r = 0;

		for (int i = 0; i < s->n; i++)
			named |= s->src[i].list == list;
		if (named)
			r = apply_list(s, list, force);
		if (r < 0) {
			failed = 1;
			sync_run_result(&s->run, 0, s->why);
		}
		applied |= r > 0;
	}
	/* A success is an apply that went through; an unchanged text is no
	 * news, and an apply that failed is recorded as an error above. */
	if (applied)
		sync_run_result(&s->run, 1, NULL);
	return failed ? -1 : 0;
}

/* The parent of directory p, in place: "a/b" -> "a", "a" -> ".",
 * "/a" -> "/", "/" -> "/". */
static void parent_dir(char *p)
{
	size_t n = strlen(p);
	char *slash;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	slash = strrchr(p, '/');
	if (!slash)
		strcpy(p, ".");
	else if (slash == p)
		p[1] = '\0';
	else
		*slash = '\0';
}

static int watch_one(int fd, const char *dir, char dirs[][PATH_MAX], int *nd)
{
	for (int d = 0; d < *nd; d++)
		if (!strcmp(dirs[d], dir))
			return 0;
	if (*nd == MAX_WATCHES)
		return 0;
	if (inotify_add_watch(fd, dir, WATCH_MASK) < 0)
		return -errno;
	snprintf(dirs[(*nd)++], PATH_MAX, "%s", dir);
	return 0;
}

/*
 * Watch dir and its parent; if dir is gone, its nearest ancestor that is
 * there, to learn when it comes back. Only a directory that exists and
 * still cannot be watched is an error.
 */
static int watch_dir(int fd, const char *dir, char dirs[][PATH_MAX], int *nd)
{
	char up[PATH_MAX], real[PATH_MAX];
	int err;

	snprintf(up, sizeof(up), "%s", dir);
	for (int depth = 0; depth < 64 && !realpath(up, real); depth++)
		parent_dir(up);
	if (!realpath(up, real))
		return 0;
	err = watch_one(fd, real, dirs, nd);
	if (err && strcmp(up, dir))
		return 0; /* an ancestor that vanished meanwhile: the next burst retries */
	if (err) {
		fprintf(stderr, "vosfp: sync: cannot watch %s: %s\n", dir, strerror(-err));
		return -1;
	}
	parent_dir(real);
	if (!strcmp(up, dir))
		watch_one(fd, real, dirs, nd); /* best effort: re-watching needs it */
	return 0;
}

/* Watches the directory of each file, and that of its target if it is a
 * symlink elsewhere, and their parents. Called again after each burst of
 * events, since a swap may retarget a symlink and a directory may have
 * come back; inotify merges a watch added twice. */
static int add_watches(const struct sync_state *s, int fd)
{
	char dirs[MAX_WATCHES][PATH_MAX];
	int nd = 0;

	for (int i = 0; i < s->n; i++) {
		char real[PATH_MAX], copy[PATH_MAX];

		snprintf(copy, sizeof(copy), "%s", s->src[i].path);
		parent_dir(copy);
		if (watch_dir(fd, copy, dirs, &nd))
			return -1;
		if (realpath(s->src[i].path, real)) {
			parent_dir(real);
			if (watch_dir(fd, real, dirs, &nd))
				return -1;
		}
	}
	return 0;
}

static int watch(struct sync_state *s)
{
	struct pollfd pfd[2];
	sigset_t stop;
	int pending = 0, rc = EXIT_FAIL;

	/* Blocked, then read from a descriptor: one poll waits for both. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	pfd[0].fd = signalfd(-1, &stop, SFD_CLOEXEC);
	pfd[1].fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	pfd[0].events = pfd[1].events = POLLIN;
	if (pfd[0].fd < 0 || pfd[1].fd < 0) {
		fprintf(stderr, "vosfp: sync: %s\n", strerror(errno));
		goto out;
	}
	if (add_watches(s, pfd[1].fd))
		goto out;
	/* Watches first, then the first apply: no change can fall between. */
	apply_all(s, 1);
	for (;;) {
		int r = poll(pfd, 2, pending ? DEBOUNCE_MS : -1);

		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "vosfp: sync: poll: %s\n", strerror(errno));
			goto out;
		}
		if (r > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(pfd[0].fd, &si, sizeof(si)) == sizeof(si))
				fprintf(stderr, "vosfp: sync: %s, stopping\n",
					strsignal((int)si.ssi_signo));
			rc = EXIT_OK;
			goto out;
		}
		if (r > 0 && (pfd[1].revents & POLLIN)) {
			char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

			while (read(pfd[1].fd, buf, sizeof(buf)) > 0)
				;
			pending = 1;
			add_watches(s, pfd[1].fd); /* a file missing now is not fatal */
			continue;
		}
		if (r == 0 && pending) {
			pending = 0;
			apply_all(s, 0);
		}
	}
out:
	if (pfd[0].fd >= 0)
		close(pfd[0].fd);
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	return rc;
}

enum { OPT_WATCH = OPT_CMD };

static const struct cli_opt sync_opts[] = {
	{ "watch", OPT_WATCH, NULL, "again on every change of a file, until SIGTERM" },
	{ NULL, 0, NULL, NULL },
};

static int run_sync(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int c;
	static const char expected[] = "expected [--watch] LIST=FILE... (e.g. block=/etc/vosfp/"
				       "block.txt allow=/etc/vosfp/allow.txt)";
	struct sync_state s = { .cli = cli };
	int watching = 0, rc;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0)
		watching = 1;
	if (c < 0)
		return a.rc;
	argc = a.npos;
	argv = a.pos;
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char name[16];
		int list;

		if (!eq || !eq[1] || (size_t)(eq - argv[i]) >= sizeof(name))
			return cli_usage(cli, "%s", expected);
		memcpy(name, argv[i], (size_t)(eq - argv[i]));
		name[eq - argv[i]] = '\0';
		if ((list = cli_list_by_name(name)) < 0)
			return cli_usage(cli, "unknown list '%s'; %s", name, expected);
		/* sync re-reads its files (and --watch waits for them to
		 * change): a pipe can be read once and never changes. */
		if (!strcmp(eq + 1, "-"))
			return cli_usage(cli, "%s: sync keeps a list equal to a file it can read "
					 "again, not standard input; use 'vosfp load %s -' for a "
					 "pipe", argv[i], name);
		if (s.n == MAX_SOURCES)
			return cli_usage(cli, "at most %d files", MAX_SOURCES);
		s.src[s.n].list = list;
		s.src[s.n++].path = eq + 1;
	}
	if (!s.n)
		return cli_usage(cli, "%s", expected);
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (sync_run_begin(&s.run, cli->pin_root ? cli->pin_root : VOSFP_DEFAULT_PIN_ROOT,
			   watching))
		return EXIT_FAIL;
	rc = watching ? watch(&s) : apply_all(&s, 1) ? EXIT_FAIL : EXIT_OK;
	sync_run_end(&s.run);
	free(s.last[0]);
	free(s.last[1]);
	return rc;
}

const struct cli_cmd cmd_sync = {
	"sync", run_sync, "[--watch] LIST=FILE...",
	"Make the lists equal to policy files (LIST=FILE: block=FILE, allow=FILE; a list\n"
	"may be named several times), each list replaced atomically. One sync per pin\n"
	"root.\n",
	sync_opts,
};
