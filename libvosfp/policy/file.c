// SPDX-License-Identifier: BSD-2-Clause
/*
 * Policy files: "PREFIX [ttl=DURATION] [# comment]" per line, or "; comment",
 * with LF or CRLF line ends and maybe a UTF-8 BOM first: the forms the lists
 * operators feed come in. The whole text is parsed before the list is
 * touched, so a bad line changes nothing; then the entries go in as one
 * change or one atomic replace.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"

#define MAX_TTL_SECONDS (10u * 365 * 24 * 3600)

VOSFP_API int vosfp_duration_parse(const char *text, uint32_t *seconds)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!text || !seconds)
		return vosfp__error(-EINVAL, "vosfp_duration_parse: text and seconds are required");
	if (!isdigit((unsigned char)*text))
		goto bad;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		goto range;
	switch (*end) {
	case '\0': break;
	case 's': end++; break;
	case 'm': mult = 60; end++; break;
	case 'h': mult = 3600; end++; break;
	case 'd': mult = 86400; end++; break;
	/* fail2ban's bantime.increment reaches weeks and months. */
	case 'w': mult = 7 * 86400; end++; break;
	case 'y': mult = 365 * 86400; end++; break;
	default: goto bad;
	}
	if (*end)
		goto bad;
	if (!v || v > MAX_TTL_SECONDS / mult)
		goto range;
	*seconds = (uint32_t)(v * mult);
	return 0;
bad:
	return vosfp__error(-EINVAL, "'%s': not a duration (seconds, or a number followed by "
			    "s, m, h, d, w or y)", text);
range:
	return vosfp__error(-EINVAL, "'%s': out of range (1 s to 10 years)", text);
}

/* One line (NUL-terminated, comment already cut): 0 = blank, 1 = entry. */
static int parse_line(char *line, struct pol_entry *e, char *why, size_t why_len)
{
	char *words[3];
	int n = 0;
	uint32_t ttl = 0;
	struct vosfp_prefix p;

	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
		if (n == 2) {
			snprintf(why, why_len, "unexpected '%s' (expected PREFIX [ttl=DURATION])", w);
			return -EINVAL;
		}
		words[n++] = w;
	}
	if (!n)
		return 0;
	if (vosfp__prefix_parse(words[0], &p, why, why_len))
		return -EINVAL;
	if (n == 2) {
		if (strncmp(words[1], "ttl=", 4) || vosfp_duration_parse(words[1] + 4, &ttl)) {
			snprintf(why, why_len, "bad TTL '%s' (expected ttl=SECONDS or "
				 "ttl=N[smhdwy], at most 10 years)", words[1]);
			return -EINVAL;
		}
	}
	vosfp__policy_entry(&p, ttl, e);
	return 1;
}

/* Where the line's comment starts ('#', or the ';' of the Spamhaus DROP
 * lists: no prefix has either), or l when it has none. */
static size_t comment_start(const char *line, size_t l)
{
	for (size_t i = 0; i < l; i++)
		if (line[i] == '#' || line[i] == ';')
			return i;
	return l;
}

/* One piece of a text, parsed on its own (maybe in a thread of its own):
 * its entries, its line count, and its first error, by line number within
 * the piece. */
struct piece {
	const char *text;
	size_t len;
	struct pol_entry *e;
	size_t n, lines;
	int err; /* 0, -EINVAL (why, at line err_line) or -ENOMEM */
	size_t err_line;
	char why[256];
};

