// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the fleet's decoder: any bytes off the broker. The
 * sanitizers catch reads past the message; the assertions check that what
 * is accepted is what the encoder would write again (no half-checked
 * event reaches the agent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that ASan sees every byte past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	struct agent_event ev, again;
	char buf[EVENT_JSON_MAX];
	enum event_json_err err;
	int n;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	err = event_json_decode(copy, size, &ev);
	free(copy);
	if ((unsigned int)err >= EVJ__COUNT)
		abort();
	if (err != EVJ_OK)
		return 0;
	if (ev.origin != AGENT_FROM_FLEET || !memchr(ev.addr, 0, sizeof(ev.addr)))
		abort();
	n = event_json_encode(&ev, buf, sizeof(buf));
	if (n <= 0 || event_json_decode(buf, n, &again) != EVJ_OK ||
	    memcmp(&ev, &again, sizeof(ev)))
		abort();
	return 0;
}
