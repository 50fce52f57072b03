package vosfp

/*
#include <stdio.h>
#include <vosfp/vosfp.h>

// vosfp_open_error() is per OS thread and a goroutine may move between
// threads from one cgo call to the next: read it in the same C call.
static int go_vosfp_open(const char *pin_root, uint32_t block_cap, uint32_t allow_cap,
			 struct vosfp **out, char *detail, size_t len)
{
	struct vosfp_open_opts opts = {
		.sz = sizeof(opts),
		.pin_root = pin_root,
		.block_capacity = block_cap,
		.allow_capacity = allow_cap,
	};
	int err = vosfp_open(&opts, out);

	if (err)
		snprintf(detail, len, "%s", vosfp_open_error());
	return err;
}
*/
import "C"

import (
	"runtime"
	"sync"
	"syscall"
)

// DefaultPinRoot is where the maps and attachments live unless Options say
// otherwise.
const DefaultPinRoot = C.VOSFP_DEFAULT_PIN_ROOT

// Options of Open; the zero value (or a nil pointer) means all defaults.
type Options struct {
	// PinRoot is the bpffs directory for maps and attachments; "" means
	// DefaultPinRoot. Its parent must be on a mounted bpffs.
	PinRoot string
	// BlockCapacity and AllowCapacity size each list (IPv4 and IPv6
	// prefixes together, and each table derived from them; see
	// docs/policy.md) when the root is created; 0 means the library's
	// default. A root that exists keeps the capacities it was made with.
	BlockCapacity uint32
	AllowCapacity uint32
}

// Handle is an open libvosfp handle: the loaded XDP program and the maps
// pinned under one pin root. Unlike the C handle it is safe for concurrent
// use: a mutex serialises the calls, which also keeps each call's error
// detail its own.
type Handle struct {
	mu sync.Mutex
	h  *C.struct_vosfp
}

// Open loads the embedded XDP program and creates, or reuses, the maps
// pinned under the pin root. Needs CAP_BPF (or CAP_SYS_ADMIN).
func Open(opts *Options) (*Handle, error) {
	if opts == nil {
		opts = &Options{}
	}
	var root *C.char
	if opts.PinRoot != "" {
		var err error
		if root, err = cString("Open", opts.PinRoot); err != nil {
			return nil, err
		}
		defer free(root)
	}
	var h *C.struct_vosfp
	var detail [512]C.char
	rc := C.go_vosfp_open(root, C.uint32_t(opts.BlockCapacity), C.uint32_t(opts.AllowCapacity),
		&h, &detail[0], C.size_t(len(detail)))
	if rc != 0 {
		return nil, newError("Open", int(rc), C.GoString(&detail[0]))
	}
	hd := &Handle{h: h}
	// A forgotten handle still frees its program and file descriptors;
	// attachments and pins stay, as with Close.
	runtime.SetFinalizer(hd, (*Handle).Close)
	return hd, nil
}

// Close frees the handle. Attachments and pinned maps stay in force: use
// Detach and Unpin to remove them. Closing twice is harmless.
func (hd *Handle) Close() error {
	hd.mu.Lock()
	defer hd.mu.Unlock()
	if hd.h != nil {
		C.vosfp_close(hd.h)
		hd.h = nil
		runtime.SetFinalizer(hd, nil)
	}
	return nil
}

// call runs fn on the C handle under the lock and turns a negative return
// into an *Error with the handle's detail. Non-negative values pass through.
func (hd *Handle) call(op string, fn func(h *C.struct_vosfp) C.int) (int, error) {
	hd.mu.Lock()
	defer hd.mu.Unlock()
	if hd.h == nil {
		return 0, &Error{Op: op, Errno: syscall.EINVAL, Detail: "handle is closed"}
	}
	rc := fn(hd.h)
	if rc < 0 {
		return int(rc), newError(op, int(rc), C.GoString(C.vosfp_last_error(hd.h)))
	}
	return int(rc), nil
}

// Unpin removes every pin under the handle's root (attachments must be
// detached first, else EBUSY) and the root directory itself.
func (hd *Handle) Unpin() error {
	_, err := hd.call("Unpin", func(h *C.struct_vosfp) C.int { return C.vosfp_unpin(h) })
	return err
}
