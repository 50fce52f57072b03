// SPDX-License-Identifier: BSD-2-Clause
/*
 * sip_gen DST_IP PORT COUNT: the bench's bounded generator: COUNT copies of
 * one 600-byte INVITE (an unknown source's: the filter inspects it whole)
 * to DST_IP:PORT with sendmmsg, 64 a call, as fast as the socket takes
 * them. Prints what it sent and how long it took.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

int main(int argc, char **argv)
{
	static char msg[700];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct timespec t0, t1;
	unsigned long long count, sent = 0, fails = 0;
	long port;
	int fd, len;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 ||
	    (port = strtol(argv[2], NULL, 10)) < 1 || port > 65535 ||
	    !(count = strtoull(argv[3], NULL, 10)) || count > 100000000ull) {
		fprintf(stderr, "usage: sip_gen DST_IP PORT COUNT (1 to 100000000)\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)port);
	len = snprintf(msg, sizeof(msg),
		       "INVITE sip:+15551234567@%s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 10.98.0.2:5060;branch=z9hG4bK-bench-afxdp\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: \"Bench\" <sip:bench@10.98.0.2>;tag=afxdp\r\n"
		       "To: <sip:+15551234567@%s>\r\n"
		       "Call-ID: bench-afxdp@10.98.0.2\r\n"
		       "CSeq: 1 INVITE\r\n"
		       "Contact: <sip:bench@10.98.0.2:5060>\r\n"
		       "User-Agent: bench softphone\r\n"
		       "Content-Type: application/sdp\r\n"
		       "Content-Length: 141\r\n\r\n"
		       "v=0\r\no=- 1 1 IN IP4 10.98.0.2\r\ns=-\r\nc=IN IP4 10.98.0.2\r\nt=0 0\r\n"
		       "m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
		       "a=sendrecv\r\n",
		       argv[1], argv[1]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		fprintf(stderr, "sip_gen: %s\n", strerror(errno));
		return 1;
	}
	iov = (struct iovec){ .iov_base = msg, .iov_len = (size_t)len };
	for (int i = 0; i < BATCH; i++)
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1 } };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Bounded: COUNT messages, and at most 8x as many calls. */
	for (unsigned long long calls = 0; sent < count && calls < count * 8; calls++) {
		unsigned int want = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
		int r = sendmmsg(fd, msgs, want, 0);

		if (r > 0)
			sent += (unsigned long long)r;
		else
			fails++; /* ENOBUFS, ECONNREFUSED from an ICMP: go on */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("sent: %llu messages of %d bytes in %.6f s, %llu failed calls\n", sent, len,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, fails);
	close(fd);
	return 0;
}
