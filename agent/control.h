/* SPDX-License-Identifier: BSD-2-Clause */
/* The control socket: a Unix stream socket, one request per line, one
 * answer per line (docs/control.md). Nonblocking, driven by the main
 * loop's epoll: a slow or silent client never holds up another. */
#ifndef VOSFP_AGENT_CONTROL_H
#define VOSFP_AGENT_CONTROL_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "agent.h"

#define CONTROL_LINE_MAX 512       /* bytes of a request, newline included */
#define CONTROL_CLIENTS_MAX 64     /* connections at once */
#define CONTROL_IDLE_MS 10000      /* a connection silent this long is closed */
#define CONTROL_OUT_HIGH 65536     /* answers pending before reading stops */

struct control_client {
	int fd; /* -1: free slot */
	struct agent_peer peer;
	char in[CONTROL_LINE_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	uint64_t last_ms;
	int closing; /* close once the answers are written */
	int shut;    /* answers written, write side shut: draining until EOF */
	uint32_t events; /* what epoll waits for */
};

struct control {
	int fd;
	int epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_client c[CONTROL_CLIENTS_MAX];
};

/* epoll tags: the kind of source in the upper 32 bits, the index below. */
#define CONTROL_TAG_LISTEN 1ull
#define CONTROL_TAG_CLIENT 2ull

/* Makes the socket (mode 0660, group gid) and adds it to epfd. Refuses a
 * path where another agent answers, or that is not a socket. 0 or -1 with
 * why. */
int control_open(struct control *ctl, const char *path, gid_t gid, int epfd, char *why,
		 size_t why_len);
void control_accept(struct control *ctl, struct agent *a);
void control_io(struct control *ctl, struct agent *a, unsigned idx, uint32_t events);
/* Closes connections idle for CONTROL_IDLE_MS. */
void control_sweep(struct control *ctl, uint64_t now_ms);
/* Closes every connection, and removes the socket. */
void control_close(struct control *ctl);

/* One request line (no newline) -> one answer (appended to out, newline
 * included; `bans` adds its lines). */
void control_handle(struct agent *a, const struct agent_peer *peer, char *line, FILE *out);

#endif
