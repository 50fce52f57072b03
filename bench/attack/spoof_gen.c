// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spoof_gen: the junk generator of attack.sh --spoof-flood. trafgen's TX
 * ring gives up ("Flushing TX_RING failed: Resource temporarily
 * unavailable") as soon as a veth pushes back, which it does at the rates
 * this mode is about, and with more than one process at once; this one
 * retries instead.
 *
 * It sends the frames of a template file (junk.py --raw) round robin on an
 * AF_PACKET socket with sendmmsg, bypassing the qdisc, filling in every
 * frame's random bytes (the spoofed source and, for garbage, the payload)
 * from a xorshift PRNG and recomputing the IPv4 header checksum or the
 * IPv6 UDP checksum. Bounded by a packet count and by a time limit; it
 * stops on a whole round of templates, so every kind gets the same share.
 *
 * usage: spoof_gen -i IFACE -f TEMPLATES -n COUNT -t SECONDS [-r PPS] [-P PROCS]
 * prints: gen_sent=N gen_secs=S gen_retries=N
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TEMPLATES 32
#define MAX_FRAME 1514
#define MAX_RAND 4
#define BATCH_ROUNDS 8	/* rounds of templates per sendmmsg call */

struct rand_span {
	unsigned int off, len;
};

struct tmpl {
	unsigned char frame[MAX_FRAME];
	unsigned int len;
	int v6;
	unsigned int nspans;
	struct rand_span span[MAX_RAND];
};

static struct tmpl tmpls[MAX_TEMPLATES];
static unsigned int ntmpl;

static void die(const char *what)
{
	fprintf(stderr, "spoof_gen: %s\n", what);
	exit(2);
}

/* One template a line: "v4|v6 OFF:LEN[,OFF:LEN...]|- HEXFRAME" (junk.py --raw). */
static void load_templates(const char *path)
{
	char line[2 * MAX_FRAME + 256], fam[4], spans[128], hex[2 * MAX_FRAME + 2];
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open the template file");
	while (fgets(line, sizeof(line), f)) {
		struct tmpl *t = &tmpls[ntmpl];
		char *s, *save = NULL;
		size_t n;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (ntmpl == MAX_TEMPLATES)
			die("too many templates");
		if (sscanf(line, "%3s %127s %3030s", fam, spans, hex) != 3)
			die("bad template line");
		t->v6 = !strcmp(fam, "v6");
		if (!t->v6 && strcmp(fam, "v4"))
			die("template family must be v4 or v6");
		n = strlen(hex);
		if (n % 2 || n / 2 < 14 + 40 + 8 || n / 2 > MAX_FRAME)
			die("bad template frame length");
		for (size_t i = 0; i < n / 2; i++)
			if (sscanf(hex + 2 * i, "%2hhx", &t->frame[i]) != 1)
				die("bad hex in a template");
		t->len = n / 2;
		s = strcmp(spans, "-") ? strtok_r(spans, ",", &save) : NULL;
		for (; s; s = strtok_r(NULL, ",", &save)) {
			struct rand_span *r = &t->span[t->nspans];

			if (t->nspans == MAX_RAND || sscanf(s, "%u:%u", &r->off, &r->len) != 2 ||
			    r->off + r->len > t->len)
				die("bad random span");
			t->nspans++;
		}
		ntmpl++;
	}
	fclose(f);
	if (!ntmpl)
		die("no templates");
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

static uint32_t sum16(const unsigned char *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Fills a frame from its template: new random bytes, checksums to match. */
static void fill(unsigned char *buf, const struct tmpl *t)
{
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
	if (!t->v6) {
		uint16_t c;

		buf[24] = buf[25] = 0;
		c = fold(sum16(buf + 14, 20, 0));
		buf[24] = c >> 8;
		buf[25] = c & 0xff;
	} else {
		/* pseudo header: addresses, UDP length, next header 17 */
		unsigned int ulen = buf[14 + 4] << 8 | buf[14 + 5];
		uint32_t sum;
		uint16_t c;

		buf[54 + 6] = buf[54 + 7] = 0;
		sum = sum16(buf + 22, 32, 0) + ulen + 17;
		sum = sum16(buf + 54, ulen, sum);
		c = fold(sum);
		if (!c)
			c = 0xffff;	/* 0 means "no checksum", illegal over IPv6 */
		buf[54 + 6] = c >> 8;
		buf[54 + 7] = c & 0xff;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct result {
	unsigned long long sent, retries;
};

/* One sender: ROUNDS rounds of templates, at most SECS seconds, PPS if > 0. */
static void run(int fd, unsigned long long rounds, double secs, double pps, struct result *res)
{
	/* paced slowly, one round at a time: a burst of 64 would be the rate */
	unsigned int batch = ntmpl * (pps > 0 && pps < 100000 ? 1 : BATCH_ROUNDS);
	static unsigned char bufs[MAX_TEMPLATES * BATCH_ROUNDS][MAX_FRAME];
	struct mmsghdr msgs[MAX_TEMPLATES * BATCH_ROUNDS];
	struct iovec iov[MAX_TEMPLATES * BATCH_ROUNDS];
	unsigned long long total = rounds * ntmpl, sent = 0;
	double t0 = now(), deadline = t0 + secs;

	memset(msgs, 0, sizeof(msgs));
	while (sent < total) {
		unsigned int n = total - sent < batch ? total - sent : batch, done = 0;
		double t = now();

		/* the time limit ends it between rounds, never inside one */
		if (t >= deadline && sent % ntmpl == 0)
			break;
		if (pps > 0 && (double)sent > (t - t0) * pps) {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (unsigned int i = 0; i < n; i++) {
			const struct tmpl *tp = &tmpls[(sent + i) % ntmpl];

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
					if (now() > deadline + 5)
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

static void usage(void)
{
	fprintf(stderr, "usage: spoof_gen -i IFACE -f TEMPLATES -n COUNT -t SECONDS"
		" [-r PPS] [-P PROCS]\n");
	exit(2);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *path = NULL;
	unsigned long long count = 0, secs = 0, pps = 0, procs = 1, rounds;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct result *res;
	double t0, t1;
	int opt, fd, one = 1;

	while ((opt = getopt(argc, argv, "i:f:n:t:r:P:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 'f': path = optarg; break;
		case 'n': count = number(optarg); break;
		case 't': secs = number(optarg); break;
		case 'r': pps = number(optarg); break;
		case 'P': procs = number(optarg); break;
		default: usage();
		}
	}
	/* bounded both ways, always: no count or no time limit is refused */
	if (!ifname || !path || !count || !secs || secs > 3600 || !procs || procs > 64 ||
	    optind != argc)
		usage();
	load_templates(path);
	if (count % (ntmpl * procs))
		die("the count must be a multiple of templates x processes (equal shares)");
	rounds = count / ntmpl / procs;
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die("no such interface");
	sll.sll_protocol = htons(ETH_P_ALL);
	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: never receives */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("cannot open a packet socket on the interface (root?)");
	/* straight to the driver, as trafgen does: the veth is the bottleneck */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	res = mmap(NULL, sizeof(*res) * procs, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		die("out of memory");
	memset(res, 0, sizeof(*res) * procs);
	t0 = now();
	for (unsigned int p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0)
			die("cannot fork");
		if (!pid) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(p % sysconf(_SC_NPROCESSORS_ONLN), &set);
			sched_setaffinity(0, sizeof(set), &set);
			if (getrandom(&rng_state, sizeof(rng_state), 0) != sizeof(rng_state) ||
			    !rng_state)
				rng_state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
			run(fd, rounds, secs, (double)pps / procs, &res[p]);
			_exit(0);
		}
	}
	{
		unsigned long long sent = 0, retries = 0;
		int status, failed = 0;

		while (wait(&status) > 0)
			failed |= !WIFEXITED(status) || WEXITSTATUS(status);
		t1 = now();
		for (unsigned int p = 0; p < procs; p++) {
			sent += res[p].sent;
			retries += res[p].retries;
		}
		printf("gen_sent=%llu gen_secs=%.3f gen_retries=%llu\n", sent, t1 - t0, retries);
		return failed;
	}
}
