package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"fmt"
	"syscall"
)

// List is a policy list (enum vosfp_list).
type List int

const (
	Block List = C.VOSFP_LIST_BLOCK // matching sources are dropped
	Allow List = C.VOSFP_LIST_ALLOW // trusted peers: passed without SIP inspection
)

// String is the library's name of the list ("block", "allow").
func (l List) String() string {
	if name := C.vosfp_list_name(C.int(l)); name != nil {
		return C.GoString(name)
	}
	return fmt.Sprintf("list(%d)", int(l))
}

// ListNames are the lists the library knows, in id order.
func ListNames() []string {
	n := int(C.vosfp_list_count())
	names := make([]string, 0, n)
	for i := 0; i < n; i++ {
		names = append(names, List(i).String())
	}
	return names
}

// ListByName finds a list by the library's name for it.
func ListByName(name string) (List, error) {
	for i, n := range ListNames() {
		if n == name {
			return List(i), nil
		}
	}
	return 0, &Error{Op: "ListByName", Errno: syscall.EINVAL, Detail: fmt.Sprintf("%q: no such list", name)}
}

// PolicyAdd adds a prefix ("192.0.2.0/24", "2001:db8::/32" or a bare
// address) to a list. added is false if it was there already. EINVAL for a
// malformed prefix (host bits set, spaces...), ENOSPC if the list is full.
func (hd *Handle) PolicyAdd(list List, prefix string) (added bool, err error) {
	cp, err := cString("PolicyAdd", prefix)
	if err != nil {
		return false, err
	}
	defer free(cp)
	rc, err := hd.call("PolicyAdd", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_add(h, C.int(list), cp)
	})
	return err == nil && rc == 0, err
}

// PolicyAddTTL is PolicyAdd with a time to live: the program stops
// honouring the entry ttlSeconds from now by itself; 0 means permanent.
// Adding a prefix that is present replaces its TTL (added is then false).
func (hd *Handle) PolicyAddTTL(list List, prefix string, ttlSeconds uint32) (added bool, err error) {
	cp, err := cString("PolicyAddTTL", prefix)
	if err != nil {
		return false, err
	}
	defer free(cp)
	rc, err := hd.call("PolicyAddTTL", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_add_ttl(h, C.int(list), cp, C.uint32_t(ttlSeconds))
	})
	return err == nil && rc == 0, err
}

// PolicyRemove removes the exact prefix; ENOENT if it is not on the list.
func (hd *Handle) PolicyRemove(list List, prefix string) error {
	cp, err := cString("PolicyRemove", prefix)
	if err != nil {
		return err
	}
	defer free(cp)
	_, err = hd.call("PolicyRemove", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_remove(h, C.int(list), cp)
	})
	return err
}

// PolicyClear empties a list.
func (hd *Handle) PolicyClear(list List) error {
	_, err := hd.call("PolicyClear", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_clear(h, C.int(list))
	})
	return err
}

// callInt64 is call for the functions that return a count or a negative
// errno as int64_t.
func (hd *Handle) callInt64(op string, fn func(h *C.struct_vosfp) C.int64_t) (int64, error) {
	var n C.int64_t
	_, err := hd.call(op, func(h *C.struct_vosfp) C.int {
		n = fn(h)
		if n < 0 {
			return C.int(n)
		}
		return 0
	})
	return int64(n), err
}

// PolicyCount is the number of prefixes on a list (IPv4 and IPv6).
func (hd *Handle) PolicyCount(list List) (int64, error) {
	return hd.callInt64("PolicyCount", func(h *C.struct_vosfp) C.int64_t {
		return C.vosfp_policy_count(h, C.int(list))
	})
}

// PolicyCapacity is how many prefixes a list can hold, set when the pin
// root was created (Options.BlockCapacity, Options.AllowCapacity) or since
// by PolicySetCapacity.
func (hd *Handle) PolicyCapacity(list List) (int64, error) {
	return hd.callInt64("PolicyCapacity", func(h *C.struct_vosfp) C.int64_t {
		return C.vosfp_policy_capacity(h, C.int(list))
	})
}

// PolicyEntry is one prefix of a list.
type PolicyEntry struct {
	Prefix  string // canonical: "192.0.2.0/24", "2001:db8::/32"
	TTLLeft int64  // seconds the entry has left; 0 = permanent
}

// PolicyEntries lists every entry of a list with its time left.
func (hd *Handle) PolicyEntries(list List) ([]PolicyEntry, error) {
	var out []PolicyEntry
	_, err := hd.call("PolicyEntries", func(h *C.struct_vosfp) C.int {
		var it *C.struct_vosfp_policy_iter
		if rc := C.vosfp_policy_iter_open(h, C.int(list), &it); rc < 0 {
			return rc
		}
		defer C.vosfp_policy_iter_close(it)
		var buf [64]C.char
		for {
			rc := C.vosfp_policy_iter_next(it, &buf[0], C.size_t(len(buf)))
			if rc <= 0 {
				return rc
			}
			out = append(out, PolicyEntry{Prefix: C.GoString(&buf[0]),
				TTLLeft: int64(C.vosfp_policy_iter_ttl(it))})
		}
	})
	return out, err
}

// Policy lists every prefix of a list in canonical form.
func (hd *Handle) Policy(list List) ([]string, error) {
	entries, err := hd.PolicyEntries(list)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Prefix
	}
	return out, nil
}

// LoadFlags change how PolicyLoad treats the list.
type LoadFlags uint

// LoadReplace makes the file the whole list, atomically: no packet sees a
// mix of old and new, or an empty list. Without it entries are added.
const LoadReplace LoadFlags = C.VOSFP_LOAD_REPLACE

// PolicyLoad loads a policy file ("PREFIX [ttl=DURATION] [# comment]" per
// line) into a list and returns the number of entries in it. The whole file
// is checked first: one bad line (EINVAL, "FILE:LINE: why") changes nothing.
func (hd *Handle) PolicyLoad(list List, path string, flags LoadFlags) (int, error) {
	cp, err := cString("PolicyLoad", path)
	if err != nil {
		return 0, err
	}
	defer free(cp)
	return hd.call("PolicyLoad", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_load(h, C.int(list), cp, C.uint(flags))
	})
}

// PolicyLoadBuffer is PolicyLoad from memory; name stands for the file name
// in error messages.
func (hd *Handle) PolicyLoadBuffer(list List, text []byte, name string, flags LoadFlags) (int, error) {
	cn, err := cString("PolicyLoadBuffer", name)
	if err != nil {
		return 0, err
	}
	defer free(cn)
	// C memory: the text needs no NUL, and the call keeps no pointer to it.
	ct := C.CBytes(text)
	defer C.free(ct)
	return hd.call("PolicyLoadBuffer", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_load_buffer(h, C.int(list), (*C.char)(ct), C.size_t(len(text)), cn, C.uint(flags))
	})
}
