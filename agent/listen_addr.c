// SPDX-License-Identifier: BSD-2-Clause
/* ADDR:PORT of an HTTP listener, shared by the agent and the exporter. */
#include <string.h>

#include "listen_addr.h"

int listen_addr_parse(const char *text, struct addrinfo **out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	const char *colon = strrchr(text, ':');
	char host[128];
	size_t hlen;

	if (!colon || colon == text || !colon[1] || strlen(text) >= sizeof(host))
		return -1;
	hlen = (size_t)(colon - text);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (host[0] == '[') {
		if (hlen < 3 || host[hlen - 1] != ']')
			return -1;
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	return getaddrinfo(host, colon + 1, &hints, out) ? -1 : 0;
}
