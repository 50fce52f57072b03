/* SPDX-License-Identifier: BSD-2-Clause */
/* What the BPF_PROG_TEST_RUN benchmarks share: the floor program, the
 * vosfp program on a pin root's maps, and one measured figure. */
#ifndef VOSFP_BENCH_PROG_H
#define VOSFP_BENCH_PROG_H

#include <stddef.h>
#include <stdint.h>

struct bpf_object;

/* An empty XDP program (return XDP_PASS): the floor. fd or -errno. */
int bench_load_floor(void);
/* The program from the object file, its maps the ones pinned under root
 * (made and configured by the library). fd or -errno; *out to close. */
int bench_load_vosfp(const char *object, const char *root, struct bpf_object **out);
/* Floor and program alternate for `rounds` rounds of `repeat` runs each
 * (at most 101 rounds); *prog_ns and *floor_ns are the medians of the
 * kernel's average ns per run; *verdict the program's last verdict. */
void bench_measure(int prog_fd, int floor_fd, const uint8_t *frame, size_t len, unsigned rounds,
		   unsigned repeat, double *prog_ns, double *floor_ns, int *verdict);

/* One BPF_PROG_TEST_RUN of `repeat` runs: the kernel's average ns per run
 * (-1 if the run failed); *verdict the program's verdict. */
double bench_run(int fd, const uint8_t *frame, size_t len, unsigned repeat, int *verdict);
/* The median of v[0..n) (sorts v). */
double bench_median(double *v, int n);

#endif
