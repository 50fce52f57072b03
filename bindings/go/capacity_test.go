package vosfp

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestPolicySetCapacity(t *testing.T) {
	h := openTest(t)
	if err := h.PolicySetCapacity(Allow, 2); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"192.0.2.1", "192.0.2.2"} {
		if _, err := h.PolicyAdd(Allow, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.PolicyAdd(Allow, "192.0.2.3"); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("add past the capacity = %v; want ENOSPC", err)
	}
	if err := h.PolicySetCapacity(Allow, 1); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("lowering below the list = %v; want ENOSPC", err)
	}
	if err := h.PolicySetCapacity(Allow, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := h.PolicyAdd(Allow, "192.0.2.3"); err != nil {
		t.Errorf("add after raising = %v", err)
	}
	if n, _ := h.PolicyCapacity(Allow); n != 3 {
		t.Errorf("PolicyCapacity = %d; want 3", n)
	}
}

func TestPolicyReadFile(t *testing.T) {
	h := openTest(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "block.txt")
	if err := os.WriteFile(good, []byte("192.0.2.0/24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := h.PolicyReadFile(Block, good); err != nil || string(b) != "192.0.2.0/24\n" {
		t.Errorf("PolicyReadFile = %q, %v", b, err)
	}
	if _, err := h.PolicyReadFile(Block, dir); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("a directory = %v; want EISDIR", err)
	}
	if _, err := h.PolicyReadFile(Block, "/dev/zero"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("/dev/zero = %v; want EINVAL", err)
	}
	root, err := h.PinRoot()
	if err != nil || root == "" || strings.HasSuffix(root, "/") {
		t.Errorf("PinRoot = %q, %v", root, err)
	}
}
