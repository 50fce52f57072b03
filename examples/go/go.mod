module github.com/libvosfp/libvosfp/examples/go

go 1.19

require github.com/libvosfp/libvosfp/bindings/go v0.0.0

// The binding lives in this repository, in bindings/go: its module path is
// this repository's path and that directory, so a project of its own
// requires it at a tag bindings/go/vX.Y.Z, or points a replace at its copy.
replace github.com/libvosfp/libvosfp/bindings/go => ../../bindings/go
