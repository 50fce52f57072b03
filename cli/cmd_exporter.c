// SPDX-License-Identifier: BSD-2-Clause
/*
 * exporter: the Prometheus metrics of `stats --prometheus`, served over
 * HTTP on /metrics with libmicrohttpd, until SIGINT or SIGTERM. Requests
 * are answered one at a time by libmicrohttpd's single internal thread,
 * the only user of the handle while it runs.
 *
 * Anyone who can reach the port can open connections and send nothing.
 * Without limits they pile up until libmicrohttpd stops accepting, and
 * every later scrape fails for good; so idle connections time out, and
 * one address may hold only a few of a bounded total.
 */
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "listen_addr.h"
#include "number.h"
#include "opts.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body,
			     size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", CONTENT_TYPE);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	static char not_found[] = "not found: metrics are on /metrics\n";
	static char not_allowed[] = "method not allowed\n";
	struct vosfp *h = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *out;
	int err;

	(void)version, (void)upload, (void)upload_size, (void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
			     sizeof(not_allowed) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
			     MHD_RESPMEM_PERSISTENT);
	out = open_memstream(&body, &len);
	if (!out)
		return MHD_NO;
	err = metrics_write(h, out);
	if (err)
		fprintf(out, "\n# error: %s\n", vosfp_last_error(h));
	fclose(out);
	return reply(conn, err ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_OK, body, len,
		     MHD_RESPMEM_MUST_FREE);
}

/* Defaults: a scrape takes milliseconds and Prometheus scrapes each target
 * over one connection, so a handful per address is plenty, and a
 * connection silent for 10 s (Prometheus' default scrape timeout) is not
 * a scraper waiting for an answer. */
#define DEFAULT_TIMEOUT 10
#define DEFAULT_PER_IP 4
#define DEFAULT_MAX_CONNECTIONS 64
#define MAX_TIMEOUT 86400
/* Below the 1024 descriptors a process gets by default, with room for the
 * maps' own. */
#define MAX_CONNECTIONS 1000

struct exporter_opts {
	const char *listen;
	unsigned timeout, per_ip, max_connections;
};

enum { OPT_LISTEN = OPT_CMD, OPT_TIMEOUT, OPT_PER_IP, OPT_MAX_CONNECTIONS };

static const struct cli_opt exporter_opts[] = {
	{ "listen", OPT_LISTEN, "ADDR:PORT", "where to serve (127.0.0.1:9436, [::1]:9436)" },
	{ "timeout", OPT_TIMEOUT, "SECONDS", "close connections idle that long (default 10)" },
	{ "per-ip-limit", OPT_PER_IP, "N", "connections one address may hold (default 4)" },
	{ "max-connections", OPT_MAX_CONNECTIONS, "N", "connections in all (default 64)" },
	{ NULL, 0, NULL, NULL },
};

static int parse_opts(struct cli *cli, int argc, char **argv, struct exporter_opts *o)
{
	static const char expected[] =
		"expected --listen ADDRESS:PORT [--timeout SECONDS] [--per-ip-limit N] "
		"[--max-connections N]";
	struct cli_args a;
	int c;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		const char *val = a.optarg;

		if (c == OPT_LISTEN) {
			o->listen = val;
		} else if (c == OPT_TIMEOUT) {
			if (parse_count(val, MAX_TIMEOUT, &o->timeout))
				return cli_usage(cli, "--timeout must be 1 to %u seconds (a connection "
						 "idle that long is closed)", MAX_TIMEOUT);
		} else if (c == OPT_PER_IP) {
			if (parse_count(val, MAX_CONNECTIONS, &o->per_ip))
				return cli_usage(cli, "--per-ip-limit must be 1 to %u connections",
						 MAX_CONNECTIONS);
		} else if (parse_count(val, MAX_CONNECTIONS, &o->max_connections)) {
			return cli_usage(cli, "--max-connections must be 1 to %u", MAX_CONNECTIONS);
		}
	}
	if (c < 0) /* -1: the help was printed */
		return a.rc == EXIT_OK ? -1 : a.rc;
	if (a.npos)
		return cli_usage(cli, "%s", expected);
	if (!o->listen)
		return cli_usage(cli, "%s", expected);
	/* Unset: the default, or all of a smaller total the operator chose. */
	if (!o->per_ip)
		o->per_ip = o->max_connections < DEFAULT_PER_IP ? o->max_connections
								 : DEFAULT_PER_IP;
	if (o->per_ip > o->max_connections)
		return cli_usage(cli, "--per-ip-limit %u is above --max-connections %u: one "
				 "address could take every connection", o->per_ip,
				 o->max_connections);
	return EXIT_OK;
}

static int run_exporter(struct cli *cli, int argc, char **argv)
{
	struct exporter_opts o = { .timeout = DEFAULT_TIMEOUT,
				   .max_connections = DEFAULT_MAX_CONNECTIONS };
	struct addrinfo *addr = NULL;
	sigset_t stop_signals;
	int sig, rc;
	struct MHD_Daemon *d;
	/* AUTO: epoll or poll, so descriptors above FD_SETSIZE are no limit. */
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;

	rc = parse_opts(cli, argc, argv, &o);
	if (rc != EXIT_OK)
		return rc == -1 ? EXIT_OK : rc;
	if (listen_addr_parse(o.listen, &addr))
		return cli_usage(cli, "--listen expects ADDRESS:PORT (e.g. 127.0.0.1:9436 or "
				 "[::1]:9436)");
	if (!cli_open(cli)) {
		freeaddrinfo(addr);
		return EXIT_FAIL;
	}
	if (addr->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/*
	 * Blocked before libmicrohttpd starts its thread, which inherits the
	 * mask: the signals then wait for sigwait() below instead of landing
	 * on the server thread, where a handler could not wake this one.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	d = MHD_start_daemon(flags, 0, NULL, NULL, answer, cli->h, MHD_OPTION_SOCK_ADDR,
			     addr->ai_addr, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o.timeout,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)o.per_ip,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o.max_connections,
			     MHD_OPTION_END);
	freeaddrinfo(addr);
	if (!d) {
		fprintf(stderr, "vosfp: exporter: cannot listen on %s (in use, or not an address "
			"of this host)\n", o.listen);
		return EXIT_FAIL;
	}
	fprintf(stderr, "vosfp: exporter: serving http://%s/metrics (idle timeout %u s, %u "
		"connections per address, %u in all)\n", o.listen, o.timeout, o.per_ip,
		o.max_connections);
	sigwait(&stop_signals, &sig);
	MHD_stop_daemon(d);
	return EXIT_OK;
}

const struct cli_cmd cmd_exporter = {
	"exporter", run_exporter,
	"--listen ADDR:PORT [--timeout SECONDS] [--per-ip-limit N] [--max-connections N]",
	"Serve the metrics of stats --prometheus over HTTP on /metrics until SIGINT or\n"
	"SIGTERM.\n",
	exporter_opts,
};
