// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp-afxdp IFACE: an AF_XDP socket on every RX queue of IFACE, registered
 * with the vosfp filter attached there, so that the SIP messages the filter
 * passes come here instead of the kernel stack. Prints one line per message
 * (queue, source, method, size); --forward relays each to a UDP socket, so
 * a SIP server can sit behind unchanged. SIGINT or SIGTERM: unregister
 * (the filter passes to the stack again), print the totals, exit 0.
 * See README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vosfp/vosfp.h>

#include "afxdp.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct run {
	int quiet;
	int fwd_fd; /* -1: no --forward */
	uint64_t frames, bytes, forwarded, fwd_errors, not_udp;
	struct timespec first, last;
};

static void on_frame(void *arg, uint32_t queue, const uint8_t *frame, uint32_t len)
{
	struct run *r = arg;
	struct afxdp_msg m;

	clock_gettime(CLOCK_MONOTONIC, &r->last);
	if (!r->frames++)
		r->first = r->last;
	r->bytes += len;
	if (afxdp_parse(frame, len, &m)) {
		r->not_udp++;
		if (!r->quiet)
			printf("queue %u: %u bytes, not UDP\n", queue, len);
		return;
	}
	if (!r->quiet)
		printf("queue %u: %s %s %u bytes\n", queue, m.src, m.what, m.len);
	if (r->fwd_fd >= 0) {
		if (send(r->fwd_fd, m.payload, m.len, MSG_DONTWAIT) == (ssize_t)m.len)
			r->forwarded++;
		else
			r->fwd_errors++; /* nobody listening yet (ICMP), or full */
	}
}

