// SPDX-License-Identifier: BSD-2-Clause
/*
 * Which maps of the embedded program are pinned, under which names, and
 * how the shared data sections (bpf/vosfp_shared.h, "Shared data") are
 * made so that they reuse the pins of roots made before them.
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "internal.h"

/* The flags each had as a map definition, before it became shared data:
 * a root made by either kind of program opens with the other. libbpf
 * would make a data section BPF_F_MMAPABLE, which the config and the
 * policy state never were. */
static const struct {
	const char *name;
	__u32 flags;
} shared_data[] = {
	{ VOSFP_MAP_CONFIG, 0 },
	{ VOSFP_MAP_POL_STATE, 0 },
	{ VOSFP_MAP_BANS_PRESENT, BPF_F_MMAPABLE }, /* banfilter.c maps it */
};

const char *vosfp__pin_name(const struct bpf_map *map)
{
	return vosfp_pin_name(bpf_map__name(map), bpf_map__is_internal(map));
}

int vosfp__shared_data_prepare(struct bpf_map *map)
{
	const char *name = vosfp__pin_name(map);

	if (!bpf_map__is_internal(map) || !name)
		return 0;
	for (size_t i = 0; i < sizeof(shared_data) / sizeof(shared_data[0]); i++)
		if (!strcmp(name, shared_data[i].name))
			return bpf_map__set_map_flags(map, shared_data[i].flags);
	return -ENOENT;
}
