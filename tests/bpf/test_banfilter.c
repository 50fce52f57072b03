// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ban pre-filter (vosfp_shared.h, VOSFP_MAP_BANBITS) in the kernel,
 * through BPF_PROG_TEST_RUN: bans made by the library and by the program
 * (a scanner auto-ban) have their cells set in both generations and are
 * dropped; a source on no list passes with its cell clear; after expiry,
 * the sweep's rebuild (vosfp_ban_stats, run over and over by a second
 * thread on its own handle) flips to a generation without the expired
 * bans' cells, while packets keep going through the program: the still
 * banned sources are dropped on every one of them, the expired ones pass.
 * A sweep while another writer holds the root's lock does not wait.
 * Needs root and BPF; skipped with the reason otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include <vosfp/vosfp.h>

#include "frame.h"
#include "vosfp_shared.h"

#define REBUILDS 200
/* Long enough that a loaded machine still checks a short ban before it ends. */
#define SHORT_TTL 3
#define SHORT_TTL_STR "3"

static struct vosfp *h, *h2;
static char pin_root[128];
static const char *skip_reason;

static int open_root(void **state)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	int err;

	(void)state;
	h = h2 = NULL;
	if (geteuid() != 0) {
		skip_reason = "needs root (CAP_BPF) to load the programs";
		return 0;
	}
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/vosfp-tbanf-%d-%d", getpid(), rand());
	opts.pin_root = pin_root;
	err = vosfp_open(&opts, &h);
	if (err) {
		skip_reason = vosfp_open_error();
		return err == -EPERM || err == -EOPNOTSUPP ? 0 : -1;
	}
	return vosfp_open(&opts, &h2) ? -1 : 0;
}

static int close_root(void **state)
{
	(void)state;
	vosfp_close(h2);
	if (h) {
		vosfp_unpin(h);
		vosfp_close(h);
	}
	h = h2 = NULL;
	return 0;
}

#define SKIP_UNLESS_BPF()                                                                 \
	do {                                                                              \
		if (skip_reason) {                                                        \
			print_message("skipped: %s\n", skip_reason);                      \
			skip();                                                           \
		}                                                                         \
	} while (0)

static const char register_msg[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";
static const char scanner_register[] =
	"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50:5070\r\n"
	"CSeq: 1 REGISTER\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n";

/* One frame from src through the program: 0 when verdict and reason are
 * the ones given (no cmocka assert: the rebuild loop runs it). */
static int check_from(struct vosfp *hd, const char *src, const char *msg, size_t msg_len,
		      int verdict, int reason)
{
	struct frame_spec s = { .src = src, .dst = strchr(src, ':') ? "2001:db8:5060::1"
								     : "198.51.100.1",
				.payload = msg, .payload_len = msg_len };
	struct vosfp_test_packet_opts o = { .sz = sizeof(o) };
	uint8_t frame[2048];
	size_t len = frame_build(&s, frame, sizeof(frame));

	if (!len || vosfp_test_packet_ex(hd, frame, len, &o))
		return -1;
	if (o.verdict != verdict || o.reason != reason) {
		print_error("%s: verdict %d reason %d, want %d %d\n", src, o.verdict, o.reason,
			    verdict, reason);
		return -1;
	}
	return 0;
}

#define EXPECT(src, verdict, reason)                                                        \
	assert_int_equal(check_from(h, src, register_msg, sizeof(register_msg) - 1, verdict, \
				    reason), 0)

static void key_of(const char *addr, struct vosfp_addr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = strchr(addr, ':') ? 6 : 4;
	assert_int_equal(inet_pton(k->family == 4 ? AF_INET : AF_INET6, addr, k->addr), 1);
}

static int pin_fd(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_root, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fail_msg("%s: no pinned map (%s)", path, strerror(errno));
	return fd;
}

static struct vosfp_banflag flag(void)
{
	struct vosfp_banflag fl;
	__u32 zero = 0;
	int fd = pin_fd(VOSFP_MAP_BANS_PRESENT);

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &fl), 0);
	close(fd);
	return fl;
}

/* The cell of addr in generation gen, read from the pinned map. */
static int cell(const char *addr, __u32 gen)
{
	struct vosfp_banflag fl = flag();
	struct vosfp_banf_line line;
	struct vosfp_addr_key k;
	__u32 c, idx;
	int fd = pin_fd(VOSFP_MAP_BANBITS);

	key_of(addr, &k);
	c = vosfp_banf_cell(&k, fl.seed);
	idx = (gen & 1) * VOSFP_BANF_LINES + c / VOSFP_BANF_LINE;
	assert_int_equal(bpf_map_lookup_elem(fd, &idx, &line), 0);
	close(fd);
	return line.cell[c % VOSFP_BANF_LINE] != 0;
}

static __u32 cell_index(const char *addr)
{
	struct vosfp_addr_key k;

	key_of(addr, &k);
	return vosfp_banf_cell(&k, flag().seed);
}

/* Sources: by hand (long, short), automatic (long, short), on no list. */
static const char *const m_long = "192.0.2.10", *const m_short = "2001:db8:10::2";
static const char *const a_long = "192.0.2.20", *const a_short = "2001:db8:20::2";
static const char *const clean = "192.0.2.30", *const clean6 = "2001:db8:30::3";

struct rebuilder {
	volatile int started, done, failed;
};

