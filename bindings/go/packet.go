package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"fmt"
	"unsafe"
)

// Verdict is an XDP verdict (enum vosfp_verdict).
type Verdict int

const (
	VerdictAborted  Verdict = C.VOSFP_VERDICT_ABORTED
	VerdictDrop     Verdict = C.VOSFP_VERDICT_DROP
	VerdictPass     Verdict = C.VOSFP_VERDICT_PASS
	VerdictTX       Verdict = C.VOSFP_VERDICT_TX
	VerdictRedirect Verdict = C.VOSFP_VERDICT_REDIRECT
)

func (v Verdict) String() string {
	switch v {
	case VerdictAborted:
		return "aborted"
	case VerdictDrop:
		return "drop"
	case VerdictPass:
		return "pass"
	case VerdictTX:
		return "tx"
	case VerdictRedirect:
		return "redirect"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// TestPacket runs one Ethernet frame through the loaded program with the
// current policy and config (BPF_PROG_TEST_RUN), attached nowhere. The
// counters move as they would for real traffic.
func (hd *Handle) TestPacket(frame []byte) (Verdict, error) {
	var p unsafe.Pointer
	if len(frame) > 0 {
		p = unsafe.Pointer(&frame[0]) // plain bytes: no Go pointers inside
	}
	var verdict C.int
	_, err := hd.call("TestPacket", func(h *C.struct_vosfp) C.int {
		return C.vosfp_test_packet(h, p, C.size_t(len(frame)), &verdict)
	})
	return Verdict(verdict), err
}

// TestEgress runs one Ethernet frame through the TC egress program that
// learns verified sources, as if the server had sent it. It never drops:
// the result is the TC action (0, TC_ACT_OK); the effect shows in BanStats.
func (hd *Handle) TestEgress(frame []byte) (int, error) {
	var p unsafe.Pointer
	if len(frame) > 0 {
		p = unsafe.Pointer(&frame[0]) // plain bytes: no Go pointers inside
	}
	var action C.int
	_, err := hd.call("TestEgress", func(h *C.struct_vosfp) C.int {
		return C.vosfp_test_egress(h, p, C.size_t(len(frame)), &action)
	})
	return int(action), err
}

// XskRegister hands SIP packets that pass every check on RX queue queueID
// to the AF_XDP socket xskFD (bound to that queue of an attached interface)
// instead of the kernel stack.
func (hd *Handle) XskRegister(queueID uint32, xskFD int) error {
	_, err := hd.call("XskRegister", func(h *C.struct_vosfp) C.int {
		return C.vosfp_xsk_register(h, C.uint32_t(queueID), C.int(xskFD))
	})
	return err
}

// XskUnregister removes queueID's socket; nil also when none was registered.
func (hd *Handle) XskUnregister(queueID uint32) error {
	_, err := hd.call("XskUnregister", func(h *C.struct_vosfp) C.int {
		return C.vosfp_xsk_unregister(h, C.uint32_t(queueID))
	})
	return err
}
