// SPDX-License-Identifier: BSD-2-Clause
/*
 * test: "why is this source dropped?" and "what happens to this packet?"
 *  - test ADDRESS: the library's explanation of one source
 *    (vosfp_explain_source): list entries, ban, verified, rate state, and
 *    the decision for a SIP request from it. Reads only.
 *  - test --frame FILE / --sip FILE: one frame (or one SIP message the tool
 *    wraps in a frame) through the program with vosfp_test_packet_ex, on a
 *    scratch copy of the pin root (as replay does), so that the dry run
 *    neither moves the live counters nor bans anyone for real.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "opts.h"
#include "replay.h"
#include "sip_frame.h"

/* A frame or a SIP message larger than this is not one packet. */
#define MAX_FILE (64 * 1024)
#define ETH_HDR 14
/* What --from and --to say when not given: documentation addresses
 * (RFC 5737, RFC 3849) and the SIP port. */
#define DEFAULT_FROM4 "192.0.2.10"
#define DEFAULT_TO4 "198.51.100.1"
#define DEFAULT_FROM6 "2001:db8::10"
#define DEFAULT_TO6 "2001:db8::1"

enum { OPT_JSON = OPT_CMD, OPT_FRAME, OPT_SIP, OPT_FROM, OPT_TO };

static const struct cli_opt test_opts[] = {
	{ "json", OPT_JSON, NULL, "one JSON object (schema 1)" },
	{ "frame", OPT_FRAME, "FILE",
	  "run one raw Ethernet frame (its bytes) through the program" },
	{ "sip", OPT_SIP, "FILE", "run one SIP message, wrapped in an Ethernet/IP/UDP frame" },
	{ "from", OPT_FROM, "ADDRESS[:PORT]",
	  "--sip: the source (default " DEFAULT_FROM4 ":5060, or " DEFAULT_FROM6 ")" },
	{ "to", OPT_TO, "ADDRESS[:PORT]",
	  "--sip: the destination (default " DEFAULT_TO4 ", port: the first SIP port)" },
	{ NULL, 0, NULL, NULL },
};

static const char *verdict_name(int v)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };

	return v >= 0 && v < (int)(sizeof(names) / sizeof(names[0])) ? names[v] : "unknown";
}

static const char *ban_table(int ban)
{
	return ban == VOSFP_EXPLAIN_BAN_MANUAL ? "manual"
	       : ban == VOSFP_EXPLAIN_BAN_AUTO ? "automatic" : "none";
}

static void ttl_member(struct jsonw *j, uint32_t left)
{
	jsonw_bool(j, "permanent", !left);
	jsonw_uint(j, "ttl_left", left);
}

static void list_json(struct jsonw *j, const char *key, uint32_t matches, const char *prefix,
		      uint32_t left)
{
	jsonw_begin_object(j, key);
	jsonw_uint(j, "matches", matches);
	if (matches) {
		jsonw_string(j, "prefix", prefix);
		ttl_member(j, left);
	}
	jsonw_end_object(j);
}

static void list_text(const char *name, uint32_t matches, const char *prefix, uint32_t left)
{
	if (!matches) {
		printf("%s: no entry\n", name);
		return;
	}
	printf("%s: %s (", name, prefix);
	if (left)
		printf("%us left", left);
	else
		printf("permanent");
	if (matches > 1)
		printf("; %u entries cover it", matches);
	printf(")\n");
}

