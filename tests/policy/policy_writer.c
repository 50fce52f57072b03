// SPDX-License-Identifier: BSD-2-Clause
/*
 * A policy writer for the concurrency test: opens the root once, then adds
 * N host prefixes 10.W.x.y to the block list, one vosfp_policy_add each, so
 * that several of these race on the pin root's lock far more tightly than
 * one `vosfp block` process per add could.
 * usage: policy_writer PIN_ROOT W N   (W 0-255, N 1-65535)
 */
#include <stdio.h>
#include <stdlib.h>

#include <vosfp/vosfp.h>

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct vosfp *h;
	int w, n, err;

	if (argc != 4 || (w = atoi(argv[2])) < 0 || w > 255 || (n = atoi(argv[3])) < 1 ||
	    n > 65535) {
		fprintf(stderr, "usage: policy_writer PIN_ROOT W N\n");
		return 2;
	}
	opts.pin_root = argv[1];
	err = vosfp_open(&opts, &h);
	if (err) {
		fprintf(stderr, "policy_writer: %s\n", vosfp_open_error());
		return 1;
	}
	for (int i = 1; i <= n; i++) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "10.%d.%d.%d", w, i / 256, i % 256);
		err = vosfp_policy_add(h, VOSFP_LIST_BLOCK, prefix);
		if (err) {
			fprintf(stderr, "policy_writer %d: %s: %s\n", w, prefix, vosfp_last_error(h));
			break;
		}
	}
	vosfp_close(h);
	return err ? 1 : 0;
}
