// SPDX-License-Identifier: BSD-2-Clause
/* ports, config */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

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

int cmd_ports(struct cli *cli, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage(cli, "expected [PORT[,PORT...]]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	return argc ? set_key(cli, "ports", argv[0]) : print_key(cli, "ports");
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	if (argc > 2)
		return cli_usage(cli, "expected [KEY [VALUE]]");
	if (argc >= 1 && !known_key(argv[0]))
		return cli_usage(cli, "unknown key '%s' (see `vosfp config`)", argv[0]);
	if (!cli_open(cli))
		return EXIT_FAIL;
	if (argc == 2)
		return set_key(cli, argv[0], argv[1]);
	if (argc == 1)
		return print_key(cli, argv[0]);
	for (int i = 0; vosfp_config_key_name(i); i++) {
		int rc = print_key(cli, vosfp_config_key_name(i));

		if (rc)
			return rc;
		printf("    %s\n", vosfp_config_key_help(i));
	}
	return EXIT_OK;
}
