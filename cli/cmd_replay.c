// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay: "what would it do to my traffic?" Every packet of a capture (pcap
 * or pcapng, read with libpcap) runs through the program with BPF_PROG_TEST_RUN,
 * attached nowhere. The run uses a scratch pin root holding a copy of the
 * current policy, config and bans, so that a dry run neither moves the live
 * counters nor bans anyone for real.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "opts.h"
#include "replay.h"

#define MAX_REASONS 32
#define TOP 5
#define NOT_OURS VOSFP_REASON_NONE
#define SKIPPED (-100)

/* Per (reason, source) packet counts, in a small open-addressing table. */
struct source_count {
	int reason;
	char addr[48];
	uint64_t packets;
};

struct tally {
	struct source_count *slots;
	size_t cap, used;
	uint64_t by_reason[MAX_REASONS], not_ours, skipped, total;
};

static uint32_t hash(int reason, const char *addr)
{
	uint32_t h = 2166136261u ^ (uint32_t)reason;

	for (; *addr; addr++)
		h = (h ^ (uint8_t)*addr) * 16777619u;
	return h;
}

static int tally_add(struct tally *t, int reason, const char *addr)
{
	size_t i;

	if (t->used * 2 >= t->cap) {
		struct tally bigger = { .cap = t->cap ? t->cap * 2 : 1024 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			return -ENOMEM;
		for (size_t k = 0; k < t->cap; k++) {
			struct source_count *s = &t->slots[k];

			if (!s->packets)
				continue;
			for (i = hash(s->reason, s->addr) % bigger.cap; bigger.slots[i].packets;)
				i = (i + 1) % bigger.cap;
			bigger.slots[i] = *s;
		}
		free(t->slots);
		t->slots = bigger.slots;
		t->cap = bigger.cap;
	}
	for (i = hash(reason, addr) % t->cap; t->slots[i].packets; i = (i + 1) % t->cap)
		if (t->slots[i].reason == reason && !strcmp(t->slots[i].addr, addr))
			break;
	if (!t->slots[i].packets) {
		t->slots[i].reason = reason;
		snprintf(t->slots[i].addr, sizeof(t->slots[i].addr), "%s", addr);
		t->used++;
	}
	t->slots[i].packets++;
	return 0;
}

/* The source address of an Ethernet frame (up to two VLAN tags), or "-". */
static void frame_source(const uint8_t *f, size_t len, char *out, size_t cap)
{
	size_t off = 12;
	uint16_t type;

	snprintf(out, cap, "-");
	for (int tags = 0; tags <= 2; tags++) {
		if (off + 2 > len)
			return;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
		off += 2;
		if (type != 0x8100 && type != 0x88a8)
			break;
		off += 2;
	}
	if (type == 0x0800 && off + 20 <= len)
		inet_ntop(AF_INET, f + off + 12, out, (socklen_t)cap);
	else if (type == 0x86dd && off + 40 <= len)
		inet_ntop(AF_INET6, f + off + 8, out, (socklen_t)cap);
}

/* Runs one frame; returns the reason it was counted under, NOT_OURS, or
 * SKIPPED for a frame the test run cannot take. The scratch root sees no
 * other traffic, so the library can always tell the reason. */
static int run_frame(struct vosfp *h, const uint8_t *frame, size_t len, int *verdict)
{
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };

	if (vosfp_test_packet_ex(h, frame, len, &o))
		return SKIPPED;
	*verdict = o.verdict;
	return o.reason >= 0 && o.reason < MAX_REASONS ? o.reason : NOT_OURS;
}

static int by_packets(const void *a, const void *b)
{
	const struct source_count *x = a, *y = b;

	return (y->packets > x->packets) - (y->packets < x->packets);
}

