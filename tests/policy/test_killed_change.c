// SPDX-License-Identifier: BSD-2-Clause
/*
 * A writer killed in the middle of a change (die_mid_change.so kills it
 * after it wrote the live maps in place, before it recorded the change):
 * the list stays the one it started from, and the next change rebuilds
 * the maps from that list, so that nothing the dead writer left behind
 * drops a source that is on no list. Verdicts through the program.
 * Needs root; exit 77 otherwise.
 * usage: test_killed_change DIE_MID_CHANGE_SO
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "skip.h"

static struct vosfp *h;
static int fails;

static void check(const char *what, int ok)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	fails += !ok;
}

/* The verdict for a TCP SYN to 5060 from src (TCP meets the lists only). */
static int verdict(const char *src)
{
	struct frame_spec s = { .src = src, .l4 = IPPROTO_TCP };
	uint8_t frame[256];
	size_t len = frame_build(&s, frame, sizeof(frame));
	int got = -1;

	if (!len || vosfp_test_packet(h, frame, len, &got))
		printf("test_packet %s: %s\n", src, vosfp_last_error(h));
	return got;
}

/* `self --child ROOT PREFIX`: add PREFIX to the block list of ROOT. */
static int child(const char *root, const char *prefix)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts), .pin_root = root };
	struct vosfp *c;

	if (vosfp_open(&opts, &c))
		return 3;
	return vosfp_policy_add(c, VOSFP_LIST_BLOCK, prefix) < 0 ? 4 : 0;
}

/* What the killed writer adds, a source it would drop, and what the list
 * holds after the next change. A host writes a /24's record into a live
 * table; a /8 sorts before every entry already listed, so that a list
 * half-rewritten in place would lose one. */
struct kill_case {
	const char *prefix, *probe, *next;
	int64_t count_after;
};

static const struct kill_case cases[] = {
	{ "198.51.100.9", "198.51.100.9", "203.0.113.0/24", 3 },
	{ "100.0.0.0/8", "100.1.2.3", "203.0.114.0/24", 4 },
};

static void killed_change(const char *root, const char *self, const char *so,
			  const struct kill_case *c)
{
	int64_t before = vosfp_policy_count(h, VOSFP_LIST_BLOCK);
	char what[160];
	int status;
	pid_t pid;

	printf("-- the writer of %s killed\n", c->prefix);
	check("its source passes before", verdict(c->probe) == VOSFP_VERDICT_PASS);
	pid = fork();
	if (pid == 0) {
		setenv("LD_PRELOAD", so, 1);
		execl("/proc/self/exe", self, "--child", root, c->prefix, (char *)NULL);
		_exit(5);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL fork: %s\n", strerror(errno));
		fails++;
		return;
	}
	check("the writer was killed in the middle of its change",
	      WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	check("the list is the one it started from",
	      vosfp_policy_count(h, VOSFP_LIST_BLOCK) == before);
	/* Its part-written change is live until the next change: the live
	 * maps were written in place. That is where the kill happened. */
	check("the dead writer's partial change reached the live maps",
	      verdict(c->probe) == VOSFP_VERDICT_DROP);
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, c->next) < 0) {
		printf("FAIL next change: %s\n", vosfp_last_error(h));
		fails++;
		return;
	}
	snprintf(what, sizeof(what), "after the next change, %s (on no list) passes", c->probe);
	check(what, verdict(c->probe) == VOSFP_VERDICT_PASS);
	check("the list and the next change are all there",
	      vosfp_policy_count(h, VOSFP_LIST_BLOCK) == c->count_after &&
		      verdict("10.0.0.1") == VOSFP_VERDICT_DROP &&
		      verdict("192.0.2.7") == VOSFP_VERDICT_DROP &&
		      verdict("203.0.113.5") == VOSFP_VERDICT_DROP &&
		      verdict("192.0.2.8") == VOSFP_VERDICT_PASS);
}

int main(int argc, char **argv)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	char root[128];
	int err;

	if (argc == 4 && !strcmp(argv[1], "--child"))
		return child(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIE_MID_CHANGE_SO\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0)
		return test_skip("needs root (CAP_BPF) to load the XDP program");
#ifdef __SANITIZE_ADDRESS__
	/* The child would start with LD_PRELOAD ahead of ASan's runtime,
	 * which refuses to run anything but first. */
	return test_skip("built with AddressSanitizer: LD_PRELOAD cannot precede its runtime");
#endif
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(root, sizeof(root), "/sys/fs/bpf/vosfp-tkill-%d-%d", getpid(), rand());
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err) {
		printf("%s: %s\n", err == -EPERM ? "SKIP" : "FAIL", vosfp_open_error());
		return err == -EPERM ? TEST_SKIPPED : 1;
	}
	if (vosfp_policy_add(h, VOSFP_LIST_BLOCK, "10.0.0.0/24") < 0 ||
	    vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.7") < 0) {
		printf("FAIL setup: %s\n", vosfp_last_error(h));
		fails++;
		goto out;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		killed_change(root, argv[0], argv[1], &cases[i]);
out:
	vosfp_unpin(h);
	vosfp_close(h);
	return fails ? 1 : 0;
}
