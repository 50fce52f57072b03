// SPDX-License-Identifier: BSD-2-Clause
/* Attachment pins: names, listing, and where each link's interface is now. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_pins.h"
#include "multiprog.h"

int64_t vosfp__netns_self(struct vosfp *h)
{
	struct stat st;

	/* The inode is what `lsns -t net` and /proc/PID/ns/net show. */
	if (stat("/proc/self/ns/net", &st) < 0)
		return vosfp__fail(h, -errno, "cannot tell this process's network namespace "
				   "(/proc/self/ns/net: %s; is /proc mounted?)", strerror(errno));
	return (int64_t)st.st_ino;
}

void vosfp__pin_file(char *buf, bool multiprog, const char *ifname, uint64_t netns,
		     uint32_t ifindex)
{
	snprintf(buf, sizeof(((struct vosfp_pin *)0)->file), "%s%s:%" PRIu64 ":%u",
		 multiprog ? VOSFP_MPROG_PREFIX : VOSFP_LINK_PREFIX, ifname, netns, ifindex);
}

/* Fills ifname, netns and ifindex from a pin's name; -1 if it is not one of
 * ours (a name the library never makes is left alone). */
static int parse_file(const char *file, struct vosfp_pin *p)
{
	bool mprog = !strncmp(file, VOSFP_MPROG_PREFIX, strlen(VOSFP_MPROG_PREFIX));
	const char *rest, *colon;
	unsigned long long netns;
	unsigned int ifindex;
	size_t n;
	char tail;

	if (!mprog && strncmp(file, VOSFP_LINK_PREFIX, strlen(VOSFP_LINK_PREFIX)))
		return -1;
	rest = file + strlen(mprog ? VOSFP_MPROG_PREFIX : VOSFP_LINK_PREFIX);
	colon = strchr(rest, ':');
	n = colon ? (size_t)(colon - rest) : strlen(rest);
	if (!n || n >= IF_NAMESIZE || strlen(file) >= sizeof(p->file) || (mprog && !colon))
		return -1;
	memset(p, 0, sizeof(*p));
	p->multiprog = mprog;
	snprintf(p->file, sizeof(p->file), "%s", file);
	memcpy(p->ifname, rest, n);
	p->ifname[n] = '\0';
	if (!colon)
		return 0; /* the first layout */
	if (sscanf(colon, ":%llu:%u%c", &netns, &ifindex, &tail) != 2 || !netns || !ifindex)
		return -1;
	p->netns = netns;
	p->ifindex = ifindex;
	return 0;
}

uint32_t vosfp__xdp_prog_on(uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query((int)ifindex, 0, &q))
		return 0;
	if (q.drv_prog_id)
		return q.drv_prog_id;
	if (q.skb_prog_id)
		return q.skb_prog_id;
	return q.hw_prog_id;
}

/*
 * A link knows only its interface's ifindex, not its namespace. It is the
 * recorded interface, here, if this namespace is the recorded one, the
 * ifindex is unchanged, and the interface at that ifindex runs the link's
 * program (a program only a link or a netlink attachment can have put
 * there; another interface of the same ifindex elsewhere does not show
 * here). A first-layout pin has no namespace: its name must match instead.
 */
/*
 * A dispatcher component is a program, not a link: it knows no interface.
 * It is here if the recorded interface, in the recorded namespace (this
 * one), has it in its dispatcher; elsewhere if it runs in some other
 * dispatcher (its interface moved, with the dispatcher); else gone.
 */
static void locate_mprog(uint64_t netns, struct vosfp_pin *p, int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	p->where = PIN_DEFUNCT;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	p->prog_id = info.id;
	if (p->netns == netns && vosfp__mprog_has(p->ifindex, p->prog_id, NULL)) {
		p->where = PIN_HERE;
		p->now_ifindex = p->ifindex;
	} else if (vosfp__mprog_linked(p->prog_id)) {
		p->where = PIN_ELSEWHERE;
	}
}

static void locate(struct vosfp *h, uint64_t netns, struct vosfp_pin *p)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX], name[IF_NAMESIZE];
	bool same;
	int fd;

	p->where = PIN_DEFUNCT;
	if (vosfp__pin_path(h, p->file, path))
		return;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (p->multiprog) {
		locate_mprog(netns, p, fd);
		close(fd);
		return;
	}
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP) {
		p->now_ifindex = info.xdp.ifindex;
		p->prog_id = info.prog_id;
	}
	close(fd);
	if (!p->now_ifindex)
		return;
	p->where = PIN_ELSEWHERE;
	if (!if_indextoname(p->now_ifindex, name) ||
	    vosfp__xdp_prog_on(p->now_ifindex) != p->prog_id)
		return;
	same = p->netns ? p->netns == netns && p->ifindex == p->now_ifindex
			: !strcmp(name, p->ifname);
	if (same)
		p->where = PIN_HERE;
}

static int by_name(const void *a, const void *b)
{
	const struct vosfp_pin *x = a, *y = b;
	int c = strcmp(x->ifname, y->ifname);

	return c ? c : strcmp(x->file, y->file);
}

int vosfp__pins_list(struct vosfp *h, uint64_t netns, struct vosfp_pin **out)
{
	struct vosfp_pin *pins = NULL, p;
	struct dirent *de;
	int n = 0;
	DIR *dir;

	*out = NULL;
	dir = opendir(h->pin_root);
	if (!dir)
		return vosfp__fail(h, -errno, "%s: %s", h->pin_root, strerror(errno));
	while ((de = readdir(dir))) {
		struct vosfp_pin *grown;

		if (parse_file(de->d_name, &p))
			continue;
		grown = realloc(pins, (n + 1) * sizeof(*pins));
		if (!grown) {
			closedir(dir);
			free(pins);
			return vosfp__fail(h, -ENOMEM, "out of memory");
		}
		pins = grown;
		pins[n++] = p;
	}
	closedir(dir);
	for (int i = 0; i < n; i++)
		locate(h, netns, &pins[i]);
	if (n)
		qsort(pins, n, sizeof(*pins), by_name);
	*out = pins;
	return n;
}
