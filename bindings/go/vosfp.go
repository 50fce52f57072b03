// Package vosfp is the Go binding of libvosfp, the SIP-aware XDP fast path
// in front of VoIP servers. It calls libvosfp.so.0 through cgo, found with
// pkg-config (libvosfp.pc), and covers every function of
// include/vosfp/vosfp.h.
//
//	h, err := vosfp.Open(&vosfp.Options{PinRoot: "/sys/fs/bpf/vosfp"})
//	if err != nil { ... }
//	defer h.Close()                     // the attachment stays in force
//	mode, err := h.Attach("eth0", vosfp.ModeAuto)
//	added, err := h.PolicyAdd(vosfp.Block, "192.0.2.0/24")
//	counters, err := h.Counters()       // names come from the library
//
// Every failure is an *Error carrying the library's errno (a syscall.Errno,
// so errors.Is(err, syscall.EEXIST) works) and its detail text.
package vosfp

/*
#cgo pkg-config: libvosfp
#include <stdlib.h>
#include <vosfp/vosfp.h>

*/
import "C"

import (
	"strings"
	"syscall"
	"unsafe"
)

// Version is the version of the library actually loaded, e.g. "0.1.0".
func Version() string { return C.GoString(C.vosfp_version()) }

// Strerror is the library's short description of an errno it returns.
func Strerror(errno syscall.Errno) string {
	return C.GoString(C.vosfp_strerror(C.int(errno)))
}

// cString converts s for C; a NUL inside would silently cut the string
// short there ("192.0.2.0/24\x00junk" would pass as valid), so it is an
// error instead. The caller frees the result.
func cString(op, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, &Error{Op: op, Errno: syscall.EINVAL, Detail: "string contains a NUL byte"}
	}
	return C.CString(s), nil
}

func free(p *C.char) { C.free(unsafe.Pointer(p)) }

// ParseDuration reads a TTL as policy files and the vosfp tool take it:
// seconds ("3600") or a number followed by s, m, h or d ("15m", "7d"), 1 s
// to 10 years. A bad one gives an *Error with EINVAL.
func ParseDuration(text string) (uint32, error) {
	cp, err := cString("ParseDuration", text)
	if err != nil {
		return 0, err
	}
	defer free(cp)
	var seconds C.uint32_t
	rc, detail := threadCall(func() C.int { return C.vosfp_duration_parse(cp, &seconds) })
	if rc != 0 {
		return 0, newError("ParseDuration", rc, detail)
	}
	return uint32(seconds), nil
}

// CheckPrefix validates a prefix without a handle and returns its canonical
// form ("2001:db8::/32" for "2001:DB8:0::/32", "192.0.2.7/32" for a bare
// address). A bad prefix gives an *Error with EINVAL and the reason.
func CheckPrefix(prefix string) (string, error) {
	cp, err := cString("CheckPrefix", prefix)
	if err != nil {
		return "", err
	}
	defer free(cp)
	var canon [64]C.char
	var why [256]C.char
	if rc := C.vosfp_prefix_check(cp, &canon[0], C.size_t(len(canon)), &why[0], C.size_t(len(why))); rc != 0 {
		return "", newError("CheckPrefix", int(rc), C.GoString(&why[0]))
	}
	return C.GoString(&canon[0]), nil
}
