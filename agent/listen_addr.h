/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VOSFP_LISTEN_ADDR_H
#define VOSFP_LISTEN_ADDR_H

#include <netdb.h>

/* "127.0.0.1:9436", "[::1]:9436", "0.0.0.0:9436" -> a numeric address to
 * bind, for the agent's --metrics and the tool's exporter --listen (no
 * names: a listener never waits on DNS). 0 and *out (freeaddrinfo), or -1. */
int listen_addr_parse(const char *text, struct addrinfo **out);

#endif