static void explain_print(const struct vosfp_explain *e, int json)
{
	if (json) {
		struct jsonw j;

		jsonw_document(&j, stdout);
		jsonw_string(&j, "address", e->addr);
		jsonw_uint(&j, "family", (uint64_t)e->family);
		list_json(&j, "block", e->block_matches, e->block_prefix, e->block_ttl_left);
		list_json(&j, "allow", e->allow_matches, e->allow_prefix, e->allow_ttl_left);
		jsonw_begin_object(&j, "ban");
		jsonw_string(&j, "table", ban_table(e->ban));
		if (e->ban) {
			jsonw_string(&j, "reason", vosfp_counter_name(e->ban_reason)
							   ? vosfp_counter_name(e->ban_reason)
							   : "unknown");
			ttl_member(&j, e->ban_ttl_left);
		}
		jsonw_end_object(&j);
		jsonw_begin_object(&j, "verified");
		jsonw_bool(&j, "verified", e->verified);
		if (e->verified)
			jsonw_uint(&j, "ttl_left", e->verified_ttl_left);
		jsonw_end_object(&j);
		jsonw_begin_object(&j, "rate");
		jsonw_uint(&j, "limit", e->rate_limit);
		jsonw_uint(&j, "burst", e->rate_burst);
		jsonw_bool(&j, "tracked", e->rate_tracked);
		jsonw_uint(&j, "tokens", e->rate_tokens);
		jsonw_end_object(&j);
		jsonw_string(&j, "verdict", verdict_name(e->verdict));
		jsonw_string(&j, "reason", vosfp_counter_name(e->reason));
		jsonw_string(&j, "decision", e->decision);
		jsonw_end_object(&j);
		jsonw_finish(&j);
		return;
	}
	printf("source: %s (IPv%d)\n", e->addr, e->family);
	list_text("block", e->block_matches, e->block_prefix, e->block_ttl_left);
	if (e->ban) {
		const char *why = vosfp_counter_name(e->ban_reason);

		printf("ban: %s", ban_table(e->ban));
		if (e->ban == VOSFP_EXPLAIN_BAN_AUTO)
			printf(", %s", why ? why : "unknown reason");
		if (e->ban_ttl_left)
			printf(" (%us left)\n", e->ban_ttl_left);
		else
			printf(" (permanent)\n");
	} else {
		printf("ban: none\n");
	}
	list_text("allow", e->allow_matches, e->allow_prefix, e->allow_ttl_left);
	if (e->verified)
		printf("verified: yes (%us left)\n", e->verified_ttl_left);
	else
		printf("verified: no\n");
	if (!e->rate_limit)
		printf("rate limit: off\n");
	else
		printf("rate limit: %u/s, burst %u: %u requests left now%s\n", e->rate_limit,
		       e->rate_burst, e->rate_tokens, e->rate_tracked ? "" : " (not tracked yet)");
	printf("decision for a SIP request: %s\n", e->decision);
}

/* The pin root test reads, opened only if it is there: opening creates a
 * root, and a dry run against a root made for it (a mistyped --pin-root)
 * would report the defaults' verdict as if it were a filter's. */
static struct vosfp *open_existing(struct cli *cli)
{
	const char *root = cli->pin_root ? cli->pin_root : VOSFP_DEFAULT_PIN_ROOT;
	struct stat st;

	if (stat(root, &st) && errno == ENOENT) {
		fprintf(stderr,
			"vosfp: %s: %s: no such pin root: nothing to test against (attach or "
			"configure the filter there first, or give the --pin-root it uses)\n",
			cli->command, root);
		return NULL;
	}
	return cli_open(cli);
}

