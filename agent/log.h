/* SPDX-License-Identifier: BSD-2-Clause */
/* The agent's log: one line per message on stderr, with the sd-daemon
 * priority prefix ("<3>" error ... "<7>" debug) that journald reads. */
#ifndef VOSFP_AGENT_LOG_H
#define VOSFP_AGENT_LOG_H

#include <syslog.h>

void agent_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
