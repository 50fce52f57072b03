package vosfp

/*
#include <vosfp/vosfp.h>

extern void vosfpGoLog(int level, char *msg, void *user);

// The exported Go function has a non-const msg; the library's callback
// type has a const one. The cast is the only difference.
static void go_vosfp_set_log(int on)
{
	vosfp_set_log_callback(on ? (vosfp_log_fn)vosfpGoLog : NULL, NULL);
}
*/
import "C"

// SetLogCallback sends the library's messages, and libbpf's, to fn; nil
// (the default) discards them. Process-wide, like the C call. fn runs on
// the thread of the library call that logs, while that call (and the
// handle's lock) is in progress: it must not call back into a Handle.
func SetLogCallback(fn func(level LogLevel, msg string)) {
	logMu.Lock()
	logFn = fn
	logMu.Unlock()
	on := C.int(0)
	if fn != nil {
		on = 1
	}
	C.go_vosfp_set_log(on)
}
