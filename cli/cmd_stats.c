// SPDX-License-Identifier: BSD-2-Clause
/* stats: every counter, by the names the library gives them; as a table,
 * JSON, the Prometheus text exposition format, or live rates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "number.h"
#include "opts.h"
#include "sync_state.h"
#include "json.h"

#define MAX_REASONS 32

/* Reads every counter; returns how many, or a negative errno. */
static int read_counters(struct vosfp *h, uint64_t *packets, uint64_t *bytes)
{
	int n = vosfp_counter_count();

	if (n > MAX_REASONS)
		n = MAX_REASONS;
	for (int id = 0; id < n; id++) {
		int err = vosfp_counter_read(h, id, &packets[id], &bytes[id]);

		if (err)
			return err;
	}
	return n;
}

/* The same for one interface's row (name or ifindex). */
static int read_iface(struct vosfp *h, const char *iface, uint64_t *packets, uint64_t *bytes)
{
	int n = vosfp_counter_count();

	if (n > MAX_REASONS)
		n = MAX_REASONS;
	for (int id = 0; id < n; id++) {
		int err = vosfp_counter_read_iface(h, iface, id, &packets[id], &bytes[id]);

		if (err)
			return err;
	}
	return n;
}

/* Every interface that has counters of its own: names, ifindexes and
 * figures, read before anything is written. Returns how many, or a
 * negative errno. */
#define MAX_IFACES 64
struct iface_rows {
	char name[MAX_IFACES][16];
	int ifindex[MAX_IFACES];
	uint64_t packets[MAX_IFACES][MAX_REASONS], bytes[MAX_IFACES][MAX_REASONS];
};

static int read_ifaces(struct vosfp *h, struct iface_rows *r)
{
	int i, err = 0;

	for (i = 0; i < MAX_IFACES; i++) {
		err = vosfp_counter_iface(h, i, r->name[i], sizeof(r->name[i]), &r->ifindex[i]);
		if (err)
			break;
		err = read_iface(h, r->name[i], r->packets[i], r->bytes[i]);
		if (err < 0)
			return err;
	}
	return err == -ENOENT || !err ? i : err;
}

struct iface_rows;
static int metrics_emit(struct vosfp *h, FILE *out, int n, const uint64_t *packets,
			const uint64_t *bytes, const struct iface_rows *rows, int nif, int att);

/* Prometheus text format (version 0.0.4), for node_exporter's textfile
 * collector and for `vosfp exporter`: counters by reason, list sizes, ban
 * tables (fill levels, bans not made, sources verified),
 * attachments by mode. Everything is read before anything is written. */
