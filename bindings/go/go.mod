module github.com/libvosfp/libvosfp/bindings/go

go 1.19
