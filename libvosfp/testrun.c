// SPDX-License-Identifier: BSD-2-Clause
/* Dry run of one frame through the loaded program (BPF_PROG_TEST_RUN). */
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"

/* XDP test runs take at most a page minus headroom and tailroom. */
#define MAX_FRAME 3500

VOSFP_API int vosfp_test_packet(struct vosfp *h, const void *frame, size_t len, int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int prog;

	if (!h)
		return -EINVAL;
	if (!frame || !verdict)
		return vosfp__fail(h, -EINVAL, "vosfp_test_packet: frame and verdict are required");
	if (len < ETH_HLEN || len > MAX_FRAME)
		return vosfp__fail(h, -EINVAL, "frame of %zu bytes: must be %d to %d bytes", len,
				   ETH_HLEN, MAX_FRAME);
	prog = vosfp__prog_fd(h);
	if (prog < 0)
		return prog;
	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.repeat = 1;
	if (bpf_prog_test_run_opts(prog, &opts))
		return vosfp__fail(h, -errno, "test run failed: %s", strerror(errno));
	if (opts.retval > XDP_REDIRECT)
		return vosfp__fail(h, -EIO, "unexpected XDP verdict %u", opts.retval);
	*verdict = (int)opts.retval;
	return vosfp__ok(h);
}
