// SPDX-License-Identifier: BSD-2-Clause
/*
 * The configuration file (settings.h). It is read before the options, so
 * that an option on the command line overrides the file; anything wrong in
 * it stops the command before it opens the library, since a command that
 * ignored a bad line could create a root with other capacities than the
 * ones the next command reads.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settings.h"
#include "number.h"

enum { KEY_PIN_ROOT, KEY_BLOCK_CAPACITY, KEY_ALLOW_CAPACITY, NKEYS };

static const char *const key_names[NKEYS] = { "pin_root", "block_capacity", "allow_capacity" };

struct settings {
	char pin_root[PATH_MAX];
	uint32_t capacity[2];
	int line[NKEYS]; /* the line that set each key; 0: not set */
};

/* cli->pin_root points here once the file names one. */
static char file_pin_root[PATH_MAX];

static int bad_line(const char *path, int line, const char *fmt, const char *arg)
{
	fprintf(stderr, "vosfp: %s:%d: ", path, line);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

static int parse_line(const char *path, int n, char *text, struct settings *s)
{
	char *line = trim(text), *eq, *key, *value;
	int k;

	if (!*line || *line == '#')
		return EXIT_OK;
	eq = strchr(line, '=');
	if (!eq)
		return bad_line(path, n, "expected KEY=VALUE, got '%s'", line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (k = 0; k < NKEYS; k++)
		if (!strcmp(key, key_names[k]))
			break;
	if (k == NKEYS)
		return bad_line(path, n,
				"unknown key '%s' (known: pin_root, block_capacity, allow_capacity)",
				key);
	if (s->line[k]) {
		fprintf(stderr, "vosfp: %s:%d: %s set again (first on line %d)\n", path, n, key,
			s->line[k]);
		return EXIT_FAIL;
	}
	if (!*value)
		return bad_line(path, n, "%s has no value", key);
	if (k == KEY_PIN_ROOT) {
		if (value[0] != '/')
			return bad_line(path, n, "pin_root must be an absolute path, not '%s'",
					value);
		if (strlen(value) >= sizeof(s->pin_root))
			return bad_line(path, n, "%s is too long", key);
		strcpy(s->pin_root, value);
	} else {
		int l = k == KEY_BLOCK_CAPACITY ? VOSFP_LIST_BLOCK : VOSFP_LIST_ALLOW;

		if (parse_count(value, UINT32_MAX, &s->capacity[l])) {
			fprintf(stderr, "vosfp: %s:%d: %s must be a number of entries from 1 to "
				"%u, not '%s'\n", path, n, key, UINT32_MAX, value);
			return EXIT_FAIL;
		}
	}
	s->line[k] = n;
	return EXIT_OK;
}

static int parse_file(const char *path, FILE *f, struct settings *s)
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0, rc = EXIT_OK;

	errno = 0;
	while (rc == EXIT_OK && (len = getline(&text, &cap, f)) >= 0) {
		n++;
		if (strlen(text) != (size_t)len)
			rc = bad_line(path, n, "%s", "holds a NUL byte (not a text file?)");
		else
			rc = parse_line(path, n, text, s);
		errno = 0;
	}
	if (rc == EXIT_OK && ferror(f)) {
		fprintf(stderr, "vosfp: cannot read %s: %s\n", path, strerror(errno ? errno : EIO));
		rc = EXIT_FAIL;
	}
	free(text);
	return rc;
}

/* Takes --config out of argv (before or after the command, like
 * --pin-root). */
static int take_option(struct cli *cli, int *argc, char **argv, const char **path)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *val;

		if (!strcmp(argv[i], "--")) { /* what follows is an argument */
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= *argc)
				return cli_usage(cli, "--config needs a file");
			val = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			val = argv[i] + 9;
		} else {
			argv[out++] = argv[i];
			continue;
		}
		if (*path)
			return cli_usage(cli, "--config given twice");
		if (!*val)
			return cli_usage(cli, "--config needs a file");
		*path = val;
	}
	*argc = out;
	argv[out] = NULL;
	return EXIT_OK;
}

int settings_load(struct cli *cli, int *argc, char **argv)
{
	struct settings s = { 0 };
	const char *path = NULL, *env = getenv("VOSFP_CONFIG");
	struct stat st;
	FILE *f;
	int rc;

	rc = take_option(cli, argc, argv, &path);
	if (rc != EXIT_OK)
		return rc;
	if (!path && env) {
		if (!*env) {
			fprintf(stderr, "vosfp: VOSFP_CONFIG is empty: name a file (/dev/null for "
				"none)\n");
			return EXIT_FAIL;
		}
		path = env;
	}
	f = fopen(path ? path : VOSFP_DEFAULT_CONFIG, "re");
	if (!f) {
		/* Only the default may be missing: a file named on purpose that
		 * is not there must not mean "no settings". */
		if (!path && errno == ENOENT)
			return EXIT_OK;
		fprintf(stderr, "vosfp: cannot read %s: %s\n", path ? path : VOSFP_DEFAULT_CONFIG,
			strerror(errno));
		return EXIT_FAIL;
	}
	if (!path)
		path = VOSFP_DEFAULT_CONFIG;
	/* Whoever can write the file chooses the root and capacities that
	 * root's commands use. */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) {
		fprintf(stderr, "vosfp: %s is writable by every user; refusing it (chmod o-w %s)\n",
			path, path);
		fclose(f);
		return EXIT_FAIL;
	}
	rc = parse_file(path, f, &s);
	fclose(f);
	if (rc != EXIT_OK)
		return rc;
	if (s.line[KEY_PIN_ROOT]) {
		strcpy(file_pin_root, s.pin_root);
		cli->pin_root = file_pin_root;
	}
	for (int l = 0; l < 2; l++)
		if (s.capacity[l])
			cli->capacity[l] = s.capacity[l];
	return EXIT_OK;
}
