// SPDX-License-Identifier: BSD-2-Clause
/* The sync lock and state files (see sync_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync_state.h"

/* The two paths for a pin root; -1 if the root cannot be looked at. */
static int run_paths(const char *root, char *lock, char *state)
{
	struct stat st;

	if (stat(root, &st) < 0)
		return -1;
	snprintf(lock, PATH_MAX, "%s/sync-%llx-%llu.lock", VOSFP_RUN_DIR,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	snprintf(state, PATH_MAX, "%s/sync-%llx-%llu.state", VOSFP_RUN_DIR,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return 0;
}

/* The PID holding the lock on path, 0 if none (or no such file). */
static pid_t lock_holder(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid;
	close(fd);
	return pid;
}

int sync_run_begin(struct sync_run *r, const char *root, int watching)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char pid[32];

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->watching = watching;
	if (run_paths(root, r->lock, r->state) < 0) {
		fprintf(stderr, "vosfp: sync: %s: %s\n", root, strerror(errno));
		return -1;
	}
	if (mkdir(VOSFP_RUN_DIR, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "vosfp: sync: cannot create %s (for the lock that keeps two syncs "
			"off one pin root): %s\n", VOSFP_RUN_DIR, strerror(errno));
		return -1;
	}
	r->fd = open(r->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (r->fd < 0) {
		fprintf(stderr, "vosfp: sync: %s: %s\n", r->lock, strerror(errno));
		return -1;
	}
	if (fcntl(r->fd, F_SETLK, &fl) < 0) {
		int err = errno;
		pid_t holder = lock_holder(r->lock);

		close(r->fd);
		r->fd = -1;
		if (err == EAGAIN || err == EACCES)
			fprintf(stderr, "vosfp: sync: another vosfp sync (PID %d) keeps %s in sync "
				"already; two would overwrite each other's lists (stop it first; "
				"lock %s)\n", (int)holder, root, r->lock);
		else
			fprintf(stderr, "vosfp: sync: cannot lock %s: %s\n", r->lock, strerror(err));
		return -1;
	}
	/* For people: the lock itself names its holder through F_GETLK. */
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(r->fd, 0) < 0 || pwrite(r->fd, pid, strlen(pid), 0) < 0)
		fprintf(stderr, "vosfp: sync: %s: cannot write the PID: %s\n", r->lock,
			strerror(errno));
	return 0;
}

static void state_write(const struct sync_run *r)
{
	char tmp[PATH_MAX + 16], line[sizeof(r->err)];
	FILE *f;

	/* The error is one line in the file: newlines would start others. */
	snprintf(line, sizeof(line), "%s", r->err);
	for (char *c = line; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	snprintf(tmp, sizeof(tmp), "%s.%d", r->state, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "pid %d\nwatching %d\nlast_success %lld\nlast_error %lld\nerror %s\n",
		(int)getpid(), r->watching, (long long)r->last_ok, (long long)r->last_err, line);
	if (fclose(f) || rename(tmp, r->state))
		unlink(tmp);
}

void sync_run_result(struct sync_run *r, int ok, const char *why)
{
	if (ok) {
		r->last_ok = time(NULL);
	} else {
		r->last_err = time(NULL);
		snprintf(r->err, sizeof(r->err), "%s", why ? why : "");
	}
	state_write(r);
}

void sync_run_end(struct sync_run *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

struct sync_seen {
	pid_t running; /* holder of the lock, 0 if none */
	int known;     /* a state file was read */
	pid_t pid;
	int watching;
	long long last_ok, last_err;
	char err[640];
};

static void sync_read(const char *root, struct sync_seen *s)
{
	char lock[PATH_MAX], state[PATH_MAX], line[640];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (run_paths(root, lock, state) < 0)
		return;
	s->running = lock_holder(lock);
	f = fopen(state, "re");
	if (!f)
		return;
	s->known = 1;
	while (fgets(line, sizeof(line), f)) {
		int v;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "pid %d", &v) == 1)
			s->pid = v;
		else if (sscanf(line, "watching %d", &v) == 1)
			s->watching = v;
		else if (!strncmp(line, "last_success ", 13))
			s->last_ok = atoll(line + 13);
		else if (!strncmp(line, "last_error ", 11))
			s->last_err = atoll(line + 11);
		else if (!strncmp(line, "error ", 6))
			snprintf(s->err, sizeof(s->err), "%s", line + 6);
	}
	fclose(f);
}

static void when(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "never");
}

void sync_status_print(const char *root, FILE *out)
{
	struct sync_seen s;
	char ok[32], bad[32];

	sync_read(root, &s);
	if (!s.known && !s.running) {
		fprintf(out, "sync: none\n");
		return;
	}
	when(s.last_ok, ok, sizeof(ok));
	when(s.last_err, bad, sizeof(bad));
	if (s.running)
		fprintf(out, "sync: running (PID %d%s)", (int)s.running,
			s.watching ? ", --watch" : "");
	else
		fprintf(out, "sync: not running (last PID %d)", (int)s.pid);
	fprintf(out, "; last success %s; last error %s%s%s\n", ok, bad, s.last_err ? ": " : "",
		s.last_err ? s.err : "");
}

/* A label value: backslash, quote and newline escaped. */
static void label(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

void sync_metrics_write(const char *root, FILE *out)
{
	struct sync_seen s;

	sync_read(root, &s);
	fprintf(out, "# HELP vosfp_sync_running 1 while a vosfp sync holds this pin root.\n"
		     "# TYPE vosfp_sync_running gauge\nvosfp_sync_running %d\n", s.running != 0);
	fprintf(out, "# HELP vosfp_sync_last_success_timestamp_seconds When vosfp sync last "
		     "applied its files (0: never).\n"
		     "# TYPE vosfp_sync_last_success_timestamp_seconds gauge\n"
		     "vosfp_sync_last_success_timestamp_seconds %lld\n", s.last_ok);
	fprintf(out, "# HELP vosfp_sync_last_error_timestamp_seconds When vosfp sync last kept "
		     "a list because of an error (0: never).\n"
		     "# TYPE vosfp_sync_last_error_timestamp_seconds gauge\n"
		     "vosfp_sync_last_error_timestamp_seconds %lld\n", s.last_err);
	if (s.last_err) {
		fprintf(out, "# HELP vosfp_sync_last_error_info The last error of vosfp sync.\n"
			     "# TYPE vosfp_sync_last_error_info gauge\n"
			     "vosfp_sync_last_error_info{message=\"");
		label(out, s.err);
		fprintf(out, "\"} 1\n");
	}
}
