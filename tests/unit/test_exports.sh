#!/bin/sh
# The shared library exports exactly the symbols libvosfp.map names, each
# under the version node the map puts it in, and the map names exactly the
# functions the public header declares (a VOSFP_API function missing from
# the map would be silently hidden by its "local: *"). Soname libvosfp.so.0.
# usage: test_exports.sh LIBVOSFP_SO LIBVOSFP_MAP VOSFP_H
set -eu
lib=$1 map=$2 header=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# "symbol node" for each global of the map (comments stripped).
sed 's|/\*.*\*/||; s|^[[:space:]]*\*.*||' "$map" | awk '
	/^[A-Za-z_][A-Za-z0-9_.]*[[:space:]]*\{/ { node = $1; global = 0; next }
	/global:/ { global = 1; next }
	/local:/ { global = 0; next }
	global && /^[[:space:]]*[a-z_][a-z0-9_]*;/ { gsub(/[;[:space:]]/, ""); print $0, node }
' | sort >"$tmp/map"
[ -s "$tmp/map" ] || { echo "FAIL: no symbols read from $map"; exit 1; }
dups=$(awk '{print $1}' "$tmp/map" | uniq -d)
[ -z "$dups" ] || { echo "FAIL: named twice in the map:"; echo "$dups"; exit 1; }

# "symbol node" for each defined dynamic symbol (version nodes themselves,
# type A, left out).
nm -D --defined-only "$lib" | awk '$2 != "A" { split($3, a, "@"); print a[1], a[length(a)] }' |
	sort >"$tmp/lib"
if ! diff -u "$tmp/map" "$tmp/lib" >"$tmp/diff"; then
	echo "FAIL: exported symbols (+) differ from libvosfp.map (-):"; cat "$tmp/diff"; exit 1
fi

# Every function the header declares, and nothing more, is in the map.
tr '\n' ' ' <"$header" | grep -o 'VOSFP_API[^;{]*(' |
	sed -n 's/.*[^a-z0-9_]\(vosfp_[a-z0-9_]*\)[[:space:]]*($/\1/p' | sort -u >"$tmp/header"
awk '{print $1}' "$tmp/map" >"$tmp/mapnames"
if ! diff -u "$tmp/mapnames" "$tmp/header" >"$tmp/diff"; then
	echo "FAIL: functions declared in vosfp.h (+) differ from libvosfp.map (-):"
	cat "$tmp/diff"; exit 1
fi

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvosfp.so.0 ] || { echo "FAIL: soname is '$soname'"; exit 1; }
echo "ok: $(wc -l <"$tmp/map") symbols, as libvosfp.map and vosfp.h name them; soname $soname"
