/* SPDX-License-Identifier: BSD-2-Clause */
/* Sorting a policy's entries, fast enough for a million at a time. */
#ifndef VOSFP_POLICY_SORT_H
#define VOSFP_POLICY_SORT_H

#include <stddef.h>

#include "policy_model.h"

/* Sort e[0..n) in pol_entry_cmp order (memcmp of the key). Equal keys keep
 * no particular order. Falls back to qsort when memory is short: always
 * sorts. */
void pol_sort_entries(struct pol_entry *e, size_t n);

#endif
