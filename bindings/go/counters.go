package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"fmt"
	"syscall"
)

// Counter is one reason's count, summed over all CPUs.
type Counter struct {
	ID      int
	Name    string // "passed", "blocked", ... from the library
	Drop    bool   // whether packets counted here are dropped
	Packets uint64
	Bytes   uint64 // whole frames
}

// CounterCount is the number of counter reasons; ids are 0..CounterCount()-1.
func CounterCount() int { return int(C.vosfp_counter_count()) }

// CounterName is the library's name of a reason id; "" if unknown.
// Reasons are only ever appended, so bindings look them up by name rather
// than copying the C enum.
func CounterName(id int) string {
	if name := C.vosfp_counter_name(C.int(id)); name != nil {
		return C.GoString(name)
	}
	return ""
}

// CounterNames lists every reason in id order.
func CounterNames() []string {
	names := make([]string, CounterCount())
	for i := range names {
		names[i] = CounterName(i)
	}
	return names
}

// CounterID finds a reason id by name; EINVAL if the library has no such reason.
func CounterID(name string) (int, error) {
	for i, n := range CounterNames() {
		if n == name {
			return i, nil
		}
	}
	return 0, &Error{Op: "CounterID", Errno: syscall.EINVAL, Detail: fmt.Sprintf("%q: no such counter", name)}
}

// CounterIsDrop tells whether a reason drops; EINVAL for an unknown id.
func CounterIsDrop(id int) (bool, error) {
	rc := C.vosfp_counter_is_drop(C.int(id))
	if rc < 0 {
		return false, newError("CounterIsDrop", int(rc), fmt.Sprintf("counter %d: unknown", id))
	}
	return rc == 1, nil
}

// ReadCounter reads one reason by id.
func (hd *Handle) ReadCounter(id int) (Counter, error) {
	var packets, bytes C.uint64_t
	_, err := hd.call("ReadCounter", func(h *C.struct_vosfp) C.int {
		return C.vosfp_counter_read(h, C.int(id), &packets, &bytes)
	})
	if err != nil {
		return Counter{}, err
	}
	drop, _ := CounterIsDrop(id)
	return Counter{ID: id, Name: CounterName(id), Drop: drop, Packets: uint64(packets), Bytes: uint64(bytes)}, nil
}

// Counter reads one reason by name.
func (hd *Handle) Counter(name string) (Counter, error) {
	id, err := CounterID(name)
	if err != nil {
		return Counter{}, err
	}
	return hd.ReadCounter(id)
}

// Counters reads every reason, in id order.
func (hd *Handle) Counters() ([]Counter, error) {
	out := make([]Counter, 0, CounterCount())
	for id := 0; id < CounterCount(); id++ {
		c, err := hd.ReadCounter(id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ResetCounters zeroes every counter.
func (hd *Handle) ResetCounters() error {
	_, err := hd.call("ResetCounters", func(h *C.struct_vosfp) C.int { return C.vosfp_counters_reset(h) })
	return err
}
