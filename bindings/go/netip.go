package vosfp

import (
	"fmt"
	"math"
	"net/netip"
	"syscall"
	"time"
)

// The typed forms of the policy and ban calls: net/netip values and
// time.Duration instead of text and seconds. They check what the library
// cannot see in the text (a zero value, a zone, a fraction of a second)
// and then call the same functions as the string forms, so the library
// stays the one judge of a prefix (host bits set are EINVAL there too).

// durationSeconds converts a TTL. The library counts whole seconds; a
// fraction is refused rather than rounded, so the program never honours an
// entry for a time the caller did not ask for.
func durationSeconds(op string, d time.Duration) (uint32, error) {
	if d < 0 {
		return 0, &Error{Op: op, Errno: syscall.EINVAL, Detail: fmt.Sprintf("TTL %v is negative", d)}
	}
	if d%time.Second != 0 {
		return 0, &Error{Op: op, Errno: syscall.EINVAL,
			Detail: fmt.Sprintf("TTL %v is not a whole number of seconds", d)}
	}
	if s := d / time.Second; s > math.MaxUint32 {
		return 0, &Error{Op: op, Errno: syscall.EINVAL,
			Detail: fmt.Sprintf("TTL %v is more than %d seconds", d, uint32(math.MaxUint32))}
	}
	return uint32(d / time.Second), nil
}

func prefixText(op string, p netip.Prefix) (string, error) {
	if !p.IsValid() {
		return "", &Error{Op: op, Errno: syscall.EINVAL, Detail: "invalid netip.Prefix (the zero value?)"}
	}
	if p.Addr().Zone() != "" {
		return "", &Error{Op: op, Errno: syscall.EINVAL,
			Detail: fmt.Sprintf("%v: a prefix has no zone", p)}
	}
	return p.String(), nil
}

func addrText(op string, a netip.Addr) (string, error) {
	if !a.IsValid() {
		return "", &Error{Op: op, Errno: syscall.EINVAL, Detail: "invalid netip.Addr (the zero value?)"}
	}
	if a.Zone() != "" {
		return "", &Error{Op: op, Errno: syscall.EINVAL,
			Detail: fmt.Sprintf("%v: a source address has no zone", a)}
	}
	return a.String(), nil
}

// PolicyAddPrefix is PolicyAddTTL with a netip.Prefix and a time.Duration
// (0: permanent; whole seconds only).
func (hd *Handle) PolicyAddPrefix(list List, p netip.Prefix,
	ttl time.Duration) (added bool, err error) {
	s, err := prefixText("PolicyAddPrefix", p)
	if err != nil {
		return false, err
	}
	secs, err := durationSeconds("PolicyAddPrefix", ttl)
	if err != nil {
		return false, err
	}
	return hd.PolicyAddTTL(list, s, secs)
}

// BlockPrefix puts a prefix on the block list for ttl (0: permanent).
func (hd *Handle) BlockPrefix(p netip.Prefix, ttl time.Duration) (added bool, err error) {
	return hd.PolicyAddPrefix(Block, p, ttl)
}

// AllowPrefix puts a prefix on the allow list for ttl (0: permanent).
func (hd *Handle) AllowPrefix(p netip.Prefix, ttl time.Duration) (added bool, err error) {
	return hd.PolicyAddPrefix(Allow, p, ttl)
}

// BlockAddr blocks one address (its host prefix) for ttl (0: permanent).
func (hd *Handle) BlockAddr(a netip.Addr, ttl time.Duration) (added bool, err error) {
	if _, err := addrText("BlockAddr", a); err != nil {
		return false, err
	}
	return hd.PolicyAddPrefix(Block, netip.PrefixFrom(a, a.BitLen()), ttl)
}

// PolicyRemovePrefix is PolicyRemove with a netip.Prefix.
func (hd *Handle) PolicyRemovePrefix(list List, p netip.Prefix) error {
	s, err := prefixText("PolicyRemovePrefix", p)
	if err != nil {
		return err
	}
	return hd.PolicyRemove(list, s)
}

// PolicyPrefixes is Policy with each entry parsed into a netip.Prefix.
func (hd *Handle) PolicyPrefixes(list List) ([]netip.Prefix, error) {
	texts, err := hd.Policy(list)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Prefix, 0, len(texts))
	for _, t := range texts {
		p, err := netip.ParsePrefix(t)
		if err != nil {
			return nil, &Error{Op: "PolicyPrefixes", Errno: syscall.EINVAL,
				Detail: fmt.Sprintf("the library listed %q: %v", t, err)}
		}
		out = append(out, p)
	}
	return out, nil
}

// BanAddr is BanAdd with a netip.Addr and a time.Duration (1 s to 10 years,
// whole seconds).
func (hd *Handle) BanAddr(a netip.Addr, ttl time.Duration) error {
	s, err := addrText("BanAddr", a)
	if err != nil {
		return err
	}
	secs, err := durationSeconds("BanAddr", ttl)
	if err != nil {
		return err
	}
	return hd.BanAdd(s, secs)
}

// UnbanAddr is BanRemove with a netip.Addr.
func (hd *Handle) UnbanAddr(a netip.Addr) error {
	s, err := addrText("UnbanAddr", a)
	if err != nil {
		return err
	}
	return hd.BanRemove(s)
}
