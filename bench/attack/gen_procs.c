// SPDX-License-Identifier: LGPL-2.1-or-later
/* The generators' command line and processes: see gen_procs.h. */
#define _GNU_SOURCE
#include "gen_procs.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -i IFACE -f TEMPLATES -n COUNT -t SECONDS [-r PPS] [-P PROCS]\n",
		prog);
	exit(2);
}

static unsigned long long number(const char *prog, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		usage(prog);
	return v;
}

void gen_parse_args(int argc, char **argv, const char *prog, struct gen_args *a)
{
	int opt;

	memset(a, 0, sizeof(*a));
	a->prog = prog;
	a->procs = 1;
	while ((opt = getopt(argc, argv, "i:f:n:t:r:P:")) != -1) {
		switch (opt) {
		case 'i': a->ifname = optarg; break;
		case 'f': a->path = optarg; break;
		case 'n': a->count = number(prog, optarg); break;
		case 't': a->secs = number(prog, optarg); break;
		case 'r': a->pps = number(prog, optarg); break;
		case 'P': a->procs = number(prog, optarg); break;
		default: usage(prog);
		}
	}
	/* bounded both ways, always: no count or no time limit is refused */
	if (!a->ifname || !a->path || !a->count || !a->secs || a->secs > 3600 || !a->procs ||
	    a->procs > 64 || optind != argc)
		usage(prog);
}

double gen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int gen_run_procs(const struct gen_args *a, unsigned int ntmpl, gen_sender_fn send, void *ctx,
		  struct gen_result *total)
{
	unsigned long long sent = 0, retries = 0, errors = 0;
	struct gen_result *res;
	int status, failed = 0;
	double t0;

	if (a->count % (ntmpl * a->procs)) {
		fprintf(stderr, "%s: the count must be a multiple of templates x processes"
			" (equal shares)\n", a->prog);
		exit(2);
	}
	res = mmap(NULL, sizeof(*res) * a->procs, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		fprintf(stderr, "%s: out of memory\n", a->prog);
		exit(2);
	}
	memset(res, 0, sizeof(*res) * a->procs);
	t0 = gen_now();
	for (unsigned int p = 0; p < a->procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "%s: cannot fork\n", a->prog);
			exit(2);
		}
		if (!pid) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(p % sysconf(_SC_NPROCESSORS_ONLN), &set);
			sched_setaffinity(0, sizeof(set), &set);
			send(p, a->count / ntmpl / a->procs, (double)a->secs,
			     (double)a->pps / a->procs, &res[p], ctx);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	for (unsigned int p = 0; p < a->procs; p++) {
		sent += res[p].sent;
		retries += res[p].retries;
		errors += res[p].errors;
	}
	printf("gen_sent=%llu gen_secs=%.3f gen_retries=%llu gen_errors=%llu\n", sent,
	       gen_now() - t0, retries, errors);
	fflush(stdout);
	if (total)
		*total = (struct gen_result){ .sent = sent, .retries = retries, .errors = errors };
	return failed;
}
