// SPDX-License-Identifier: BSD-2-Clause
/*
 * What one node's own side costs per fleet event, without the broker: N
 * messages as they arrive off the stream (JSON), each decoded by the
 * fleet's decoder and applied to a pin root of its own with
 * vosfp_ban_add(), as the agent does. Prints events/s; asserts nothing.
 * usage: apply_rate PIN_ROOT [N]   (root; the pin root is removed after)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vosfp/vosfp.h>

#include "event_json.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct vosfp_open_opts o = { .sz = sizeof(o) };
	int n = argc > 2 ? atoi(argv[2]) : 50000, err;
	char (*msgs)[EVENT_JSON_MAX];
	int *lens;
	struct vosfp *h;
	double t0, t1, t2;

	if (argc < 2 || n <= 0 || n > 65536) {
		fprintf(stderr, "usage: apply_rate PIN_ROOT [N <= 65536]\n");
		return 2;
	}
	o.pin_root = argv[1];
	msgs = malloc((size_t)n * sizeof(*msgs));
	lens = malloc((size_t)n * sizeof(*lens));
	if (!msgs || !lens || vosfp_open(&o, &h)) {
		fprintf(stderr, "apply_rate: %s\n",
			msgs && lens ? vosfp_open_error() : "no memory");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct agent_event ev = { .op = AGENT_OP_BAN, .ttl = 3600, .made_ms = 1 };

		snprintf(ev.addr, sizeof(ev.addr), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255,
			 i & 255);
		strcpy(ev.reason, "scanner");
		strcpy(ev.node, "edge-a");
		snprintf(ev.id, sizeof(ev.id), "edge-a-bench-%d", i);
		lens[i] = event_json_encode(&ev, msgs[i], sizeof(msgs[i]));
	}
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct agent_event ev;

		if (event_json_decode(msgs[i], lens[i], &ev) != EVJ_OK)
			return 1;
	}
	t1 = now_s();
	for (int i = 0; i < n; i++) {
		struct agent_event ev;

		event_json_decode(msgs[i], lens[i], &ev);
		err = vosfp_ban_add(h, ev.addr, ev.ttl);
		if (err) {
			fprintf(stderr, "apply_rate: ban %s: %s\n", ev.addr, vosfp_strerror(err));
			return 1;
		}
	}
	t2 = now_s();
	printf("decode only: %d events in %.3f s = %.0f/s\n", n, t1 - t0, n / (t1 - t0));
	printf("decode + vosfp_ban_add: %d events in %.3f s = %.0f/s\n", n, t2 - t1,
	       n / (t2 - t1));
	vosfp_close(h);
	return 0;
}
