// SPDX-License-Identifier: BSD-2-Clause
/* A vosfp object's maps on a root's pins (see obj_pins.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obj_pins.h"
#include "vosfp_shared.h"

int obj_pin_path(const struct bpf_map *map, const char *root, char *path, size_t size)
{
	const char *name = vosfp_pin_name(bpf_map__name(map), bpf_map__is_internal(map));
	int n;

	if (!name)
		return -1;
	n = snprintf(path, size, "%s/%s", root, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A shared data section takes the flags of the map pinned at path. */
static int adopt_pin_flags(struct bpf_map *map, const char *path)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd, err;

	if (!bpf_map__is_internal(map) || access(path, F_OK))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	return err ? err : bpf_map__set_map_flags(map, info.map_flags);
}

int obj_use_pin(struct bpf_map *map, const char *path)
{
	int err = adopt_pin_flags(map, path);

	return err ? err : bpf_map__set_pin_path(map, path);
}
