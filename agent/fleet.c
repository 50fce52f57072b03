// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fleet (fleet.h): one thread talks AMQP 0-9-1 to RabbitMQ through
 * librabbitmq, the agent's main loop only touches two bounded queues.
 *
 * Topology: a durable fanout exchange (default "vosfp") and one durable
 * stream queue bound to it ("<exchange>.events"). Every agent publishes to
 * the exchange and reads the stream. A stream is not consumed away, so one
 * log serves both the live feed and catch-up: a node that starts reads it
 * from the oldest event that can still be in force (now minus the longest
 * TTL), a node that lost its link resumes at the offset after the last one
 * it saw, and nothing published meanwhile is missed (docs/fleet.md).
 *
 * Publishing uses publisher confirms: an event leaves the outgoing queue
 * only when the broker has confirmed it, so a broker that dies with it in
 * flight gets it again on the next connection (receivers drop repeats by
 * id).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/ssl_socket.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#endif
#include <openssl/ssl.h>

#include "event_json.h"
#include "fleet.h"
#include "fleet_internal.h"

#define OUT_CAP 16384        /* events kept for publication across an outage */
#define IN_CAP 4096          /* received events waiting for the main loop */
#define CONFIRM_WINDOW 1024  /* published, not yet confirmed, at most */
#define PREFETCH 2048        /* stream deliveries in flight to us */
#define HEARTBEAT_S 10       /* a silent broker is noticed within ~2x this */
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 15000
#define IO_TIMEOUT_S 5       /* connect, login and each set-up call */
/* The stream keeps what can still be in force: the longest ban the library
 * takes (30 days), and a size bound so that a flood cannot fill the
 * broker's disk. Every agent declares the same arguments. */
#define STREAM_MAX_AGE "30D"
#define STREAM_MAX_BYTES 1000000000LL
#define REPLAY_S (30LL * 86400)

#define CH_PUB 1
#define CH_SUB 2

enum {
	DROP_OWN, DROP_DUPLICATE, DROP_EXPIRED, DROP__COUNT
};

struct fleet {
	struct fleet_conf conf;
	pthread_t thread;
	pthread_mutex_t lock;
	int recv_fd; /* main loop waits on it: events received */
	int wake_fd; /* the thread waits on it: events to send, room to receive, stop */
	int stop;

	/* Outgoing: [head, head + len) in ring order; the first nsent of them
	 * are on the wire of the current connection with tag[]. */
	struct agent_event *out;
	uint64_t *out_tag;
	size_t out_head, out_len, out_nsent;
	uint64_t next_tag;
	uint64_t seq;
	char boot[24]; /* makes ids unique across restarts of one node */

	struct agent_event *in;
	size_t in_head, in_len;

	/* The thread's own. */
	amqp_connection_state_t conn;
	int64_t last_offset; /* stream offset of the last delivery, -1: none yet */
	uint64_t unacked;    /* delivery tag of the last delivery not acked yet */
	unsigned int nunacked;
	struct fleet_seen seen;
	time_t log_window;
	int log_count;

	/* Counters, under lock. */
	uint64_t connects, connect_failures, disconnects, published, publish_overflow;
	uint64_t received, accepted, malformed[EVJ__COUNT], dropped[DROP__COUNT];
	int connected;
};

