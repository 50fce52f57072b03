// SPDX-License-Identifier: BSD-2-Clause
/*
 * udp_sink PORT [IDLE_MS]: the plain-socket side of bench/afxdp: a UDP
 * socket on PORT read with recvmmsg, 64 datagrams a call, as a SIP server's
 * receive loop would. Stops IDLE_MS (default 2000) after the last datagram,
 * or at SIGINT/SIGTERM, and prints the count and the time from the first to
 * the last, in the consumer's words (examples/afxdp), so run.sh reads both
 * the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][2048];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timespec first = { 0 }, last = { 0 };
	unsigned long long n = 0, bytes = 0;
	int fd, idle_ms = argc > 2 ? atoi(argv[2]) : 2000, rcvbuf = 8 << 20;
	long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	struct pollfd pfd;

	if (argc < 2 || argc > 3 || port < 1 || port > 65535 || idle_ms < 1) {
		fprintf(stderr, "usage: udp_sink PORT [IDLE_MS]\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_port = htons((uint16_t)port);
	/* The largest buffer the kernel allows: losses are the reader's pace,
	 * not a small default buffer. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "udp_sink: port %ld: %s\n", port, strerror(errno));
		return 1;
	}
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("udp_sink: port %ld; ready\n", port);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!stop) {
		int r = poll(&pfd, 1, n ? idle_ms : 60000);

		if (r == 0)
			break; /* idle: the generator is done */
		if (r < 0)
			continue; /* EINTR: stop is set */
		r = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &last);
		if (!n)
			first = last;
		n += (unsigned long long)r;
		for (int i = 0; i < r; i++)
			bytes += msgs[i].msg_len;
	}
	printf("total: %llu frames, %llu bytes; first to last frame %.6f s\n", n, bytes,
	       n > 1 ? (double)(last.tv_sec - first.tv_sec) +
			       (double)(last.tv_nsec - first.tv_nsec) / 1e9
		     : 0.0);
	close(fd);
	return 0;
}