static void *parse_piece(void *arg)
{
	struct piece *pc = arg;
	size_t cap = 0;
	const char *p = pc->text, *end = pc->text + pc->len;

	while (p < end && !pc->err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t keep = comment_start(p, l); /* the comment is cut */
		/* Lines are short: most are copied to the stack, not the heap. */
		char small[256], *line = keep < sizeof(small) ? small : malloc(keep + 1);
		int r;

		pc->lines++;
		if (pc->n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct pol_entry *ne = realloc(pc->e, ncap * sizeof(*ne));

			if (ne) {
				pc->e = ne;
				cap = ncap;
			}
		}
		if (!line || pc->n == cap) {
			pc->err = -ENOMEM;
		} else if (l - (l && p[l - 1] == '\r') > VOSFP_POLICY_LINE_MAX) {
			/* The bound on a file's size rests on this one; a CRLF
			 * line's CR is its end, not one of its bytes. */
			pc->err = -EINVAL;
			snprintf(pc->why, sizeof(pc->why), "line longer than %d bytes",
				 VOSFP_POLICY_LINE_MAX);
		} else if (memchr(p, '\0', l)) {
			pc->err = -EINVAL;
			snprintf(pc->why, sizeof(pc->why), "NUL byte in the line");
		} else {
			memcpy(line, p, keep);
			line[keep] = '\0';
			r = parse_line(line, &pc->e[pc->n], pc->why, sizeof(pc->why));
			if (r < 0)
				pc->err = r;
			else
				pc->n += (size_t)r;
		}
		if (line != small)
			free(line);
		if (pc->err == -EINVAL)
			pc->err_line = pc->lines;
		p += l + (nl != NULL);
	}
	return NULL;
}

/* Texts at least this long are parsed in two threads, a half each. */
#define PARALLEL_BYTES (1u << 20)

static int parse_text(struct vosfp *h, const char *text, size_t len, const char *name,
		      struct pol_entry **out, size_t *n)
{
	struct piece pc[2] = { { .text = text, .len = len }, { .text = text + len } };
	bool threaded = false;
	pthread_t worker;
	int err;

	if (len >= PARALLEL_BYTES) {
		/* The second half starts after the newline nearest the middle. */
		const char *mid = memchr(text + len / 2, '\n', len - len / 2);

		if (mid) {
			pc[0].len = (size_t)(mid + 1 - text);
			pc[1].text = mid + 1;
			pc[1].len = len - pc[0].len;
			threaded = !pthread_create(&worker, NULL, parse_piece, &pc[1]);
		}
	}
	if (!threaded) {
		pc[0].len = len;
		pc[1].len = 0;
	}
	parse_piece(&pc[0]);
	if (threaded)
		pthread_join(worker, NULL);
	/* The first error in the file's order. */
	if (pc[0].err == -EINVAL)
		err = vosfp__fail(h, -EINVAL, "%s:%zu: %s", name, pc[0].err_line, pc[0].why);
	else if (!pc[0].err && pc[1].err == -EINVAL)
		err = vosfp__fail(h, -EINVAL, "%s:%zu: %s", name, pc[0].lines + pc[1].err_line,
				  pc[1].why);
	else if (pc[0].err || pc[1].err)
		err = vosfp__fail(h, -ENOMEM, "%s: out of memory", name);
	else
		err = 0;
	if (!err && pc[1].n) {
		struct pol_entry *all = realloc(pc[0].e, (pc[0].n + pc[1].n) * sizeof(*all));

		if (all) {
			memcpy(all + pc[0].n, pc[1].e, pc[1].n * sizeof(*all));
			pc[0].e = all;
			pc[0].n += pc[1].n;
		} else {
			err = vosfp__fail(h, -ENOMEM, "%s: out of memory", name);
		}
	}
	free(pc[1].e);
	if (err) {
		free(pc[0].e);
		return err;
	}
	*out = pc[0].e;
	*n = pc[0].n;
	return 0;
}

/* The most a list's files may hold: capacity lines of the longest length
 * a line may have. More can never load, so it is refused unread. */
static int file_bound(struct vosfp *h, int list, size_t *bound)
{
	int64_t cap = vosfp_policy_capacity(h, list);

	if (cap < 0)
		return (int)cap;
	*bound = (size_t)cap * (VOSFP_POLICY_LINE_MAX + 1);
	return 0;
}

