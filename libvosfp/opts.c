// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OPTS rule, and the opts forms of the calls that took plain arguments
 * until 0.2. Each such call may grow options before 1.0 (a ban's origin, a
 * policy file's default TTL...): with an opts struct a new field is a new
 * field, not a new symbol (docs/abi.md lists which calls and why). The old
 * calls stay and mean the same as their opts form with those arguments.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

int vosfp__read_opts(struct vosfp *h, const char *type, const void *opts, void *out, size_t known)
{
	size_t sz;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(sz))
		return vosfp__fail(h, -EINVAL, "%s.sz %zu is too small", type, sz);
	for (size_t i = known; i < sz; i++)
		if (((const char *)opts)[i])
			return vosfp__fail(h, -EINVAL, "%s has fields this libvosfp (%s) does not "
					   "know (sz %zu > %zu)", type, vosfp_version(), sz, known);
	/* Fields past the caller's sz keep out's zeros. */
	memcpy((char *)out + sizeof(sz), (const char *)opts + sizeof(sz),
	       (sz < known ? sz : known) - sizeof(sz));
	return 0;
}

VOSFP_API int vosfp_policy_add_ex(struct vosfp *h, int list, const char *prefix,
				  const struct vosfp_policy_add_opts *opts)
{
	struct vosfp_policy_add_opts o = { .sz = sizeof(o) };
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	err = vosfp__read_opts(h, "vosfp_policy_add_opts", opts, &o, sizeof(o));
	return err ? err : vosfp_policy_add_ttl(h, list, prefix, o.ttl_seconds);
}

VOSFP_API int vosfp_policy_load_ex(struct vosfp *h, int list, const char *path,
				   const struct vosfp_policy_load_opts *opts)
{
	struct vosfp_policy_load_opts o = { .sz = sizeof(o) };
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	err = vosfp__read_opts(h, "vosfp_policy_load_opts", opts, &o, sizeof(o));
	return err ? err : vosfp_policy_load(h, list, path, o.flags);
}

VOSFP_API int vosfp_policy_load_buffer_ex(struct vosfp *h, int list, const char *text,
					  size_t len, const char *name,
					  const struct vosfp_policy_load_opts *opts)
{
	struct vosfp_policy_load_opts o = { .sz = sizeof(o) };
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	err = vosfp__read_opts(h, "vosfp_policy_load_opts", opts, &o, sizeof(o));
	return err ? err : vosfp_policy_load_buffer(h, list, text, len, name, o.flags);
}

VOSFP_API int vosfp_ban_add_ex(struct vosfp *h, const char *addr,
			       const struct vosfp_ban_add_opts *opts)
{
	struct vosfp_ban_add_opts o = { .sz = sizeof(o) };
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!opts)
		return vosfp__fail(h, -EINVAL, "vosfp_ban_add_ex: opts (with the TTL) is required");
	err = vosfp__read_opts(h, "vosfp_ban_add_opts", opts, &o, sizeof(o));
	if (err)
		return err;
	if (o.flags & ~VOSFP_BAN_PERMANENT)
		return vosfp__fail(h, -EINVAL, "vosfp_ban_add_opts: unknown flags 0x%x",
				   o.flags & ~VOSFP_BAN_PERMANENT);
	return vosfp__ban_put(h, addr, o.ttl_seconds, o.flags & VOSFP_BAN_PERMANENT);
}
