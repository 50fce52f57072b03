// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every message of the corpus through the XDP program in the kernel
 * (BPF_PROG_TEST_RUN) as a UDP payload to 5060, over IPv4, IPv6 and
 * VLAN-tagged IPv4, from a source on no list and from an allowed one;
 * and through the host reference. The directory a message sits in is its
 * expected verdict (see README.md). Needs root and BPF.
 * usage: test_corpus CORPUS_DIR
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "reference.h"

struct expectation {
	const char *dir;
	int verdict;
	int reason;
};

static const struct expectation expectations[] = {
	{ "pass", VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED },
	{ "malformed", VOSFP_VERDICT_DROP, VOSFP_CTR_MALFORMED },
	{ "keepalive", VOSFP_VERDICT_PASS, VOSFP_CTR_KEEPALIVE },
	{ "stealth", VOSFP_VERDICT_DROP, VOSFP_CTR_STEALTH },
	{ "scanner", VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER },
};

static const struct {
	const char *name;
	const char *src;
	int vlans;
} framings[] = {
	{ "IPv4", "192.0.2.99", 0 },
	{ "IPv6", "2001:db8:99::1", 0 },
	{ "VLAN IPv4", "192.0.2.98", 2 },
};

static struct vosfp *h;
static int passed, failed;

/* The counter that moved by one for this run, or -1 (none, or several). */
static int run(const uint8_t *frame, size_t len, int *verdict)
{
	uint64_t before[32], after[32];
	int n = vosfp_counter_count(), moved = -1;

	for (int id = 0; id < n; id++)
		vosfp_counter_read(h, id, &before[id], NULL);
	if (vosfp_test_packet(h, frame, len, verdict))
		return -2;
	for (int id = 0; id < n; id++) {
		vosfp_counter_read(h, id, &after[id], NULL);
		if (after[id] != before[id])
			moved = moved == -1 && after[id] - before[id] == 1 ? id : -3;
	}
	return moved;
}

static void check(const char *file, const char *how, int verdict, int reason, int want_verdict,
		  int want_reason)
{
	if (verdict == want_verdict && reason == want_reason) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s (%s): verdict %d counter %s, expected verdict %d counter %s\n", file, how,
	       verdict, reason >= 0 ? vosfp_counter_name(reason) : "none/several", want_verdict,
	       vosfp_counter_name(want_reason));
}

static void run_file(const char *path, const char *name, const struct expectation *e)
{
	uint8_t payload[3000], frame[4096];
	size_t plen;
	FILE *f = fopen(path, "rb");

	if (!f) {
		printf("FAIL %s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	plen = fread(payload, 1, sizeof(payload), f);
	fclose(f);
	for (size_t i = 0; i < sizeof(framings) / sizeof(framings[0]); i++) {
		struct frame_spec s = { .src = framings[i].src, .vlans = framings[i].vlans,
					.payload = payload, .payload_len = plen };
		struct ref_verdict ref;
		size_t len = frame_build(&s, frame, sizeof(frame));
		int verdict = -1, reason;
		char how[64];

		reason = run(frame, len, &verdict);
		snprintf(how, sizeof(how), "%s, unknown source", framings[i].name);
		check(name, how, verdict, reason, e->verdict, e->reason);
		ref = reference_verdict(frame, len);
		snprintf(how, sizeof(how), "%s, host reference", framings[i].name);
		check(name, how, ref.verdict, ref.reason, e->verdict, e->reason);
	}
	/* From a trusted peer everything passes uninspected. */
	{
		struct frame_spec s = { .src = REF_ALLOW4, .payload = payload, .payload_len = plen };
		size_t len = frame_build(&s, frame, sizeof(frame));
		int verdict = -1, reason = run(frame, len, &verdict);

		check(name, "IPv4, allowed source", verdict, reason, VOSFP_VERDICT_PASS,
		      VOSFP_CTR_ALLOWED);
	}
}

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	char root[128], path[4096];
	int files = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root and BPF (BPF_PROG_TEST_RUN)\n");
		return 77;
	}
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tcorpus-%d", getpid());
	opts.pin_root = root;
	if (vosfp_open(&opts, &h)) {
		printf("SKIP: cannot load the program: %s\n", vosfp_open_error());
		return 77;
	}
	/* The reference's policy; no bans, so each message is judged alone. */
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK4) < 0 ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW4) < 0 ||
	    vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW6) < 0 ||
	    vosfp_config_set(h, "autoban", "off")) {
		printf("setup: %s\n", vosfp_last_error(h));
		failed++;
	}
	for (size_t e = 0; e < sizeof(expectations) / sizeof(expectations[0]); e++) {
		struct dirent **names;
		int n;

		snprintf(path, sizeof(path), "%s/%s", argv[1], expectations[e].dir);
		n = scandir(path, &names, NULL, alphasort);
		if (n < 0) {
			printf("FAIL %s: %s\n", path, strerror(errno));
			failed++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			if (names[i]->d_name[0] != '.') {
				char file[8192], label[600];

				snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
				snprintf(label, sizeof(label), "%s/%s", expectations[e].dir,
					 names[i]->d_name);
				run_file(file, label, &expectations[e]);
				files++;
			}
			free(names[i]);
		}
		free(names);
	}
	vosfp_unpin(h);
	vosfp_close(h);
	printf("corpus: %d messages, %d checks\n", files, passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed || files == 0 ? 1 : 0;
}
