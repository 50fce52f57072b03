package vosfp

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryFunctionIsBound reads the public header and fails for any
// function that no source file of this package calls: a function added to
// the ABI needs a Go method too.
func TestEveryFunctionIsBound(t *testing.T) {
	header, err := os.ReadFile(filepath.Join("..", "..", "include", "vosfp", "vosfp.h"))
	if err != nil {
		t.Skipf("no source tree around the package: %v", err)
	}
	files, _ := filepath.Glob("*.go")
	var src strings.Builder
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			b, _ := os.ReadFile(f)
			src.Write(b)
		}
	}
	decl := regexp.MustCompile(`VOSFP_API[^;(]*\b(vosfp_\w+)\(`)
	n := 0
	for _, m := range decl.FindAllSubmatch(header, -1) {
		n++
		name := string(m[1])
		if !regexp.MustCompile(`\b` + name + `\(`).MatchString(src.String()) {
			t.Errorf("%s is in vosfp.h but not called by the Go binding", name)
		}
	}
	if n < 40 {
		t.Errorf("found only %d functions in vosfp.h: is the pattern still right?", n)
	}
}
