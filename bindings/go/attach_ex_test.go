package vosfp

import (
	"errors"
	"syscall"
	"testing"
)

// AttachWith passes the mode through; Multiprog either shares the
// interface through libxdp's dispatcher or, where this kernel cannot run
// vosfp in it, is refused with EOPNOTSUPP and leaves nothing attached.
func TestAttachWith(t *testing.T) {
	h := openTest(t)
	mode, err := h.AttachWith(vethA, AttachOptions{Mode: ModeGeneric})
	if err != nil || mode != ModeGeneric {
		t.Fatalf("AttachWith(%s, generic) = %v, %v", vethA, mode, err)
	}
	if err := h.Detach(vethA); err != nil {
		t.Fatal(err)
	}
	_, err = h.AttachWith(vethA, AttachOptions{Mode: ModeGeneric, Multiprog: true})
	switch {
	case errors.Is(err, syscall.EOPNOTSUPP):
		if n, err := h.AttachmentCount(); err != nil || n != 0 {
			t.Errorf("AttachmentCount() after a refused multiprog attach = %d, %v", n, err)
		}
	case err != nil:
		t.Errorf("AttachWith(multiprog) = %v; want success or EOPNOTSUPP", err)
	default:
		if err := h.Detach(vethA); err != nil {
			t.Errorf("Detach after multiprog: %v", err)
		}
	}
}
