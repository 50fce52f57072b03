// SPDX-License-Identifier: BSD-2-Clause
/* The BPF_PROG_TEST_RUN plumbing of the benchmarks (see bench_prog.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bench_prog.h"
#include "obj_pins.h"

int bench_load_floor(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "floor", "GPL", insns, 2, NULL);
}

int bench_load_vosfp(const char *object, const char *root, struct bpf_object **out)
{
	struct bpf_object *obj = bpf_object__open_file(object, NULL);
	struct bpf_map *map;
	char path[512];

	if (!obj)
		return -errno;
	bpf_object__for_each_map(map, obj) {
		int err = obj_pin_path(map, root, path, sizeof(path)) ? 0 : obj_use_pin(map, path);

		if (err) {
			bpf_object__close(obj);
			return err;
		}
	}
	if (bpf_object__load(obj))
		return -errno;
	*out = obj;
	return bpf_program__fd(bpf_object__find_program_by_name(obj, "vosfp_xdp"));
}

double bench_run(int fd, const uint8_t *frame, size_t len, unsigned repeat, int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(fd, &o))
		return -1;
	*verdict = (int)o.retval;
	return o.duration; /* average ns per run, as the kernel measured it */
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_measure(int prog_fd, int floor_fd, const uint8_t *frame, size_t len, unsigned rounds,
		   unsigned repeat, double *prog_ns, double *floor_ns, int *verdict)
{
	double prog[101], floor[101];
	int fv;

	if (rounds > 101)
		rounds = 101;
	for (unsigned r = 0; r < rounds; r++) {
		floor[r] = bench_run(floor_fd, frame, len, repeat, &fv);
		prog[r] = bench_run(prog_fd, frame, len, repeat, verdict);
	}
	*prog_ns = bench_median(prog, (int)rounds);
	*floor_ns = bench_median(floor, (int)rounds);
}