static const char *const drop_names[DROP__COUNT] = {
	[DROP_OWN] = "own", [DROP_DUPLICATE] = "duplicate", [DROP_EXPIRED] = "expired",
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The agent's log format: one line on stderr with the sd-daemon priority
 * prefix journald reads. A hostile publisher can send a malformed message
 * per packet: with limited, at most 20 lines a minute reach the log, the
 * counters have the rest. */
static void flog(struct fleet *f, int limited, int prio, const char *fmt, ...)
{
	time_t now = time(NULL);
	va_list ap;

	if (limited) {
		if (now - f->log_window >= 60) {
			f->log_window = now;
			f->log_count = 0;
		}
		if (++f->log_count > 20)
			return;
	}
	va_start(ap, fmt);
	fprintf(stderr, "<%d>vosfp-agent: fleet: ", prio);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A message's first bytes for the log, printable ASCII only: what a
 * stranger wrote must not forge lines in the journal. */
static void excerpt(const amqp_bytes_t *b, char *out, size_t len)
{
	size_t n = b->len < len - 4 ? b->len : len - 4, i;

	for (i = 0; i < n; i++) {
		unsigned char c = ((const unsigned char *)b->bytes)[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	strcpy(out + i, n < b->len ? "..." : "");
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is already non-zero, the reader wakes. */
	}
}

static void drain_fd(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was signalled. */
	}
}

static const char *reply_text(amqp_rpc_reply_t r)
{
	static __thread char buf[256];

	switch (r.reply_type) {
	case AMQP_RESPONSE_NORMAL:
		return "ok";
	case AMQP_RESPONSE_NONE:
		return "no reply";
	case AMQP_RESPONSE_LIBRARY_EXCEPTION:
		return amqp_error_string2(r.library_error);
	case AMQP_RESPONSE_SERVER_EXCEPTION:
		if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
			amqp_connection_close_t *m = r.reply.decoded;

			snprintf(buf, sizeof(buf), "broker closed the connection: %.*s",
				 (int)m->reply_text.len, (char *)m->reply_text.bytes);
		} else if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
			amqp_channel_close_t *m = r.reply.decoded;

			snprintf(buf, sizeof(buf), "broker closed the channel: %.*s",
				 (int)m->reply_text.len, (char *)m->reply_text.bytes);
		} else {
			snprintf(buf, sizeof(buf), "broker error (method 0x%08x)", r.reply.id);
		}
		return buf;
	}
	return "unknown reply";
}

/* ---- connection ------------------------------------------------------- */

static void conn_drop(struct fleet *f, const char *why)
{
	if (!f->conn)
		return;
	flog(f, 0, LOG_WARNING, "lost the broker %s:%d: %s", f->conf.host, f->conf.port, why);
	amqp_destroy_connection(f->conn);
	f->conn = NULL;
	f->nunacked = 0;
	pthread_mutex_lock(&f->lock);
	f->connected = 0;
	f->disconnects++;
	f->out_nsent = 0; /* unconfirmed ones go again on the next connection */
	pthread_mutex_unlock(&f->lock);
}

static int rpc_ok(struct fleet *f, const char *what, char *why, size_t why_len)
{
	amqp_rpc_reply_t r = amqp_get_rpc_reply(f->conn);

	if (r.reply_type == AMQP_RESPONSE_NORMAL)
		return 1;
	snprintf(why, why_len, "%s: %s", what, reply_text(r));
	return 0;
}

static amqp_socket_t *make_socket(struct fleet *f, char *why, size_t why_len)
{
	amqp_socket_t *s;

	if (!f->conf.ssl) {
		s = amqp_tcp_socket_new(f->conn);
		if (!s)
			snprintf(why, why_len, "cannot make a socket");
		return s;
	}
	s = amqp_ssl_socket_new(f->conn);
	if (!s) {
		snprintf(why, why_len, "cannot make a TLS socket");
		return NULL;
	}
	/* The broker's certificate is checked, its name included: a fleet link
	 * that anyone on the path could take over would be worse than none. */
	amqp_ssl_socket_set_verify_peer(s, 1);
	amqp_ssl_socket_set_verify_hostname(s, 1);
	if (f->conf.ca_file[0]) {
		if (amqp_ssl_socket_set_cacert(s, f->conf.ca_file) != AMQP_STATUS_OK) {
			snprintf(why, why_len, "CA file %.400s: cannot be loaded", f->conf.ca_file);
			return NULL;
		}
	} else if (!SSL_CTX_set_default_verify_paths(amqp_ssl_socket_get_context(s))) {
		snprintf(why, why_len, "the system's CA store cannot be loaded");
		return NULL;
	}
	return s;
}

