// SPDX-License-Identifier: BSD-2-Clause
/* libmicrohttpd in its own thread: a slow scraper never holds the main
 * loop; it reads the counters under the agent's lock. */
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "listen_addr.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct agent_http {
	struct MHD_Daemon *d;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	static char not_found[] = "not found: metrics are on /metrics\n";
	struct MHD_Response *resp;
	unsigned status = MHD_HTTP_OK;
	char *body = NULL;
	size_t len = 0;
	enum MHD_Result ret;
	FILE *out;

	(void)version, (void)upload, (void)upload_size, (void)con_cls;
	if ((strcmp(method, "GET") && strcmp(method, "HEAD")) || strcmp(url, "/metrics")) {
		resp = MHD_create_response_from_buffer(sizeof(not_found) - 1, not_found,
						       MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		out = open_memstream(&body, &len);
		if (!out)
			return MHD_NO;
		agent_metrics_write(cls, out);
		fclose(out);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", CONTENT_TYPE);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int agent_http_start(struct agent *a, const char *listen, struct agent_http **out, char *why,
		     size_t why_len)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct addrinfo *addr;
	struct agent_http *s;

	if (listen_addr_parse(listen, &addr)) {
		snprintf(why, why_len, "--metrics %s: expected ADDRESS:PORT (e.g. 127.0.0.1:9437 "
			 "or [::1]:9437)", listen);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		freeaddrinfo(addr);
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	if (addr->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, answer, a, MHD_OPTION_SOCK_ADDR,
				addr->ai_addr, MHD_OPTION_CONNECTION_LIMIT, 16U,
				MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	freeaddrinfo(addr);
	if (!s->d) {
		free(s);
		snprintf(why, why_len, "--metrics %s: cannot listen (in use, or not an address "
			 "of this host)", listen);
		return -1;
	}
	*out = s;
	return 0;
}

void agent_http_stop(struct agent_http *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
