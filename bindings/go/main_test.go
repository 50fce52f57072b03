package vosfp

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// The kernel tests need a network namespace of their own: attaching XDP
// must never touch an interface the test did not make. A Go process cannot
// move itself into a new namespace (unshare moves one OS thread and the
// runtime schedules goroutines on many), so as root the test binary re-runs
// itself as a child born in a fresh network namespace. The namespace, and
// the veth pair made in it, vanish with the child on every exit path.
const childEnv = "VOSFP_GO_TEST_NETNS"

var (
	inNetns bool   // this process runs in a network namespace of its own
	vethA   string // one end of the veth pair made in it
)

func TestMain(m *testing.M) {
	if os.Geteuid() == 0 && os.Getenv(childEnv) == "" {
		os.Exit(runInNetns())
	}
	if os.Getenv(childEnv) == "1" {
		inNetns = true
		if err := makeVeth(); err != nil {
			fmt.Fprintf(os.Stderr, "cannot make a veth pair: %v\n", err)
			os.Exit(1)
		}
	}
	os.Exit(m.Run())
}

func runInNetns() int {
	// Pdeathsig fires when the forking thread exits: keep it for good.
	runtime.LockOSThread()
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), childEnv+"=1")
	// Pdeathsig: if the parent is killed, the child (and its namespace) go too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode()
	}
	if err != nil {
		// No namespace possible (a restricted container): run here, and
		// the tests that need one skip.
		fmt.Fprintf(os.Stderr, "cannot start the tests in a new network namespace (%v); kernel tests skip\n", err)
		cmd.Env = append(os.Environ(), childEnv+"=0")
		cmd.SysProcAttr = nil
		if err = cmd.Run(); err != nil {
			if exit, ok := err.(*exec.ExitError); ok {
				return exit.ExitCode()
			}
			return 1
		}
	}
	return 0
}

func makeVeth() error {
	// Names are unique per run although the namespace is private: a
	// leaked interface is then easy to trace back.
	id := os.Getpid() % 100000
	vethA = fmt.Sprintf("vgo%da", id)
	vethB := fmt.Sprintf("vgo%db", id)
	for _, args := range [][]string{
		{"link", "add", vethA, "type", "veth", "peer", "name", vethB},
		{"link", "set", vethA, "up"},
		{"link", "set", vethB, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %v: %v: %s", args, err, out)
		}
	}
	return nil
}

var (
	pinSeq    int
	testRoots = map[*Handle]string{} // pin root of each test handle
)

// needsKernel skips a test that loads the program unless this process runs
// as root in its own network namespace with bpffs mounted.
func needsKernel(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: loading XDP needs CAP_BPF, attaching CAP_NET_ADMIN")
	}
	if !inNetns {
		t.Skip("needs a network namespace of its own (CLONE_NEWNET failed)")
	}
	var st syscall.Statfs_t
	if syscall.Statfs("/sys/fs/bpf", &st) != nil || st.Type != 0xcafe4a11 {
		t.Skip("bpffs is not mounted on /sys/fs/bpf")
	}
}

// openTest opens a handle on a pin root of its own, detached, unpinned and
// closed when the test ends, whatever happened. $VOSFP_TEST_PIN_ROOT, set by
// run_tests.sh, prefixes the roots so that the script can remove them even
// after a crash.
func openTest(t *testing.T) *Handle {
	t.Helper()
	needsKernel(t)
	base := os.Getenv("VOSFP_TEST_PIN_ROOT")
	if base == "" {
		base = fmt.Sprintf("/sys/fs/bpf/vosfp-go-%d-%d", os.Getpid(), rand.New(rand.NewSource(time.Now().UnixNano())).Intn(1<<30))
	}
	pinSeq++
	root := fmt.Sprintf("%s-%d", base, pinSeq)
	h, err := Open(&Options{PinRoot: root})
	if err != nil {
		t.Fatalf("Open(%s): %v", root, err)
	}
	testRoots[h] = root
	t.Cleanup(func() {
		if atts, err := h.Attachments(); err == nil {
			for _, a := range atts {
				if err := h.Detach(a.Interface); err != nil {
					t.Errorf("cleanup: %v", err)
				}
			}
		}
		if err := h.Unpin(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		h.Close()
		os.RemoveAll(root)
	})
	return h
}