static int conn_setup(struct fleet *f, char *why, size_t why_len)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	amqp_table_entry_t qargs[3], cargs[1];
	amqp_table_t qt = { 3, qargs }, ct = { 1, cargs };
	amqp_socket_t *sock;
	amqp_rpc_reply_t r;
	int st;

	f->conn = amqp_new_connection();
	if (!f->conn) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	sock = make_socket(f, why, why_len);
	if (!sock)
		return -1;
	amqp_set_handshake_timeout(f->conn, &tv);
	amqp_set_rpc_timeout(f->conn, &tv);
	st = amqp_socket_open_noblock(sock, f->conf.host, f->conf.port, &tv);
	if (st != AMQP_STATUS_OK) {
		snprintf(why, why_len, "connect: %s", amqp_error_string2(st));
		return -1;
	}
	r = amqp_login(f->conn, f->conf.vhost, 0, 131072, HEARTBEAT_S, AMQP_SASL_METHOD_PLAIN,
		       f->conf.user, f->conf.pass);
	if (r.reply_type != AMQP_RESPONSE_NORMAL) {
		snprintf(why, why_len, "login as %s: %s", f->conf.user, reply_text(r));
		return -1;
	}
	amqp_channel_open(f->conn, CH_PUB);
	if (!rpc_ok(f, "channel", why, why_len))
		return -1;
	amqp_exchange_declare(f->conn, CH_PUB, amqp_cstring_bytes(f->conf.exchange),
			      amqp_cstring_bytes("fanout"), 0, 1, 0, 0, amqp_empty_table);
	if (!rpc_ok(f, "exchange declare", why, why_len))
		return -1;
	qargs[0].key = amqp_cstring_bytes("x-queue-type");
	qargs[0].value.kind = AMQP_FIELD_KIND_UTF8;
	qargs[0].value.value.bytes = amqp_cstring_bytes("stream");
	qargs[1].key = amqp_cstring_bytes("x-max-age");
	qargs[1].value.kind = AMQP_FIELD_KIND_UTF8;
	qargs[1].value.value.bytes = amqp_cstring_bytes(STREAM_MAX_AGE);
	qargs[2].key = amqp_cstring_bytes("x-max-length-bytes");
	qargs[2].value.kind = AMQP_FIELD_KIND_I64;
	qargs[2].value.value.i64 = STREAM_MAX_BYTES;
	amqp_queue_declare(f->conn, CH_PUB, amqp_cstring_bytes(f->conf.queue), 0, 1, 0, 0, qt);
	if (!rpc_ok(f, "stream declare", why, why_len))
		return -1;
	amqp_queue_bind(f->conn, CH_PUB, amqp_cstring_bytes(f->conf.queue),
			amqp_cstring_bytes(f->conf.exchange), amqp_empty_bytes, amqp_empty_table);
	if (!rpc_ok(f, "bind", why, why_len))
		return -1;
	amqp_confirm_select(f->conn, CH_PUB);
	if (!rpc_ok(f, "confirm mode", why, why_len))
		return -1;

	amqp_channel_open(f->conn, CH_SUB);
	if (!rpc_ok(f, "channel", why, why_len))
		return -1;
	amqp_basic_qos(f->conn, CH_SUB, 0, PREFETCH, 0);
	if (!rpc_ok(f, "qos", why, why_len))
		return -1;
	cargs[0].key = amqp_cstring_bytes("x-stream-offset");
	if (f->last_offset >= 0) {
		cargs[0].value.kind = AMQP_FIELD_KIND_I64;
		cargs[0].value.value.i64 = f->last_offset + 1;
	} else {
		cargs[0].value.kind = AMQP_FIELD_KIND_TIMESTAMP;
		cargs[0].value.value.u64 = (uint64_t)(time(NULL) - REPLAY_S);
	}
	amqp_basic_consume(f->conn, CH_SUB, amqp_cstring_bytes(f->conf.queue), amqp_empty_bytes,
			   0, 0, 0, ct);
	if (!rpc_ok(f, "consume", why, why_len))
		return -1;
	return 0;
}

static int conn_open(struct fleet *f)
{
	char why[512] = "";

	if (conn_setup(f, why, sizeof(why))) {
		if (f->conn)
			amqp_destroy_connection(f->conn);
		f->conn = NULL;
		pthread_mutex_lock(&f->lock);
		f->connect_failures++;
		pthread_mutex_unlock(&f->lock);
		flog(f, 1, LOG_WARNING, "broker %s:%d: %s (retrying)", f->conf.host,
		     f->conf.port, why);
		return -1;
	}
	pthread_mutex_lock(&f->lock);
	f->connected = 1;
	f->connects++;
	f->next_tag = 1;
	pthread_mutex_unlock(&f->lock);
	flog(f, 0, LOG_INFO, "connected to %s:%d, exchange %s, stream %s from %s", f->conf.host,
	     f->conf.port, f->conf.exchange, f->conf.queue,
	     f->last_offset >= 0 ? "where it left off" : "the oldest event in force");
	return 0;
}

