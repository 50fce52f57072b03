package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"syscall"
	"unsafe"
)

// PolicySetCapacity changes a list's capacity on the root, for every
// process: raised on a live root (after a load refused with ENOSPC, say),
// or lowered down to what the list holds (ENOSPC otherwise). EINVAL for 0
// or above the library's maximum. Needs libvosfp 0.2.
func (hd *Handle) PolicySetCapacity(list List, capacity uint32) error {
	_, err := hd.call("PolicySetCapacity", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_set_capacity(h, C.int(list), C.uint32_t(capacity))
	})
	return err
}

// PolicyReadFile reads a policy file for a list as PolicyLoad would, with
// the same refusals (not a regular file: EISDIR or EINVAL; larger than the
// list could ever hold: EFBIG), without loading it. Needs libvosfp 0.2.
func (hd *Handle) PolicyReadFile(list List, path string) ([]byte, error) {
	cp, err := cString("PolicyReadFile", path)
	if err != nil {
		return nil, err
	}
	defer free(cp)
	var text *C.char
	var n C.size_t
	_, err = hd.call("PolicyReadFile", func(h *C.struct_vosfp) C.int {
		return C.vosfp_policy_read_file(h, C.int(list), cp, &text, &n)
	})
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(text))
	return C.GoBytes(unsafe.Pointer(text), C.int(n)), nil
}

// PinRoot is the bpffs directory the handle uses, as the library cleaned
// it (no trailing slash). Needs libvosfp 0.2.
func (hd *Handle) PinRoot() (string, error) {
	hd.mu.Lock()
	defer hd.mu.Unlock()
	if hd.h == nil {
		return "", &Error{Op: "PinRoot", Errno: syscall.EINVAL, Detail: "handle is closed"}
	}
	return C.GoString(C.vosfp_pin_root(hd.h)), nil
}
