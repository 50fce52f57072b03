/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the spoofed flood's two generators (spoof_gen, live_gen) share
 * besides their templates: the command line, one sending process per CPU,
 * and the summary line attack.sh reads. Each paces itself: spoof_gen
 * between its sendmmsg calls, live_gen inside its XDP program.
 *
 * usage: GEN -i IFACE -f TEMPLATES -n COUNT -t SECONDS [-r PPS] [-P PROCS]
 * prints: gen_sent=N gen_secs=S gen_retries=N gen_errors=N
 */
#ifndef VOSFP_BENCH_GEN_PROCS_H
#define VOSFP_BENCH_GEN_PROCS_H

struct gen_args {
	const char *prog;	/* for messages */
	const char *ifname, *path;
	unsigned long long count;	/* frames in all, a multiple of templates x procs */
	unsigned long long secs;	/* the time limit, 1..3600 */
	unsigned long long pps;		/* 0: as fast as it goes */
	unsigned long long procs;	/* 1..64, one per CPU round robin */
};

/* What one sending process did. */
struct gen_result {
	unsigned long long sent;	/* frames handed to the interface */
	unsigned long long retries;	/* sends the interface pushed back */
	unsigned long long errors;	/* frames made but not sent (live_gen) */
};

/*
 * One sending process: ROUNDS rounds of every template, stopping between
 * rounds once SECS have passed, at PPS frames per second if PPS > 0.
 * Runs in a child pinned to its CPU; exits the child non-zero on failure.
 */
typedef void (*gen_sender_fn)(unsigned int proc, unsigned long long rounds, double secs,
			      double pps, struct gen_result *res, void *ctx);

/* Parses the command line into A, or prints the usage and exits 2. */
void gen_parse_args(int argc, char **argv, const char *prog, struct gen_args *a);

/*
 * Runs A->procs children of SEND, each with its share of A->count (which
 * must divide into NTMPL x procs, or it exits 2), waits for all and prints
 * the summary. Returns 0 when every child succeeded; TOTAL, if not NULL,
 * gets the children's results added up.
 */
int gen_run_procs(const struct gen_args *a, unsigned int ntmpl, gen_sender_fn send, void *ctx,
		  struct gen_result *total);

/* CLOCK_MONOTONIC in seconds. */
double gen_now(void);

#endif