/* ---- publishing ------------------------------------------------------- */

static int publish_pending(struct fleet *f)
{
	amqp_basic_properties_t props = {
		._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
			  AMQP_BASIC_MESSAGE_ID_FLAG,
		.content_type = amqp_cstring_bytes("application/json"),
		.delivery_mode = AMQP_DELIVERY_PERSISTENT,
	};
	struct agent_event ev;
	char buf[EVENT_JSON_MAX];
	size_t idx;
	int n, st;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		if (f->out_nsent >= f->out_len || f->out_nsent >= CONFIRM_WINDOW) {
			pthread_mutex_unlock(&f->lock);
			return 0;
		}
		idx = (f->out_head + f->out_nsent) % OUT_CAP;
		ev = f->out[idx];
		f->out_tag[idx] = f->next_tag++;
		f->out_nsent++;
		pthread_mutex_unlock(&f->lock);

		/* Checked in fleet_publish: cannot fail here. */
		n = event_json_encode(&ev, buf, sizeof(buf));
		if (n < 0)
			n = 0;
		props.message_id = amqp_cstring_bytes(ev.id);
		st = amqp_basic_publish(f->conn, CH_PUB, amqp_cstring_bytes(f->conf.exchange),
					amqp_empty_bytes, 0, 0, &props,
					(amqp_bytes_t){ .len = n, .bytes = buf });
		if (st != AMQP_STATUS_OK) {
			conn_drop(f, amqp_error_string2(st));
			return -1;
		}
	}
}

/* The broker has the events up to tag (multiple) or that one: they leave
 * the queue. Confirms come in order on a channel, so the oldest go first. */
static void confirmed(struct fleet *f, uint64_t tag, int multiple)
{
	pthread_mutex_lock(&f->lock);
	while (f->out_nsent && (multiple ? f->out_tag[f->out_head] <= tag
					 : f->out_tag[f->out_head] == tag)) {
		f->out_head = (f->out_head + 1) % OUT_CAP;
		f->out_len--;
		f->out_nsent--;
		f->published++;
	}
	pthread_mutex_unlock(&f->lock);
}

/* ---- receiving -------------------------------------------------------- */

static int64_t stream_offset(const amqp_basic_properties_t *p)
{
	if (!(p->_flags & AMQP_BASIC_HEADERS_FLAG))
		return -1;
	for (int i = 0; i < p->headers.num_entries; i++) {
		const amqp_table_entry_t *e = &p->headers.entries[i];

		if (e->key.len == 15 && !memcmp(e->key.bytes, "x-stream-offset", 15) &&
		    (e->value.kind == AMQP_FIELD_KIND_I64 || e->value.kind == AMQP_FIELD_KIND_U64))
			return e->value.value.i64;
	}
	return -1;
}

static void received(struct fleet *f, const amqp_envelope_t *env)
{
	const amqp_bytes_t *body = &env->message.body;
	struct agent_event ev;
	enum event_json_err err;
	int64_t off = stream_offset(&env->message.properties);
	uint64_t now = now_ms();
	int drop = -1;

	if (off >= 0)
		f->last_offset = off;
	err = event_json_decode(body->bytes, body->len, &ev);
	if (err) {
		char text[124];

		excerpt(body, text, sizeof(text));
		flog(f, 1, LOG_NOTICE, "dropped a message (%s): %s", event_json_err_name(err),
		     text);
	} else if (!strcmp(ev.node, f->conf.node)) {
		drop = DROP_OWN; /* our own, back through the stream */
	} else if (fleet_seen_check(&f->seen, ev.id)) {
		drop = DROP_DUPLICATE;
	} else if (ev.ttl && ev.made_ms < now) {
		/* Replayed or late: what is left of its TTL, or nothing. A clock
		 * ahead of ours takes nothing off (never a longer ban). */
		uint64_t age = (now - ev.made_ms) / 1000;

		if (age >= ev.ttl)
			drop = DROP_EXPIRED;
		else
			ev.ttl -= (uint32_t)age;
	}

	pthread_mutex_lock(&f->lock);
	f->received++;
	if (err) {
		f->malformed[err]++;
	} else if (drop >= 0) {
		f->dropped[drop]++;
	} else {
		f->in[(f->in_head + f->in_len) % IN_CAP] = ev;
		f->in_len++;
		f->accepted++;
		signal_fd(f->recv_fd);
	}
	pthread_mutex_unlock(&f->lock);
}

