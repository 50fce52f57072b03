package vosfp

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestVersionNumbers(t *testing.T) {
	major, minor, patch := VersionNumbers()
	want := strings.Join([]string{itoa(major), itoa(minor), itoa(patch)}, ".")
	if Version() != want {
		t.Errorf("Version() = %q, VersionNumbers() = %s", Version(), want)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestParseDurationDetail(t *testing.T) {
	_, err := ParseDuration("12x")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Detail, "not a duration") {
		t.Errorf("ParseDuration(12x) = %v; want the library's detail", err)
	}
}

func TestOptsForms(t *testing.T) {
	h := openTest(t)
	v, reason, err := h.TestPacketReason(optionsFrame("192.0.2.77"))
	if err != nil || v != VerdictDrop || CounterName(reason) != "stealth" {
		t.Errorf("TestPacketReason = %v, %d, %v; want drop, stealth", v, reason, err)
	}
	if added, err := h.PolicyAddWith(Block, "192.0.2.0/24",
		PolicyAddOptions{TTLSeconds: 600}); err != nil || !added {
		t.Errorf("PolicyAddWith = %v, %v", added, err)
	}
	if _, reason, _ = h.TestPacketReason(optionsFrame("192.0.2.77")); CounterName(reason) != "blocked" {
		t.Errorf("reason after the block = %d; want blocked", reason)
	}
	n, err := h.PolicyLoadBufferWith(Block, []byte("198.51.100.0/24\n"), "mem",
		PolicyLoadOptions{Flags: LoadReplace})
	if err != nil || n != 1 {
		t.Errorf("PolicyLoadBufferWith = %d, %v", n, err)
	}
	if c, _ := h.PolicyCount(Block); c != 1 {
		t.Errorf("PolicyCount after the replace = %d; want 1", c)
	}
	if _, err := h.PolicyLoadWith(Block, "/nonexistent/vosfp", PolicyLoadOptions{}); err == nil {
		t.Errorf("PolicyLoadWith of a missing file succeeded")
	}
	if err := h.BanAddWith("192.0.2.78", BanAddOptions{TTLSeconds: 60}); err != nil {
		t.Errorf("BanAddWith = %v", err)
	}
	if err := h.BanAddWith("192.0.2.78", BanAddOptions{}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("BanAddWith without a TTL = %v; want EINVAL", err)
	}
}
