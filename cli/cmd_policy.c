// SPDX-License-Identifier: BSD-2-Clause
/* block, unblock, allow, unallow, list, load */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"

static int list_by_name(const char *name)
{
	for (int l = 0; l < vosfp_list_count(); l++)
		if (!strcmp(name, vosfp_list_name(l)))
			return l;
	return -1;
}

int cmd_policy_change(struct cli *cli, int argc, char **argv)
{
	const char *c = cli->command;
	int list = (!strcmp(c, "block") || !strcmp(c, "unblock")) ? VOSFP_LIST_BLOCK
								   : VOSFP_LIST_ALLOW;
	int remove = !strncmp(c, "un", 2);
	char why[256];
	int err;

	if (argc != 1)
		return cli_usage(cli, "expected one CIDR (e.g. 192.0.2.0/24 or 2001:db8::/32)");
	if (vosfp_prefix_check(argv[0], NULL, 0, why, sizeof(why)))
		return cli_usage(cli, "%s", why);
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = remove ? vosfp_policy_remove(cli->h, list, argv[0])
		     : vosfp_policy_add(cli->h, list, argv[0]);
	if (err < 0)
		return cli_fail(cli, err);
	if (err == 1)
		printf("%s: already on the %s list\n", argv[0], vosfp_list_name(list));
	else
		printf("%s: %s the %s list\n", argv[0], remove ? "removed from" : "added to",
		       vosfp_list_name(list));
	return EXIT_OK;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	struct vosfp_policy_iter *it;
	int list, json, err;
	struct json j;
	char buf[64];

	if (argc >= 1 && !strcmp(argv[0], "bans")) {
		json = cli_json_flag(argc - 1, argv + 1);
		if (json < 0)
			return cli_usage(cli, "expected bans [--json]");
		return cmd_list_bans(cli, json);
	}
	if (argc < 1 || (list = list_by_name(argv[0])) < 0)
		return cli_usage(cli, "expected block|allow|bans [--json]");
	json = cli_json_flag(argc - 1, argv + 1);
	if (json < 0)
		return cli_usage(cli, "expected block|allow|bans [--json]");
	if (!cli_open(cli))
		return EXIT_FAIL;
	err = vosfp_policy_iter_open(cli->h, list, &it);
	if (err)
		return cli_fail(cli, err);
	if (json) {
		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_string(&j, "list", vosfp_list_name(list));
		json_begin_array(&j, "prefixes");
	}
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
		if (json)
			json_string(&j, NULL, buf);
		else
			puts(buf);
	}
	vosfp_policy_iter_close(it);
	if (json) {
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	}
	return err < 0 ? cli_fail(cli, err) : EXIT_OK;
}

/* One prefix per line; '#' starts a comment; blank lines are skipped. */
struct prefix_file {
	char **prefixes;
	size_t n;
};

static void free_file(struct prefix_file *pf)
{
	for (size_t i = 0; i < pf->n; i++)
		free(pf->prefixes[i]);
	free(pf->prefixes);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Reads and checks the whole file; prints FILE:LINE errors. 0 or -1. */
static int read_prefix_file(const char *path, struct prefix_file *pf)
{
	char *line = NULL, why[256];
	size_t cap = 0, lineno = 0;
	int bad = 0;
	FILE *f;

	memset(pf, 0, sizeof(*pf));
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vosfp: load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *hash = strchr(line, '#'), *text, **grown;

		lineno++;
		if (hash)
			*hash = '\0';
		text = trim(line);
		if (!*text)
			continue;
		if (vosfp_prefix_check(text, NULL, 0, why, sizeof(why))) {
			fprintf(stderr, "vosfp: load: %s:%zu: %s\n", path, lineno, why);
			bad++;
			continue;
		}
		grown = realloc(pf->prefixes, (pf->n + 1) * sizeof(*grown));
		if (!grown || !(grown[pf->n] = strdup(text))) {
			if (grown)
				pf->prefixes = grown;
			fprintf(stderr, "vosfp: load: out of memory\n");
			bad++;
			break;
		}
		pf->prefixes = grown;
		pf->n++;
	}
	free(line);
	if (ferror(f)) {
		fprintf(stderr, "vosfp: load: %s: read error\n", path);
		bad++;
	}
	fclose(f);
	if (bad) {
		fprintf(stderr, "vosfp: load: %s: %d bad line%s, nothing changed\n", path, bad,
			bad == 1 ? "" : "s");
		free_file(pf);
		return -1;
	}
	return 0;
}

int cmd_load(struct cli *cli, int argc, char **argv)
{
	struct prefix_file pf;
	size_t added = 0, present = 0;
	char *was_added;
	int list, err = 0;

	if (argc != 2 || (list = list_by_name(argv[0])) < 0)
		return cli_usage(cli, "expected block|allow FILE");
	if (read_prefix_file(argv[1], &pf))
		return EXIT_FAIL;
	was_added = calloc(pf.n ? pf.n : 1, 1);
	if (!was_added || !cli_open(cli)) {
		free(was_added);
		free_file(&pf);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < pf.n; i++) {
		err = vosfp_policy_add(cli->h, list, pf.prefixes[i]);
		if (err < 0)
			break;
		was_added[i] = err == 0;
		added += err == 0;
		present += err == 1;
		err = 0;
	}
	if (err < 0) {
		/* Undo exactly what this run added, then report the cause. */
		char detail[512];

		snprintf(detail, sizeof(detail), "%s", vosfp_last_error(cli->h));
		for (size_t i = 0; i < pf.n; i++)
			if (was_added[i])
				vosfp_policy_remove(cli->h, list, pf.prefixes[i]);
		fprintf(stderr, "vosfp: load: %s; the %zu prefixes added were removed again, "
			"nothing changed\n", detail, added);
	} else {
		printf("%s: %zu prefixes added to the %s list (%zu already present)\n", argv[1],
		       added, vosfp_list_name(list), present);
	}
	free(was_added);
	free_file(&pf);
	return err < 0 ? EXIT_FAIL : EXIT_OK;
}
