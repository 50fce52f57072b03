package vosfp

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Names and errors need no privileges.

func TestNamesComeFromTheLibrary(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Version()) {
		t.Errorf("Version() = %q", Version())
	}
	names := CounterNames()
	if len(names) < 10 || names[0] != "passed" || names[2] != "blocked" {
		t.Errorf("CounterNames() = %v", names)
	}
	for _, want := range []string{"stealth", "scanner", "banned"} {
		if _, err := CounterID(want); err != nil {
			t.Errorf("CounterID(%q): %v", want, err)
		}
	}
	if _, err := CounterID("nonsense"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("CounterID(nonsense) = %v, want EINVAL", err)
	}
	if drop, err := CounterIsDrop(2); err != nil || !drop {
		t.Errorf("CounterIsDrop(blocked) = %v, %v", drop, err)
	}
	if drop, err := CounterIsDrop(0); err != nil || drop {
		t.Errorf("CounterIsDrop(passed) = %v, %v", drop, err)
	}
	if _, err := CounterIsDrop(CounterCount()); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("CounterIsDrop(past the end) = %v, want EINVAL", err)
	}
	if got := ListNames(); !reflect.DeepEqual(got, []string{"block", "allow"}) {
		t.Errorf("ListNames() = %v", got)
	}
	if l, err := ListByName("allow"); err != nil || l != Allow {
		t.Errorf("ListByName(allow) = %v, %v", l, err)
	}
	if ModeNative.String() != "native" || ModeGeneric.String() != "generic" || Mode(7).String() != "mode(7)" {
		t.Errorf("mode names: %v %v %v", ModeNative, ModeGeneric, Mode(7))
	}
	help := map[string]string{}
	for _, k := range ConfigKeys() {
		help[k.Name] = k.Help
	}
	for _, want := range []string{"ports", "stealth_methods", "user_agents", "ban_ttl"} {
		if help[want] == "" {
			t.Errorf("config key %q missing or without help: %v", want, help)
		}
	}
	if s := Strerror(syscall.ENODEV); s != "no such interface" {
		t.Errorf("Strerror(ENODEV) = %q", s)
	}
}

func TestCheckPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"2001:DB8:0::/32": "2001:db8::/32",
		"192.0.2.7":       "192.0.2.7/32",
		"192.0.2.0/24":    "192.0.2.0/24",
	} {
		if got, err := CheckPrefix(in); err != nil || got != want {
			t.Errorf("CheckPrefix(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"192.0.2.1/24", "192.0.2.0/33", " 192.0.2.0/24", "", "eth0",
		"fe80::1%eth0", "192.0.2.0/24\x00junk"} {
		_, err := CheckPrefix(bad)
		var e *Error
		if !errors.Is(err, syscall.EINVAL) || !errors.As(err, &e) || e.Detail == "" {
			t.Errorf("CheckPrefix(%q) = %v; want EINVAL with a reason", bad, err)
		}
	}
	_, err := CheckPrefix("192.0.2.1/24")
	if !strings.Contains(err.Error(), "host bits") {
		t.Errorf("the reason is lost: %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]uint32{"3600": 3600, "90s": 90, "15m": 900, "2h": 7200, "7d": 604800} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "1x", "h", "-5", "1h ", "11000d", "5\x00s"} {
		if _, err := ParseDuration(bad); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("ParseDuration(%q) = %v; want EINVAL", bad, err)
		}
	}
}

func TestOpenErrorCarriesErrnoAndDetail(t *testing.T) {
	_, err := Open(&Options{PinRoot: "/nonexistent-vosfp-go/x"})
	var e *Error
	if !errors.As(err, &e) || e.Errno != syscall.EOPNOTSUPP || !strings.Contains(e.Detail, "not on bpffs") {
		t.Fatalf("Open on a non-bpffs root = %v; want EOPNOTSUPP, not on bpffs", err)
	}
}

// The kernel tests: each on a pin root of its own.

func TestPolicyRoundTrip(t *testing.T) {
	h := openTest(t)
	for _, p := range []string{"203.0.113.0/24", "198.51.100.7", "2001:db8::/32"} {
		if added, err := h.PolicyAdd(Block, p); err != nil || !added {
			t.Fatalf("PolicyAdd(%s) = %v, %v", p, added, err)
		}
	}
	if added, err := h.PolicyAdd(Block, "203.0.113.0/24"); err != nil || added {
		t.Errorf("adding twice = %v, %v; want false, nil", added, err)
	}
	if _, err := h.PolicyAdd(Block, "203.0.113.1/24"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("host bits set: %v, want EINVAL", err)
	}
	got, err := h.Policy(Block)
	want := []string{"198.51.100.7/32", "2001:db8::/32", "203.0.113.0/24"} // sorted
	sort.Strings(got)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Policy(Block) = %v, %v; want %v", got, err, want)
	}
	if n, err := h.PolicyCount(Block); err != nil || n != 3 {
		t.Errorf("PolicyCount(Block) = %d, %v", n, err)
	}
	if n, err := h.PolicyCount(Allow); err != nil || n != 0 {
		t.Errorf("PolicyCount(Allow) = %d, %v", n, err)
	}
	if err := h.PolicyRemove(Block, "198.51.100.7"); err != nil {
		t.Errorf("PolicyRemove: %v", err)
	}
	err = h.PolicyRemove(Block, "198.51.100.7")
	if !errors.Is(err, syscall.ENOENT) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removing an absent prefix = %v; want ENOENT", err)
	}
	if _, err := h.PolicyAdd(List(9), "192.0.2.0/24"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("unknown list = %v; want EINVAL", err)
	}
	if err := h.PolicyClear(Block); err != nil {
		t.Fatal(err)
	}
	if got, err := h.Policy(Block); err != nil || len(got) != 0 {
		t.Errorf("after PolicyClear: %v, %v", got, err)
	}
}

