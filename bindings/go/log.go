package vosfp

// A file with //export may declare but not define C functions in its
// preamble; the trampoline that passes vosfpGoLog to the library is in
// logset.go.

// #include <vosfp/vosfp.h>
import "C"

import (
	"sync"
	"unsafe"
)

// LogLevel is the level of a library message (enum vosfp_log_level).
type LogLevel int

const (
	LogWarn  LogLevel = C.VOSFP_LOG_WARN
	LogInfo  LogLevel = C.VOSFP_LOG_INFO
	LogDebug LogLevel = C.VOSFP_LOG_DEBUG // includes libbpf's debug output
)

var (
	logMu sync.RWMutex
	logFn func(LogLevel, string)
)

//export vosfpGoLog
func vosfpGoLog(level C.int, msg *C.char, user unsafe.Pointer) {
	logMu.RLock()
	fn := logFn
	logMu.RUnlock()
	if fn != nil {
		fn(LogLevel(level), C.GoString(msg))
	}
}