/* Another frame than a delivery: confirms, and the broker's closes. */
static int other_frame(struct fleet *f)
{
	amqp_frame_t fr;

	if (amqp_simple_wait_frame(f->conn, &fr) != AMQP_STATUS_OK) {
		conn_drop(f, "read failed");
		return -1;
	}
	if (fr.frame_type != AMQP_FRAME_METHOD)
		return 0;
	switch (fr.payload.method.id) {
	case AMQP_BASIC_ACK_METHOD: {
		amqp_basic_ack_t *a = fr.payload.method.decoded;

		confirmed(f, a->delivery_tag, a->multiple);
		return 0;
	}
	case AMQP_BASIC_NACK_METHOD:
		/* The broker could not take it: send it again on a new link. */
		conn_drop(f, "broker refused a publication (nack)");
		return -1;
	case AMQP_CHANNEL_CLOSE_METHOD: {
		amqp_channel_close_t *m = fr.payload.method.decoded;
		char why[256];

		snprintf(why, sizeof(why), "broker closed channel %u: %.*s", fr.channel,
			 (int)m->reply_text.len, (char *)m->reply_text.bytes);
		conn_drop(f, why);
		return -1;
	}
	case AMQP_CONNECTION_CLOSE_METHOD:
		conn_drop(f, "broker closed the connection");
		return -1;
	case AMQP_BASIC_CANCEL_METHOD:
		conn_drop(f, "broker cancelled the consumer (stream deleted?)");
		return -1;
	default:
		return 0;
	}
}

static void ack_pending(struct fleet *f)
{
	if (f->nunacked)
		amqp_basic_ack(f->conn, CH_SUB, f->unacked, 1);
	f->nunacked = 0;
}

/* Reads what the broker sent, up to a batch; stops when nothing waits. */
static int pump_in(struct fleet *f)
{
	struct timeval zero = { 0, 0 };

	for (int i = 0; i < 1024; i++) {
		amqp_envelope_t env;
		amqp_rpc_reply_t r;
		int full;

		pthread_mutex_lock(&f->lock);
		full = f->in_len == IN_CAP;
		pthread_mutex_unlock(&f->lock);
		if (full) {
			ack_pending(f);
			return 0; /* back-pressure: the broker holds the rest */
		}
		amqp_maybe_release_buffers(f->conn);
		r = amqp_consume_message(f->conn, &env, &zero, 0);
		if (r.reply_type == AMQP_RESPONSE_NORMAL) {
			received(f, &env);
			/* One ack for many: the stream needs them for credit only. */
			f->unacked = env.delivery_tag;
			if (++f->nunacked >= PREFETCH / 4)
				ack_pending(f);
			amqp_destroy_envelope(&env);
			continue;
		}
		if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
		    r.library_error == AMQP_STATUS_TIMEOUT) {
			ack_pending(f);
			return 0;
		}
		if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
		    r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
			if (other_frame(f))
				return -1;
			continue;
		}
		conn_drop(f, reply_text(r));
		return -1;
	}
	return 0;
}

/* ---- the thread ------------------------------------------------------- */

static int stopping(struct fleet *f)
{
	int s;

	pthread_mutex_lock(&f->lock);
	s = f->stop;
	pthread_mutex_unlock(&f->lock);
	return s;
}

/* Jittered exponential backoff: a fleet whose broker came back does not
 * reconnect all at once. */
static uint64_t backoff_ms(unsigned int attempt, unsigned int *rnd)
{
	uint64_t d = BACKOFF_MIN_MS;

	while (attempt-- && d < BACKOFF_MAX_MS)
		d *= 2;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	return d / 2 + rand_r(rnd) % (d / 2 + 1);
}