func TestConfig(t *testing.T) {
	h := openTest(t)
	if ports, err := h.Ports(); err != nil || !reflect.DeepEqual(ports, []uint16{5060}) {
		t.Errorf("default Ports() = %v, %v", ports, err)
	}
	if err := h.SetPorts([]uint16{5080, 5060}); err != nil {
		t.Fatal(err)
	}
	if ports, err := h.Ports(); err != nil || !reflect.DeepEqual(ports, []uint16{5060, 5080}) {
		t.Errorf("Ports() = %v, %v", ports, err)
	}
	if err := h.SetPorts(nil); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("SetPorts(nil) = %v; want EINVAL", err)
	}
	if v, err := h.ConfigGet("ports"); err != nil || v != "5060,5080" {
		t.Errorf(`ConfigGet("ports") = %q, %v`, v, err)
	}
	if err := h.ConfigSet("stealth_methods", "OPTIONS,REGISTER"); err != nil {
		t.Fatal(err)
	}
	cfg, err := h.Config()
	// The library writes the methods back in its own order.
	methods := strings.Split(cfg["stealth_methods"], ",")
	sort.Strings(methods)
	if err != nil || !reflect.DeepEqual(methods, []string{"OPTIONS", "REGISTER"}) || cfg["malformed_drop"] != "on" {
		t.Errorf("Config() = %v, %v", cfg, err)
	}
	if len(cfg) != len(ConfigKeys()) {
		t.Errorf("Config() has %d keys, the library %d", len(cfg), len(ConfigKeys()))
	}
	var e *Error
	if err := h.ConfigSet("rate_limit", "fast"); !errors.As(err, &e) || e.Errno != syscall.EINVAL || e.Detail == "" {
		t.Errorf("bad value = %v; want EINVAL with a detail", err)
	}
	if _, err := h.ConfigGet("no_such_key"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("unknown key = %v; want EINVAL", err)
	}
}

// optionsFrame is Ethernet + IPv4 + UDP to 5060 carrying an OPTIONS request.
func optionsFrame(src string) []byte {
	payload := []byte("OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP " + src +
		"\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
	udp := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], 5060)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	udp = append(udp, payload...)
	ip := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0}
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	ip = append(ip, net.ParseIP(src).To4()...)
	ip = append(ip, net.ParseIP("198.51.100.1").To4()...)
	eth := []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00}
	return append(append(eth, ip...), udp...)
}

