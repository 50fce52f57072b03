/* SPDX-License-Identifier: BSD-2-Clause */
/* The node agent (`vosfp agent`): one process that owns a pin root and
 * applies the policy events of the control socket, of the program and of
 * the fleet through one function (apply.c). Single-threaded main loop
 * (loop.c); the fleet and the metrics server have threads of their own. */
#ifndef VOSFP_AGENT_AGENT_H
#define VOSFP_AGENT_AGENT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <vosfp/vosfp.h>

#include "event.h"

#define AGENT_DEFAULT_CONTROL "/run/vosfp/control.sock"
#define AGENT_DEFAULT_GROUP "vosfp"
#define AGENT_DEFAULT_MIN_PREFIX4 16
#define AGENT_DEFAULT_MIN_PREFIX6 32
/* A year: fail2ban's growing bantimes reach months. 0 (--max-ttl
 * permanent): no bound, permanent bans and blocks taken too. */
#define AGENT_DEFAULT_MAX_TTL (365 * 86400u)
#define AGENT_DEFAULT_BAN_TTL 3600u
#define AGENT_BAN_TTL_MAX (10u * 365 * 86400) /* the library's limit */
#define AGENT_MAX_SYNC 32

/* Why an event was not applied; each is a label of
 * vosfp_agent_events_rejected_total. */
enum agent_reject {
	AGENT_REJ_NONE,         /* applied: not a rejection */
	AGENT_REJ_INVALID,      /* malformed address, CIDR or TTL */
	AGENT_REJ_ALLOW_LISTED, /* covered by the local allow list */
	AGENT_REJ_PREFIX,       /* prefix shorter than the minimum */
	AGENT_REJ_TTL,          /* TTL above the maximum */
	AGENT_REJ_DUPLICATE,    /* id seen recently */
	AGENT_REJ_NOT_FOUND,    /* unban/unblock of what is not there */
	AGENT_REJ_FAILED,       /* the library refused (list full, ...) */
	AGENT_REJ_PERMANENT,    /* a fleet unblock of a permanent (local) block entry */
	AGENT_REJ_COUNT,
};

const char *agent_reject_name(int r);

struct agent_opts {
	const char *pin_root;       /* NULL: the library's default */
	const char *control;        /* socket path */
	const char *control_group;  /* group owning the socket */
	const char *amqp;           /* NULL: local only */
	const char *amqp_credentials; /* "user:password" file; NULL: guest */
	const char *amqp_ca;        /* amqps: CA bundle; NULL: the system's */
	const char *exchange;
	const char *node;           /* NULL: the host name */
	const char *metrics;        /* ADDR:PORT or NULL */
	const char *sync[AGENT_MAX_SYNC]; /* "block=FILE", "allow=FILE" */
	int nsync;
	const char *self_exe;       /* the vosfp tool, for `sync --watch` */
	struct vosfp *h;            /* open on the pin root; stays the caller's */
	unsigned min_prefix4, min_prefix6;
	uint32_t max_ttl;
};

/* Who asked, for the log line of every change and the limits. */
struct agent_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* The seen-ids table: bounded, oldest forgotten first. */
#define AGENT_SEEN_MAX 4096
struct agent_seen {
	char ids[AGENT_SEEN_MAX][80];
	unsigned next, used;
};

struct agent {
	struct agent_opts o;
	struct vosfp *h;
	struct fleet *fleet;        /* NULL without --amqp */
	char node[64];
	uint64_t seq;               /* of the events made here */
	struct agent_seen seen;
	/* Counters, read by the metrics thread under lock. */
	pthread_mutex_t lock;
	uint64_t received[3], applied[3], published, publish_failed;
	uint64_t rejected[3][AGENT_REJ_COUNT];
	uint64_t last_event_ms;     /* 0: none yet */
	uint64_t control_clients_refused, control_lines_too_long;
};

/* Runs until SIGTERM/SIGINT; returns a process exit status (0, 1). */
int agent_run(const struct agent_opts *opts);

/* The one entry point of every event: validates (allow list, limits,
 * repeats), applies through the library, counts, publishes what is to be
 * published. peer is the control client (NULL for other origins). Returns
 * 0 if applied, else minus an agent_reject with a message in why. */
int agent_apply(struct agent *a, struct agent_event *ev, const struct agent_peer *peer,
		char *why, size_t why_len);

/* 1 if an applied event of this origin goes to the fleet: control and
 * program events do, fleet events never (no loops). */
int agent_publishes(const struct agent_event *ev);

/* query ADDR: what the filter does with this source, as the answer line
 * of the control socket ("ok ..." / "error ..."), without the newline. */
void agent_query(struct agent *a, const char *addr, char *out, size_t len);

/* The agent's metrics (and the fleet's), Prometheus text. */
void agent_metrics_write(struct agent *a, FILE *out);

/* Idempotence: 1 if id was seen (and is not recorded again), else 0 and
 * it is recorded. Empty ids are never seen. */
int agent_seen_check(struct agent_seen *s, const char *id);

uint64_t agent_now_ms(void);

#endif
