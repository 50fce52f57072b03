// SPDX-License-Identifier: BSD-2-Clause
/* ports, config */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config_check.h"
#include "json.h"
#include "opts.h"

static int known_key(const char *key)
{
	for (int i = 0; vosfp_config_key_name(i); i++)
		if (!strcmp(key, vosfp_config_key_name(i)))
			return 1;
	return 0;
}

static int print_key(struct cli *cli, const char *key)
{
	char value[512];
	int err = vosfp_config_get(cli->h, key, value, sizeof(value));

	if (err)
		return cli_fail(cli, err);
	printf("%s = %s\n", key, value);
	return EXIT_OK;
}

static int set_key(struct cli *cli, const char *key, const char *value)
{
	int err = vosfp_config_set(cli->h, key, value);

	if (err == -EINVAL) { /* a bad value is the caller's mistake */
		fprintf(stderr, "vosfp: %s: %s\n", cli->command, vosfp_last_error(cli->h));
		return EXIT_USAGE;
	}
	if (err)
		return cli_fail(cli, err);
	return print_key(cli, key);
}

static int run_ports(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	char why[256];

	cli_args_init(&a, cli, argc, argv);
	if (cli_args_simple(&a, 0, 1))
		return a.rc;
	/* The message names the key for config; here the command says it. */
	if (a.npos && config_value_check("ports", a.pos[0], why, sizeof(why)))
		return cli_usage(cli, "%s", strncmp(why, "ports: ", 7) ? why : why + 7);
	if (!cli_open(cli))
		return EXIT_FAIL;
	return a.npos ? set_key(cli, "ports", a.pos[0]) : print_key(cli, "ports");
}

const struct cli_cmd cmd_ports = {
	"ports", run_ports, "[PORT[,PORT...]]",
	"Print the SIP ports the filter inspects (UDP and TCP), or set them: 1 to 16\n"
	"distinct ports. Everything else passes untouched.\n",
	NULL,
};

enum { OPT_JSON = OPT_CMD };

static const struct cli_opt config_opts[] = {
	{ "json", OPT_JSON, NULL, "every setting as one JSON object (schema 1)" },
	{ NULL, 0, NULL, NULL },
};

/* A value as JSON of its kind: numbers as numbers, ports as an array of
 * numbers, stealth_methods as an array of method names, on/off as a
 * boolean; what does not parse as its kind stays text rather than being
 * misread. Shared by config --json and status --json. */
void cli_config_json(struct jsonw *j, const char *key, const char *value)
{
	enum config_kind kind = config_value_kind(key);
	char *end;

	if (kind == CONFIG_ON_OFF && (!strcmp(value, "on") || !strcmp(value, "off"))) {
		jsonw_bool(j, key, !strcmp(value, "on"));
	} else if (kind == CONFIG_NUMBER && *value && strtoull(value, &end, 10) < UINT64_MAX &&
		   !*end) {
		jsonw_uint(j, key, strtoull(value, NULL, 10));
	} else if (kind == CONFIG_PORTS && *value && strspn(value, "0123456789,") ==
		   strlen(value)) {
		jsonw_begin_array(j, key);
		for (const char *p = value; *p; p = *end ? end + 1 : end) {
			jsonw_uint(j, NULL, strtoull(p, &end, 10));
			if (end == p) /* an empty field: not what the library prints */
				break;
		}
		jsonw_end_array(j);
	} else if (!strcmp(key, "stealth_methods")) {
		char copy[256];

		snprintf(copy, sizeof(copy), "%s", value);
		jsonw_begin_array(j, key);
		if (strcmp(copy, "none"))
			for (char *save, *m = strtok_r(copy, ",", &save); m;
			     m = strtok_r(NULL, ",", &save))
				jsonw_string(j, NULL, m);
		jsonw_end_array(j);
	} else {
		jsonw_string(j, key, value);
	}
}

static int print_all(struct cli *cli, int json)
{
	char values[32][512];
	struct jsonw j;
	int n = 0;

	for (; vosfp_config_key_name(n) && n < 32; n++) {
		int err = vosfp_config_get(cli->h, vosfp_config_key_name(n), values[n],
					   sizeof(values[n]));

		if (err)
			return cli_fail(cli, err);
	}
	if (!json) {
		for (int i = 0; i < n; i++)
			printf("%s = %s\n    %s\n", vosfp_config_key_name(i), values[i],
			       vosfp_config_key_help(i));
		return EXIT_OK;
	}
	jsonw_document(&j, stdout);
	jsonw_begin_object(&j, "config");
	for (int i = 0; i < n; i++)
		cli_config_json(&j, vosfp_config_key_name(i), values[i]);
	jsonw_end_object(&j);
	jsonw_end_object(&j);
	jsonw_finish(&j);
	return EXIT_OK;
}

static int run_config(struct cli *cli, int argc, char **argv)
{
	struct cli_args a;
	int json = 0, c;
	char why[256];

	cli_args_init(&a, cli, argc, argv);
	while ((c = cli_args_next(&a)) > 0)
		json = 1;
	if (c < 0)
		return a.rc;
	if (a.npos > 2 || (json && a.npos))
		return cli_usage(cli, "expected %s", cli->cmd->synopsis);
	if (a.npos >= 1 && !known_key(a.pos[0]))
		return cli_usage(cli, "unknown key '%s' (see `vosfp config`)", a.pos[0]);
	if (a.npos == 2 && config_value_check(a.pos[0], a.pos[1], why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (a.npos == 2)
		return set_key(cli, a.pos[0], a.pos[1]);
	if (a.npos == 1)
		return print_key(cli, a.pos[0]);
	return print_all(cli, json);
}

const struct cli_cmd cmd_config = {
	"config", run_config, "[KEY [VALUE]] | --json",
	"Print every setting with its description, one setting, or set one (it takes\n"
	"effect at once, also while attached). Keys: ports, stealth_methods,\n"
	"malformed_drop, trusted_only, user_agents, rate_limit, rate_burst, autoban,\n"
	"ban_ttl, verified_ttl, xsk_redirect, xsk_allowed.\n",
	config_opts,
};
