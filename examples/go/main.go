// embed is a minimal embedder of libvosfp in Go: open, attach (auto mode),
// block a prefix, print the counters by name, detach. Built against the
// installed library through pkg-config (cgo does it):
//
//	go build -o embed . && sudo ./embed IFACE [PIN_ROOT]
package main

import (
	"fmt"
	"net/netip"
	"os"

	vosfp "github.com/libvosfp/libvosfp/bindings/go"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintf(os.Stderr, "usage: %s IFACE [PIN_ROOT]\n", os.Args[0])
		os.Exit(2)
	}
	pinRoot := "" // the library's default, /sys/fs/bpf/vosfp
	if len(os.Args) == 3 {
		pinRoot = os.Args[2]
	}
	os.Exit(run(os.Args[1], pinRoot))
}

// fail prints an error; a *vosfp.Error carries the errno and the library's
// detail ("eth9: no such interface").
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "embed: %v\n", err)
	return 1
}

func run(ifname, pinRoot string) int {
	fmt.Printf("libvosfp %s\n", vosfp.Version())
	h, err := vosfp.Open(&vosfp.Options{PinRoot: pinRoot})
	if err != nil {
		return fail(err)
	}
	defer h.Close() // attachments and pins stay in force

	mode, err := h.Attach(ifname, vosfp.ModeAuto) // native, else generic
	if err != nil {
		return fail(err)
	}
	fmt.Printf("attached to %s in %s mode\n", ifname, mode)
	rc := report(h)

	// Embedders that want the filter to outlive them simply skip this.
	if err := h.Detach(ifname); err != nil {
		return fail(err)
	}
	fmt.Printf("detached from %s\n", ifname)
	return rc
}

// report blocks a prefix and prints every counter under the library's name.
func report(h *vosfp.Handle) int {
	// Text works too: h.PolicyAdd(vosfp.Block, "192.0.2.0/24").
	if _, err := h.BlockPrefix(netip.MustParsePrefix("192.0.2.0/24"), 0); err != nil {
		return fail(err)
	}
	n, err := h.PolicyCount(vosfp.Block)
	if err != nil {
		return fail(err)
	}
	fmt.Printf("blocked 192.0.2.0/24 (%d prefixes on the block list)\n", n)

	counters, err := h.Counters()
	if err != nil {
		return fail(err)
	}
	for _, c := range counters {
		fmt.Printf("  %-12s %10d packets %12d bytes\n", c.Name, c.Packets, c.Bytes)
	}
	return 0
}
