// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every message of the corpus through the XDP program in the kernel
 * (BPF_PROG_TEST_RUN) as a UDP payload to 5060, over IPv4, IPv6 and
 * VLAN-tagged IPv4, from a source on no list and from allowed ones; and
 * through the host reference. The directory a message sits in is its
 * expected verdict (see README.md). One cmocka test per file, named by it.
 * Needs root and BPF; exits 77 (skipped) without them.
 * usage: test_corpus CORPUS_DIR
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "reference.h"
#include "skip.h"

#define MAX_PAYLOAD 3000

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
	/* Scanner signatures have landed (issue 3), so a scanner's REGISTER or
	 * INVITE is dropped as "scanner". Before they existed this line said
	 * { "scanner", VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED }: not malformed. */
	{ "scanner", VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER },
};

/* Sources on neither list, in each framing the program must parse. */
static const struct {
	const char *name;
	const char *src;
	int vlans;
} framings[] = {
	{ "IPv4", "192.0.2.99", 0 },
	{ "IPv6", "2001:db8:99::1", 0 },
	{ "VLAN IPv4", "192.0.2.98", 2 },
};

static const char *const allowed_sources[] = { REF_ALLOW4, REF_ALLOW6 };

struct message {
	char path[4096];
	const struct expectation *e;
};

static struct vosfp *h;

/* The reason the run was counted under (the library reads it off the
 * counters): VOSFP_REASON_NONE if none moved, VOSFP_REASON_UNKNOWN if it
 * cannot tell (several moved, or one by more), -3 if the run itself failed. */
static int run(const uint8_t *frame, size_t len, int *verdict)
{
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };

	if (vosfp_test_packet_ex(h, frame, len, &o))
		return -3;
	*verdict = o.verdict;
	return o.reason;
}

static const char *counter_label(int reason)
{
	switch (reason) {
	case VOSFP_REASON_NONE:
		return "(none)";
	case VOSFP_REASON_UNKNOWN:
		return "(several)";
	case -3:
		return "(test run failed)";
	default:
		return vosfp_counter_name(reason);
	}
}

/* Appends one disagreement to the report; returns 1 if there was one. */
static int compare(char *report, size_t cap, const char *how, int verdict, int reason,
		   int want_verdict, int want_reason)
{
	size_t used = strlen(report);

	if (verdict == want_verdict && reason == want_reason)
		return 0;
	snprintf(report + used, cap - used, "\n  %s: verdict %d counter %s, expected verdict %d counter %s",
		 how, verdict, counter_label(reason), want_verdict, vosfp_counter_name(want_reason));
	return 1;
}

static void test_message(void **state)
{
	const struct message *m = *state;
	uint8_t payload[MAX_PAYLOAD + 1], frame[4096];
	char report[4096] = "";
	int wrong = 0;
	size_t plen;
	FILE *f = fopen(m->path, "rb");

	if (!f)
		fail_msg("%s: %s", m->path, strerror(errno));
	plen = fread(payload, 1, sizeof(payload), f);
	fclose(f);
	if (plen > MAX_PAYLOAD)
		fail_msg("%s: longer than %d bytes, the runner's limit", m->path, MAX_PAYLOAD);

	for (size_t i = 0; i < sizeof(framings) / sizeof(framings[0]); i++) {
		struct frame_spec s = { .src = framings[i].src, .vlans = framings[i].vlans,
					.payload = payload, .payload_len = plen };
		size_t len = frame_build(&s, frame, sizeof(frame));
		struct ref_verdict ref;
		int verdict = -1, reason;
		char how[64];

		assert_true(len > 0);
		reason = run(frame, len, &verdict);
		snprintf(how, sizeof(how), "%s, unknown source", framings[i].name);
		wrong += compare(report, sizeof(report), how, verdict, reason, m->e->verdict,
				 m->e->reason);
		ref = reference_verdict(frame, len);
		snprintf(how, sizeof(how), "%s, host reference", framings[i].name);
		wrong += compare(report, sizeof(report), how, ref.verdict, ref.reason,
				 m->e->verdict, m->e->reason);
	}
	/* From a trusted peer everything passes uninspected, junk included. */
	for (size_t i = 0; i < sizeof(allowed_sources) / sizeof(allowed_sources[0]); i++) {
		struct frame_spec s = { .src = allowed_sources[i], .payload = payload,
					.payload_len = plen };
		size_t len = frame_build(&s, frame, sizeof(frame));
		int verdict = -1, reason;
		char how[64];

		assert_true(len > 0);
		reason = run(frame, len, &verdict);
		snprintf(how, sizeof(how), "allowed source %s", allowed_sources[i]);
		wrong += compare(report, sizeof(report), how, verdict, reason, VOSFP_VERDICT_PASS,
				 VOSFP_CTR_ALLOWED);
	}
	if (wrong)
		fail_msg("%s (expected: %s):%s", m->path, m->e->dir, report);
}

