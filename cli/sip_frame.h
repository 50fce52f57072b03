/* SPDX-License-Identifier: BSD-2-Clause */
/* One SIP message wrapped in an Ethernet/IP/UDP frame, for `vosfp test
 * --sip` (sip_frame.c). */
#ifndef VOSFP_CLI_SIP_FRAME_H
#define VOSFP_CLI_SIP_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An endpoint of the frame: an address and a port (0: not given). */
struct sip_endpoint {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

/* Parse "ADDRESS", "ADDRESS:PORT" (IPv4), "[ADDRESS]:PORT" or "ADDRESS"
 * (IPv6). 0, or -1 with why (a sentence) filled. */
int sip_endpoint_parse(const char *text, struct sip_endpoint *ep, char *why, size_t why_len);

/* The frame's size for a payload of len bytes from that family. */
size_t sip_frame_len(int family, size_t len);

/* Write the frame (sip_frame_len bytes) into out: Ethernet II, IPv4 (TTL
 * 64, checksummed) or IPv6 (hop limit 64), UDP with its checksum. from and
 * to are of one family and have their ports set. */
void sip_frame_build(const struct sip_endpoint *from, const struct sip_endpoint *to,
		     const void *payload, size_t len, uint8_t *out);

#endif
