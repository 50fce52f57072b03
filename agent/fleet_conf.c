// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fleet's options, checked before any thread starts: a bad URL, a
 * password on the command line or a credentials file others can read is
 * refused with the reason, and nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#else
#include <amqp.h>
#endif

#include "event_json.h"
#include "fleet.h"
#include "fleet_internal.h"

#define FAIL(err, ...)                                  \
	do {                                            \
		snprintf(why, why_len, __VA_ARGS__);    \
		return (err);                           \
	} while (0)

/* "user:password" on the first line. The file must not be readable by
 * everyone: it is what keeps a stranger from publishing bans to the fleet. */
static int read_credentials(const char *path, struct fleet_conf *c, char *why, size_t why_len)
{
	char buf[512], *colon, *end;
	struct stat st;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		err = -errno;
		FAIL(err, "credentials file %s: %s", path, strerror(-err));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		FAIL(-EINVAL, "credentials file %s: not a regular file", path);
	}
	if (st.st_mode & S_IROTH) {
		close(fd);
		FAIL(-EPERM, "credentials file %s: readable by everyone (chmod o-r)", path);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (n < 0)
		FAIL(err, "credentials file %s: %s", path, strerror(-err));
	buf[n] = '\0';
	end = buf + strcspn(buf, "\r\n");
	if ((size_t)n == sizeof(buf) - 1 && *end == '\0')
		FAIL(-EINVAL, "credentials file %s: first line longer than %zu bytes", path,
		     sizeof(buf) - 2);
	*end = '\0';
	colon = strchr(buf, ':');
	if (!colon || colon == buf)
		FAIL(-EINVAL, "credentials file %s: want \"user:password\" on the first line",
		     path);
	*colon = '\0';
	if (strlen(buf) >= sizeof(c->user) || strlen(colon + 1) >= sizeof(c->pass))
		FAIL(-EINVAL, "credentials file %s: user or password too long", path);
	strcpy(c->user, buf);
	strcpy(c->pass, colon + 1);
	return 0;
}

static int exchange_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 128 && strncmp(s, "amq.", 4) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") == n;
}

static int parse_url(const char *url, struct fleet_conf *c, char *why, size_t why_len)
{
	struct amqp_connection_info info;
	const char *auth, *end;
	char *copy;

	if (!strncmp(url, "amqps://", 8)) {
		auth = url + 8;
	} else if (!strncmp(url, "amqp://", 7)) {
		auth = url + 7;
	} else {
		FAIL(-EINVAL, "broker URL %s: want amqp://host[:port][/vhost] or amqps://...",
		     url);
	}
	end = auth + strcspn(auth, "/");
	/* Never credentials on the command line: ps shows them to every user. */
	if (memchr(auth, '@', end - auth))
		FAIL(-EINVAL, "broker URL: no user or password in it (use the credentials file)");
	copy = strdup(url);
	if (!copy)
		FAIL(-ENOMEM, "out of memory");
	if (amqp_parse_url(copy, &info) != AMQP_STATUS_OK || !info.host[0] ||
	    strlen(info.host) >= sizeof(c->host) || strlen(info.vhost) >= sizeof(c->vhost)) {
		free(copy);
		FAIL(-EINVAL, "broker URL %s: cannot be parsed", url);
	}
	strcpy(c->host, info.host);
	/* "amqp://host/" names the empty vhost by the AMQP URI spec; no broker
	 * has one and everybody means the default: "/". */
	strcpy(c->vhost, info.vhost[0] ? info.vhost : "/");
	c->port = info.port;
	c->ssl = info.ssl;
	free(copy);
	return 0;
}

int fleet_conf_parse(const struct fleet_opts *opts, struct fleet_conf *c, char *why,
		     size_t why_len)
{
	int err;

	memset(c, 0, sizeof(*c));
	if (!opts || !opts->url || !opts->url[0])
		FAIL(-EINVAL, "no broker URL");
	err = parse_url(opts->url, c, why, why_len);
	if (err)
		return err;
	if (opts->ca_file) {
		if (!c->ssl)
			FAIL(-EINVAL, "a CA file is for amqps:// only (the URL is amqp://)");
		if (strlen(opts->ca_file) >= sizeof(c->ca_file))
			FAIL(-ENAMETOOLONG, "CA file name too long");
		if (access(opts->ca_file, R_OK)) {
			err = -errno;
			FAIL(err, "CA file %s: %s", opts->ca_file, strerror(-err));
		}
		strcpy(c->ca_file, opts->ca_file);
	}
	strcpy(c->exchange, opts->exchange ? opts->exchange : "vosfp");
	if (opts->exchange && !exchange_valid(opts->exchange))
		FAIL(-EINVAL, "exchange name %s: want 1-127 of [A-Za-z0-9._:-], not amq.*",
		     opts->exchange);
	snprintf(c->queue, sizeof(c->queue), "%s.events", c->exchange);
	if (opts->node) {
		if (!event_node_valid(opts->node))
			FAIL(-EINVAL, "node name %s: want 1-63 of [A-Za-z0-9._-]", opts->node);
		strcpy(c->node, opts->node);
	} else {
		char host[256] = "";

		if (gethostname(host, sizeof(host) - 1) || !event_node_valid(host))
			FAIL(-EINVAL, "the host name is no node name: give one");
		strcpy(c->node, host);
	}
	if (opts->credentials_file)
		return read_credentials(opts->credentials_file, c, why, why_len);
	strcpy(c->user, "guest");
	strcpy(c->pass, "guest");
	return 0;
}