/* The default configuration, written out so the corpus does not depend on
 * what the library's defaults happen to be; bans off so that each message
 * is judged alone. The policy is the one the host reference assumes. */
static int configure(void)
{
	static const uint16_t sip_port = 5060;
	static const char *const settings[][2] = {
		{ "stealth_methods", "OPTIONS" }, { "malformed_drop", "on" },
		{ "trusted_only", "off" },        { "user_agents", REF_SCANNERS },
		{ "rate_limit", "0" },            { "autoban", "off" },
	};

	if (vosfp_config_set_ports(h, &sip_port, 1))
		return -1;
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (vosfp_config_set(h, settings[i][0], settings[i][1]))
			return -1;
	return vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK4) < 0 ||
			       vosfp_policy_add(h, VOSFP_LIST_BLOCK, REF_BLOCK6) < 0 ||
			       vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW4) < 0 ||
			       vosfp_policy_add(h, VOSFP_LIST_ALLOW, REF_ALLOW6) < 0
		       ? -1
		       : 0;
}

/* Every regular file of every verdict directory, sorted by name. */
static size_t collect(const char *dir, struct message **out)
{
	struct message *all = NULL;
	size_t count = 0;

	for (size_t e = 0; e < sizeof(expectations) / sizeof(expectations[0]); e++) {
		char path[2048];
		struct dirent **names;
		int n;

		snprintf(path, sizeof(path), "%s/%s", dir, expectations[e].dir);
		n = scandir(path, &names, NULL, alphasort);
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			exit(1);
		}
		for (int i = 0; i < n; i++) {
			if (names[i]->d_name[0] != '.') {
				all = realloc(all, (count + 1) * sizeof(*all));
				if (!all)
					exit(1);
				snprintf(all[count].path, sizeof(all[count].path), "%s/%s", path,
					 names[i]->d_name);
				all[count].e = &expectations[e];
				count++;
			}
			free(names[i]);
		}
		free(names);
	}
	*out = all;
	return count;
}

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	struct CMUnitTest *tests;
	struct message *messages;
	char root[128];
	size_t count;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	count = collect(argv[1], &messages);
	if (count == 0) {
		fprintf(stderr, "%s: no messages\n", argv[1]);
		return 1;
	}
	if (geteuid() != 0)
		return test_skip("needs root and BPF (BPF_PROG_TEST_RUN)");
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tcorpus-%d", getpid());
	opts.pin_root = root;
	if (vosfp_open(&opts, &h))
		return test_skip("cannot load the program: %s", vosfp_open_error());
	if (configure()) {
		fprintf(stderr, "configuration: %s\n", vosfp_last_error(h));
		vosfp_unpin(h);
		vosfp_close(h);
		return 1;
	}

	tests = calloc(count, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < count; i++) {
		/* Named "dir/file" so a failure names its message. */
		tests[i].name = messages[i].path + strlen(argv[1]) + 1;
		tests[i].test_func = test_message;
		tests[i].initial_state = &messages[i];
	}
	failed = _cmocka_run_group_tests("corpus", tests, count, NULL, NULL);

	vosfp_unpin(h);
	vosfp_close(h);
	free(tests);
	free(messages);
	return failed ? 1 : 0;
}
