// SPDX-License-Identifier: BSD-2-Clause
/*
 * For test_replay_bans.sh: fills a pin root's table of bans by hand (every
 * slot, 10.0.0.0 upwards) and makes one automatic ban on top (a scanner's
 * frame from 192.0.2.99 through BPF_PROG_TEST_RUN), so that the root holds
 * one ban more than a single table takes: what `vosfp replay` must copy
 * into its scratch root's table by hand, and cannot.
 * usage: fill_bans PIN_ROOT      (root; exits 77 without BPF)
 */
#include <errno.h>
#include <stdio.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"

static const char scanner[] = "REGISTER sip:198.51.100.1 SIP/2.0\r\n"
			      "Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-fill\r\n"
			      "User-Agent: friendly-scanner\r\n\r\n";

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct vosfp_ban_stats st = { .sz = sizeof(st) };
	struct frame_spec s = { .src = "192.0.2.99",
				.payload = scanner,
				.payload_len = sizeof(scanner) - 1 };
	uint8_t frame[2048];
	struct vosfp *h;
	size_t len;
	int err, verdict;

	if (argc != 2) {
		fprintf(stderr, "usage: fill_bans PIN_ROOT\n");
		return 2;
	}
	opts.pin_root = argv[1];
	err = vosfp_open(&opts, &h);
	if (err)
		return err == -EPERM ? test_skip("%s", vosfp_open_error()) : 1;
	err = vosfp_ban_stats(h, &st);
	for (uint32_t i = 0; !err && i < st.manual_capacity; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
		err = vosfp_ban_add(h, addr, 3600);
	}
	len = frame_build(&s, frame, sizeof(frame));
	if (!err)
		err = vosfp_test_packet(h, frame, len, &verdict);
	if (!err)
		err = vosfp_ban_stats(h, &st);
	if (err) {
		fprintf(stderr, "fill_bans: %s\n", vosfp_last_error(h));
		vosfp_close(h);
		return 1;
	}
	printf("%u by hand, %u automatic\n", st.manual_used, st.auto_used);
	vosfp_close(h);
	return 0;
}
