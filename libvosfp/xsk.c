// SPDX-License-Identifier: BSD-2-Clause
/* AF_XDP sockets per RX queue: the program's last step hands packets to them. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"

VOSFP_API int vosfp_xsk_register(struct vosfp *h, uint32_t queue_id, int xsk_fd)
{
	__u32 fd = (__u32)xsk_fd;

	if (!h)
		return vosfp__no_handle(__func__);
	if (queue_id >= VOSFP_XSK_SLOTS)
		return vosfp__fail(h, -ERANGE, "queue %u: at most %d queues", queue_id,
				   VOSFP_XSK_SLOTS);
	if (xsk_fd < 0)
		return vosfp__fail(h, -EINVAL, "queue %u: invalid socket fd %d", queue_id, xsk_fd);
	if (bpf_map_update_elem(h->map_fd[MAP_XSKS], &queue_id, &fd, BPF_ANY))
		return vosfp__fail(h, -errno, "queue %u: cannot register AF_XDP socket: %s",
				   queue_id, strerror(errno));
	return vosfp__ok(h);
}

VOSFP_API int vosfp_xsk_unregister(struct vosfp *h, uint32_t queue_id)
{
	if (!h)
		return vosfp__no_handle(__func__);
	if (queue_id >= VOSFP_XSK_SLOTS)
		return vosfp__fail(h, -ERANGE, "queue %u: at most %d queues", queue_id,
				   VOSFP_XSK_SLOTS);
	if (bpf_map_delete_elem(h->map_fd[MAP_XSKS], &queue_id) && errno != ENOENT)
		return vosfp__fail(h, -errno, "queue %u: %s", queue_id, strerror(errno));
	return vosfp__ok(h);
}
