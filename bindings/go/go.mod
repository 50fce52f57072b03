module github.com/libvosfp/vosfp-go

go 1.19