func TestPacketsAndCounters(t *testing.T) {
	h := openTest(t)
	if err := h.ResetCounters(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.PolicyAdd(Block, "203.0.113.0/24"); err != nil {
		t.Fatal(err)
	}
	frame := optionsFrame("192.0.2.99")
	for src, want := range map[string]Verdict{"192.0.2.99": VerdictDrop, "203.0.113.9": VerdictDrop} {
		if v, err := h.TestPacket(optionsFrame(src)); err != nil || v != want {
			t.Errorf("TestPacket(OPTIONS from %s) = %v, %v; want %v", src, v, err, want)
		}
	}
	counters, err := h.Counters()
	if err != nil || len(counters) != CounterCount() {
		t.Fatalf("Counters() = %v, %v", counters, err)
	}
	moved := map[string]uint64{}
	for _, c := range counters {
		if c.Packets != 0 {
			moved[c.Name] = c.Packets
		}
	}
	if !reflect.DeepEqual(moved, map[string]uint64{"stealth": 1, "blocked": 1}) {
		t.Errorf("counters moved: %v; want one stealth, one blocked", moved)
	}
	if c, err := h.Counter("stealth"); err != nil || c.Bytes != uint64(len(frame)) || !c.Drop {
		t.Errorf("Counter(stealth) = %+v, %v; want %d bytes, a drop", c, err, len(frame))
	}
	if err := h.ConfigSet("stealth_methods", "none"); err != nil {
		t.Fatal(err)
	}
	if v, err := h.TestPacket(frame); err != nil || v != VerdictPass {
		t.Errorf("TestPacket without stealth = %v, %v; want pass", v, err)
	}
	if _, err := h.ReadCounter(CounterCount()); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ReadCounter(past the end) = %v; want EINVAL", err)
	}
	if _, err := h.TestPacket(nil); err == nil {
		t.Error("TestPacket(nil) succeeded")
	}
}

func TestBans(t *testing.T) {
	h := openTest(t)
	if err := h.ConfigSet("stealth_methods", "none"); err != nil {
		t.Fatal(err)
	}
	if err := h.BanAdd("192.0.2.99", 60); err != nil {
		t.Fatal(err)
	}
	bans, err := h.Bans()
	if err != nil || len(bans) != 1 || bans[0].Address != "192.0.2.99" || bans[0].Reason != "banned" ||
		bans[0].TTLLeft == 0 || bans[0].TTLLeft > 60 {
		t.Errorf("Bans() = %+v, %v", bans, err)
	}
	if v, err := h.TestPacket(optionsFrame("192.0.2.99")); err != nil || v != VerdictDrop {
		t.Errorf("banned source: %v, %v; want drop", v, err)
	}
	if err := h.BanAdd("192.0.2.0/24", 60); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ban of a prefix = %v; want EINVAL", err)
	}
	if err := h.BanRemove("192.0.2.99"); err != nil {
		t.Fatal(err)
	}
	if err := h.BanRemove("192.0.2.99"); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("second BanRemove = %v; want ENOENT", err)
	}
	if bans, err := h.Bans(); err != nil || len(bans) != 0 {
		t.Errorf("Bans() after removal = %v, %v", bans, err)
	}
}