static void *fleet_thread(void *arg)
{
	struct fleet *f = arg;
	unsigned int attempt = 0, rnd = (unsigned int)(now_ms() ^ (uintptr_t)f);
	uint64_t retry_at = 0;

	while (!stopping(f)) {
		struct pollfd p[2] = { { .fd = f->wake_fd, .events = POLLIN } };
		int timeout = 1000, n = 1;

		if (!f->conn) {
			uint64_t now = mono_ms();

			if (now < retry_at) {
				poll(p, 1, (int)(retry_at - now));
				drain_fd(f->wake_fd);
				continue;
			}
			if (conn_open(f)) {
				retry_at = mono_ms() + backoff_ms(attempt++, &rnd);
				continue;
			}
			attempt = 0;
		}
		if (publish_pending(f))
			continue;
		pthread_mutex_lock(&f->lock);
		if (f->in_len < IN_CAP) {
			p[1].fd = amqp_get_sockfd(f->conn);
			p[1].events = POLLIN;
			n = 2;
		}
		pthread_mutex_unlock(&f->lock);
		if (n == 2 && (amqp_frames_enqueued(f->conn) || amqp_data_in_buffer(f->conn)))
			timeout = 0;
		poll(p, n, timeout);
		if (p[0].revents)
			drain_fd(f->wake_fd);
		/* Also on a timeout: librabbitmq sends its heartbeats from here. */
		pump_in(f);
	}
	if (f->conn) {
		amqp_channel_close(f->conn, CH_SUB, AMQP_REPLY_SUCCESS);
		amqp_channel_close(f->conn, CH_PUB, AMQP_REPLY_SUCCESS);
		amqp_connection_close(f->conn, AMQP_REPLY_SUCCESS);
		amqp_destroy_connection(f->conn);
		f->conn = NULL;
	}
	return NULL;
}

/* ---- the API ---------------------------------------------------------- */

static void fleet_free(struct fleet *f)
{
	if (f->recv_fd >= 0)
		close(f->recv_fd);
	if (f->wake_fd >= 0)
		close(f->wake_fd);
	pthread_mutex_destroy(&f->lock);
	free(f->out);
	free(f->out_tag);
	free(f->in);
	free(f);
}

int fleet_start(const struct fleet_opts *opts, struct fleet **out, char *why, size_t why_len)
{
	struct fleet *f;
	int err;

	if (!out) {
		snprintf(why, why_len, "no place for the handle");
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	f->recv_fd = f->wake_fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	err = fleet_conf_parse(opts, &f->conf, why, why_len);
	if (err)
		goto fail;
	f->out = calloc(OUT_CAP, sizeof(*f->out));
	f->out_tag = calloc(OUT_CAP, sizeof(*f->out_tag));
	f->in = calloc(IN_CAP, sizeof(*f->in));
	f->recv_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	f->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!f->out || !f->out_tag || !f->in || f->recv_fd < 0 || f->wake_fd < 0) {
		err = -ENOMEM;
		snprintf(why, why_len, "out of memory or file descriptors");
		goto fail;
	}
	f->last_offset = -1;
	snprintf(f->boot, sizeof(f->boot), "%llx", (unsigned long long)now_ms());
	err = -pthread_create(&f->thread, NULL, fleet_thread, f);
	if (err) {
		snprintf(why, why_len, "cannot start the broker thread: %s", strerror(-err));
		goto fail;
	}
	*out = f;
	return 0;
fail:
	fleet_free(f);
	return err;
}

int fleet_fd(const struct fleet *f)
{
	return f->recv_fd;
}

int fleet_next(struct fleet *f, struct agent_event *ev)
{
	int got = 0;

	pthread_mutex_lock(&f->lock);
	if (f->in_len) {
		if (f->in_len == IN_CAP)
			signal_fd(f->wake_fd); /* room again: the thread reads on */
		*ev = f->in[f->in_head];
		f->in_head = (f->in_head + 1) % IN_CAP;
		f->in_len--;
		got = 1;
	} else {
		drain_fd(f->recv_fd);
	}
	pthread_mutex_unlock(&f->lock);
	return got;
}

