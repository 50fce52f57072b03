// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * live_gen: the spoofed flood's generator for the NIC-like path
 * (attack.sh --spoof-flood --live-frames). spoof_gen's frames reach the
 * server veth through the sender's stack and the veth's skb path, so a
 * native XDP filter there sees a frame that has already paid for an skb;
 * a NIC's driver would hand it the frame first. This one makes the frames
 * in the kernel instead: its XDP program (live_gen.bpf.c) runs under
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES, writes each template
 * (junk.py --raw, frame_templates.h) into a page-pool frame with fresh
 * random bytes and redirects it to IFACE, whose peer takes it into its
 * NAPI poll as an xdp_frame, as a driver's receive ring would.
 *
 * Needs: root, a kernel with live frames (5.18+), to run in IFACE's
 * network namespace (the redirect is to an ifindex of the caller's), and
 * NAPI on IFACE's peer (an XDP program there, or GRO on), without which
 * the veth drops redirected frames without counting them anywhere. So it
 * reads IFACE's TX counters before and after: frames it made that IFACE
 * neither sent nor counted as dropped are an error (exit status 1).
 *
 * usage: live_gen -i IFACE -f TEMPLATES -n COUNT -t SECONDS [-r PPS] [-P PROCS]
 * prints: gen_sent=N gen_secs=S gen_retries=0 gen_errors=N
 */
#include "frame_templates.h"
#include "gen_procs.h"
#include "live_gen.h"
#include "live_gen.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>

/* live_gen.h stands alone for the BPF side; its bounds are the loader's */
_Static_assert(LIVE_MAX_TEMPLATES == FRAME_MAX_TEMPLATES, "template counts differ");
_Static_assert(LIVE_FRAME_MAX == FRAME_MAX_LEN, "frame lengths differ");
_Static_assert(LIVE_MAX_SPANS == FRAME_MAX_SPANS, "span counts differ");

static struct frame_tmpl tmpls[FRAME_MAX_TEMPLATES];
static struct live_tmpl live[LIVE_MAX_TEMPLATES];
static unsigned int ntmpl, max_len;
static unsigned int ifindex;

static void die(const char *what)
{
	fprintf(stderr, "live_gen: %s\n", what);
	exit(2);
}

/*
 * IFX's 64-bit TX counters in this network namespace, from rtnetlink:
 * sysfs would show another namespace's under nsenter --net. 0 on success.
 */
static int link_tx(unsigned int ifx, unsigned long long *packets, unsigned long long *dropped)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifx },
	};
	static char buf[65536];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = -1;
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req) ||
	    (n = recv(fd, buf, sizeof(buf), 0)) <= 0 || !NLMSG_OK(nh, (unsigned int)n) ||
	    nh->nlmsg_type != RTM_NEWLINK) {
		close(fd);
		return -1;
	}
	{
		struct ifinfomsg *ifi = NLMSG_DATA(nh);
		int len = IFLA_PAYLOAD(nh);

		for (struct rtattr *at = IFLA_RTA(ifi); RTA_OK(at, len); at = RTA_NEXT(at, len)) {
			struct rtnl_link_stats64 st;

			if (at->rta_type != IFLA_STATS64 || RTA_PAYLOAD(at) < sizeof(st))
				continue;
			memcpy(&st, RTA_DATA(at), sizeof(st));
			*packets = st.tx_packets;
			*dropped = st.tx_dropped;
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

/* Works out what the program needs of template T beforehand. */
static void prepare(const struct frame_tmpl *t, struct live_tmpl *l)
{
	struct frame_csum_area a = frame_csum_area(t);
	unsigned char zeroed[FRAME_MAX_LEN];

	memset(l, 0, sizeof(*l));
	if (t->len < LIVE_FRAME_MIN)
		die("a template is shorter than 60 bytes (Ethernet's minimum)");
	memcpy(zeroed, t->frame, t->len);
	l->len = t->len;
	l->nspans = t->nspans;
	for (unsigned int i = 0; i < t->nspans; i++) {
		const struct frame_span *s = &t->span[i];
		int inside = s->off >= a.start && s->off + s->len <= a.end;

		if (s->len > LIVE_SPAN_MAX)
			die("a random span is longer than 64 bytes");
		/* the program adds a span's sum whole or not at all */
		if (!inside && s->off < a.end && s->off + s->len > a.start)
			die("a random span straddles the checksummed area's edge");
		if (a.field < s->off + s->len && s->off < a.field + 2)
			die("a random span covers the checksum field");
		l->span[i].off = s->off;
		l->span[i].len = s->len;
		l->span[i].in_csum = inside;
		l->span[i].odd = (s->off - a.start) % 2;
		memset(zeroed + s->off, 0, s->len);
	}
	zeroed[a.field] = zeroed[a.field + 1] = 0;
	l->csum_field = a.field;
	l->v6 = t->v6;
	l->csum_base = frame_sum16(zeroed + a.start, a.end - a.start,
				   t->v6 ? ipv6_pseudo_rest(t->frame) : 0);
	memcpy(l->frame, zeroed, t->len);
}

static struct live_gen_bpf *open_program(void)
{
	struct live_gen_bpf *skel = live_gen_bpf__open();

	if (!skel)
		die("cannot open the program");
	skel->rodata->target_ifindex = ifindex;
	skel->rodata->ntmpl = ntmpl;
	if (live_gen_bpf__load(skel))
		die("cannot load the program (root? a kernel with BTF?)");
	for (unsigned int i = 0; i < ntmpl; i++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.tmpls), &i, &live[i], BPF_ANY))
			die("cannot store the templates");
	return skel;
}

