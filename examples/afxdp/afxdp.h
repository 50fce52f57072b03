/* SPDX-License-Identifier: BSD-2-Clause */
/* vosfp-afxdp: receives over AF_XDP the SIP messages the vosfp filter passes. */
#ifndef VOSFP_AFXDP_H
#define VOSFP_AFXDP_H

#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

struct vosfp;

#define AFXDP_MAX_QUEUES 64 /* VOSFP_XSK_SLOTS: the filter's map has no more */
/* An RX ring of 4096 frames, as many frames, and a fill ring of twice that:
 * the frames given back never outnumber its free entries, whatever the
 * kernel has taken from it and not yet said it took, so giving them back
 * never waits (a fill ring as small as the frames stalled the consumer). */
#define AFXDP_RING 4096
#define AFXDP_FRAMES AFXDP_RING
#define AFXDP_BATCH 256 /* frames taken from the RX ring at a time */
#define AFXDP_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE

/* One RX queue: its umem, its socket and their rings. */
struct afxdp_queue {
	uint32_t id;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	int registered; /* in the filter's map: unregister on the way out */
	int zero_copy;  /* what the kernel gave (XDP_OPTIONS) */
};

enum afxdp_copy { AFXDP_COPY_AUTO, AFXDP_COPY, AFXDP_ZERO_COPY };

/* queues.c: the RX queues of ifname (ethtool channels; 1 if the driver
 * does not say), or a negative errno. */
int afxdp_queue_count(const char *ifname, char *err, size_t len);
/* A socket on queue q of ifname, its umem filled, registered with the
 * filter. 0, or -errno with the reason in err; nothing is left behind. */
int afxdp_queue_open(struct afxdp_queue *q, struct vosfp *h, const char *ifname, uint32_t id,
		     enum afxdp_copy copy, char *err, size_t len);
/* Unregisters (so the filter passes to the stack again) and frees. */
void afxdp_queue_close(struct afxdp_queue *q, struct vosfp *h);
/* The frames received and returned to the fill ring; calls fn for each. */
typedef void (*afxdp_frame_fn)(void *arg, uint32_t queue, const uint8_t *frame, uint32_t len);
unsigned int afxdp_queue_drain(struct afxdp_queue *q, afxdp_frame_fn fn, void *arg);
/* The socket's drop counters (XDP_STATISTICS); 0 or -errno. */
int afxdp_queue_stats(const struct afxdp_queue *q, uint64_t *rx_dropped, uint64_t *ring_full);

/* sip_frame.c: the UDP datagram in an Ethernet frame. */
struct afxdp_msg {
	char src[64];           /* "192.0.2.1:5060", "[2001:db8::1]:5060" */
	const uint8_t *payload; /* the SIP message */
	uint32_t len;
	char what[24];          /* the method, "response 200", "keep-alive", "not SIP" */
};
/* 0, or -1 if the frame is not UDP over IPv4 or IPv6 (with up to two VLAN tags). */
int afxdp_parse(const uint8_t *frame, uint32_t len, struct afxdp_msg *m);

#endif
