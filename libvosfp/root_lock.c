// SPDX-License-Identifier: BSD-2-Clause
/*
 * The pin root's lock: an flock of the root directory, the one file every
 * user of the root shares (bpffs holds no lock files). Policy writers, the
 * per-interface rows, the ban pre-filter's rebuild and vosfp_open() all
 * take it, so that it serialises them across processes too.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "internal.h"

int vosfp__root_lock(struct vosfp *h, int how)
{
	int fd;

	/* vosfp_open() holds it already, for the whole open: an flock from a
	 * second open file would wait for this very process. A copy of the
	 * held fd shares the lock, and closing it does not release it. */
	if (h->open_lock >= 0) {
		fd = fcntl(h->open_lock, F_DUPFD_CLOEXEC, 0);
		return fd >= 0 ? fd
			       : vosfp__fail(h, -errno, "%s: %s", h->pin_root, strerror(errno));
	}
	fd = open(h->pin_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return vosfp__fail(h, -errno, "%s: %s", h->pin_root, strerror(errno));
	while (flock(fd, how) < 0) {
		if (errno == EWOULDBLOCK && (how & LOCK_NB)) {
			close(fd);
			return -EAGAIN;
		}
		if (errno != EINTR) {
			int err = -errno;

			close(fd);
			return vosfp__fail(h, err, "%s: cannot lock: %s", h->pin_root,
					   strerror(-err));
		}
	}
	return fd;
}
