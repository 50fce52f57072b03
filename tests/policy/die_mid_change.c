// SPDX-License-Identifier: BSD-2-Clause
/*
 * LD_PRELOAD for test_killed_change: kills its process with SIGKILL at the
 * most awkward moment of a policy change, deterministically: after the
 * change has marked the block list dirty and written the live maps, at
 * the state write that would end it. libbpf reaches the kernel through
 * libc's syscall(), which this wraps; the state map is told by its name.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "vosfp_shared.h"

/* The policy state by its kernel name: a map's on roots made before it was
 * shared data, else its section's, of which the kernel keeps 15 bytes. */
static int is_pol_state(const char *name)
{
	static const char section[] = VOSFP_SHARED_DATA_PREFIX VOSFP_MAP_POL_STATE;

	return !strcmp(name, VOSFP_MAP_POL_STATE) ||
	       !strncmp(name, section, BPF_OBJ_NAME_LEN - 1);
}

long syscall(long number, ...)
{
	static long (*real)(long, ...);
	static int armed;
	long a[6];
	va_list ap;

	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == __NR_bpf && a[0] == BPF_MAP_UPDATE_ELEM) {
		union bpf_attr *attr = (union bpf_attr *)a[1];
		struct bpf_map_info info;
		union bpf_attr get;

		memset(&info, 0, sizeof(info));
		memset(&get, 0, sizeof(get));
		get.info.bpf_fd = attr->map_fd;
		get.info.info_len = sizeof(info);
		get.info.info = (__u64)(unsigned long)&info;
		if (!real(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &get, sizeof(get)) &&
		    is_pol_state(info.name)) {
			const struct vosfp_pol_state *st =
				(const void *)(unsigned long)attr->value;

			if (st->dirty[VOSFP_LIST_BLOCK])
				armed = 1;
			else if (armed)
				raise(SIGKILL);
		}
	}
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
