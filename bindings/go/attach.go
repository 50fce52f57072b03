package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"errors"
	"fmt"
	"syscall"
)

// Mode is an XDP attach mode (enum vosfp_attach_mode).
type Mode int

const (
	ModeAuto    Mode = C.VOSFP_MODE_AUTO    // native, falling back to generic
	ModeNative  Mode = C.VOSFP_MODE_NATIVE  // driver mode
	ModeGeneric Mode = C.VOSFP_MODE_GENERIC // skb mode
)

// String is the library's name of the mode ("auto", "native", "generic").
func (m Mode) String() string {
	if name := C.vosfp_mode_name(C.int(m)); name != nil {
		return C.GoString(name)
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// Attachment is one interface the program is attached to under the pin root.
type Attachment struct {
	Interface string
	// Mode is ModeNative or ModeGeneric; ModeAuto when unknown (the
	// interface is gone or lives in another network namespace).
	Mode Mode
	// ProgramID is the kernel's program id; 0 if the link is defunct.
	ProgramID uint32
}

// Attach attaches the program to ifname as a pinned bpf_link (it stays
// after the process exits) and returns the mode obtained. Needs
// CAP_NET_ADMIN. Errors: ENODEV, EEXIST (already attached by this root),
// EBUSY (another XDP program), EOPNOTSUPP (driver lacks the mode), EPERM.
func (hd *Handle) Attach(ifname string, mode Mode) (Mode, error) {
	cn, err := cString("Attach", ifname)
	if err != nil {
		return 0, err
	}
	defer free(cn)
	var got C.int
	_, err = hd.call("Attach", func(h *C.struct_vosfp) C.int {
		return C.vosfp_attach(h, cn, C.int(mode), &got)
	})
	return Mode(got), err
}

// Detach detaches from ifname and removes its pinned link; ENOENT if this
// pin root has no attachment there.
func (hd *Handle) Detach(ifname string) error {
	cn, err := cString("Detach", ifname)
	if err != nil {
		return err
	}
	defer free(cn)
	_, err = hd.call("Detach", func(h *C.struct_vosfp) C.int { return C.vosfp_detach(h, cn) })
	return err
}

// AttachmentCount is the number of attachments under the pin root.
func (hd *Handle) AttachmentCount() (int, error) {
	return hd.call("AttachmentCount", func(h *C.struct_vosfp) C.int {
		return C.vosfp_attachment_count(h)
	})
}

// Attachment returns attachment idx (0..AttachmentCount()-1); ERANGE past the end.
func (hd *Handle) Attachment(idx int) (Attachment, error) {
	var name [16]C.char
	var mode C.int
	var prog C.uint32_t
	_, err := hd.call("Attachment", func(h *C.struct_vosfp) C.int {
		return C.vosfp_attachment_get(h, C.int(idx), &name[0], C.size_t(len(name)), &mode, &prog)
	})
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Interface: C.GoString(&name[0]), Mode: Mode(mode), ProgramID: uint32(prog)}, nil
}

// Attachments lists every attachment under the pin root, by interface name.
func (hd *Handle) Attachments() ([]Attachment, error) {
	n, err := hd.AttachmentCount()
	if err != nil {
		return nil, err
	}
	out := make([]Attachment, 0, n)
	for i := 0; i < n; i++ {
		a, err := hd.Attachment(i)
		if errors.Is(err, syscall.ERANGE) {
			break // another process detached meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
