// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spoof_gen: the junk generator of attack.sh --spoof-flood. trafgen's TX
 * ring gives up ("Flushing TX_RING failed: Resource temporarily
 * unavailable") as soon as a veth pushes back, which it does at the rates
 * this mode is about, and with more than one process at once; this one
 * retries instead.
 *
 * It sends the frames of a template file (junk.py --raw, frame_templates.h)
 * round robin on an AF_PACKET socket with sendmmsg, bypassing the qdisc,
 * filling in every frame's random bytes (the spoofed source and, for
 * garbage, the payload) from a xorshift PRNG and recomputing the IPv4
 * header checksum or the IPv6 UDP checksum. Bounded by a packet count and
 * by a time limit; it stops on a whole round of templates, so every kind
 * gets the same share. Its frames go through the sender's stack and the
 * veth's skb path; live_gen hands the same frames to XDP as a NIC would.
 *
 * usage: spoof_gen -i IFACE -f TEMPLATES -n COUNT -t SECONDS [-r PPS] [-P PROCS]
 * prints: gen_sent=N gen_secs=S gen_retries=N gen_errors=0
 */
#define _GNU_SOURCE
#include "frame_templates.h"
#include "gen_procs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH_ROUNDS 8	/* rounds of templates per sendmmsg call */

static struct frame_tmpl tmpls[FRAME_MAX_TEMPLATES];
static unsigned int ntmpl;

static void die(const char *what)
{
	fprintf(stderr, "spoof_gen: %s\n", what);
	exit(2);
}

static uint64_t rng_state;

static inline uint64_t rng(void)
{
	/* xorshift64*: a few ns per 8 bytes, and nothing here needs better */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Fills a frame from its template: new random bytes, the checksum to match. */
static void fill(unsigned char *buf, const struct frame_tmpl *t)
{
	struct frame_csum_area a = frame_csum_area(t);
	uint32_t sum;
	uint16_t c;

	memcpy(buf, t->frame, t->len);
	for (unsigned int i = 0; i < t->nspans; i++) {
		unsigned char *p = buf + t->span[i].off;
		unsigned int left = t->span[i].len;

		while (left) {
			uint64_t r = rng();
			unsigned int k = left < 8 ? left : 8;

			memcpy(p, &r, k);
			p += k;
			left -= k;
		}
	}
	buf[a.field] = buf[a.field + 1] = 0;
	sum = frame_sum16(buf + a.start, a.end - a.start, t->v6 ? ipv6_pseudo_rest(buf) : 0);
	c = frame_csum_fold(sum);
	if (t->v6 && !c)
		c = 0xffff;	/* 0 means "no checksum", illegal over IPv6 */
	buf[a.field] = c >> 8;
	buf[a.field + 1] = c & 0xff;
}

/*
 * Pacing: with PPS > 0, waits until SENT + NEXT frames are due at PPS
 * since T0 (at once if they already are). Sleeps in one step to the due
 * time, not in fixed slices, so that a high rate is not lost to timer
 * slack. Returns at once with PPS == 0.
 */
static void pace(double t0, double pps, unsigned long long sent, unsigned int next)
{
	double due, t;

	if (pps <= 0)
		return;
	due = t0 + (double)(sent + next) / pps;
	t = gen_now();
	if (due > t) {
		struct timespec ts;
		double whole = floor(due);

		ts.tv_sec = (time_t)whole;
		ts.tv_nsec = (long)((due - whole) * 1e9);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

/* One sender (gen_sender_fn): CTX is the packet socket. */
static void send_rounds(unsigned int proc, unsigned long long rounds, double secs, double pps,
			struct gen_result *res, void *ctx)
{
	/* paced slowly, one round at a time: a burst of 64 would be the rate */
	unsigned int batch = ntmpl * (pps > 0 && pps < 100000 ? 1 : BATCH_ROUNDS);
	static unsigned char bufs[FRAME_MAX_TEMPLATES * BATCH_ROUNDS][FRAME_MAX_LEN];
	static struct mmsghdr msgs[FRAME_MAX_TEMPLATES * BATCH_ROUNDS];
	static struct iovec iov[FRAME_MAX_TEMPLATES * BATCH_ROUNDS];
	unsigned long long total = rounds * ntmpl, sent = 0;
	double t0 = gen_now(), deadline = t0 + secs;
	int fd = *(int *)ctx;

	(void)proc;
	/* 1 ns of slack: pace's sleeps end when they should */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (getrandom(&rng_state, sizeof(rng_state), 0) != sizeof(rng_state) || !rng_state)
		rng_state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	while (sent < total) {
		unsigned int n = total - sent < batch ? total - sent : batch, done = 0;

		/* the time limit ends it between rounds, never inside one */
		if (gen_now() >= deadline)
			break;
		pace(t0, pps, sent, n);
		for (unsigned int i = 0; i < n; i++) {
			const struct frame_tmpl *tp = &tmpls[(sent + i) % ntmpl];

			fill(bufs[i], tp);
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = tp->len;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		while (done < n) {
			int k = sendmmsg(fd, msgs + done, n - done, 0);

			if (k < 0) {
				/* the veth pushed back: its ring is full; try again */
				if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
					res->retries++;
					if (gen_now() > deadline + 5)
						die("the interface stopped taking packets");
					sched_yield();
					continue;
				}
				perror("spoof_gen: sendmmsg");
				exit(1);
			}
			done += k;
		}
		sent += n;
	}
	res->sent = sent;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct gen_args a;
	int fd, one = 1;

	gen_parse_args(argc, argv, "spoof_gen", &a);
	ntmpl = frame_templates_load("spoof_gen", a.path, tmpls);
	sll.sll_ifindex = if_nametoindex(a.ifname);
	if (!sll.sll_ifindex)
		die("no such interface");
	sll.sll_protocol = htons(ETH_P_ALL);
	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: never receives */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("cannot open a packet socket on the interface (root?)");
	/* straight to the driver, as trafgen does: the veth is the bottleneck */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return gen_run_procs(&a, ntmpl, send_rounds, &fd, NULL);
}
