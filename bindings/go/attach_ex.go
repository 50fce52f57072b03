package vosfp

// #include <vosfp/vosfp.h>
import "C"

// AttachOptions are the options of AttachWith (struct vosfp_attach_opts).
type AttachOptions struct {
	Mode Mode
	// Multiprog attaches through libxdp's dispatcher, next to other
	// libxdp programs such as xdp-filter (VOSFP_ATTACH_MULTIPROG).
	// EOPNOTSUPP where the kernel cannot run vosfp in the dispatcher;
	// EBUSY next to an XDP program that is not the dispatcher.
	Multiprog bool
}

// AttachWith is Attach with options; it returns the mode obtained.
// Detach removes a Multiprog attachment from the dispatcher, leaving the
// other programs in it.
func (hd *Handle) AttachWith(ifname string, o AttachOptions) (Mode, error) {
	cn, err := cString("AttachWith", ifname)
	if err != nil {
		return 0, err
	}
	defer free(cn)
	var opts C.struct_vosfp_attach_opts
	opts.sz = C.size_t(C.sizeof_struct_vosfp_attach_opts)
	opts.mode = C.int(o.Mode)
	if o.Multiprog {
		opts.flags = C.VOSFP_ATTACH_MULTIPROG
	}
	var got C.int
	_, err = hd.call("AttachWith", func(h *C.struct_vosfp) C.int {
		return C.vosfp_attach_ex(h, cn, &opts, &got)
	})
	return Mode(got), err
}

// AttachmentMultiprog tells whether attachment idx (as Attachment's idx) is
// vosfp's program in libxdp's dispatcher (vosfp_attachment_flags).
func (hd *Handle) AttachmentMultiprog(idx int) (bool, error) {
	flags, err := hd.call("AttachmentMultiprog", func(h *C.struct_vosfp) C.int {
		return C.vosfp_attachment_flags(h, C.int(idx))
	})
	return err == nil && flags&int(C.VOSFP_ATTACH_MULTIPROG) != 0, err
}
