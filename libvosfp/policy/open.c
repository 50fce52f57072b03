// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine's per-handle state (struct vosfp_policy): set up when a
 * handle opens, freed when it closes. A new pin root gets its lists'
 * capacities here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "policy.h"
#include "store.h"
#include "vosfp.skel.h"

/* The BTF of the policy tables' template, as libbpf made it: the
 * object's BTF, key __u32, value struct vosfp_tbl_bucket (the inner
 * definition of vosfp_ptables). None when the kernel took no BTF. */
static int find_inner_btf(struct vosfp *h, struct vosfp_policy *pol)
{
	struct btf *btf = bpf_object__btf(h->skel->obj);
	int fd = btf ? btf__fd(btf) : -1, key, value;

	pol->inner_btf_fd = -1;
	if (fd < 0)
		return 0;
	key = btf__find_by_name_kind(btf, "__u32", BTF_KIND_TYPEDEF);
	value = btf__find_by_name_kind(btf, "vosfp_tbl_bucket", BTF_KIND_STRUCT);
	if (key <= 0 || value <= 0)
		return vosfp__fail(h, -ENOENT, "embedded program: no BTF type for the "
					       "policy tables");
	pol->inner_btf_fd = fd;
	pol->inner_btf_key = (uint32_t)key;
	pol->inner_btf_value = (uint32_t)value;
	return 0;
}

/* First open of a root: the capacities are chosen once, then kept (see
 * vosfp_policy_set_capacity). */
static int init_capacities(struct vosfp *h, uint32_t block_capacity, uint32_t allow_capacity)
{
	struct vosfp_pol_state st;
	int lock, err;

	lock = pol_lock(h, false);
	if (lock < 0)
		return lock;
	err = pol_state_read(h, &st);
	if (!err && !st.capacity[VOSFP_LIST_BLOCK]) {
		st.layout = VOSFP_POL_LAYOUT;
		st.capacity[VOSFP_LIST_BLOCK] =
			block_capacity ? block_capacity : VOSFP_DEFAULT_BLOCK_CAPACITY;
		st.capacity[VOSFP_LIST_ALLOW] =
			allow_capacity ? allow_capacity : VOSFP_DEFAULT_ALLOW_CAPACITY;
		err = pol_state_write(h, &st);
	}
	pol_unlock(lock);
	return err;
}

_Static_assert(sizeof(struct vosfp_pol_state) != VOSFP_POL_LAYOUT1_SIZE,
	       "a layout 1 state is told apart by its size");

/* The layout of the state pinned at path: from its first word, or 1 for a
 * state from before layouts were numbered (whose first word is a live
 * generation, 0 or 1). 0 (no layout yet): a state this library made and
 * has not initialised. Negative errno if it cannot be read. */
static int pinned_layout(const char *path, uint32_t *layout)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), zero = 0;
	uint32_t size;
	void *value;
	int fd = bpf_obj_get(path), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	size = info.value_size;
	value = err ? NULL : calloc(1, size >= sizeof(uint32_t) ? size : sizeof(uint32_t));
	if (!err && !value)
		err = -ENOMEM;
	if (!err && bpf_map_lookup_elem(fd, &zero, value))
		err = -errno;
	if (!err) {
		memcpy(layout, value, sizeof(*layout));
		if (size == VOSFP_POL_LAYOUT1_SIZE ||
		    (size != sizeof(struct vosfp_pol_state) && *layout < 2))
			*layout = 1;
	}
	free(value);
	close(fd);
	return err;
}

int vosfp__policy_check_root(const struct vosfp *h)
{
	char path[PATH_MAX];
	uint32_t layout = 0;
	int n = snprintf(path, sizeof(path), "%s/%s", h->pin_root, VOSFP_MAP_POL_STATE), err;

	if (n < 0 || (size_t)n >= sizeof(path))
		return vosfp__open_fail(-ENAMETOOLONG, "%s: pin path too long", h->pin_root);
	err = pinned_layout(path, &layout);
	if (err == -ENOENT)
		return 0; /* a new root, or one without policy state yet */
	if (err == -EPERM || err == -EACCES)
		return 0; /* the load says why, naming the privilege */
	if (err)
		return vosfp__open_fail(err, "%s: cannot read the pinned policy state: %s", path,
					strerror(-err));
	if (layout && layout != VOSFP_POL_LAYOUT)
		return vosfp__open_fail(-EEXIST,
					"%s: pin root made by an incompatible libvosfp (layout %u, "
					"this one reads %u): detach and remove it",
					h->pin_root, layout, VOSFP_POL_LAYOUT);
	return 0;
}

int vosfp__policy_open(struct vosfp *h, uint32_t block_capacity, uint32_t allow_capacity)
{
	struct vosfp_policy *pol = calloc(1, sizeof(*pol));
	int err;

	if (!pol)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	h->pol = pol;
	err = find_inner_btf(h, pol);
	if (!err)
		err = init_capacities(h, block_capacity, allow_capacity);
	if (err)
		vosfp__policy_close(h);
	return err;
}

void vosfp__policy_close(struct vosfp *h)
{
	if (!h->pol)
		return;
	pol_shared_unmap(h);
	free(h->pol);
	h->pol = NULL;
}
