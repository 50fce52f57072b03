module github.com/libvosfp/vosfp-go/examples/embed

go 1.19

require github.com/libvosfp/vosfp-go v0.0.0

// The binding lives in this repository; a project of its own would point
// this at its vendored or fetched copy.
replace github.com/libvosfp/vosfp-go => ../../bindings/go
