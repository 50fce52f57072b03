// SPDX-License-Identifier: BSD-2-Clause
/* The control socket's connections: accept, read lines, write answers,
 * bounded in line length, clients at once, pending output and idle time. */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "log.h"

#define TAG(kind, idx) (((kind) << 32) | (uint64_t)(idx))

/* Is something answering on path? 1 yes, 0 no (stale or absent), -1 the
 * path is there but not a socket. */
static int in_use(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (lstat(path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1; /* cannot tell: do not take it over */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno != ECONNREFUSED;
	close(fd);
	return r;
}

int control_open(struct control *ctl, const char *path, gid_t gid, int epfd, char *why,
		 size_t why_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG(CONTROL_TAG_LISTEN, 0) };
	mode_t old;
	int r;

	ctl->fd = -1;
	ctl->epfd = epfd;
	ctl->path[0] = '\0';
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		ctl->c[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, why_len, "--control %s: path longer than %zu bytes", path,
			 sizeof(sa.sun_path) - 1);
		return -1;
	}
	r = in_use(path);
	if (r) {
		snprintf(why, why_len, r > 0 ? "%s: another agent is serving this socket"
					     : "%s: exists and is not a socket (not removed)",
			 path);
		return -1;
	}
	unlink(path); /* stale: its agent is gone */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		snprintf(why, why_len, "socket: %s", strerror(errno));
		return -1;
	}
	/* Born 0600, so that nobody but root can connect before the group
	 * and the mode are set. */
	old = umask(0177);
	r = bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r) {
		snprintf(why, why_len, "%s: %s%s", path, strerror(errno),
			 errno == ENOENT ? " (its directory must exist: systemd's "
					   "RuntimeDirectory=vosfp makes /run/vosfp)" : "");
		goto fail;
	}
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	if (chown(path, 0, gid) || chmod(path, 0660)) {
		snprintf(why, why_len, "%s: cannot set group and mode: %s", path, strerror(errno));
		goto fail;
	}
	if (listen(ctl->fd, 64) || epoll_ctl(epfd, EPOLL_CTL_ADD, ctl->fd, &ev)) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	control_close(ctl);
	return -1;
}

static void drop(struct control *ctl, struct control_client *c)
{
	epoll_ctl(ctl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void control_accept(struct control *ctl, struct agent *a)
{
	/* Bounded per wake-up: the others wait in the backlog. */
	for (int n = 0; n < CONTROL_CLIENTS_MAX; n++) {
		static const char busy[] = "error busy too many clients, try again\n";
		struct control_client *c = NULL;
		struct epoll_event ev;
		struct ucred cred;
		socklen_t cl = sizeof(cred);
		int fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		for (int i = 0; i < CONTROL_CLIENTS_MAX && !c; i++)
			if (ctl->c[i].fd < 0)
				c = &ctl->c[i];
		if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl)) {
			/* Best effort: the socket is new, its buffer empty. */
			(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			pthread_mutex_lock(&a->lock);
			a->control_clients_refused++;
			pthread_mutex_unlock(&a->lock);
			continue;
		}
		c->fd = fd;
		c->peer = (struct agent_peer){ cred.pid, cred.uid, cred.gid };
		c->last_ms = agent_now_ms();
		c->events = EPOLLIN;
		ev = (struct epoll_event){ .events = c->events,
					   .data.u64 = TAG(CONTROL_TAG_CLIENT, c - ctl->c) };
		if (epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			c->fd = -1;
		}
	}
}

/* Writes what it can; 0, or -1 if the connection is to be dropped. */
static int flush(struct control_client *c)
{
	size_t done = 0;

	while (done < c->out_len) {
		ssize_t w = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return -1;
		done += (size_t)w;
		c->last_ms = agent_now_ms();
	}
	memmove(c->out, c->out + done, c->out_len - done);
	c->out_len -= done;
	if (c->closing && !c->out_len && !c->shut) {
		/* Unread input would turn close() into a reset that can destroy
		 * the last answer in flight: shut the write side, then read
		 * until the peer closes (or the idle timeout). */
		shutdown(c->fd, SHUT_WR);
		c->shut = 1;
	}
	return 0;
}

static int append(struct control_client *c, const char *text, size_t len)
{
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p)
			return -1;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	return 0;
}

