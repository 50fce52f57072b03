/* SPDX-License-Identifier: BSD-2-Clause */
/* The fleet: policy events shared over RabbitMQ (AMQP 0-9-1, librabbitmq).
 * The broker runs in a thread of its own so that a slow or absent broker
 * never stalls the agent's main loop (the local filter and the control
 * socket keep working); events cross between the two threads through
 * queues, and the main loop is woken through fleet_fd(). */
#ifndef VOSFP_AGENT_FLEET_H
#define VOSFP_AGENT_FLEET_H

#include <stdint.h>
#include <stdio.h>

#include "event.h"

struct fleet;

struct fleet_opts {
	const char *url;        /* amqp://host:port/vhost or amqps://... (no credentials) */
	const char *credentials_file; /* "user:password" on one line; NULL: guest:guest */
	const char *exchange;   /* fanout exchange, declared if missing (default "vosfp") */
	const char *node;       /* this node's name (default: the host name) */
	const char *ca_file;    /* amqps: CA bundle; NULL: the system's */
};

/* Starts the broker thread; returns at once, whether or not the broker can
 * be reached (it reconnects with backoff). 0 or a negative errno (bad
 * options), with the reason in why. */
int fleet_start(const struct fleet_opts *opts, struct fleet **out, char *why, size_t why_len);

/* Readable when received events wait: poll it in the main loop, then call
 * fleet_next() until it returns 0. */
int fleet_fd(const struct fleet *f);

/* The next event received from another node (origin AGENT_FROM_FLEET): 1 and
 * *ev filled, 0 when none waits. Events this node published itself never come
 * back through here. */
int fleet_next(struct fleet *f, struct agent_event *ev);

/* Queues an event made on this node for publication; it is sent once the
 * broker is reachable (kept across outages, bounded; what overflows is
 * counted). Never blocks. Events of origin AGENT_FROM_FLEET are refused. */
int fleet_publish(struct fleet *f, const struct agent_event *ev);

/* The fleet's counters, as Prometheus text lines (vosfp_agent_fleet_*). */
void fleet_write_metrics(struct fleet *f, FILE *out);

void fleet_stop(struct fleet *f);

#endif
