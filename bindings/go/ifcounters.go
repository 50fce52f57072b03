package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"errors"
	"syscall"
)

// InterfaceCounters is one attached interface's row of counters (since
// libvosfp 0.2); ReadCounter gives the totals over every interface.
type InterfaceCounters struct {
	Name     string // as attached
	Ifindex  int    // in the namespace it was attached from
	Counters []Counter
}

// ReadCounterInterface reads one reason of one interface: iface is a name
// as attached, or an ifindex or name of the caller's namespace. ENOENT if
// the interface has no row (not attached on this pin root), ENODEV if iface
// names nothing.
func (hd *Handle) ReadCounterInterface(iface string, id int) (Counter, error) {
	cn, err := cString("ReadCounterInterface", iface)
	if err != nil {
		return Counter{}, err
	}
	defer free(cn)
	var packets, bytes C.uint64_t
	_, err = hd.call("ReadCounterInterface", func(h *C.struct_vosfp) C.int {
		return C.vosfp_counter_read_iface(h, cn, C.int(id), &packets, &bytes)
	})
	if err != nil {
		return Counter{}, err
	}
	drop, _ := CounterIsDrop(id)
	return Counter{ID: id, Name: CounterName(id), Drop: drop, Packets: uint64(packets), Bytes: uint64(bytes)}, nil
}

// CounterInterface is the pos-th interface that has a row (pos from 0):
// its name and ifindex; ENOENT past the last.
func (hd *Handle) CounterInterface(pos int) (string, int, error) {
	var name [16]C.char
	var ifindex C.int
	_, err := hd.call("CounterInterface", func(h *C.struct_vosfp) C.int {
		return C.vosfp_counter_iface(h, C.int(pos), &name[0], C.size_t(len(name)), &ifindex)
	})
	if err != nil {
		return "", 0, err
	}
	return C.GoString(&name[0]), int(ifindex), nil
}

// InterfaceCounters reads every reason of every interface that has a row.
func (hd *Handle) InterfaceCounters() ([]InterfaceCounters, error) {
	var out []InterfaceCounters
	for pos := 0; ; pos++ {
		name, idx, err := hd.CounterInterface(pos)
		if errors.Is(err, syscall.ENOENT) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row := InterfaceCounters{Name: name, Ifindex: idx}
		for id := 0; id < CounterCount(); id++ {
			c, err := hd.ReadCounterInterface(name, id)
			if errors.Is(err, syscall.ENOENT) {
				break // detached meanwhile
			}
			if err != nil {
				return nil, err
			}
			row.Counters = append(row.Counters, c)
		}
		out = append(out, row)
	}
}