/* One complete line; a control byte (other than tab) refuses it, so that
 * nothing a client sends can forge a log line. */
static int line(struct agent *a, struct control_client *c, char *l, size_t len)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *out;
	int r;

	if (len && l[len - 1] == '\r')
		l[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)l[i] < 0x20 && l[i] != '\t') {
			static const char bad[] = "error usage control character in request\n";

			return append(c, bad, sizeof(bad) - 1);
		}
	out = open_memstream(&text, &tlen);
	if (!out)
		return -1;
	control_handle(a, &c->peer, l, out);
	fclose(out);
	r = append(c, text, tlen);
	free(text);
	return r;
}

static void rearm(struct control *ctl, struct control_client *c)
{
	uint32_t want = (c->out_len ? EPOLLOUT : 0) |
			(c->shut || (!c->closing && c->out_len < CONTROL_OUT_HIGH) ? EPOLLIN : 0);
	struct epoll_event ev = { .events = want,
				  .data.u64 = TAG(CONTROL_TAG_CLIENT, c - ctl->c) };

	if (want != c->events && !epoll_ctl(ctl->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		c->events = want;
}

/* Answers the complete lines read, while the answers pending stay under
 * CONTROL_OUT_HIGH: a client that does not read its answers gets no more
 * of its requests handled. 0, or -1 to drop the connection. */
static int process(struct agent *a, struct control_client *c)
{
	char *nl;

	while (c->out_len < CONTROL_OUT_HIGH && (nl = memchr(c->in, '\n', c->in_len)) != NULL) {
		size_t len = (size_t)(nl - c->in);

		*nl = '\0';
		if (line(a, c, c->in, len))
			return -1;
		c->in_len -= len + 1;
		memmove(c->in, nl + 1, c->in_len);
	}
	if (c->in_len == sizeof(c->in) && !c->closing) {
		static const char big[] = "error too_long request longer than 511 bytes\n";

		pthread_mutex_lock(&a->lock);
		a->control_lines_too_long++;
		pthread_mutex_unlock(&a->lock);
		c->closing = 1;
		return append(c, big, sizeof(big) - 1);
	}
	return 0;
}

void control_io(struct control *ctl, struct agent *a, unsigned idx, uint32_t events)
{
	struct control_client *c;

	if (idx >= CONTROL_CLIENTS_MAX || ctl->c[idx].fd < 0)
		return;
	c = &ctl->c[idx];
	if (c->shut) {
		char sink[4096];
		ssize_t r = recv(c->fd, sink, sizeof(sink), 0);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			drop(ctl, c);
		return;
	}
	if ((events & EPOLLIN) && !c->closing && c->in_len < sizeof(c->in)) {
		ssize_t r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			/* The peer is gone or half-closed: answer what was asked. */
			c->closing = 1;
		} else if (r > 0) {
			c->in_len += (size_t)r;
			c->last_ms = agent_now_ms();
		}
	}
	/* Twice: what the first flush makes room for is answered at once. */
	for (int round = 0; round < 2; round++) {
		if (process(a, c) || ((events & (EPOLLERR | EPOLLHUP)) && !c->out_len) ||
		    flush(c)) {
			drop(ctl, c);
			return;
		}
	}
	rearm(ctl, c);
}

void control_sweep(struct control *ctl, uint64_t now_ms)
{
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (ctl->c[i].fd >= 0 && now_ms - ctl->c[i].last_ms >= CONTROL_IDLE_MS)
			drop(ctl, &ctl->c[i]);
}

void control_close(struct control *ctl)
{
	for (int i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (ctl->c[i].fd >= 0)
			drop(ctl, &ctl->c[i]);
	if (ctl->fd >= 0)
		close(ctl->fd);
	ctl->fd = -1;
	if (ctl->path[0])
		unlink(ctl->path);
	ctl->path[0] = '\0';
}
