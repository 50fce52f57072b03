// SPDX-License-Identifier: BSD-2-Clause
/* One request, one answer line over the agent's Unix socket. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "control_client.h"
#include "json.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#define ANSWER_TIMEOUT_S 10

/* 1 if the effective set holds CAP_BPF or CAP_SYS_ADMIN. */
static int can_bpf(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return 1; /* cannot tell: try directly, the library names the error */
	return !!(data[CAP_BPF / 32].effective & (1u << (CAP_BPF % 32))) ||
	       !!(data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32)));
}

const char *control_path(const struct cli *cli)
{
	const char *env = getenv("VOSFP_CONTROL");

	if (cli->control)
		return cli->control;
	return env && *env ? env : CONTROL_DEFAULT_PATH;
}

const char *control_wanted(const struct cli *cli)
{
	struct stat st;

	/* With CAP_BPF the tool changes the maps itself, as it always did. */
	if (can_bpf())
		return NULL;
	if (cli->control || getenv("VOSFP_CONTROL"))
		return control_path(cli); /* named: an absent socket is an error */
	if (!stat(CONTROL_DEFAULT_PATH, &st) && S_ISSOCK(st.st_mode))
		return CONTROL_DEFAULT_PATH;
	return NULL;
}

static int connect_to(struct cli *cli, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vosfp: %s: %s: socket path too long\n", cli->command, path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "vosfp: %s: cannot reach the agent at %s: %s%s\n", cli->command,
			path, strerror(errno),
			errno == EACCES ? " (is this user in the socket's group?)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends req (one line) and reads the answer; the stream stays open for the
 * lines that follow `bans`. NULL (message printed) on failure. */
static FILE *ask(struct cli *cli, const char *path, const char *req, char *answer, size_t len)
{
	int fd = connect_to(cli, path);
	size_t n = strlen(req);
	FILE *in;

	if (fd < 0)
		return NULL;
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n || !(in = fdopen(fd, "r"))) {
		fprintf(stderr, "vosfp: %s: %s: %s\n", cli->command, path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!fgets(answer, (int)len, in) || !strchr(answer, '\n')) {
		fprintf(stderr, "vosfp: %s: %s: no answer from the agent\n", cli->command, path);
		fclose(in);
		return NULL;
	}
	answer[strcspn(answer, "\n")] = '\0';
	return in;
}

/* "error CODE message" -> the message on stderr, and the exit status. */
static int refused(struct cli *cli, const char *answer)
{
	const char *code = answer + 6, *msg = strchr(code, ' ');
	int usage = !strncmp(code, "usage ", 6) || !strncmp(code, "invalid ", 8);

	if (strncmp(answer, "error ", 6) || !msg) {
		fprintf(stderr, "vosfp: %s: unexpected answer from the agent: %s\n", cli->command,
			answer);
		return EXIT_FAIL;
	}
	fprintf(stderr, "vosfp: %s: %s\n", cli->command, msg + 1);
	return usage ? EXIT_USAGE : EXIT_FAIL;
}

static int simple(struct cli *cli, const char *path, const char *req, char *answer,
		  size_t len)
{
	FILE *in = ask(cli, path, req, answer, len);

	if (!in)
		return EXIT_FAIL;
	fclose(in);
	return strncmp(answer, "ok ", 3) ? refused(cli, answer) : EXIT_OK;
}

int control_ban(struct cli *cli, const char *path, const char *addr, uint32_t ttl)
{
	char req[256], answer[1024];
	int rc;

	if (ttl)
		snprintf(req, sizeof(req), "ban %s %u\n", addr, ttl);
	else
		snprintf(req, sizeof(req), "ban %s permanent\n", addr);
	rc = simple(cli, path, req, answer, sizeof(answer));
	if (rc == EXIT_OK && ttl)
		printf("%s: banned for %u seconds\n", addr, ttl);
	else if (rc == EXIT_OK)
		printf("%s: banned permanently\n", addr);
	return rc;
}

int control_unban(struct cli *cli, const char *path, const char *addr)
{
	char req[256], answer[1024];
	int rc;

	snprintf(req, sizeof(req), "unban %s\n", addr);
	rc = simple(cli, path, req, answer, sizeof(answer));
	if (rc == EXIT_OK)
		printf("%s: ban lifted\n", addr);
	return rc;
}

int control_block(struct cli *cli, const char *path, int remove, const char *cidr,
		  uint32_t ttl)
{
	char req[256], answer[1024];
	int rc;

	if (remove)
		snprintf(req, sizeof(req), "unblock %s\n", cidr);
	else if (ttl)
		snprintf(req, sizeof(req), "block %s %u\n", cidr, ttl);
	else
		snprintf(req, sizeof(req), "block %s\n", cidr); /* permanent */
	rc = simple(cli, path, req, answer, sizeof(answer));
	if (rc != EXIT_OK)
		return rc;
	if (remove)
		printf("%s: removed from the block list\n", cidr);
	else if (ttl)
		printf("%s: added to the block list, expires in %u s\n", cidr, ttl);
	else
		printf("%s: added to the block list\n", cidr);
	return EXIT_OK;
}

int control_list_bans(struct cli *cli, const char *path, int json)
{
	char answer[1024], line[256], addr[64], why[32];
	unsigned ttl;
	long n;
	struct jsonw j;
	FILE *in = ask(cli, path, "bans\n", answer, sizeof(answer));

	if (!in)
		return EXIT_FAIL;
	if (strncmp(answer, "ok ", 3)) {
		fclose(in);
		return refused(cli, answer);
	}
	n = strtol(answer + 3, NULL, 10);
	if (json) {
		jsonw_document(&j, stdout);
		jsonw_string(&j, "list", "bans");
		jsonw_begin_array(&j, "bans");
	}
	for (long i = 0; i < n; i++) {
		if (!fgets(line, sizeof(line), in) ||
		    sscanf(line, "%63s %u %31s", addr, &ttl, why) != 3) {
			fprintf(stderr, "vosfp: %s: the agent's answer ended early\n",
				cli->command);
			fclose(in);
			return EXIT_FAIL;
		}
		bans_row(&j, json, addr, ttl, why); /* the agent's 0: permanent */
	}
	fclose(in);
	if (json) {
		jsonw_end_array(&j);
		jsonw_end_object(&j);
		jsonw_finish(&j);
	}
	return EXIT_OK;
}
