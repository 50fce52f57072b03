/* SPDX-License-Identifier: BSD-2-Clause */
/* Sorting a policy's entries and derived records (any record with a
 * 64-bit head), fast enough for a million at a time. */
#ifndef VOSFP_POLICY_SORT_H
#define VOSFP_POLICY_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Sort n records of size bytes in cmp's order; key(record) is a 64-bit
 * head that agrees with cmp (a < b by key means a < b by cmp); cmp only
 * orders records with equal heads. Falls back to qsort when memory is
 * short: always sorts. */
void pol_sort(void *base, size_t n, size_t size, uint64_t (*key)(const void *),
	      int (*cmp)(const void *, const void *));

#endif
