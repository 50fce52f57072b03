// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ban pre-filter (VOSFP_MAP_BANBITS, layout and invariant in
 * vosfp_shared.h): the library's side. Both maps are memory-mapped, so
 * that a cell is set with one byte store and a flag with one word store:
 * the program writes the same memory, and a whole-value map update would
 * undo what it wrote meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "internal.h"

_Static_assert(sizeof(struct vosfp_addr_key) == 20, "vosfp_src_hash reads five words");
_Static_assert(sizeof(struct vosfp_banf_line) == VOSFP_BANF_LINE, "a line is one element");

#define BANBITS_BYTES ((size_t)2 * VOSFP_BANF_LINES * sizeof(struct vosfp_banf_line))

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

/* The writers' lock of the pin root (the one the policy writers take, so
 * that it also serialises other processes); an fd to close, or a
 * recorded negative errno. Without wait, -EAGAIN (not recorded) when
 * another writer holds it. */
static int root_lock(struct vosfp *h, bool wait)
{
	return vosfp__root_lock(h, LOCK_EX | (wait ? 0 : LOCK_NB));
}

/* The seed is chosen once per root, under the lock, before any handle on
 * the root can attach the program: a second seed would hide every cell
 * set under the first. */
static int init_seed(struct vosfp *h)
{
	__u64 seed = 0;
	int lock;

	if (__atomic_load_n(&h->banflag->seed, __ATOMIC_ACQUIRE))
		return 0;
	lock = root_lock(h, true);
	if (lock < 0)
		return lock;
	if (!h->banflag->seed) {
		if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
			int err = -errno;

			close(lock);
			return vosfp__fail(h, err ? err : -EIO, "no random seed for the ban "
					   "filter: %s", strerror(err ? -err : EIO));
		}
		__atomic_store_n(&h->banflag->seed, seed | 1, __ATOMIC_RELEASE);
	}
	close(lock);
	return 0;
}

int vosfp__banfilter_open(struct vosfp *h)
{
	void *flag, *bits;

	flag = mmap(NULL, page_round(sizeof(struct vosfp_banflag)), PROT_READ | PROT_WRITE,
		    MAP_SHARED, h->map_fd[MAP_BANS_PRESENT], 0);
	if (flag == MAP_FAILED)
		return vosfp__fail(h, -errno, "cannot map %s: %s", VOSFP_MAP_BANS_PRESENT,
				   strerror(errno));
	bits = mmap(NULL, page_round(BANBITS_BYTES), PROT_READ | PROT_WRITE, MAP_SHARED,
		    h->map_fd[MAP_BANBITS], 0);
	if (bits == MAP_FAILED) {
		int err = -errno;

		munmap(flag, page_round(sizeof(struct vosfp_banflag)));
		return vosfp__fail(h, err, "cannot map %s: %s", VOSFP_MAP_BANBITS,
				   strerror(-err));
	}
	h->banflag = flag;
	h->banbits = bits;
	return init_seed(h);
}

void vosfp__banfilter_close(struct vosfp *h)
{
	if (h->banflag)
		munmap(h->banflag, page_round(sizeof(struct vosfp_banflag)));
	if (h->banbits)
		munmap(h->banbits, page_round(BANBITS_BYTES));
	h->banflag = NULL;
	h->banbits = NULL;
}

static void set_cell(struct vosfp *h, __u32 gen, const struct vosfp_addr_key *k)
{
	__u32 cell = vosfp_banf_cell(k, h->banflag->seed);
	struct vosfp_banf_line *line = &h->banbits[gen * VOSFP_BANF_LINES + cell / VOSFP_BANF_LINE];

	__atomic_store_n(&line->cell[cell % VOSFP_BANF_LINE], 1, __ATOMIC_SEQ_CST);
}

/* After the ban of k is in a table: its cell and the flag in both
 * generations. */
void vosfp__banfilter_mark(struct vosfp *h, const struct vosfp_addr_key *k)
{
	for (__u32 g = 0; g < 2; g++) {
		set_cell(h, g, k);
		__atomic_store_n(&h->banflag->present[g], 1, __ATOMIC_SEQ_CST);
	}
}

/* Start a rebuild: the writers' lock held and the idle generation clear,
 * its flag first. The lock fd (for vosfp__banfilter_end), -EAGAIN when
 * another writer holds the lock (a rebuild is never worth waiting for: a
 * policy load may hold it for seconds), or a recorded negative errno. */
int vosfp__banfilter_begin(struct vosfp *h, __u32 *idle)
{
	int lock = root_lock(h, false);

	if (lock < 0)
		return lock;
	*idle = (__atomic_load_n(&h->banflag->gen, __ATOMIC_ACQUIRE) & 1) ^ 1;
	__atomic_store_n(&h->banflag->present[*idle], 0, __ATOMIC_SEQ_CST);
	memset(&h->banbits[*idle * VOSFP_BANF_LINES], 0,
	       VOSFP_BANF_LINES * sizeof(struct vosfp_banf_line));
	/* The clear before any read of the tables (vosfp_shared.h). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return lock;
}

/* A live ban found by the walk: its cell in the generation being built. */
void vosfp__banfilter_add(struct vosfp *h, __u32 idle, const struct vosfp_addr_key *k)
{
	set_cell(h, idle, k);
	__atomic_store_n(&h->banflag->present[idle], 1, __ATOMIC_SEQ_CST);
}

/* End a rebuild: flip to the generation built if the walks of both tables
 * went to their end, else leave the live one (which still has every
 * cell), and drop the lock. */
void vosfp__banfilter_end(struct vosfp *h, int lock, __u32 idle, bool complete)
{
	if (complete)
		__atomic_store_n(&h->banflag->gen, idle, __ATOMIC_SEQ_CST);
	close(lock);
}