int fleet_publish(struct fleet *f, const struct agent_event *ev)
{
	struct agent_event e;
	char buf[EVENT_JSON_MAX];

	if (!f || !ev || ev->origin == AGENT_FROM_FLEET)
		return -EINVAL; /* a fleet event is never sent on: no loops */
	e = *ev;
	pthread_mutex_lock(&f->lock);
	if (!e.node[0] || !memchr(e.node, '\0', sizeof(e.node)))
		strcpy(e.node, f->conf.node);
	if (!e.id[0] || !memchr(e.id, '\0', sizeof(e.id)))
		snprintf(e.id, sizeof(e.id), "%s-%s-%llu", e.node, f->boot,
			 (unsigned long long)++f->seq);
	pthread_mutex_unlock(&f->lock);
	if (!e.made_ms)
		e.made_ms = now_ms();
	/* What the receivers would refuse is refused here, with the caller. */
	if (event_json_encode(&e, buf, sizeof(buf)) < 0)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	if (f->out_len == OUT_CAP) {
		f->publish_overflow++;
		pthread_mutex_unlock(&f->lock);
		return -ENOBUFS;
	}
	f->out[(f->out_head + f->out_len) % OUT_CAP] = e;
	f->out_len++;
	pthread_mutex_unlock(&f->lock);
	signal_fd(f->wake_fd);
	return 0;
}

void fleet_write_metrics(struct fleet *f, FILE *out)
{
	pthread_mutex_lock(&f->lock);
	fprintf(out, "# HELP vosfp_agent_fleet_connected 1 while the broker link is up.\n"
		     "# TYPE vosfp_agent_fleet_connected gauge\n"
		     "vosfp_agent_fleet_connected %d\n", f->connected);
	fprintf(out, "# TYPE vosfp_agent_fleet_connects_total counter\n"
		     "vosfp_agent_fleet_connects_total %llu\n"
		     "# TYPE vosfp_agent_fleet_connect_failures_total counter\n"
		     "vosfp_agent_fleet_connect_failures_total %llu\n"
		     "# TYPE vosfp_agent_fleet_disconnects_total counter\n"
		     "vosfp_agent_fleet_disconnects_total %llu\n",
		(unsigned long long)f->connects, (unsigned long long)f->connect_failures,
		(unsigned long long)f->disconnects);
	fprintf(out, "# HELP vosfp_agent_fleet_published_total Events the broker confirmed.\n"
		     "# TYPE vosfp_agent_fleet_published_total counter\n"
		     "vosfp_agent_fleet_published_total %llu\n"
		     "# HELP vosfp_agent_fleet_publish_queue Events waiting for the broker.\n"
		     "# TYPE vosfp_agent_fleet_publish_queue gauge\n"
		     "vosfp_agent_fleet_publish_queue %zu\n"
		     "# HELP vosfp_agent_fleet_publish_overflow_total Events lost: queue full.\n"
		     "# TYPE vosfp_agent_fleet_publish_overflow_total counter\n"
		     "vosfp_agent_fleet_publish_overflow_total %llu\n",
		(unsigned long long)f->published, f->out_len,
		(unsigned long long)f->publish_overflow);
	fprintf(out, "# HELP vosfp_agent_fleet_received_total Messages read off the stream.\n"
		     "# TYPE vosfp_agent_fleet_received_total counter\n"
		     "vosfp_agent_fleet_received_total %llu\n"
		     "# HELP vosfp_agent_fleet_accepted_total Events handed to the agent.\n"
		     "# TYPE vosfp_agent_fleet_accepted_total counter\n"
		     "vosfp_agent_fleet_accepted_total %llu\n",
		(unsigned long long)f->received, (unsigned long long)f->accepted);
	fprintf(out, "# HELP vosfp_agent_fleet_malformed_total Messages refused, by reason.\n"
		     "# TYPE vosfp_agent_fleet_malformed_total counter\n");
	for (int i = 1; i < EVJ__COUNT; i++)
		fprintf(out, "vosfp_agent_fleet_malformed_total{reason=\"%s\"} %llu\n",
			event_json_err_name(i), (unsigned long long)f->malformed[i]);
	fprintf(out, "# HELP vosfp_agent_fleet_dropped_total Valid events not handed on.\n"
		     "# TYPE vosfp_agent_fleet_dropped_total counter\n");
	for (int i = 0; i < DROP__COUNT; i++)
		fprintf(out, "vosfp_agent_fleet_dropped_total{reason=\"%s\"} %llu\n",
			drop_names[i], (unsigned long long)f->dropped[i]);
	pthread_mutex_unlock(&f->lock);
}

void fleet_stop(struct fleet *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = 1;
	pthread_mutex_unlock(&f->lock);
	signal_fd(f->wake_fd);
	pthread_join(f->thread, NULL);
	fleet_free(f);
}