int metrics_write(struct vosfp *h, FILE *out)
{
	uint64_t packets[MAX_REASONS], bytes[MAX_REASONS];
	int n = read_counters(h, packets, bytes), att = vosfp_attachment_count(h), err, nif;
	struct iface_rows *rows = calloc(1, sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	nif = read_ifaces(h, rows);
	if (n < 0 || nif < 0) {
		free(rows);
		return n < 0 ? n : nif;
	}
	err = metrics_emit(h, out, n, packets, bytes, rows, nif, att);
	free(rows);
	return err;
}

static int metrics_emit(struct vosfp *h, FILE *out, int n, const uint64_t *packets,
			const uint64_t *bytes, const struct iface_rows *rows, int nif, int att)
{
	static const char *const kinds[2] = { "packets", "bytes" };
	struct vosfp_ban_stats bans = { .sz = sizeof(bans) };
	int64_t lists[2];
	int err;

	err = vosfp_ban_stats(h, &bans);
	if (err)
		return err;
	if (att < 0)
		return att;
	for (int l = 0; l < 2; l++)
		if ((lists[l] = vosfp_policy_count(h, l)) < 0)
			return (int)lists[l];
	for (int k = 0; k < 2; k++) {
		fprintf(out, "# HELP vosfp_%s_total %s to a SIP port, by the reason of their verdict.\n",
			kinds[k], k ? "Bytes (whole frames)" : "Packets");
		fprintf(out, "# TYPE vosfp_%s_total counter\n", kinds[k]);
		for (int id = 0; id < n; id++)
			fprintf(out, "vosfp_%s_total{reason=\"%s\",verdict=\"%s\"} %llu\n", kinds[k],
				vosfp_counter_name(id),
				cli_verdict_label(id),
				(unsigned long long)(k ? bytes[id] : packets[id]));
	}
	/* Per interface, as series of their own: the totals above keep their
	 * meaning (every interface, also those since detached), so a sum over
	 * these is at most the total, never a double count of it. */
	for (int k = 0; k < 2; k++) {
		fprintf(out, "# HELP vosfp_interface_%s_total %s to a SIP port on one attached "
			     "interface, by the reason of their verdict.\n",
			kinds[k], k ? "Bytes (whole frames)" : "Packets");
		fprintf(out, "# TYPE vosfp_interface_%s_total counter\n", kinds[k]);
		for (int i = 0; i < nif; i++)
			for (int id = 0; id < n; id++)
				fprintf(out, "vosfp_interface_%s_total{interface=\"%s\","
					"reason=\"%s\",verdict=\"%s\"} %llu\n", kinds[k],
					rows->name[i], vosfp_counter_name(id),
					cli_verdict_label(id),
					(unsigned long long)(k ? rows->bytes[i][id]
							       : rows->packets[i][id]));
	}
	fprintf(out, "# HELP vosfp_list_entries Prefixes on a policy list.\n"
		     "# TYPE vosfp_list_entries gauge\n");
	for (int l = 0; l < 2; l++)
		fprintf(out, "vosfp_list_entries{list=\"%s\"} %lld\n", vosfp_list_name(l),
			(long long)lists[l]);
	bans_metrics(out, &bans);
	fprintf(out, "# HELP vosfp_attached Interfaces the filter is attached to, by mode "
		     "(unknown: another network namespace; defunct: interface gone).\n"
		     "# TYPE vosfp_attached gauge\n");
	for (int i = 0; i < att; i++) {
		char name[16];
		uint32_t prog;
		int mode;

		err = vosfp_attachment_get(h, i, name, sizeof(name), &mode, &prog);
		if (err)
			return err;
		/* Interface names hold no quote or backslash: no escaping needed. */
		fprintf(out, "vosfp_attached{interface=\"%s\",mode=\"%s\"} 1\n", name,
			!prog ? "defunct" : mode ? vosfp_mode_name(mode) : "unknown");
	}
	sync_metrics_write(vosfp_pin_root(h), out);
	return 0;
}

static void print_table(int n, const uint64_t *packets, const uint64_t *bytes,
			const struct vosfp_ban_stats *bans);

/* redirected is neither a drop nor a pass to the stack: the packet went to
 * the AF_XDP socket, and a dashboard must be able to tell the two apart. */
const char *cli_verdict_label(int id)
{
	if (id == VOSFP_CTR_REDIRECTED)
		return "redirect";
	return vosfp_counter_is_drop(id) == 1 ? "drop" : "pass";
}

static void json_counters(struct jsonw *j, int n, const uint64_t *packets,
			  const uint64_t *bytes)
{
	jsonw_begin_object(j, "counters");
	for (int id = 0; id < n; id++) {
		jsonw_begin_object(j, vosfp_counter_name(id));
		jsonw_uint(j, "packets", packets[id]);
		jsonw_uint(j, "bytes", bytes[id]);
		jsonw_bool(j, "drop", vosfp_counter_is_drop(id) == 1);
		jsonw_string(j, "verdict", cli_verdict_label(id));
		jsonw_end_object(j);
	}
	jsonw_end_object(j);
}

/* counters: the totals; interfaces: each attached interface's own. */
static void print_json(int n, const uint64_t *packets, const uint64_t *bytes,
		       const struct vosfp_ban_stats *bans, const struct iface_rows *rows, int nif)
{
	struct jsonw j;

	jsonw_document(&j, stdout);
	json_counters(&j, n, packets, bytes);
	jsonw_begin_array(&j, "interfaces");
	for (int i = 0; i < nif; i++) {
		jsonw_begin_object(&j, NULL);
		jsonw_string(&j, "name", rows->name[i]);
		jsonw_uint(&j, "ifindex", (uint64_t)rows->ifindex[i]);
		json_counters(&j, n, rows->packets[i], rows->bytes[i]);
		jsonw_end_object(&j);
	}
	jsonw_end_array(&j);
	bans_json(&j, bans);
	jsonw_end_object(&j);
	jsonw_finish(&j);
}

/* stats --interface IFACE: that interface's counters alone. */
static int print_iface(struct cli *cli, const char *iface, int json)
{
	uint64_t packets[MAX_REASONS], bytes[MAX_REASONS];
	int n = read_iface(cli->h, iface, packets, bytes);
	struct jsonw j;

	if (n < 0)
		return cli_fail(cli, n);
	if (!json) {
		printf("interface %s\n", iface);
		print_table(n, packets, bytes, NULL);
		return EXIT_OK;
	}
	jsonw_document(&j, stdout);
	jsonw_string(&j, "interface", iface);
	json_counters(&j, n, packets, bytes);
	jsonw_end_object(&j);
	jsonw_finish(&j);
	return EXIT_OK;
}

static void print_table(int n, const uint64_t *packets, const uint64_t *bytes,
			const struct vosfp_ban_stats *bans)
{
	printf("%-12s %14s %16s  %s\n", "reason", "packets", "bytes", "verdict");
	for (int id = 0; id < n; id++)
		printf("%-12s %14llu %16llu  %s\n", vosfp_counter_name(id),
		       (unsigned long long)packets[id], (unsigned long long)bytes[id],
		       cli_verdict_label(id));
	if (bans)
		bans_text(stdout, bans);
}

/* now - before, or now if the counters went back (reset, or a new pin
 * root): a rate is never a wrapped-around difference. */
static double growth(uint64_t before, uint64_t now)
{
	return (double)(now >= before ? now - before : now);
}

/* Rates per reason every `interval` seconds; `count` reports, 0 = forever. */
static int watch(struct cli *cli, unsigned interval, unsigned count)
{
	uint64_t p0[MAX_REASONS], b0[MAX_REASONS], p1[MAX_REASONS], b1[MAX_REASONS];
	int n = read_counters(cli->h, p0, b0);

	for (unsigned r = 0; n >= 0 && (!count || r < count); r++) {
		char stamp[32];
		time_t now;

		sleep(interval);
		n = read_counters(cli->h, p1, b1);
		if (n < 0)
			break;
		now = time(NULL);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
		printf("%s %-12s %12s %14s %14s\n", stamp, "reason", "packets/s", "bytes/s", "packets");
		for (int id = 0; id < n; id++)
			printf("%8s %-12s %12.1f %14.1f %14llu\n", "", vosfp_counter_name(id),
			       growth(p0[id], p1[id]) / interval, growth(b0[id], b1[id]) / interval,
			       (unsigned long long)p1[id]);
		fflush(stdout);
		memcpy(p0, p1, sizeof(p0));
		memcpy(b0, b1, sizeof(b0));
	}
	return n < 0 ? cli_fail(cli, n) : EXIT_OK;
}

enum { OPT_JSON = OPT_CMD, OPT_PROMETHEUS, OPT_WATCH, OPT_COUNT, OPT_IFACE };

static const struct cli_opt stats_opts[] = {
	{ "json", OPT_JSON, NULL, "one JSON object (schema 1)" },
	{ "prometheus", OPT_PROMETHEUS, NULL, "the Prometheus text exposition format" },
	{ "watch", OPT_WATCH, "SECONDS", "live rates per reason every SECONDS (1 to 3600)" },
	{ "count", OPT_COUNT, "N", "with --watch: stop after N reports" },
	{ "interface", OPT_IFACE, "IFACE",
	  "only the counters of attached interface IFACE (name or ifindex)" },
	{ NULL, 0, NULL, NULL },
};

static int run_stats(struct cli *cli, int argc, char **argv)
{
	uint64_t packets[MAX_REASONS], bytes[MAX_REASONS];
	struct vosfp_ban_stats bans = { .sz = sizeof(bans) };
	int json = 0, prometheus = 0, n, err, c;
	unsigned interval = 0, count = 0;
	const char *iface = NULL;
	struct iface_rows *rows;
	struct cli_args a;
	int nif;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		if (c == OPT_JSON) {
			json = 1;
		} else if (c == OPT_PROMETHEUS) {
			prometheus = 1;
		} else if (c == OPT_IFACE) {
			iface = a.optarg;
		} else if (c == OPT_WATCH) {
			if (parse_count(a.optarg, 3600, &interval))
				return cli_usage(cli, "--watch takes 1 to 3600 seconds");
		} else if (parse_count(a.optarg, 1000000, &count)) {
			return cli_usage(cli, "--count takes 1 to 1000000 reports");
		}
	}
	if (c < 0)
		return a.rc;
	if (a.npos || json + prometheus + !!interval > 1 || (count && !interval))
		return cli_usage(cli, "expected [--interface IFACE] [--json] | --prometheus | "
				 "--watch SECONDS [--count N]");
	if (iface && (prometheus || interval))
		return cli_usage(cli, "--interface goes with the table or --json only");
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (iface)
		return print_iface(cli, iface, json);
	if (interval)
		return watch(cli, interval, count);
	if (prometheus) {
		err = metrics_write(cli->h, stdout);
		return err ? cli_fail(cli, err) : EXIT_OK;
	}
	/* Read everything first: a failure prints no partial table. */
	n = read_counters(cli->h, packets, bytes);
	if (n < 0)
		return cli_fail(cli, n);
	err = vosfp_ban_stats(cli->h, &bans);
	if (err)
		return cli_fail(cli, err);
	if (!json) {
		print_table(n, packets, bytes, &bans);
		return EXIT_OK;
	}
	rows = calloc(1, sizeof(*rows));
	if (!rows)
		return cli_fail(cli, -ENOMEM);
	nif = read_ifaces(cli->h, rows);
	if (nif >= 0)
		print_json(n, packets, bytes, &bans, rows, nif);
	free(rows);
	return nif < 0 ? cli_fail(cli, nif) : EXIT_OK;
}

const struct cli_cmd cmd_stats = {
	"stats", run_stats,
	"[--interface IFACE] [--json] | --prometheus | --watch SECONDS [--count N]",
	"Packets and bytes per reason (each packet to a SIP port is counted under exactly\n"
	"one), in total and per attached interface (--json, --prometheus), the ban\n"
	"tables' fill levels; or live rates. --interface: one interface's counters.\n",
	stats_opts,
};
