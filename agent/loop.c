// SPDX-License-Identifier: BSD-2-Clause
/*
 * The agent's main loop: one epoll over the stop signals, the control
 * socket and its clients, the fleet's wake-up descriptor, the program's
 * auto-ban ring buffer and a 1 s timer (idle clients, the systemd
 * watchdog). Everything that changes policy runs on this thread, through
 * agent_apply().
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "agent.h"
#include "control.h"
#include "http.h"
#include "log.h"
#ifdef VOSFP_HAVE_FLEET
#include "fleet.h"
#endif

/* epoll tags beyond the control socket's (control.h). */
#define TAG_SIGNAL 3ull
#define TAG_TIMER 4ull
#define TAG_FLEET 5ull
/* The program's auto-ban ring buffer (vosfp_ban_events_fd). */
#define TAG_PROGRAM 6ull

struct loop {
	struct agent *a;
	struct control ctl;
	struct agent_http *http;
	struct vosfp_ban_events *bans; /* the program's auto-bans; the agent is its one reader */
	int epfd, sigfd, timerfd;
	pid_t sync_pid;
	uint64_t watchdog_usec;
	int stop, rc;
};

static int add_fd(struct loop *l, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag << 32 };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* --sync: the tool's own `sync --watch`, run as a child process, so that
 * the agent gets whatever cmd_sync.c does (re-watching, locking) without a
 * copy of it. Its messages go to the same stderr. */
static int start_sync(struct loop *l, char *why, size_t why_len)
{
	const struct agent_opts *o = &l->a->o;
	const char *argv[AGENT_MAX_SYNC + 8];
	int n = 0;

	if (!o->nsync)
		return 0;
	argv[n++] = o->self_exe;
	if (o->pin_root) {
		argv[n++] = "--pin-root";
		argv[n++] = o->pin_root;
	}
	argv[n++] = "sync";
	argv[n++] = "--watch";
	for (int i = 0; i < o->nsync; i++)
		argv[n++] = o->sync[i];
	argv[n] = NULL;
	l->sync_pid = fork();
	if (l->sync_pid < 0) {
		snprintf(why, why_len, "--sync: fork: %s", strerror(errno));
		return -1;
	}
	if (l->sync_pid == 0) {
		static const char fail[] = "<3>vosfp-agent: --sync: cannot run the vosfp tool\n";
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(o->self_exe, (char **)argv);
		/* Only async-signal-safe calls here: write, not stdio. */
		if (write(2, fail, sizeof(fail) - 1) < 0)
			_exit(127);
		_exit(127);
	}
	agent_log(LOG_INFO, "sync --watch running as pid %d", (int)l->sync_pid);
	return 0;
}