static int explain(struct cli *cli, const char *addr, int json)
{
	VOSFP_OPTS(explain, e);
	char why[256];
	int err;

	/* A usage error before privileges come into it (the library checks
	 * again, for its other callers). */
	if (strchr(addr, '/'))
		return cli_usage(cli, "%s: a source is one address, not a prefix", addr);
	if (vosfp_prefix_check(addr, NULL, 0, why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	if (!open_existing(cli))
		return EXIT_FAIL;
	err = vosfp_explain_source(cli->h, addr, &e);
	if (err == -EINVAL)
		return cli_usage(cli, "%s", vosfp_last_error(cli->h));
	if (err)
		return cli_fail(cli, err);
	explain_print(&e, json);
	return EXIT_OK;
}

/* The whole file, 1 to MAX_FILE bytes; prints the error. */
static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "vosfp: test: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > MAX_FILE) {
		fprintf(stderr, "vosfp: test: %s: %s\n", path,
			!S_ISREG(st.st_mode) ? "not a regular file"
			: st.st_size ? "larger than 64 KiB: not one packet" : "empty file");
		close(fd);
		return -1;
	}
	*buf = malloc((size_t)st.st_size);
	if (!*buf) {
		fprintf(stderr, "vosfp: test: out of memory\n");
		close(fd);
		return -1;
	}
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "vosfp: test: %s: %s\n", path,
			n < 0 ? strerror(errno) : "changed while read");
		free(*buf);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/* A frame the program can parse starts with an Ethernet II header whose
 * EtherType is IP or a VLAN tag; what else a file holds (a SIP message, a
 * pcap file) is a mistake the verdict would hide (it would pass). */
static int check_frame(const char *path, const uint8_t *f, size_t len)
{
	unsigned type;

	if (len < ETH_HDR) {
		fprintf(stderr, "vosfp: test: %s: %zu bytes: not an Ethernet frame (its header "
			"alone is 14)\n", path, len);
		return -1;
	}
	type = (unsigned)f[12] << 8 | f[13];
	if (type != 0x0800 && type != 0x86dd && type != 0x8100 && type != 0x88a8) {
		fprintf(stderr, "vosfp: test: %s: not an Ethernet frame carrying IPv4 or IPv6 "
			"(EtherType 0x%04x)%s\n", path, type,
			len > 4 && !memcmp(f, "\xd4\xc3\xb2\xa1", 4) ? "; a pcap file goes to "
								       "vosfp replay"
			: "; a SIP message goes with --sip");
		return -1;
	}
	return 0;
}

static int endpoint(struct cli *cli, const char *text, const char *opt, struct sip_endpoint *ep)
{
	char why[128];

	if (sip_endpoint_parse(text, ep, why, sizeof(why)))
		return cli_usage(cli, "%s: %s", opt, why);
	return 0;
}

/* The frame for --sip: the message from --from to --to. */
static int sip_wrap(struct cli *cli, const char *from_text, const char *to_text,
		    const uint8_t *msg, size_t len, uint8_t **frame, size_t *flen)
{
	struct sip_endpoint from, to;
	uint16_t ports[VOSFP_MAX_PORTS];
	int family, n;

	if ((from_text && endpoint(cli, from_text, "--from", &from)) ||
	    (to_text && endpoint(cli, to_text, "--to", &to)))
		return EXIT_USAGE;
	/* The defaults follow the family of the endpoint given, if any. */
	family = from_text ? from.family : to_text ? to.family : AF_INET;
	if ((!from_text && endpoint(cli, family == AF_INET ? DEFAULT_FROM4 : DEFAULT_FROM6,
				    "--from", &from)) ||
	    (!to_text && endpoint(cli, family == AF_INET ? DEFAULT_TO4 : DEFAULT_TO6, "--to",
				  &to)))
		return EXIT_USAGE;
	if (from.family != to.family)
		return cli_usage(cli, "--from and --to must be both IPv4 or both IPv6");
	if (!from.port)
		from.port = 5060;
	if (!to.port) {
		n = vosfp_config_get_ports(cli->h, ports, VOSFP_MAX_PORTS);
		if (n < 0)
			return cli_fail(cli, n);
		to.port = n ? ports[0] : 5060;
	}
	*flen = sip_frame_len(from.family, len);
	*frame = malloc(*flen);
	if (!*frame) {
		fprintf(stderr, "vosfp: test: out of memory\n");
		return EXIT_FAIL;
	}
	sip_frame_build(&from, &to, msg, len, *frame);
	return EXIT_OK;
}