VOSFP_API int vosfp_policy_load_buffer(struct vosfp *h, int list, const char *text, size_t len,
				       const char *name, unsigned flags)
{
	struct pol_entry *e = NULL;
	size_t n = 0, bound = 0;
	int err, present;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	if ((!text && len) || (flags & ~VOSFP_LOAD_REPLACE))
		return vosfp__fail(h, -EINVAL, "vosfp_policy_load: bad text or flags");
	if (!name)
		name = "<buffer>";
	err = file_bound(h, list, &bound);
	if (err)
		return err;
	if (len > bound)
		return vosfp__fail(h, -EFBIG, "%s: %zu bytes, more than the %s list can ever hold "
				   "(%zu bytes: its capacity in lines of at most %d bytes)", name,
				   len, vosfp_list_name(list), bound, VOSFP_POLICY_LINE_MAX + 1);
	/* A UTF-8 byte order mark, as Windows editors save it, is no part of
	 * the first prefix. Only at the start: elsewhere it is a bad line. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	err = parse_text(h, text ? text : "", len, name, &e, &n);
	if (err)
		return err;
	if (n > INT32_MAX)
		err = vosfp__fail(h, -E2BIG, "%s: too many entries", name);
	else if (flags & VOSFP_LOAD_REPLACE)
		err = vosfp__policy_replace(h, list, e, n);
	else
		err = vosfp__policy_change(h, list, e, n, NULL, 0, &present);
	free(e);
	if (err)
		return err;
	vosfp__ok(h);
	return (int)n;
}

/*
 * The whole of a regular file, never more than bound bytes. O_NONBLOCK so
 * that a FIFO with no writer cannot block the open; devices, FIFOs and
 * directories are refused, since /dev/zero would never end and a FIFO
 * may never say anything. The bound holds even if the file grows while
 * it is read.
 */
static int read_bounded(struct vosfp *h, const char *path, size_t bound, const char *what,
			char **text, size_t *len)
{
	size_t cap = 0, used = 0;
	char *buf = NULL;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return vosfp__fail(h, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = vosfp__fail(h, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = vosfp__fail(h, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				  "%s: not a regular file (%s); a policy file must be one", path,
				  S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
				  : S_ISCHR(st.st_mode) ? "a character device"
				  : S_ISBLK(st.st_mode) ? "a block device" : "a socket");
		goto out;
	}
	if ((uint64_t)st.st_size > bound) {
		err = vosfp__fail(h, -EFBIG, "%s: %lld bytes, more than %s can ever hold (%zu bytes: "
				  "its capacity in lines of at most %d bytes)", path,
				  (long long)st.st_size, what, bound, VOSFP_POLICY_LINE_MAX + 1);
		goto out;
	}
	for (;;) {
		ssize_t got;

		if (used == cap) {
			/* Room for one byte past the bound: reading it means too big. */
			size_t ncap = cap ? cap * 2 : (size_t)st.st_size + 1 + 4096;
			char *nb;

			if (ncap > bound + 1)
				ncap = bound + 1;
			if (ncap <= cap) {
				err = vosfp__fail(h, -EFBIG, "%s: grew past %zu bytes, more than %s "
						  "can ever hold", path, bound, what);
				goto out;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				err = vosfp__fail(h, -ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		got = read(fd, buf + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = vosfp__fail(h, -errno, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (!got)
			break;
		used += (size_t)got;
		if (used > bound) {
			err = vosfp__fail(h, -EFBIG, "%s: grew past %zu bytes, more than %s can "
					  "ever hold", path, bound, what);
			goto out;
		}
	}
out:
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*text = buf;
	*len = used;
	return 0;
}

VOSFP_API int vosfp_policy_read_file(struct vosfp *h, int list, const char *path, char **text,
				     size_t *len)
{
	char what[64];
	size_t bound = 0;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	if (!path || !text || !len)
		return vosfp__fail(h, -EINVAL, "vosfp_policy_read_file: NULL argument");
	*text = NULL;
	*len = 0;
	err = file_bound(h, list, &bound);
	if (err)
		return err;
	snprintf(what, sizeof(what), "the %s list", vosfp_list_name(list));
	err = read_bounded(h, path, bound, what, text, len);
	return err ? err : vosfp__ok(h);
}

VOSFP_API int vosfp_policy_load(struct vosfp *h, int list, const char *path, unsigned flags)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!path)
		return vosfp__fail(h, -EINVAL, "vosfp_policy_load: path is NULL");
	/* Read it whole: the file is checked completely before any change. */
	err = vosfp_policy_read_file(h, list, path, &text, &len);
	if (!err)
		err = vosfp_policy_load_buffer(h, list, text, len, path, flags);
	free(text);
	return err;
}
