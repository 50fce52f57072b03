/* SPDX-License-Identifier: BSD-2-Clause */
/* --metrics ADDR:PORT: the agent's metrics on http://ADDR:PORT/metrics. */
#ifndef VOSFP_AGENT_HTTP_H
#define VOSFP_AGENT_HTTP_H

#include "agent.h"

struct agent_http;

/* 0, or -1 with the reason in why. */
int agent_http_start(struct agent *a, const char *listen, struct agent_http **out, char *why,
		     size_t why_len);
void agent_http_stop(struct agent_http *s);

#endif
