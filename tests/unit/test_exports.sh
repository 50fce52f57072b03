#!/bin/sh
# The shared library exports vosfp_* only, under soname libvosfp.so.0.
# usage: test_exports.sh LIBVOSFP_SO
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^vosfp_/ {print $3}')
if [ -n "$bad" ]; then
	echo "FAIL: exported symbols outside vosfp_*:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | awk '$3 ~ /^vosfp_/' | wc -l)
[ "$n" -ge 30 ] || { echo "FAIL: only $n vosfp_* symbols exported"; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvosfp.so.0 ] || { echo "FAIL: soname is '$soname'"; exit 1; }
echo "ok: $n symbols, all vosfp_*; soname $soname"
