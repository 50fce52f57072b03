package vosfp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
)

func TestPolicyTTL(t *testing.T) {
	h := openTest(t)
	if added, err := h.PolicyAddTTL(Block, "203.0.113.0/24", 600); err != nil || !added {
		t.Fatalf("PolicyAddTTL = %v, %v", added, err)
	}
	if added, err := h.PolicyAddTTL(Block, "203.0.113.0/24", 60); err != nil || added {
		t.Errorf("PolicyAddTTL again = %v, %v; want false (TTL replaced)", added, err)
	}
	if _, err := h.PolicyAdd(Block, "198.51.100.0/24"); err != nil {
		t.Fatal(err)
	}
	entries, err := h.PolicyEntries(Block)
	if err != nil || len(entries) != 2 {
		t.Fatalf("PolicyEntries = %+v, %v", entries, err)
	}
	for _, e := range entries {
		switch e.Prefix {
		case "203.0.113.0/24":
			if e.TTLLeft <= 0 || e.TTLLeft > 60 {
				t.Errorf("%s has %d s left; want 1..60", e.Prefix, e.TTLLeft)
			}
		case "198.51.100.0/24":
			if e.TTLLeft != 0 {
				t.Errorf("%s has %d s left; want 0 (permanent)", e.Prefix, e.TTLLeft)
			}
		default:
			t.Errorf("unexpected entry %+v", e)
		}
	}
}

func TestPolicyLoad(t *testing.T) {
	h := openTest(t)
	path := filepath.Join(t.TempDir(), "block.txt")
	text := "# trunks gone bad\n203.0.113.0/24\n2001:db8::/32 ttl=1h # for now\n\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := h.PolicyLoad(Block, path, 0); err != nil || n != 2 {
		t.Fatalf("PolicyLoad = %d, %v; want 2 entries", n, err)
	}
	// A bad line changes nothing and is named by the buffer's name and line.
	_, err := h.PolicyLoadBuffer(Block, []byte("198.51.100.0/24\n192.0.2.1/24\n"), "inline", LoadReplace)
	var e *Error
	if !errors.As(err, &e) || e.Errno != syscall.EINVAL || !strings.HasPrefix(e.Detail, "inline:2:") {
		t.Errorf("bad line = %v; want EINVAL, detail inline:2:...", err)
	}
	if n, _ := h.PolicyCount(Block); n != 2 {
		t.Errorf("a rejected load changed the list: %d entries", n)
	}
	if n, err := h.PolicyLoadBuffer(Block, []byte("198.51.100.0/24"), "inline", LoadReplace); err != nil || n != 1 {
		t.Fatalf("PolicyLoadBuffer(replace) = %d, %v", n, err)
	}
	got, err := h.Policy(Block)
	sort.Strings(got)
	if err != nil || !reflect.DeepEqual(got, []string{"198.51.100.0/24"}) {
		t.Errorf("after replace: %v, %v", got, err)
	}
	if _, err := h.PolicyLoad(Block, filepath.Join(t.TempDir(), "missing"), 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file = %v; want ENOENT", err)
	}
}