static void report(struct tally *t, int json, const char *file)
{
	int n = vosfp_counter_count();
	struct jsonw j;

	if (t->cap) /* no packet of ours: no table, and qsort's NULL is undefined */
		qsort(t->slots, t->cap, sizeof(*t->slots), by_packets);
	if (json) {
		jsonw_document(&j, stdout);
		jsonw_string(&j, "file", file);
		jsonw_uint(&j, "packets", t->total);
		jsonw_uint(&j, "not_ours", t->not_ours);
		jsonw_uint(&j, "skipped", t->skipped);
		jsonw_begin_object(&j, "reasons");
	} else {
		printf("%s: %llu packets, %llu not ours (passed untouched), %llu skipped\n", file,
		       (unsigned long long)t->total, (unsigned long long)t->not_ours,
		       (unsigned long long)t->skipped);
		printf("%-12s %10s  %-7s %s\n", "reason", "packets", "verdict", "top sources");
	}
	for (int id = 0; id < n && id < MAX_REASONS; id++) {
		int shown = 0;

		if (!t->by_reason[id])
			continue;
		if (json) {
			jsonw_begin_object(&j, vosfp_counter_name(id));
			jsonw_uint(&j, "packets", t->by_reason[id]);
			jsonw_string(&j, "verdict", cli_verdict_label(id));
			jsonw_begin_array(&j, "top_sources");
		} else {
			printf("%-12s %10llu  %-7s", vosfp_counter_name(id),
			       (unsigned long long)t->by_reason[id],
			       cli_verdict_label(id));
		}
		for (size_t k = 0; k < t->cap && shown < TOP; k++) {
			struct source_count *s = &t->slots[k];

			if (!s->packets || s->reason != id)
				continue;
			shown++;
			if (json) {
				jsonw_begin_object(&j, NULL);
				jsonw_string(&j, "source", s->addr);
				jsonw_uint(&j, "packets", s->packets);
				jsonw_end_object(&j);
			} else {
				printf(" %s (%llu)", s->addr, (unsigned long long)s->packets);
			}
		}
		if (json) {
			jsonw_end_array(&j);
			jsonw_end_object(&j);
		} else {
			printf("\n");
		}
	}
	if (json) {
		jsonw_end_object(&j);
		jsonw_end_object(&j);
		jsonw_finish(&j);
	}
}

enum { OPT_JSON = OPT_CMD, OPT_VERBOSE };

static const struct cli_opt replay_opts[] = {
	{ "json", OPT_JSON, NULL, "one JSON object (schema 1)" },
	{ "verbose", OPT_VERBOSE, NULL, "one line per packet: verdict, reason, source" },
	{ NULL, 0, NULL, NULL },
};

static int run_replay(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int c;
	char errbuf[PCAP_ERRBUF_SIZE], root[4200] = "";
	const char *file = NULL;
	int json = 0, verbose = 0, rc = EXIT_FAIL, res;
	struct tally t = { 0 };
	struct vosfp *scratch = NULL;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *pc;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		if (c == OPT_JSON)
			json = 1;
		else
			verbose = 1;
	}
	if (c < 0)
		return a.rc;
	if (a.npos != 1)
		return cli_usage(cli, "expected FILE.pcap [--json] [--verbose]");
	file = a.pos[0];
	pc = pcap_open_offline(file, errbuf);
	if (!pc) {
		fprintf(stderr, "vosfp: replay: %s\n", errbuf);
		return EXIT_FAIL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "vosfp: replay: %s: link type %s; only Ethernet captures can run "
			"through XDP\n", file, pcap_datalink_val_to_name(pcap_datalink(pc)));
		pcap_close(pc);
		return EXIT_FAIL;
	}
	/* Before the scratch root exists: from here on, a signal only asks
	 * the loops to stop, and the root is removed on the way out. */
	replay_signals();
	if (!cli_open(cli) || replay_stop ||
	    replay_scratch_open(cli, &scratch, root, sizeof(root)) || replay_stop)
		goto out;

	while (!replay_stop && (res = pcap_next_ex(pc, &hdr, &data)) == 1) {
		char src[48];
		int verdict = -1, reason;

		t.total++;
		reason = run_frame(scratch, data, hdr->caplen, &verdict);
		frame_source(data, hdr->caplen, src, sizeof(src));
		if (reason == SKIPPED) {
			t.skipped++; /* shorter than Ethernet, or larger than a test run takes */
		} else if (reason == NOT_OURS) {
			t.not_ours++;
		} else {
			t.by_reason[reason]++;
			if (tally_add(&t, reason, src)) {
				fprintf(stderr, "vosfp: replay: out of memory\n");
				goto out;
			}
		}
		if (verbose && !json)
			printf("%llu %s %s %s\n", (unsigned long long)t.total,
			       reason == SKIPPED ? "skipped" : verdict == 1 ? "drop" : "pass",
			       reason >= 0 ? vosfp_counter_name(reason) : "not-ours", src);
	}
	if (replay_stop)
		goto out;
	if (res == -1) {
		fprintf(stderr, "vosfp: replay: %s: %s\n", file, pcap_geterr(pc));
		goto out;
	}
	report(&t, json, file);
	rc = EXIT_OK;
out:
	replay_scratch_close(scratch, root);
	pcap_close(pc);
	free(t.slots);
	if (replay_stop) {
		fprintf(stderr, "vosfp: replay: %s, stopped; scratch root removed\n",
			strsignal(replay_stop));
		rc = 128 + replay_stop;
	}
	return rc;
}

const struct cli_cmd cmd_replay = {
	"replay", run_replay, "FILE.pcap [--json] [--verbose]",
	"Dry-run a capture (pcap or pcapng, Ethernet) through the filter with the current\n"
	"policy, config and bans, attached nowhere: live counters and bans are untouched.\n",
	replay_opts,
};