/* HOST:PORT, [IPV6]:PORT: a connected UDP socket, or -1 with the reason. */
static int forward_socket(const char *arg, char *err, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	char host[256];
	const char *colon = strrchr(arg, ':');
	size_t hl;
	int fd, e;

	if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= sizeof(host)) {
		snprintf(err, len, "--forward '%s': expected HOST:PORT", arg);
		return -1;
	}
	hl = (size_t)(colon - arg);
	memcpy(host, arg, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	if (strspn(colon + 1, "0123456789") != strlen(colon + 1) || atoi(colon + 1) < 1 ||
	    atoi(colon + 1) > 65535) {
		snprintf(err, len, "--forward '%s': the port is a number from 1 to 65535", arg);
		return -1;
	}
	e = getaddrinfo(host, colon + 1, &hints, &ai);
	if (e) {
		snprintf(err, len, "--forward '%s': %s", arg, gai_strerror(e));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		snprintf(err, len, "--forward '%s': %s", arg, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vosfp-afxdp IFACE [--pin-root DIR] [--copy | --zero-copy]\n"
		"                   [--forward HOST:PORT] [--quiet]\n"
		"Receives over AF_XDP the SIP messages the vosfp filter attached to IFACE\n"
		"passes (config xsk_redirect says which), one socket per RX queue.\n"
		"  --pin-root DIR       the filter's pin root (default %s)\n"
		"  --copy               copy mode (any driver, generic XDP too)\n"
		"  --zero-copy          zero-copy mode (native XDP on a driver that has it)\n"
		"                       default: zero-copy where the driver has it, else copy\n"
		"  --forward HOST:PORT  relay each UDP payload to HOST:PORT\n"
		"  --quiet              no line per message, only the totals at the end\n",
		VOSFP_DEFAULT_PIN_ROOT);
}

static void totals(struct run *r, struct afxdp_queue *qs, int nq)
{
	double span = (double)(r->last.tv_sec - r->first.tv_sec) +
		      (double)(r->last.tv_nsec - r->first.tv_nsec) / 1e9;
	uint64_t dropped = 0, full = 0;

	for (int i = 0; i < nq; i++) {
		uint64_t d = 0, f = 0;

		if (!afxdp_queue_stats(&qs[i], &d, &f)) {
			dropped += d;
			full += f;
		}
	}
	printf("total: %llu frames, %llu bytes, %llu not UDP, %llu forwarded, %llu not "
	       "forwarded; socket drops %llu, ring full %llu; first to last frame %.6f s\n",
	       (unsigned long long)r->frames, (unsigned long long)r->bytes,
	       (unsigned long long)r->not_udp, (unsigned long long)r->forwarded,
	       (unsigned long long)r->fwd_errors, (unsigned long long)dropped,
	       (unsigned long long)full, r->frames > 1 ? span : 0.0);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin-root", required_argument, NULL, 'p' },
		{ "copy", no_argument, NULL, 'c' },
		{ "zero-copy", no_argument, NULL, 'z' },
		{ "forward", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vosfp_open_opts oo = { .sz = sizeof(oo) };
	struct afxdp_queue qs[AFXDP_MAX_QUEUES];
	struct pollfd pfd[AFXDP_MAX_QUEUES];
	struct run r = { .fwd_fd = -1 };
	enum afxdp_copy copy = AFXDP_COPY_AUTO;
	const char *ifname, *forward = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct vosfp *h;
	char err[512];
	int c, nq, opened = 0, rc = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			oo.pin_root = optarg;
			break;
		case 'c':
		case 'z':
			if (copy != AFXDP_COPY_AUTO) {
				fprintf(stderr, "vosfp-afxdp: --copy and --zero-copy exclude each "
					"other\n");
				return 2;
			}
			copy = c == 'c' ? AFXDP_COPY : AFXDP_ZERO_COPY;
			break;
		case 'f':
			forward = optarg;
			break;
		case 'q':
			r.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	ifname = argv[optind];
	nq = afxdp_queue_count(ifname, err, sizeof(err));
	if (nq < 0) {
		fprintf(stderr, "vosfp-afxdp: %s\n", err);
		return 2;
	}
	if (nq > AFXDP_MAX_QUEUES) {
		fprintf(stderr, "vosfp-afxdp: %s: %d RX queues, the filter takes at most %d\n",
			ifname, nq, AFXDP_MAX_QUEUES);
		return 1;
	}
	if (forward) {
		r.fwd_fd = forward_socket(forward, err, sizeof(err));
		if (r.fwd_fd < 0) {
			fprintf(stderr, "vosfp-afxdp: %s\n", err);
			return 2;
		}
	}
	if (vosfp_open(&oo, &h)) {
		fprintf(stderr, "vosfp-afxdp: %s\n", vosfp_open_error());
		return 1;
	}
	/* Signals before the first registration: a SIGTERM from here on
	 * leaves by the unregistering path. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (; opened < nq && !stop; opened++) {
		if (afxdp_queue_open(&qs[opened], h, ifname, (uint32_t)opened, copy, err,
				     sizeof(err))) {
			fprintf(stderr, "vosfp-afxdp: %s\n", err);
			rc = 1;
			break;
		}
		pfd[opened] = (struct pollfd){ .fd = xsk_socket__fd(qs[opened].xsk),
					       .events = POLLIN };
	}
	if (!rc && !stop) {
		/* Line-buffered: a reader sees each message as it comes, also
		 * after a kill -9. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		printf("vosfp-afxdp: %s: %d queue%s, %s mode; ready\n", ifname, nq,
		       nq == 1 ? "" : "s", qs[0].zero_copy ? "zero-copy" : "copy");
	}
	while (!rc && !stop) {
		int n = poll(pfd, (nfds_t)opened, 500);

		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "vosfp-afxdp: poll: %s\n", strerror(errno));
			rc = 1;
		}
		for (int i = 0; n > 0 && i < opened; i++)
			if (pfd[i].revents & POLLIN)
				while (afxdp_queue_drain(&qs[i], on_frame, &r))
					;
	}
	if (!rc)
		totals(&r, qs, opened);
	while (opened--)
		afxdp_queue_close(&qs[opened], h);
	vosfp_close(h);
	if (r.fwd_fd >= 0)
		close(r.fwd_fd);
	return rc;
}
