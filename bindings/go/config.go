package vosfp

// #include <stdlib.h>
// #include <vosfp/vosfp.h>
import "C"

import (
	"errors"
	"syscall"
)

// MaxPorts is the most SIP ports SetPorts takes.
const MaxPorts = C.VOSFP_MAX_PORTS

// ConfigKey is one setting: its name and a line of help, from the library.
type ConfigKey struct {
	Name string
	Help string
}

// ConfigKeys lists every setting the library knows, in its order.
func ConfigKeys() []ConfigKey {
	var keys []ConfigKey
	for i := 0; ; i++ {
		name := C.vosfp_config_key_name(C.int(i))
		if name == nil {
			return keys
		}
		keys = append(keys, ConfigKey{Name: C.GoString(name), Help: C.GoString(C.vosfp_config_key_help(C.int(i)))})
	}
}

// ConfigSet sets one setting from its text form ("on", "5060,5080", ...);
// EINVAL with the reason for an unknown key or a bad value.
func (hd *Handle) ConfigSet(key, value string) error {
	ck, err := cString("ConfigSet", key)
	if err != nil {
		return err
	}
	defer free(ck)
	cv, err := cString("ConfigSet", value)
	if err != nil {
		return err
	}
	defer free(cv)
	_, err = hd.call("ConfigSet", func(h *C.struct_vosfp) C.int { return C.vosfp_config_set(h, ck, cv) })
	return err
}

// ConfigGet reads one setting as text.
func (hd *Handle) ConfigGet(key string) (string, error) {
	ck, err := cString("ConfigGet", key)
	if err != nil {
		return "", err
	}
	defer free(ck)
	// The library gives no length up front: grow the buffer on ENOSPC.
	for size := 256; ; size *= 4 {
		buf := make([]C.char, size)
		_, err = hd.call("ConfigGet", func(h *C.struct_vosfp) C.int {
			return C.vosfp_config_get(h, ck, &buf[0], C.size_t(size))
		})
		if errors.Is(err, syscall.ENOSPC) && size < 1<<20 {
			continue
		}
		if err != nil {
			return "", err
		}
		return C.GoString(&buf[0]), nil
	}
}

// Config reads every setting: key name to text value.
func (hd *Handle) Config() (map[string]string, error) {
	out := map[string]string{}
	for _, k := range ConfigKeys() {
		v, err := hd.ConfigGet(k.Name)
		if err != nil {
			return nil, err
		}
		out[k.Name] = v
	}
	return out, nil
}

// SetPorts sets the SIP ports (UDP and TCP) the filter inspects: 1 to
// MaxPorts distinct non-zero ports. Takes effect at once.
func (hd *Handle) SetPorts(ports []uint16) error {
	var p *C.uint16_t
	if len(ports) > 0 {
		p = (*C.uint16_t)(&ports[0])
	}
	_, err := hd.call("SetPorts", func(h *C.struct_vosfp) C.int {
		return C.vosfp_config_set_ports(h, p, C.size_t(len(ports)))
	})
	return err
}

// Ports returns the SIP ports, ascending.
func (hd *Handle) Ports() ([]uint16, error) {
	var buf [MaxPorts]C.uint16_t
	n, err := hd.call("Ports", func(h *C.struct_vosfp) C.int {
		return C.vosfp_config_get_ports(h, &buf[0], C.size_t(len(buf)))
	})
	if err != nil {
		return nil, err
	}
	if n > len(buf) {
		n = len(buf)
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(buf[i])
	}
	return out, nil
}