func TestAttachOnVeth(t *testing.T) {
	h := openTest(t)
	var mu sync.Mutex
	var logged []string
	SetLogCallback(func(level LogLevel, msg string) {
		mu.Lock()
		logged = append(logged, msg)
		mu.Unlock()
	})
	defer SetLogCallback(nil)

	mode, err := h.Attach(vethA, ModeAuto)
	if err != nil || mode != ModeNative {
		t.Fatalf("Attach(%s, auto) = %v, %v; want native (veth has native XDP)", vethA, mode, err)
	}
	_, err = h.Attach(vethA, ModeAuto)
	var e *Error
	if !errors.As(err, &e) || e.Errno != syscall.EEXIST || !strings.Contains(e.Detail, vethA) {
		t.Errorf("second Attach = %v; want EEXIST naming %s", err, vethA)
	}
	if _, err := h.Attach("nosuch0", ModeAuto); !errors.Is(err, syscall.ENODEV) {
		t.Errorf("Attach(nosuch0) = %v; want ENODEV", err)
	}
	if n, err := h.AttachmentCount(); err != nil || n != 1 {
		t.Errorf("AttachmentCount() = %d, %v", n, err)
	}
	a, err := h.Attachment(0)
	if err != nil || a.Interface != vethA || a.Mode != ModeNative || a.ProgramID == 0 {
		t.Errorf("Attachment(0) = %+v, %v", a, err)
	}
	if _, err := h.Attachment(1); !errors.Is(err, syscall.ERANGE) {
		t.Errorf("Attachment(1) = %v; want ERANGE", err)
	}
	mu.Lock()
	found := false
	for _, m := range logged {
		found = found || strings.Contains(m, vethA+": attached in native mode")
	}
	mu.Unlock()
	if !found {
		t.Errorf("the log callback missed the attach message; got %q", logged)
	}

	// Real traffic over the veth is not needed here: the e2e tests send
	// it. The counters must read while attached.
	if _, err := h.Counters(); err != nil {
		t.Errorf("Counters() while attached: %v", err)
	}
	if err := h.Unpin(); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("Unpin while attached = %v; want EBUSY", err)
	}
	if err := h.Detach(vethA); err != nil {
		t.Fatal(err)
	}
	if err := h.Detach(vethA); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("second Detach = %v; want ENOENT", err)
	}
	if atts, err := h.Attachments(); err != nil || len(atts) != 0 {
		t.Errorf("Attachments() after detach = %v, %v", atts, err)
	}
}

func TestXsk(t *testing.T) {
	h := openTest(t)
	if err := h.XskRegister(0, -1); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("XskRegister(fd -1) = %v; want EINVAL", err)
	}
	if err := h.XskRegister(1<<20, 3); !errors.Is(err, syscall.ERANGE) {
		t.Errorf("XskRegister(queue 1<<20) = %v; want ERANGE", err)
	}
	if err := h.XskUnregister(0); err != nil {
		t.Errorf("XskUnregister(0) = %v; want nil (idempotent)", err)
	}
}

func TestClosedHandle(t *testing.T) {
	h := openTest(t)
	h2, err := Open(&Options{PinRoot: testRoots[h]})
	if err != nil {
		t.Fatal(err)
	}
	// A second handle on the same root shares the policy.
	if _, err := h.PolicyAdd(Allow, "192.0.2.0/24"); err != nil {
		t.Fatal(err)
	}
	if got, err := h2.Policy(Allow); err != nil || !reflect.DeepEqual(got, []string{"192.0.2.0/24"}) {
		t.Errorf("second handle sees %v, %v", got, err)
	}
	h2.Close()
	h2.Close()
	if _, err := h2.PolicyCount(Allow); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("call on a closed handle = %v; want EINVAL", err)
	}
}

func TestPolicyCapacity(t *testing.T) {
	h := openTest(t)
	// openTest asks for no capacity: the root gets the library's defaults.
	if n, err := h.PolicyCapacity(Block); err != nil || n != 65536 {
		t.Errorf("PolicyCapacity(Block) = %d, %v; want 65536", n, err)
	}
	if n, err := h.PolicyCapacity(Allow); err != nil || n != 4096 {
		t.Errorf("PolicyCapacity(Allow) = %d, %v; want 4096", n, err)
	}
	// A second handle asking for more keeps what the root was made with.
	h2, err := Open(&Options{PinRoot: testRoots[h], BlockCapacity: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if n, err := h2.PolicyCapacity(Block); err != nil || n != 65536 {
		t.Errorf("second handle: PolicyCapacity(Block) = %d, %v; want 65536", n, err)
	}
	if _, err := h.PolicyCapacity(List(7)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("PolicyCapacity(7) = %v; want EINVAL", err)
	}
}