static int run_one(struct cli *cli, const uint8_t *frame, size_t len, int json)
{
	VOSFP_OPTS(test_packet_opts, o);
	char root[4096];
	struct vosfp *scratch = NULL;
	int rc = EXIT_FAIL, err;

	replay_signals();
	if (replay_stop || replay_scratch_open(cli, &scratch, root, sizeof(root)) || replay_stop)
		goto out;
	err = vosfp_test_packet_ex(scratch, frame, len, &o);
	if (err) {
		fprintf(stderr, "vosfp: test: %s\n", vosfp_last_error(scratch));
		goto out;
	}
	if (json) {
		struct jsonw j;

		jsonw_document(&j, stdout);
		jsonw_string(&j, "verdict", verdict_name(o.verdict));
		jsonw_string(&j, "reason", o.reason >= 0 ? vosfp_counter_name(o.reason)
					   : o.reason == VOSFP_REASON_NONE ? "none" : "unknown");
		jsonw_uint(&j, "bytes", len);
		jsonw_end_object(&j);
		jsonw_finish(&j);
	} else {
		printf("verdict: %s\n", verdict_name(o.verdict));
		printf("reason: %s\n", o.reason >= 0 ? vosfp_counter_name(o.reason)
				       : o.reason == VOSFP_REASON_NONE
					       ? "none (not the filter's: passed uncounted)"
					       : "unknown (other traffic counted meanwhile)");
	}
	rc = EXIT_OK;
out:
	replay_scratch_close(scratch, root);
	if (replay_stop) {
		fprintf(stderr, "vosfp: test: %s, stopped; scratch root removed\n",
			strsignal(replay_stop));
		rc = 128 + replay_stop;
	}
	return rc;
}

static int run_test(struct cli *cli, int argc, char **argv)
{
	const char *frame_path = NULL, *sip_path = NULL, *from = NULL, *to = NULL;
	uint8_t *data = NULL, *frame = NULL;
	size_t len = 0, flen = 0;
	struct cli_args a;
	int json = 0, rc, c;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_FRAME)
			frame_path = a.optarg;
		else if (c == OPT_SIP)
			sip_path = a.optarg;
		else if (c == OPT_FROM)
			from = a.optarg;
		else
			to = a.optarg;
	}
	if (c < 0)
		return a.rc;
	if (!!frame_path + !!sip_path + !!a.npos != 1 || a.npos > 1)
		return cli_usage(cli, "expected one of ADDRESS, --frame FILE or --sip FILE");
	if ((from || to) && !sip_path)
		return cli_usage(cli, "--from and --to go with --sip");
	if (a.npos)
		return explain(cli, a.pos[0], json);

	if (read_file(frame_path ? frame_path : sip_path, &data, &len))
		return EXIT_FAIL;
	if (frame_path) {
		rc = check_frame(frame_path, data, len) ? EXIT_FAIL : EXIT_OK;
		if (rc == EXIT_OK)
			rc = open_existing(cli) ? run_one(cli, data, len, json) : EXIT_FAIL;
		free(data);
		return rc;
	}
	rc = open_existing(cli) ? sip_wrap(cli, from, to, data, len, &frame, &flen) : EXIT_FAIL;
	if (rc == EXIT_OK)
		rc = run_one(cli, frame, flen, json);
	free(frame);
	free(data);
	return rc;
}

const struct cli_cmd cmd_test = {
	"test", run_test,
	"ADDRESS [--json] | --frame FILE [--json] | --sip FILE [--from ADDRESS[:PORT]] "
	"[--to ADDRESS[:PORT]] [--json]",
	"ADDRESS: explain what the filter does with that source: the block and allow\n"
	"entries covering it, its ban, whether it is verified, its rate-limit state, and\n"
	"the decision for a SIP request from it. Reads only.\n"
	"--frame, --sip: run one frame, or one SIP message wrapped in a frame, through\n"
	"the program on a scratch copy of the policy (live counters and bans untouched)\n"
	"and print the verdict and the reason counter.\n",
	test_opts,
};
