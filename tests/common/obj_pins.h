/* SPDX-License-Identifier: BSD-2-Clause */
/* Loading a vosfp object file on the maps libvosfp pinned under a root, as
 * the library's own loader does (libvosfp/pin_names.c): the benchmarks and
 * the program tests load objects that are not the library's embedded one. */
#ifndef VOSFP_TEST_OBJ_PINS_H
#define VOSFP_TEST_OBJ_PINS_H

#include <stddef.h>

struct bpf_map;

/* The pin of map under root in path: 0, or -1 for data each load keeps to
 * itself (.rodata) or a path that does not fit. A shared data section
 * (bpf/vosfp_shared.h) is pinned under its name after ".data.". */
int obj_pin_path(const struct bpf_map *map, const char *root, char *path, size_t size);

/* Before the load: map reuses (or makes) the pin at path. A shared data
 * section whose pin exists first takes the pinned map's flags, where
 * libbpf would make it with its own and then refuse the pin as
 * incompatible. 0 or -errno. */
int obj_use_pin(struct bpf_map *map, const char *path);

#endif