static void *rebuild_loop(void *arg)
{
	struct rebuilder *r = arg;

	r->started = 1;
	for (int i = 0; i < REBUILDS; i++) {
		struct vosfp_ban_stats st = { .sz = sizeof(st) };

		if (vosfp_ban_stats(h2, &st) || st.manual_used != 1 || st.auto_used != 1)
			r->failed = 1;
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* What must hold on every packet while the rebuilds run. */
static int round_ok(void)
{
	return check_from(h, m_long, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_DROP,
			  VOSFP_CTR_BANNED) ||
	       check_from(h, a_long, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_DROP,
			  VOSFP_CTR_BANNED) ||
	       check_from(h, m_short, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
			  VOSFP_CTR_PASSED) ||
	       check_from(h, a_short, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
			  VOSFP_CTR_PASSED) ||
	       check_from(h, clean, register_msg, sizeof(register_msg) - 1, VOSFP_VERDICT_PASS,
			  VOSFP_CTR_PASSED);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void test_cells_and_rebuild(void **state)
{
	struct vosfp_ban_add_opts longban = { .sz = sizeof(longban), .ttl_seconds = 600 };
	struct vosfp_ban_add_opts shortban = { .sz = sizeof(shortban), .ttl_seconds = SHORT_TTL };
	const char *const banned[] = { m_long, m_short, a_long, a_short };
	struct rebuilder r = { 0 };
	struct vosfp_banflag fl0;
	pthread_t t;
	long rounds = 0;

	(void)state;
	SKIP_UNLESS_BPF();
	/* The first packet loads the program (the verifier: seconds in a slow
	 * guest), before any short ban starts its clock. */
	EXPECT(clean, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	fl0 = flag();
	assert_int_not_equal(fl0.seed, 0);
	/* Nothing banned yet: every cell of these sources is clear. */
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(cell(banned[i], 0) | cell(banned[i], 1), 0);

	assert_int_equal(vosfp_ban_add_ex(h, m_long, &longban), 0);
	assert_int_equal(vosfp_ban_add_ex(h, m_short, &shortban), 0);
	assert_int_equal(vosfp_config_set(h, "ban_ttl", "600"), 0);
	assert_int_equal(check_from(h, a_long, scanner_register, sizeof(scanner_register) - 1,
				    VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER), 0);
	assert_int_equal(vosfp_config_set(h, "ban_ttl", SHORT_TTL_STR), 0);
	assert_int_equal(check_from(h, a_short, scanner_register, sizeof(scanner_register) - 1,
				    VOSFP_VERDICT_DROP, VOSFP_CTR_SCANNER), 0);

	/* Library and program both set the cell in both generations. */
	for (size_t i = 0; i < 4; i++) {
		EXPECT(banned[i], VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
		assert_int_equal(cell(banned[i], 0), 1);
		assert_int_equal(cell(banned[i], 1), 1);
	}
	EXPECT(clean, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	EXPECT(clean6, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	if (cell_index(clean) != cell_index(m_long) && cell_index(clean) != cell_index(a_long))
		assert_int_equal(cell(clean, fl0.gen), 0);

	/* Past the short bans' TTL (a wait, not a measured time). */
	sleep_ms(SHORT_TTL * 1000 + 300);

	assert_int_equal(pthread_create(&t, NULL, rebuild_loop, &r), 0);
	while (!__atomic_load_n(&r.started, __ATOMIC_SEQ_CST))
		sleep_ms(1);
	do {
		if (round_ok()) {
			pthread_join(t, NULL);
			fail_msg("a verdict changed during round %ld of the rebuilds", rounds);
		}
		rounds++;
	} while (!__atomic_load_n(&r.done, __ATOMIC_SEQ_CST) && rounds < 1000000);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_false(r.failed);
	print_message("%ld rounds of packets during %d rebuilds\n", rounds, REBUILDS);

	/* An even number of rebuilds: back on the first generation, which
	 * now holds only the live bans' cells (unless they share one). */
	assert_int_equal(flag().gen & 1, fl0.gen & 1);
	for (__u32 g = 0; g < 2; g++) {
		struct vosfp_ban_stats st = { .sz = sizeof(st) };

		assert_int_equal(vosfp_ban_stats(h2, &st), 0);
		assert_int_equal(flag().gen & 1, (fl0.gen + g + 1) & 1);
		assert_int_equal(cell(m_long, flag().gen), 1);
		assert_int_equal(cell(a_long, flag().gen), 1);
		for (size_t i = 1; i < 4; i += 2)
			if (cell_index(banned[i]) != cell_index(m_long) &&
			    cell_index(banned[i]) != cell_index(a_long))
				assert_int_equal(cell(banned[i], flag().gen), 0);
	}
	assert_int_equal(round_ok(), 0);
	/* A ban lifted by hand: its cell may stay, the verdict does not. */
	assert_int_equal(vosfp_ban_remove(h, m_long), 0);
	EXPECT(m_long, VOSFP_VERDICT_PASS, VOSFP_CTR_PASSED);
	EXPECT(a_long, VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
}

/* While another writer holds the root's lock (a long policy load), the
 * sweep neither waits for it nor rebuilds: it counts and returns. */
static void test_sweep_does_not_wait(void **state)
{
	struct vosfp_ban_stats st = { .sz = sizeof(st) };
	struct vosfp_banflag fl0;
	int fd;

	(void)state;
	SKIP_UNLESS_BPF();
	assert_int_equal(vosfp_ban_add(h, "192.0.2.40", 600), 0);
	fl0 = flag();
	fd = open(pin_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(vosfp_ban_stats(h2, &st), 0);
	assert_true(st.manual_used >= 1);
	assert_int_equal(flag().gen, fl0.gen);
	close(fd);
	assert_int_equal(vosfp_ban_stats(h2, &st), 0);
	assert_int_not_equal(flag().gen, fl0.gen);
	EXPECT("192.0.2.40", VOSFP_VERDICT_DROP, VOSFP_CTR_BANNED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells_and_rebuild),
		cmocka_unit_test(test_sweep_does_not_wait),
	};

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	return cmocka_run_group_tests(tests, open_root, close_root);
}
