// SPDX-License-Identifier: BSD-2-Clause
/* Dry run of one frame through the loaded program (BPF_PROG_TEST_RUN). */
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"

/* XDP test runs take at most a page minus headroom and tailroom; the TC
 * egress program's runs are held to the same bound. */
#define MAX_FRAME 3500

int vosfp__test_run(struct vosfp *h, const char *what, int (*prog_fd)(struct vosfp *h),
		    const void *frame, size_t len, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int prog;

	if (!h)
		return -EINVAL;
	if (!frame || !retval)
		return vosfp__fail(h, -EINVAL, "%s: frame and verdict are required", what);
	if (len < ETH_HLEN || len > MAX_FRAME)
		return vosfp__fail(h, -EINVAL, "frame of %zu bytes: must be %d to %d bytes", len,
				   ETH_HLEN, MAX_FRAME);
	prog = prog_fd(h);
	if (prog < 0)
		return prog;
	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.repeat = 1;
	if (bpf_prog_test_run_opts(prog, &opts))
		return vosfp__fail(h, -errno, "test run failed: %s", strerror(errno));
	*retval = opts.retval;
	return 0;
}

VOSFP_API int vosfp_test_packet(struct vosfp *h, const void *frame, size_t len, int *verdict)
{
	uint32_t ret;
	int err = vosfp__test_run(h, "vosfp_test_packet", vosfp__prog_fd, frame, len,
				  verdict ? &ret : NULL);

	if (err)
		return err;
	if (ret > XDP_REDIRECT)
		return vosfp__fail(h, -EIO, "unexpected XDP verdict %u", ret);
	*verdict = (int)ret;
	return vosfp__ok(h);
}
