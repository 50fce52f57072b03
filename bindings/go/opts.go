package vosfp

// The calls added with the 0.2 ABI's error model and opts forms: version
// numbers, the reason of a dry run, and the opts forms of policy add and
// load and of ban add.

/*
#include <stdlib.h>
#include <vosfp/vosfp.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// VersionNumbers is the loaded library's version as numbers, e.g. 0, 2, 0.
func VersionNumbers() (major, minor, patch int) {
	return int(C.vosfp_version_major()), int(C.vosfp_version_minor()),
		int(C.vosfp_version_patch())
}

// threadCall runs fn, a call that takes no handle, and returns what it
// returned with the library's detail for this thread. The goroutine stays
// on one OS thread meanwhile: the detail is per thread.
func threadCall(fn func() C.int) (int, string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.vosfp_error_clear()
	rc := fn()
	if rc < 0 {
		return int(rc), C.GoString(C.vosfp_error_last())
	}
	return int(rc), ""
}

// ReasonNone and ReasonUnknown are TestPacketReason's reasons when the frame
// was counted nowhere (not the filter's) or when the library cannot tell.
const (
	ReasonNone    = int(C.VOSFP_REASON_NONE)
	ReasonUnknown = int(C.VOSFP_REASON_UNKNOWN)
)

// TestPacketReason is TestPacket that also says why: the id of the counter
// the frame was counted under (CounterName gives its name), ReasonNone or
// ReasonUnknown.
func (hd *Handle) TestPacketReason(frame []byte) (Verdict, int, error) {
	var p unsafe.Pointer
	if len(frame) > 0 {
		p = unsafe.Pointer(&frame[0]) // plain bytes: no Go pointers inside
	}
	o := C.struct_vosfp_test_packet_opts{sz: C.sizeof_struct_vosfp_test_packet_opts}
	_, err := hd.call("TestPacketReason", func(h *C.struct_vosfp) C.int {
		return C.vosfp_test_packet_ex(h, p, C.size_t(len(frame)), &o)
	})
	return Verdict(o.verdict), int(o.reason), err
}

// PolicyAddOptions are the options of PolicyAddWith.
type PolicyAddOptions struct {
	TTLSeconds uint32 // 0: permanent
}

// PolicyAddWith is PolicyAddTTL through the opts form of the call.
func (hd *Handle) PolicyAddWith(list List, prefix string, o PolicyAddOptions) (bool, error) {
	cp, err := cString("PolicyAddWith", prefix)
	if err != nil {
		return false, err
	}
	defer free(cp)
	co := C.struct_vosfp_policy_add_opts{sz: C.sizeof_struct_vosfp_policy_add_opts,
		ttl_seconds: C.uint32_t(o.TTLSeconds)}
	rc, err := hd.call("PolicyAddWith", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_add_ex(h, C.int(list), cp, &co)
	})
	return rc == 0 && err == nil, err
}

// PolicyLoadOptions are the options of PolicyLoadWith and
// PolicyLoadBufferWith.
type PolicyLoadOptions struct {
	Flags LoadFlags
}

// PolicyLoadWith is PolicyLoad through the opts form of the call.
func (hd *Handle) PolicyLoadWith(list List, path string, o PolicyLoadOptions) (int, error) {
	cp, err := cString("PolicyLoadWith", path)
	if err != nil {
		return 0, err
	}
	defer free(cp)
	co := C.struct_vosfp_policy_load_opts{sz: C.sizeof_struct_vosfp_policy_load_opts,
		flags: C.uint(o.Flags)}
	return hd.call("PolicyLoadWith", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_load_ex(h, C.int(list), cp, &co)
	})
}

// PolicyLoadBufferWith is PolicyLoadBuffer through the opts form.
func (hd *Handle) PolicyLoadBufferWith(list List, text []byte, name string,
	o PolicyLoadOptions) (int, error) {
	cn, err := cString("PolicyLoadBufferWith", name)
	if err != nil {
		return 0, err
	}
	defer free(cn)
	ct := C.CBytes(text)
	defer C.free(ct)
	co := C.struct_vosfp_policy_load_opts{sz: C.sizeof_struct_vosfp_policy_load_opts,
		flags: C.uint(o.Flags)}
	return hd.call("PolicyLoadBufferWith", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_load_buffer_ex(h, C.int(list), (*C.char)(ct),
			C.size_t(len(text)), cn, &co)
	})
}

// BanAddOptions are the options of BanAddWith.
type BanAddOptions struct {
	TTLSeconds uint32 // 1..315360000 (10 years), or 0 with Permanent
	// Permanent: the ban never expires (VOSFP_BAN_PERMANENT); it lasts
	// until BanRemove. TTLSeconds must be 0 with it.
	Permanent bool
}

// BanAddWith is BanAdd through the opts form of the call.
func (hd *Handle) BanAddWith(addr string, o BanAddOptions) error {
	ca, err := cString("BanAddWith", addr)
	if err != nil {
		return err
	}
	defer free(ca)
	co := C.struct_vosfp_ban_add_opts{sz: C.sizeof_struct_vosfp_ban_add_opts,
		ttl_seconds: C.uint32_t(o.TTLSeconds)}
	if o.Permanent {
		co.flags = C.VOSFP_BAN_PERMANENT
	}
	_, err = hd.call("BanAddWith", func(h *C.struct_vosfp) C.int {
		return C.vosfp_ban_add_ex(h, ca, &co)
	})
	return err
}

// Explanation is what the filter holds about one source (ExplainSource):
// TTLs left are whole seconds, 0 meaning permanent.
type Explanation struct {
	Address      string // as looked up: a v4-mapped address is its IPv4 address
	Family       int    // 4 or 6
	BlockMatches uint32 // block entries covering it
	BlockPrefix  string // the one holding longest, as stored
	BlockTTLLeft uint32
	AllowMatches uint32
	AllowPrefix  string
	AllowTTLLeft uint32
	Ban          string // "none", "manual" or "automatic"
	BanReason    int    // a counter id (CounterName)
	BanTTLLeft   uint32
	Verified     bool
	VerifiedLeft uint32
	RateLimit    uint32 // 0: off
	RateBurst    uint32
	RateTracked  bool
	RateTokens   uint32 // requests it may send at once now
	Verdict      Verdict
	Reason       int    // the counter a SIP request from it would be counted under
	Decision     string // "dropped: blocked by 192.0.2.0/24 (permanent)"
}

// ExplainSource says what the filter does with a SIP request from addr, and
// why (vosfp_explain_source). Reads only.
func (hd *Handle) ExplainSource(addr string) (Explanation, error) {
	ca, err := cString("ExplainSource", addr)
	if err != nil {
		return Explanation{}, err
	}
	defer C.free(unsafe.Pointer(ca))
	var e C.struct_vosfp_explain
	e.sz = C.sizeof_struct_vosfp_explain
	if _, err := hd.call("ExplainSource", func(h *C.struct_vosfp) C.int {
		return C.vosfp_explain_source(h, ca, &e)
	}); err != nil {
		return Explanation{}, err
	}
	bans := map[C.int]string{0: "none", 1: "manual", 2: "automatic"}
	return Explanation{
		Address: C.GoString(&e.addr[0]), Family: int(e.family),
		BlockMatches: uint32(e.block_matches), BlockPrefix: C.GoString(&e.block_prefix[0]),
		BlockTTLLeft: uint32(e.block_ttl_left),
		AllowMatches: uint32(e.allow_matches), AllowPrefix: C.GoString(&e.allow_prefix[0]),
		AllowTTLLeft: uint32(e.allow_ttl_left),
		Ban:          bans[e.ban], BanReason: int(e.ban_reason), BanTTLLeft: uint32(e.ban_ttl_left),
		Verified: e.verified != 0, VerifiedLeft: uint32(e.verified_ttl_left),
		RateLimit: uint32(e.rate_limit), RateBurst: uint32(e.rate_burst),
		RateTracked: e.rate_tracked != 0, RateTokens: uint32(e.rate_tokens),
		Verdict: Verdict(e.verdict), Reason: int(e.reason),
		Decision: C.GoString(&e.decision[0]),
	}, nil
}
