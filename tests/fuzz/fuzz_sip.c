// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the host build of the program's parsers: the first
 * line classifier and the User-Agent walk on raw payloads, and the whole
 * reference verdict on raw frames. Sanitizers catch any read outside the
 * buffer, which in the kernel the verifier would have refused or the
 * bounds checks would have to prevent; the assertions check invariants.
 */
#include <stdint.h>
#include <stdlib.h>

#include "reference.h"
#include "sip_classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copies, so that ASan sees every byte past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	int res, kind;
	uint32_t ua;

	if (!copy)
		return 0;
	for (size_t i = 0; i < size; i++)
		copy[i] = data[i];

	res = reference_classify(copy, size);
	kind = SIP_KIND(res);
	if (kind < SIP_UNDECIDED || kind > SIP_RESPONSE || SIP_METHOD(res) >= VOSFP_M__COUNT)
		abort();
	if (kind == SIP_KEEPALIVE && size != 2 && size != 4 && size < 20)
		abort();
	ua = reference_user_agent(copy, size);
	if (ua && ua >= size)
		abort();
	if (size >= 14) {
		struct ref_verdict v = reference_verdict(copy, size);

		if (v.verdict != 1 && v.verdict != 2)
			abort();
	}
	free(copy);
	return 0;
}
