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

int cmd_agent(struct cli *cli, int argc, char **argv)
{
	static char self[PATH_MAX];
	struct agent_opts o = { .pin_root = cli->pin_root,
				.control = control_path(cli),
				.control_group = AGENT_DEFAULT_GROUP,
				.exchange = "vosfp",
				.min_prefix4 = AGENT_DEFAULT_MIN_PREFIX4,
				.min_prefix6 = AGENT_DEFAULT_MIN_PREFIX6,
				.max_ttl = AGENT_DEFAULT_MAX_TTL };
	ssize_t n;

	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--sync")) {
			if (!val || !sync_entry(val))
				return cli_usage(cli, "--sync takes block=FILE and allow=FILE "
						 "entries");
			while (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
				if (!sync_entry(argv[i + 1]))
					return cli_usage(cli, "--sync: '%s' is not block=FILE or "
							 "allow=FILE", argv[i + 1]);
				if (o.nsync == AGENT_MAX_SYNC)
					return cli_usage(cli, "--sync: at most %d files",
							 AGENT_MAX_SYNC);
				o.sync[o.nsync++] = argv[++i];
			}
			continue;
		}
		if (!val || !*val)
			return cli_usage(cli, "%s", expected);
		if (!strcmp(opt, "--control-group"))
			o.control_group = val;
		else if (!strcmp(opt, "--amqp"))
			o.amqp = val;
		else if (!strcmp(opt, "--amqp-credentials"))
			o.amqp_credentials = val;
		else if (!strcmp(opt, "--amqp-ca"))
			o.amqp_ca = val;
		else if (!strcmp(opt, "--exchange"))
			o.exchange = val;
		else if (!strcmp(opt, "--node"))
			o.node = val;
		else if (!strcmp(opt, "--metrics"))
			o.metrics = val;
		else if (!strcmp(opt, "--min-prefix4") && !parse_len(val, 32, &o.min_prefix4))
			;
		else if (!strcmp(opt, "--min-prefix6") && !parse_len(val, 128, &o.min_prefix6))
			;
		else if (!strcmp(opt, "--max-ttl") && !vosfp_duration_parse(val, &o.max_ttl))
			;
		else
			return cli_usage(cli, "bad option '%s %s'; %s", opt, val, expected);
		i++;
	}
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
