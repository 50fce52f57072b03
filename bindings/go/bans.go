package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

// Ban is one temporary ban.
type Ban struct {
	Address string // "192.0.2.7", "2001:db8::7"
	TTLLeft uint32 // whole seconds left, rounded up; 0 for a permanent ban
	// Permanent: the ban never expires (BanAddOptions.Permanent).
	Permanent bool
	// Reason is the name of the counter that caused it: "scanner",
	// "rate_limited", or "banned" for a ban added by hand.
	Reason string
}

// BanAdd bans one address (no prefix) for ttlSeconds (1..315360000, 10
// years), replacing an existing ban. The program itself ends it on time.
// A ban without an end is BanAddWith with Permanent.
func (hd *Handle) BanAdd(addr string, ttlSeconds uint32) error {
	ca, err := cString("BanAdd", addr)
	if err != nil {
		return err
	}
	defer free(ca)
	_, err = hd.call("BanAdd", func(h *C.struct_vosfp) C.int {
		return C.vosfp_ban_add(h, ca, C.uint32_t(ttlSeconds))
	})
	return err
}

// BanRemove lifts a ban; ENOENT if the address is not banned.
func (hd *Handle) BanRemove(addr string) error {
	ca, err := cString("BanRemove", addr)
	if err != nil {
		return err
	}
	defer free(ca)
	_, err = hd.call("BanRemove", func(h *C.struct_vosfp) C.int { return C.vosfp_ban_remove(h, ca) })
	return err
}

// Bans lists the unexpired bans (expired ones met on the way are removed).
func (hd *Handle) Bans() ([]Ban, error) {
	var out []Ban
	_, err := hd.call("Bans", func(h *C.struct_vosfp) C.int {
		var it *C.struct_vosfp_ban_iter
		if rc := C.vosfp_ban_iter_open(h, &it); rc < 0 {
			return rc
		}
		defer C.vosfp_ban_iter_close(it)
		var addr [64]C.char
		var ttl C.uint32_t
		var reason C.int
		for {
			rc := C.vosfp_ban_iter_next(it, &addr[0], C.size_t(len(addr)), &ttl, &reason)
			if rc <= 0 {
				return rc
			}
			out = append(out, Ban{Address: C.GoString(&addr[0]), TTLLeft: uint32(ttl),
				Permanent: ttl == 0, Reason: CounterName(int(reason))})
		}
	})
	return out, err
}

// BanStats are the fill levels of the two ban tables and of the verified
// sources, and the automatic bans not made (struct vosfp_ban_stats).
type BanStats struct {
	ManualUsed, ManualCapacity     uint32 // bans by hand: never evicted
	AutoUsed, AutoCapacity         uint32 // automatic bans
	VerifiedUsed, VerifiedCapacity uint32 // sources the server answered 2xx
	AutoRefused                    uint64 // automatic bans not made: table full
	AutoSpared                     uint64 // automatic bans not made: source verified
	VerifiedLearned                uint64 // 2xx responses that verified a source
	EventsLost                     uint64 // automatic bans whose event the full ring dropped
}

// BanStats reads the ban tables; counting removes expired entries on the
// way.
func (hd *Handle) BanStats() (BanStats, error) {
	var st C.struct_vosfp_ban_stats
	st.sz = C.size_t(C.sizeof_struct_vosfp_ban_stats)
	_, err := hd.call("BanStats", func(h *C.struct_vosfp) C.int { return C.vosfp_ban_stats(h, &st) })
	return BanStats{
		ManualUsed: uint32(st.manual_used), ManualCapacity: uint32(st.manual_capacity),
		AutoUsed: uint32(st.auto_used), AutoCapacity: uint32(st.auto_capacity),
		VerifiedUsed: uint32(st.verified_used), VerifiedCapacity: uint32(st.verified_capacity),
		AutoRefused: uint64(st.auto_refused), AutoSpared: uint64(st.auto_spared),
		VerifiedLearned: uint64(st.verified_learned), EventsLost: uint64(st.events_lost),
	}, err
}
