// SPDX-License-Identifier: BSD-2-Clause
/*
 * A fleet node for the fleet's tests and benchmarks: the real fleet module
 * (agent/fleet.c) against the real broker, driven by lines on stdin, with
 * what it receives on stdout. With --root it applies received events to
 * that pin root through libvosfp, as the agent does (without the agent's
 * safety rules, which are the agent's tests' business).
 *
 * stdin:  ban ADDR TTL [REASON] | unban ADDR | block CIDR [TTL] | unblock CIDR
 *         flood N TTL [FROM]  (N bans of 10.x.y.z) | metrics | quit
 * stdout: queued ID T_US | recv OP ADDR TTL NODE ID T_US | error WHAT
 *         metrics lines, then "end"; T_US: CLOCK_REALTIME in microseconds
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "fleet.h"

static const char *const ops[] = { "ban", "unban", "block", "unblock" };

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int apply(struct vosfp *h, const struct agent_event *ev)
{
	switch (ev->op) {
	case AGENT_OP_BAN:
		return vosfp_ban_add(h, ev->addr, ev->ttl);
	case AGENT_OP_UNBAN:
		return vosfp_ban_remove(h, ev->addr);
	case AGENT_OP_BLOCK:
		return ev->ttl ? vosfp_policy_add_ttl(h, VOSFP_LIST_BLOCK, ev->addr, ev->ttl)
			       : vosfp_policy_add(h, VOSFP_LIST_BLOCK, ev->addr);
	case AGENT_OP_UNBLOCK:
		return vosfp_policy_remove(h, VOSFP_LIST_BLOCK, ev->addr);
	}
	return -EINVAL;
}

static void publish(struct fleet *f, enum agent_op op, const char *addr, unsigned long ttl,
		    const char *reason)
{
	struct agent_event ev = { .op = op, .origin = AGENT_FROM_CONTROL, .ttl = ttl };
	int err;

	snprintf(ev.addr, sizeof(ev.addr), "%s", addr);
	snprintf(ev.reason, sizeof(ev.reason), "%s", reason ? reason : "manual");
	snprintf(ev.id, sizeof(ev.id), "t%llx-%s", now_us(), addr);
	err = fleet_publish(f, &ev);
	if (err)
		printf("error publish %s: %s\n", addr, strerror(-err));
	else
		printf("queued %s %llu\n", ev.id, now_us());
}

/* One command line; 1 to quit. */
static int command(struct fleet *f, char *line)
{
	char *argv[4] = { 0 };
	int argc = 0;

	for (char *t = strtok(line, " \t\n"); t && argc < 4; t = strtok(NULL, " \t\n"))
		argv[argc++] = t;
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "quit"))
		return 1;
	if (!strcmp(argv[0], "metrics")) {
		fleet_write_metrics(f, stdout);
		printf("end\n");
	} else if (!strcmp(argv[0], "flood") && argc >= 3) {
		unsigned long n = strtoul(argv[1], NULL, 10), ttl = strtoul(argv[2], NULL, 10);
		unsigned long from = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;

		for (unsigned long i = from; i < from + n; i++) {
			char addr[32];

			snprintf(addr, sizeof(addr), "10.%lu.%lu.%lu", (i >> 16) & 255,
				 (i >> 8) & 255, i & 255);
			publish(f, AGENT_OP_BAN, addr, ttl, "scanner");
		}
	} else if (argc >= 2) {
		for (int op = 0; op < 4; op++)
			if (!strcmp(argv[0], ops[op])) {
				publish(f, op, argv[1], argc > 2 ? strtoul(argv[2], NULL, 10) : 0,
					argv[3]);
				return 0;
			}
		printf("error unknown command %s\n", argv[0]);
	} else {
		printf("error unknown command %s\n", argv[0]);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fleet_node --url URL [--credentials FILE] [--exchange X] "
			"[--node NAME] [--ca FILE] [--root PIN_ROOT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "url", required_argument, 0, 'u' }, { "credentials", required_argument, 0, 'c' },
		{ "exchange", required_argument, 0, 'x' }, { "node", required_argument, 0, 'n' },
		{ "ca", required_argument, 0, 'a' }, { "root", required_argument, 0, 'r' },
		{ 0 },
	};
	struct fleet_opts o = { 0 };
	const char *root = NULL;
	struct vosfp *h = NULL;
	struct fleet *f;
	char why[512], buf[4096];
	size_t have = 0;
	int c, err, quit = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'u': o.url = optarg; break;
		case 'c': o.credentials_file = optarg; break;
		case 'x': o.exchange = optarg; break;
		case 'n': o.node = optarg; break;
		case 'a': o.ca_file = optarg; break;
		case 'r': root = optarg; break;
		default: usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (root) {
		struct vosfp_open_opts vo = { .sz = sizeof(vo), .pin_root = root };

		if (vosfp_open(&vo, &h)) {
			fprintf(stderr, "fleet_node: %s\n", vosfp_open_error());
			return 1;
		}
	}
	err = fleet_start(&o, &f, why, sizeof(why));
	if (err) {
		fprintf(stderr, "fleet_node: %s\n", why);
		vosfp_close(h);
		return 1;
	}
	printf("ready\n");
	while (!quit) {
		struct pollfd p[2] = { { .fd = 0, .events = POLLIN },
				       { .fd = fleet_fd(f), .events = POLLIN } };
		struct agent_event ev;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		while (fleet_next(f, &ev) == 1) {
			err = h ? apply(h, &ev) : 0;
			if (err)
				printf("error apply %s %s: %s\n", ops[ev.op], ev.addr,
				       strerror(-err));
			else
				printf("recv %s %s %u %s %s %llu\n", ops[ev.op], ev.addr, ev.ttl,
				       ev.node, ev.id, now_us());
		}
		if (p[0].revents) {
			/* read(), not stdio: poll must see what is left unread. */
			ssize_t n = read(0, buf + have, sizeof(buf) - 1 - have);
			char *nl;

			if (n <= 0)
				break;
			have += n;
			buf[have] = '\0';
			while (!quit && (nl = strchr(buf, '\n'))) {
				*nl = '\0';
				quit = command(f, buf);
				have -= nl + 1 - buf;
				memmove(buf, nl + 1, have + 1);
			}
			if (have == sizeof(buf) - 1)
				have = 0; /* a line too long for us: dropped */
		}
	}
	fleet_stop(f);
	vosfp_close(h);
	return 0;
}