static void on_signal(struct loop *l)
{
	struct signalfd_siginfo si;
	int status;

	while (read(l->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD) {
			agent_log(LOG_INFO, "%s, stopping", strsignal((int)si.ssi_signo));
			l->stop = 1;
		}
	}
	if (l->sync_pid > 0 && waitpid(l->sync_pid, &status, WNOHANG) == l->sync_pid) {
		/* The lists would silently stop following their files: stop,
		 * and let the service manager restart us, rather than run on. */
		agent_log(LOG_ERR, "sync --watch (pid %d) ended (%s %d); stopping",
			  (int)l->sync_pid, WIFEXITED(status) ? "status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		l->sync_pid = 0;
		l->stop = 1;
		l->rc = 1;
	}
}

static void on_timer(struct loop *l)
{
	uint64_t ticks;

	if (read(l->timerfd, &ticks, sizeof(ticks)) < 0)
		return;
	control_sweep(&l->ctl, agent_now_ms());
	if (l->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
}

#ifdef VOSFP_HAVE_FLEET
static void on_fleet(struct loop *l)
{
	struct agent_event ev;
	char why[512];

	/* Bounded per wake-up, so that a flood from the broker cannot
	 * starve the control socket; the descriptor stays readable. */
	for (int n = 0; n < 256 && fleet_next(l->a->fleet, &ev) == 1; n++) {
		ev.origin = AGENT_FROM_FLEET;
		agent_apply(l->a, &ev, NULL, why, sizeof(why));
	}
}
#endif

/* One auto-ban the program has made: counted and published by
 * agent_apply(), not applied again (the program has enforced it). */
static int on_program_ban(void *user, const char *addr, int reason, uint32_t ttl,
			  uint32_t left)
{
	struct agent_event ev = { .op = AGENT_OP_BAN, .origin = AGENT_FROM_PROGRAM };
	const char *name = vosfp_counter_name(reason);
	char why[512];

	(void)ttl;
	if (!left)
		return 0; /* read after it expired: nothing left to tell */
	snprintf(ev.addr, sizeof(ev.addr), "%s", addr);
	snprintf(ev.reason, sizeof(ev.reason), "%s", name ? name : "automatic");
	ev.ttl = left; /* what is left of it: the fleet should not extend it */
	agent_apply(user, &ev, NULL, why, sizeof(why));
	return 0;
}

static void on_program(struct loop *l)
{
	int n = vosfp_ban_events_consume(l->bans, on_program_ban, l->a);

	if (n < 0)
		agent_log(LOG_ERR, "reading the program's ban events: %s", vosfp_strerror(n));
}

static void dispatch(struct loop *l, const struct epoll_event *e)
{
	uint64_t kind = e->data.u64 >> 32;

	switch (kind) {
	case TAG_SIGNAL:
		on_signal(l);
		break;
	case TAG_TIMER:
		on_timer(l);
		break;
	case CONTROL_TAG_LISTEN:
		control_accept(&l->ctl, l->a);
		break;
	case CONTROL_TAG_CLIENT:
		control_io(&l->ctl, l->a, (unsigned)e->data.u64, e->events);
		break;
#ifdef VOSFP_HAVE_FLEET
	case TAG_FLEET:
		on_fleet(l);
		break;
#endif
	case TAG_PROGRAM:
		on_program(l);
		break;
	default:
		break;
	}
}

static int setup(struct loop *l, char *why, size_t why_len)
{
	struct agent *a = l->a;
	struct itimerspec tick = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct group gr, *g = NULL;
	char gbuf[4096];
	sigset_t sigs;

	getgrnam_r(a->o.control_group, &gr, gbuf, sizeof(gbuf), &g);
	if (!g) {
		/* No silent fallback to a root-only socket: the SIP server and
		 * fail2ban would then be locked out without a word. */
		snprintf(why, why_len, "--control-group %s: no such group (create it with "
			 "`groupadd --system %s`, or pass --control-group root for a "
			 "root-only socket)", a->o.control_group, a->o.control_group);
		return -1;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->epfd < 0 || l->sigfd < 0 || l->timerfd < 0 || add_fd(l, l->sigfd, TAG_SIGNAL) ||
	    timerfd_settime(l->timerfd, 0, &tick, NULL) || add_fd(l, l->timerfd, TAG_TIMER)) {
		snprintf(why, why_len, "%s", strerror(errno));
		return -1;
	}
	if (control_open(&l->ctl, a->o.control, g->gr_gid, l->epfd, why, why_len))
		return -1;
	if (vosfp_ban_events_open(a->h, &l->bans) ||
	    add_fd(l, vosfp_ban_events_fd(l->bans), TAG_PROGRAM)) {
		snprintf(why, why_len, "the program's ban events: %s",
			 l->bans ? strerror(errno) : vosfp_last_error(a->h));
		return -1;
	}
	/* Forked before the fleet's and the metrics server's threads exist. */
	if (start_sync(l, why, why_len))
		return -1;
#ifdef VOSFP_HAVE_FLEET
	if (a->o.amqp) {
		struct fleet_opts fo = { .url = a->o.amqp, .exchange = a->o.exchange,
					 .node = a->node,
					 .credentials_file = a->o.amqp_credentials,
					 .ca_file = a->o.amqp_ca };

		if (fleet_start(&fo, &a->fleet, why, why_len) < 0 ||
		    add_fd(l, fleet_fd(a->fleet), TAG_FLEET))
			return -1;
	}
#else
	if (a->o.amqp) {
		snprintf(why, why_len, "--amqp: this vosfp was built without the fleet "
			 "(RabbitMQ) support");
		return -1;
	}
#endif
	/* After the fleet: the server's thread reads a->fleet. */
	if (a->o.metrics && agent_http_start(a, a->o.metrics, &l->http, why, why_len))
		return -1;
	return 0;
}

static void teardown(struct loop *l)
{
	struct agent *a = l->a;

	if (l->sync_pid > 0) {
		/* It stops on SIGTERM at once; bounded all the same (5 s). */
		pid_t r = 0;

		kill(l->sync_pid, SIGTERM);
		for (int i = 0; i < 50 && (r = waitpid(l->sync_pid, NULL, WNOHANG)) == 0; i++)
			usleep(100000);
		if (r == 0) {
			kill(l->sync_pid, SIGKILL);
			waitpid(l->sync_pid, NULL, 0);
		}
	}
	agent_http_stop(l->http);
#ifdef VOSFP_HAVE_FLEET
	if (a->fleet)
		fleet_stop(a->fleet);
#endif
	a->fleet = NULL;
	control_close(&l->ctl);
	vosfp_ban_events_close(l->bans);
	if (l->timerfd >= 0)
		close(l->timerfd);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->epfd >= 0)
		close(l->epfd);
}

int agent_run(const struct agent_opts *opts)
{
	struct agent *a = calloc(1, sizeof(*a));
	struct loop l = { .a = a, .epfd = -1, .sigfd = -1, .timerfd = -1, .ctl = { .fd = -1 } };
	char why[1024];

	if (!a) {
		agent_log(LOG_ERR, "out of memory");
		return 1;
	}
	a->o = *opts;
	a->h = opts->h;
	pthread_mutex_init(&a->lock, NULL);
	if (opts->node)
		snprintf(a->node, sizeof(a->node), "%s", opts->node);
	else if (gethostname(a->node, sizeof(a->node) - 1))
		snprintf(a->node, sizeof(a->node), "unknown");
	if (setup(&l, why, sizeof(why))) {
		agent_log(LOG_ERR, "%s", why);
		l.rc = 1;
		goto out;
	}
	if (sd_watchdog_enabled(0, &l.watchdog_usec) <= 0)
		l.watchdog_usec = 0;
	agent_log(LOG_INFO, "serving %s (group %s) for pin root %s, node %s%s%s", a->o.control,
		  a->o.control_group, a->o.pin_root ? a->o.pin_root : VOSFP_DEFAULT_PIN_ROOT,
		  a->node, a->o.amqp ? ", fleet " : ", local only", a->o.amqp ? a->o.amqp : "");
	sd_notify(0, "READY=1");
	while (!l.stop) {
		struct epoll_event ev[32];
		int n = epoll_wait(l.epfd, ev, 32, -1);

		if (n < 0 && errno != EINTR) {
			agent_log(LOG_ERR, "epoll: %s", strerror(errno));
			l.rc = 1;
			break;
		}
		for (int i = 0; i < n && !l.stop; i++)
			dispatch(&l, &ev[i]);
	}
	sd_notify(0, "STOPPING=1");
out:
	teardown(&l);
	pthread_mutex_destroy(&a->lock);
	free(a);
	return l.rc;
}
