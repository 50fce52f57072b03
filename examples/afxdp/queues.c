// SPDX-License-Identifier: BSD-2-Clause
/*
 * One AF_XDP socket per RX queue, on libxdp's xsk API. libxdp would load
 * its own XDP program to fill its own XSKMAP; XSK_LIBXDP_FLAGS__INHIBIT_-
 * PROG_LOAD keeps vosfp the interface's program, and the socket goes into
 * vosfp's map instead (vosfp_xsk_register), so that only what the filter
 * passes, and what xsk_redirect asks for, reaches it.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "afxdp.h"

int afxdp_queue_count(const char *ifname, char *err, size_t len)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	int fd, n;

	if (strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname)) {
		snprintf(err, len, "%s: no such interface", ifname);
		return -ENODEV;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, len, "socket: %s", strerror(errno));
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	/* A driver that does not report channels has one RX queue. */
	n = ioctl(fd, SIOCETHTOOL, &ifr) ? 1 : (int)(ch.combined_count + ch.rx_count);
	close(fd);
	return n > 0 ? n : 1;
}

static int fail(char *err, size_t len, int e, const char *fmt, const char *ifname, uint32_t id,
		const char *what)
{
	snprintf(err, len, fmt, ifname, id, what);
	return -e;
}

int afxdp_queue_open(struct afxdp_queue *q, struct vosfp *h, const char *ifname, uint32_t id,
		     enum afxdp_copy copy, char *err, size_t len)
{
	struct xsk_socket_config cfg = {
		.rx_size = AFXDP_RING,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = copy == AFXDP_COPY ? XDP_COPY
			      : copy == AFXDP_ZERO_COPY ? XDP_ZEROCOPY : 0,
	};
	size_t size = (size_t)AFXDP_FRAMES * AFXDP_FRAME_SIZE;
	struct xdp_options opts;
	socklen_t olen = sizeof(opts);
	struct xsk_umem_config ucfg = {
		.fill_size = 2 * AFXDP_RING,
		.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.frame_size = AFXDP_FRAME_SIZE,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
	};
	uint32_t idx, n = AFXDP_RING;
	int e;

	memset(q, 0, sizeof(*q));
	q->id = id;
	q->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return fail(err, len, errno, "%s queue %u: umem: %s", ifname, id, strerror(errno));
	}
	e = xsk_umem__create(&q->umem, q->area, size, &q->fill, &q->comp, &ucfg);
	if (e) {
		afxdp_queue_close(q, h);
		return fail(err, len, -e, "%s queue %u: umem: %s", ifname, id, strerror(-e));
	}
	e = xsk_socket__create(&q->xsk, ifname, id, q->umem, &q->rx, NULL, &cfg);
	if (e) {
		afxdp_queue_close(q, h);
		if (e == -EOPNOTSUPP && copy == AFXDP_ZERO_COPY)
			return fail(err, len, -e, "%s queue %u: %s (the driver has no zero-copy "
				    "AF_XDP: use --copy)", ifname, id, strerror(-e));
		return fail(err, len, -e, "%s queue %u: AF_XDP socket: %s", ifname, id,
			    strerror(-e));
	}
	if (!getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_OPTIONS, &opts, &olen))
		q->zero_copy = !!(opts.flags & XDP_OPTIONS_ZEROCOPY);
	/* Every frame the fill ring holds is one the kernel may write into. */
	if (xsk_ring_prod__reserve(&q->fill, n, &idx) != n) {
		afxdp_queue_close(q, h);
		return fail(err, len, ENOMEM, "%s queue %u: %s", ifname, id, "fill ring too small");
	}
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) = (uint64_t)i * AFXDP_FRAME_SIZE;
	xsk_ring_prod__submit(&q->fill, n);
	e = vosfp_xsk_register(h, id, xsk_socket__fd(q->xsk));
	if (e) {
		snprintf(err, len, "%s queue %u: %s", ifname, id, vosfp_last_error(h));
		afxdp_queue_close(q, h);
		return e;
	}
	q->registered = 1;
	return 0;
}

void afxdp_queue_close(struct afxdp_queue *q, struct vosfp *h)
{
	/* First out of the filter's map: from here its packets go to the
	 * stack, none to a socket about to close. */
	if (q->registered)
		vosfp_xsk_unregister(h, q->id);
	q->registered = 0;
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)AFXDP_FRAMES * AFXDP_FRAME_SIZE);
	q->xsk = NULL;
	q->umem = NULL;
	q->area = NULL;
}

unsigned int afxdp_queue_drain(struct afxdp_queue *q, afxdp_frame_fn fn, void *arg)
{
	uint32_t idx_rx = 0, idx_fill = 0;
	unsigned int n = xsk_ring_cons__peek(&q->rx, AFXDP_BATCH, &idx_rx);

	if (!n)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);

		fn(arg, q->id, xsk_umem__get_data(q->area, d->addr), d->len);
	}
	/* The frames go back to the kernel as they came; the fill ring is
	 * twice the frames, so there is room (afxdp.h); were there none, they
	 * would leave circulation rather than be spun on. */
	if (xsk_ring_prod__reserve(&q->fill, n, &idx_fill) != n) {
		xsk_ring_cons__release(&q->rx, n);
		return n;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t addr = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i)->addr;

		*xsk_ring_prod__fill_addr(&q->fill, idx_fill + i) =
			xsk_umem__extract_addr(addr);
	}
	xsk_ring_prod__submit(&q->fill, n);
	xsk_ring_cons__release(&q->rx, n);
	return n;
}

int afxdp_queue_stats(const struct afxdp_queue *q, uint64_t *rx_dropped, uint64_t *ring_full)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_STATISTICS, &st, &len))
		return -errno;
	*rx_dropped = st.rx_dropped;
	*ring_full = st.rx_ring_full;
	return 0;
}
