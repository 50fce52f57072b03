// SPDX-License-Identifier: BSD-2-Clause
/* The agent's own Prometheus metrics (vosfp_agent_*), and the fleet's
 * after them. Written by the main loop (control `stats`) and by the
 * metrics server's thread: the counters are read under the agent's lock. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#ifdef VOSFP_HAVE_FLEET
#include "fleet.h"
#endif

static const char *const origins[] = { "control", "program", "fleet" };

static void per_origin(FILE *out, const char *name, const char *help, const uint64_t *v)
{
	fprintf(out, "# HELP vosfp_agent_%s %s\n# TYPE vosfp_agent_%s counter\n", name, help,
		name);
	for (int o = 0; o < 3; o++)
		fprintf(out, "vosfp_agent_%s{origin=\"%s\"} %" PRIu64 "\n", name, origins[o], v[o]);
}

void agent_metrics_write(struct agent *a, FILE *out)
{
	struct agent c;
	uint64_t now = agent_now_ms();

	pthread_mutex_lock(&a->lock);
	memcpy(c.received, a->received, sizeof(c.received));
	memcpy(c.applied, a->applied, sizeof(c.applied));
	memcpy(c.rejected, a->rejected, sizeof(c.rejected));
	c.published = a->published;
	c.publish_failed = a->publish_failed;
	c.last_event_ms = a->last_event_ms;
	c.control_clients_refused = a->control_clients_refused;
	c.control_lines_too_long = a->control_lines_too_long;
	pthread_mutex_unlock(&a->lock);

	per_origin(out, "events_received_total", "Policy events received, by origin.",
		   c.received);
	per_origin(out, "events_applied_total", "Policy events applied, by origin.", c.applied);
	fputs("# HELP vosfp_agent_events_rejected_total Policy events refused, by origin and "
	      "reason.\n# TYPE vosfp_agent_events_rejected_total counter\n", out);
	for (int o = 0; o < 3; o++)
		for (int r = AGENT_REJ_NONE + 1; r < AGENT_REJ_COUNT; r++)
			fprintf(out,
				"vosfp_agent_events_rejected_total{origin=\"%s\",reason=\"%s\"} "
				"%" PRIu64 "\n", origins[o], agent_reject_name(r),
				c.rejected[o][r]);
	fprintf(out, "# HELP vosfp_agent_events_published_total Events handed to the fleet.\n"
		"# TYPE vosfp_agent_events_published_total counter\n"
		"vosfp_agent_events_published_total %" PRIu64 "\n"
		"# HELP vosfp_agent_events_publish_refused_total Events the fleet queue refused.\n"
		"# TYPE vosfp_agent_events_publish_refused_total counter\n"
		"vosfp_agent_events_publish_refused_total %" PRIu64 "\n", c.published,
		c.publish_failed);
	fprintf(out, "# HELP vosfp_agent_control_refused_total Control connections refused "
		"(too many clients) and lines too long.\n"
		"# TYPE vosfp_agent_control_refused_total counter\n"
		"vosfp_agent_control_refused_total{why=\"clients\"} %" PRIu64 "\n"
		"vosfp_agent_control_refused_total{why=\"line_too_long\"} %" PRIu64 "\n",
		c.control_clients_refused, c.control_lines_too_long);
	/* Absent until the first event: an age of nothing is not zero. */
	if (c.last_event_ms)
		fprintf(out, "# HELP vosfp_agent_last_event_age_seconds Seconds since the last "
			"event.\n# TYPE vosfp_agent_last_event_age_seconds gauge\n"
			"vosfp_agent_last_event_age_seconds %.3f\n",
			now > c.last_event_ms ? (double)(now - c.last_event_ms) / 1000 : 0.0);
	fprintf(out, "# HELP vosfp_agent_fleet_enabled 1 if the agent was started with --amqp.\n"
		"# TYPE vosfp_agent_fleet_enabled gauge\nvosfp_agent_fleet_enabled %d\n",
		a->fleet != NULL);
#ifdef VOSFP_HAVE_FLEET
	if (a->fleet)
		fleet_write_metrics(a->fleet, out);
#endif
}
