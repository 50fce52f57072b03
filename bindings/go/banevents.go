package vosfp

/*
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vosfp/vosfp.h>

// The records of one consume, gathered on the C side: the library's
// callback cannot be a Go function without //export, and a refused record
// would be lost, so the buffer grows instead of refusing.
struct go_vosfp_banev {
	char addr[48];
	int reason;
	uint32_t ttl, left;
};

struct go_vosfp_banbuf {
	struct go_vosfp_banev *v;
	int n, cap;
};

static int go_vosfp_banev_add(void *user, const char *addr, int reason, uint32_t ttl,
			      uint32_t left)
{
	struct go_vosfp_banbuf *b = user;

	if (b->n == b->cap) {
		int cap = b->cap ? 2 * b->cap : 64;
		void *v = realloc(b->v, (size_t)cap * sizeof(*b->v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	snprintf(b->v[b->n].addr, sizeof(b->v[b->n].addr), "%s", addr);
	b->v[b->n].reason = reason;
	b->v[b->n].ttl = ttl;
	b->v[b->n].left = left;
	b->n++;
	return 0;
}

static int go_vosfp_ban_events_consume(struct vosfp_ban_events *ev, struct go_vosfp_banbuf *b)
{
	return vosfp_ban_events_consume(ev, go_vosfp_banev_add, b);
}
*/
import "C"

import (
	"syscall"
	"unsafe"
)

// BanEvent is one automatic ban the program has just made.
type BanEvent struct {
	Address    string // "192.0.2.7", "2001:db8::7"
	Reason     string // counter name: "scanner" or "rate_limited"
	TTLSeconds uint32 // the ban's length (config "ban_ttl")
	TTLLeft    uint32 // seconds left when read; 0 once expired
}

// BanEvents reads the program's automatic bans as they are made (the
// pinned ring buffer). A ring buffer has one consumer: on a node that runs
// `vosfp agent`, the agent is it; do not open another there.
type BanEvents struct {
	hd *Handle
	ev *C.struct_vosfp_ban_events
}

// OpenBanEvents opens the reader; Close frees it. The handle must outlive it.
func (hd *Handle) OpenBanEvents() (*BanEvents, error) {
	var ev *C.struct_vosfp_ban_events
	_, err := hd.call("OpenBanEvents", func(h *C.struct_vosfp) C.int {
		return C.vosfp_ban_events_open(h, &ev)
	})
	if err != nil {
		return nil, err
	}
	return &BanEvents{hd: hd, ev: ev}, nil
}

// Fd is a descriptor that is readable while events wait (for epoll/poll).
func (b *BanEvents) Fd() (int, error) {
	if b.ev == nil {
		return -1, &Error{Op: "BanEvents.Fd", Errno: syscall.EINVAL, Detail: "closed"}
	}
	fd := int(C.vosfp_ban_events_fd(b.ev))
	if fd < 0 {
		return -1, newError("BanEvents.Fd", fd, "")
	}
	return fd, nil
}

// Consume returns the events waiting, oldest first, without blocking
// (none: an empty slice).
func (b *BanEvents) Consume() ([]BanEvent, error) {
	if b.ev == nil {
		return nil, &Error{Op: "BanEvents.Consume", Errno: syscall.EINVAL, Detail: "closed"}
	}
	var buf C.struct_go_vosfp_banbuf
	defer C.free(unsafe.Pointer(buf.v))
	_, err := b.hd.call("BanEvents.Consume", func(h *C.struct_vosfp) C.int {
		return C.go_vosfp_ban_events_consume(b.ev, &buf)
	})
	out := make([]BanEvent, 0, int(buf.n))
	recs := unsafe.Slice(buf.v, int(buf.cap))
	for i := 0; i < int(buf.n); i++ {
		out = append(out, BanEvent{Address: C.GoString(&recs[i].addr[0]),
			Reason: CounterName(int(recs[i].reason)), TTLSeconds: uint32(recs[i].ttl),
			TTLLeft: uint32(recs[i].left)})
	}
	return out, err
}

// Close frees the reader; the events not consumed stay in the ring.
func (b *BanEvents) Close() {
	if b.ev != nil {
		C.vosfp_ban_events_close(b.ev)
		b.ev = nil
	}
}
