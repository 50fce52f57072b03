package vosfp

import (
	"fmt"
	"syscall"
)

// Error is a failed libvosfp call: the errno it returned and the detail the
// library recorded (vosfp_last_error or vosfp_open_error), e.g.
// "vc0: already attached (pinned link /sys/fs/bpf/vosfp/link_vc0)".
//
// It unwraps to its syscall.Errno, so errors.Is(err, syscall.ENOENT) and
// errors.Is(err, os.ErrNotExist) both work.
type Error struct {
	Op     string        // the Go method that failed, e.g. "Attach"
	Errno  syscall.Errno // positive errno
	Detail string        // the library's detail; may be empty
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("vosfp: %s: %s", e.Op, Strerror(e.Errno))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Errno }

// newError builds an *Error from a library return value (-errno).
func newError(op string, rc int, detail string) *Error {
	if rc < 0 {
		rc = -rc
	}
	return &Error{Op: op, Errno: syscall.Errno(rc), Detail: detail}
}
