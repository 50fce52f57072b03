package vosfp

import (
	"errors"
	"net/netip"
	"reflect"
	"syscall"
	"testing"
	"time"
)

// Bad typed values are refused before the library is called, so these run
// on a nil handle, without root.
func TestTypedFormsRefuseBadValues(t *testing.T) {
	var hd *Handle
	p := netip.MustParsePrefix("192.0.2.0/24")
	cases := []struct {
		name string
		err  error
	}{
		{"zero prefix", func() error { _, err := hd.BlockPrefix(netip.Prefix{}, 0); return err }()},
		{"prefix longer than the address", func() error {
			_, err := hd.BlockPrefix(netip.PrefixFrom(netip.MustParseAddr("192.0.2.0"), 33), 0)
			return err
		}()},
		{"negative TTL", func() error { _, err := hd.BlockPrefix(p, -time.Second); return err }()},
		{"fraction of a second", func() error {
			_, err := hd.AllowPrefix(p, 1500*time.Millisecond)
			return err
		}()},
		{"TTL over 32 bits", func() error {
			_, err := hd.BlockPrefix(p, (1<<32)*time.Second)
			return err
		}()},
		{"zero address", hd.BanAddr(netip.Addr{}, time.Minute)},
		{"zoned address", hd.UnbanAddr(netip.MustParseAddr("fe80::1%eth0"))},
		{"zero address to block", func() error { _, err := hd.BlockAddr(netip.Addr{}, 0); return err }()},
		{"removing a zero prefix", hd.PolicyRemovePrefix(Block, netip.Prefix{})},
	}
	for _, c := range cases {
		var e *Error
		if !errors.As(c.err, &e) || !errors.Is(c.err, syscall.EINVAL) || e.Detail == "" {
			t.Errorf("%s: got %v, want an *Error with EINVAL and a detail", c.name, c.err)
		}
	}
	if s, err := durationSeconds("t", 24*time.Hour); err != nil || s != 86400 {
		t.Errorf("durationSeconds(24h) = %d, %v", s, err)
	}
}

func TestNetipPolicyAndBans(t *testing.T) {
	h := openTest(t)
	n4, n6 := netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("2001:db8::/32")
	a4 := netip.MustParseAddr("198.51.100.7")
	if added, err := h.BlockPrefix(n4, time.Hour); err != nil || !added {
		t.Fatalf("BlockPrefix(%v) = %v, %v", n4, added, err)
	}
	entries, err := h.PolicyEntries(Block)
	if err != nil || len(entries) != 1 || entries[0].TTLLeft < 3599 || entries[0].TTLLeft > 3600 {
		t.Errorf("the TTL of an hour did not arrive in seconds: %+v, %v", entries, err)
	}
	if added, err := h.BlockPrefix(n4, 0); err != nil || added {
		t.Errorf("BlockPrefix again = %v, %v; want false (present), nil", added, err)
	}
	if _, err := h.BlockPrefix(n6, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.BlockAddr(a4, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AllowPrefix(netip.MustParsePrefix("203.0.113.0/24"), 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := h.PolicyPrefixes(Block)
	want := []netip.Prefix{n4, netip.PrefixFrom(a4, 32), n6}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("PolicyPrefixes(Block) = %v, %v; want %v", got, err, want)
	}
	// Host bits set: the library refuses it, as it does the same text.
	_, err = h.BlockPrefix(netip.MustParsePrefix("192.0.2.1/24"), 0)
	if !errors.Is(err, syscall.EINVAL) {
		t.Errorf("BlockPrefix(192.0.2.1/24) = %v, want EINVAL", err)
	}
	if err := h.PolicyRemovePrefix(Block, n6); err != nil {
		t.Error(err)
	}
	if err := h.BanAddr(a4, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	bans, err := h.Bans()
	if err != nil || len(bans) != 1 || bans[0].Address != "198.51.100.7" || bans[0].TTLLeft > 90 {
		t.Errorf("Bans() = %+v, %v", bans, err)
	}
	if err := h.UnbanAddr(a4); err != nil {
		t.Error(err)
	}
	if err := h.UnbanAddr(a4); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("UnbanAddr of an address not banned = %v, want ENOENT", err)
	}
}
