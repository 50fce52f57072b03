// SPDX-License-Identifier: BSD-2-Clause
/* agent: the node daemon (agent/), run by the tool so that it shares the
 * tool's pin root handling and its `sync --watch`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "commands.h"
#include "control_client.h"
#include "opts.h"

static const char expected[] =
	"expected [--control-group GROUP] [--amqp URL] [--amqp-credentials FILE] [--amqp-ca FILE] "
	"[--exchange NAME] [--node NAME] "
	"[--metrics ADDR:PORT] [--min-prefix4 N] [--min-prefix6 N] [--max-ttl DURATION] "
	"[--sync LIST=FILE...]";

static int parse_len(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (!*text || *end || text[0] == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Each --sync entry as `vosfp sync` takes it; checked here so that a typo
 * is a usage error now rather than a dead child later. */
static int sync_entry(const char *arg)
{
	const char *eq = strchr(arg, '=');

	return eq && eq[1] && ((eq - arg == 5 && !strncmp(arg, "block", 5)) ||
			       (eq - arg == 5 && !strncmp(arg, "allow", 5)));
}

enum {
	OPT_CONTROL_GROUP = OPT_CMD,
	OPT_AMQP,
	OPT_AMQP_CREDENTIALS,
	OPT_AMQP_CA,
	OPT_EXCHANGE,
	OPT_NODE,
	OPT_METRICS,
	OPT_MIN_PREFIX4,
	OPT_MIN_PREFIX6,
	OPT_MAX_TTL,
	OPT_SYNC,
};

static const struct cli_opt agent_opts[] = {
	{ "control-group", OPT_CONTROL_GROUP, "GROUP",
	  "group that may use the control socket (default " AGENT_DEFAULT_GROUP ")" },
	{ "amqp", OPT_AMQP, "URL", "the fleet's RabbitMQ broker (amqp:// or amqps://)" },
	{ "amqp-credentials", OPT_AMQP_CREDENTIALS, "FILE", "user and password for the broker" },
	{ "amqp-ca", OPT_AMQP_CA, "FILE", "CA certificates for amqps://" },
	{ "exchange", OPT_EXCHANGE, "NAME", "the fanout exchange (default vosfp)" },
	{ "node", OPT_NODE, "NAME", "this node's name in events (default the host name)" },
	{ "metrics", OPT_METRICS, "ADDR:PORT", "serve the agent's own metrics" },
	{ "min-prefix4", OPT_MIN_PREFIX4, "N", "shortest IPv4 prefix taken from the fleet" },
	{ "min-prefix6", OPT_MIN_PREFIX6, "N", "shortest IPv6 prefix taken from the fleet" },
	{ "max-ttl", OPT_MAX_TTL, "DURATION", "longest ban or TTL taken from the fleet and "
	  "non-root clients (default 1y; permanent: no bound)" },
	{ "sync", OPT_SYNC, "LIST=FILE", "keep a list equal to a file (repeatable; more "
	  "LIST=FILE may follow)" },
	{ NULL, 0, NULL, NULL },
};

static int add_sync(struct cli *cli, struct agent_opts *o, const char *entry)
{
	if (!sync_entry(entry))
		return cli_usage(cli, "--sync: '%s' is not block=FILE or allow=FILE", entry);
	if (!strcmp(strchr(entry, '=') + 1, "-"))
		return cli_usage(cli, "--sync: '%s': a synced file is read again when it "
				 "changes, standard input cannot be", entry);
	if (o->nsync == AGENT_MAX_SYNC)
		return cli_usage(cli, "--sync: at most %d files", AGENT_MAX_SYNC);
	o->sync[o->nsync++] = entry;
	return EXIT_OK;
}

static int run_agent(struct cli *cli, int argc, char **argv)
{
	static char self[PATH_MAX];
	struct agent_opts o = { .pin_root = cli->pin_root,
				.control_group = AGENT_DEFAULT_GROUP,
				.exchange = "vosfp",
				.min_prefix4 = AGENT_DEFAULT_MIN_PREFIX4,
				.min_prefix6 = AGENT_DEFAULT_MIN_PREFIX6,
				.max_ttl = AGENT_DEFAULT_MAX_TTL };
	const char **str[] = {
		[OPT_CONTROL_GROUP - OPT_CMD] = &o.control_group,
		[OPT_AMQP - OPT_CMD] = &o.amqp,
		[OPT_AMQP_CREDENTIALS - OPT_CMD] = &o.amqp_credentials,
		[OPT_AMQP_CA - OPT_CMD] = &o.amqp_ca,
		[OPT_EXCHANGE - OPT_CMD] = &o.exchange,
		[OPT_NODE - OPT_CMD] = &o.node,
		[OPT_METRICS - OPT_CMD] = &o.metrics,
	};
	struct cli_args a;
	ssize_t n;
	int c, rc;

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0) {
		const char *val = a.optarg;

		if (!*val)
			return cli_usage(cli, "--%s needs a value", agent_opts[c - OPT_CMD].name);
		if (c < OPT_MIN_PREFIX4) { /* the text options come first in the enum */
			*str[c - OPT_CMD] = val;
		} else if (c == OPT_SYNC) {
			rc = add_sync(cli, &o, val);
			if (rc != EXIT_OK)
				return rc;
		} else if (c == OPT_MAX_TTL && !strcmp(val, "permanent")) {
			o.max_ttl = 0; /* no bound: permanent bans and blocks taken too */
		} else if ((c == OPT_MIN_PREFIX4 && parse_len(val, 32, &o.min_prefix4)) ||
			   (c == OPT_MIN_PREFIX6 && parse_len(val, 128, &o.min_prefix6)) ||
			   (c == OPT_MAX_TTL && vosfp_duration_parse(val, &o.max_ttl))) {
			return cli_usage(cli, "bad value '%s' for --%s", val,
					 agent_opts[c - OPT_CMD].name);
		}
	}
	if (c < 0)
		return a.rc;
	/* `--sync block=A allow=B`: the entries after the first are
	 * positionals to getopt. */
	if (a.npos && !o.nsync)
		return cli_usage(cli, "unexpected '%s'; %s", a.pos[0], expected);
	for (int i = 0; i < a.npos; i++) {
		rc = add_sync(cli, &o, a.pos[i]);
		if (rc != EXIT_OK)
			return rc;
	}
	/* After the options: --control may stand among them. */
	o.control = control_path(cli);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "vosfp: agent: cannot find its own executable\n");
		return EXIT_FAIL;
	}
	self[n] = '\0';
	o.self_exe = self;
	if (!cli_open(cli))
		return EXIT_FAIL;
	o.h = cli->h;
	return agent_run(&o) ? EXIT_FAIL : EXIT_OK;
}

const struct cli_cmd cmd_agent = {
	"agent", run_agent,
	"[--amqp URL] [--sync LIST=FILE...] [OPTIONS]",
	"The node agent: owns the pin root, serves the control socket (ban, unban, block,\n"
	"unblock and list bans for callers without CAP_BPF), joins the fleet over\n"
	"RabbitMQ and publishes the program's automatic bans.\n",
	agent_opts,
};