/* What the watcher thread and its sender share. */
struct watch {
	pthread_t sender;
	volatile struct live_gen_bpf__bss *bss;
	double deadline;
	volatile int stopped;	/* the sender is out of its last call */
};

static void on_wake(int sig)
{
	(void)sig;	/* only to interrupt BPF_PROG_TEST_RUN with EINTR */
}

/*
 * Ends the sender's BPF_PROG_TEST_RUN call: at the time limit it moves
 * stop_at to the end of the round after next (the program is running on
 * another CPU or about to), and once frames_run reaches stop_at it sends
 * the sender a signal every millisecond until it is out.
 */
static void *watch_sender(void *arg)
{
	struct watch *w = arg;
	struct timespec ms = { 0, 1000000 };
	int timed_out = 0;

	while (!w->stopped) {
		if (!timed_out && gen_now() >= w->deadline) {
			unsigned long long end = (w->bss->frames_run / ntmpl + 2) * ntmpl;

			if (end < w->bss->stop_at)
				w->bss->stop_at = end;
			timed_out = 1;
		}
		if (w->bss->frames_run >= w->bss->stop_at)
			pthread_kill(w->sender, SIGUSR1);
		nanosleep(&ms, NULL);
	}
	return NULL;
}

/* One sender (gen_sender_fn): its own program, so its own frame count. */
static void send_rounds(unsigned int proc, unsigned long long rounds, double secs, double pps,
			struct gen_result *res, void *ctx)
{
	struct live_gen_bpf *skel = open_program();
	struct watch w = { .sender = pthread_self(), .bss = skel->bss,
			   .deadline = gen_now() + secs };
	struct sigaction sa = { .sa_handler = on_wake };	/* no SA_RESTART */
	unsigned char data[FRAME_MAX_LEN] = { 0 };
	int fd = bpf_program__fd(skel->progs.live_gen);
	struct timespec now;
	pthread_t watcher;

	(void)proc;
	(void)ctx;
	sigaction(SIGUSR1, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &now);	/* bpf_ktime_get_ns's clock */
	skel->bss->start_ns = (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec;
	skel->bss->period_ps = pps > 0 ? (unsigned long long)(1e12 / pps) : 0;
	skel->bss->stop_at = rounds * ntmpl;
	if (pthread_create(&watcher, NULL, watch_sender, &w))
		die("cannot start the watcher thread");
	while (w.bss->frames_run < w.bss->stop_at) {
		/* runs until the watcher interrupts it: as many runs as it allows */
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = max_len,
			    .repeat = UINT32_MAX, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		if (bpf_prog_test_run_opts(fd, &opts) && errno != EINTR) {
			fprintf(stderr, "live_gen: BPF_PROG_TEST_RUN with live frames: %s%s\n",
				strerror(errno), errno == EINVAL ? " (a kernel before 5.18?)" : "");
			exit(1);
		}
	}
	w.stopped = 1;
	pthread_join(watcher, NULL);
	res->errors = skel->bss->frames_bad;
	res->sent = skel->bss->frames_run - res->errors;
	live_gen_bpf__destroy(skel);
}

int main(int argc, char **argv)
{
	unsigned long long tx0, drop0, tx1, drop1, reached;
	struct gen_result total;
	struct gen_args a;
	int rc;

	gen_parse_args(argc, argv, "live_gen", &a);
	ntmpl = frame_templates_load("live_gen", a.path, tmpls);
	for (unsigned int i = 0; i < ntmpl; i++) {
		prepare(&tmpls[i], &live[i]);
		if (tmpls[i].len > max_len)
			max_len = tmpls[i].len;
	}
	ifindex = if_nametoindex(a.ifname);
	if (!ifindex)
		die("no such interface in this network namespace");
	if (link_tx(ifindex, &tx0, &drop0))
		die("cannot read the interface's counters (rtnetlink)");
	rc = gen_run_procs(&a, ntmpl, send_rounds, NULL, &total);
	if (link_tx(ifindex, &tx1, &drop1))
		die("cannot read the interface's counters (rtnetlink)");
	/* other traffic on IFACE only adds to tx: a loss is never hidden by
	 * the kernel's own packets unless they outnumber it */
	reached = (tx1 - tx0) + (drop1 - drop0);
	if (!rc && reached < total.sent) {
		fprintf(stderr, "live_gen: %llu of the %llu frames made never left %s, and it counted"
			" no drop: its peer takes redirected frames only with NAPI (an XDP program"
			" there, or GRO on)\n", total.sent - reached, total.sent, a.ifname);
		rc = 1;
	}
	return rc;
}
