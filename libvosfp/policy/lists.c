// SPDX-License-Identifier: BSD-2-Clause
/*
 * The lists' names: in a file of their own, as every part of the engine
 * names lists in its messages, so that none of them has to call into the
 * public calls of api.c (which call into the rest).
 */
#include "internal.h"

static const char *const list_names[] = { "block", "allow" };

VOSFP_API int vosfp_list_count(void)
{
	return 2;
}

VOSFP_API const char *vosfp_list_name(int list)
{
	return list == VOSFP_LIST_BLOCK || list == VOSFP_LIST_ALLOW ? list_names[list] : NULL;
}
