// SPDX-License-Identifier: BSD-2-Clause
/* Event ids seen recently. A ring of the last AGENT_SEEN_MAX ids: a repeat
 * older than that is applied again, which is harmless (events are
 * idempotent by content; the id only spares the work and the log line). */
#include <stdio.h>
#include <string.h>

#include "agent.h"

int agent_seen_check(struct agent_seen *s, const char *id)
{
	if (!id[0])
		return 0;
	for (unsigned i = 0; i < s->used; i++)
		if (!strcmp(s->ids[i], id))
			return 1;
	snprintf(s->ids[s->next], sizeof(s->ids[0]), "%s", id);
	s->next = (s->next + 1) % AGENT_SEEN_MAX;
	if (s->used < AGENT_SEEN_MAX)
		s->used++;
	return 0;
}
