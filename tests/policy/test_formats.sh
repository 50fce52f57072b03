#!/usr/bin/env bash
# Policy files in the forms operators feed them: a Spamhaus DROP/EDROP list
# as published (a header of ';' lines, "PREFIX ; SBLnnn" entries), a file
# saved on Windows (UTF-8 BOM, CRLF line ends), and standard input for
# `load LIST -` (bounded like a file, errors named <stdin>:LINE). sync and
# agent --sync refuse '-' with a usage error. Every refusal changes nothing.
# usage: test_formats.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" pformats "$1"
# sv's ulimit -v leaves no room for AddressSanitizer's shadow memory.
if ldd "$VOSFP" 2>/dev/null | grep -q libasan; then
	skip "the tool is built with AddressSanitizer, which cannot run under ulimit -v"
fi

# The list, sorted, on one line; TTLs left are cut to "ttl" (they tick).
sorted() { v list "$1" | sed 's/ ttl=[0-9]*$/ ttl/' | sort | paste -sd' '; }

# Spamhaus DROP, in its published layout (entries are from the real list).
cat >"$tmp/drop.txt" <<'DROP'
; Spamhaus DROP List 2024/05/02 - (c) 2024 The Spamhaus Project SLU
; https://www.spamhaus.org/drop/drop.txt
; Last-Modified: Thu, 02 May 2024 11:00:07 GMT
; Expires: Thu, 02 May 2024 12:00:07 GMT
1.10.16.0/20 ; SBL256894
1.19.0.0/16 ; SBL434604
1.32.128.0/18 ; SBL286275
2.56.192.0/22 ; SBL459831
DROP
check "Spamhaus DROP: every entry loaded" \
	"$tmp/drop.txt: 4 entries loaded into the block list" "$(v load block "$tmp/drop.txt")"
check "... exactly those prefixes" "1.10.16.0/20 1.19.0.0/16 1.32.128.0/18 2.56.192.0/22" \
	"$(sorted block)"
printf '; Spamhaus IPv6 DROP List\n2001:db8:100::/40 ; SBL303641\n' >"$tmp/dropv6.txt"
check "Spamhaus DROPv6" "$tmp/dropv6.txt: 1 entries read; the block list is now exactly the file" \
	"$(v load block "$tmp/dropv6.txt" --replace)"
check "... ';' ends an IPv6 prefix too" "2001:db8:100::/40" "$(sorted block)"
printf '192.0.2.9 ttl=2w ; two weeks\n' >"$tmp/semi-ttl.txt"
v load block "$tmp/semi-ttl.txt" --replace >/dev/null
check "';' after a TTL, and the w suffix" "192.0.2.9/32 ttl=1209600" \
	"$(v list block | sed 's/ttl=120959[0-9]$/ttl=1209600/')"

# Saved by a Windows editor: BOM first, CRLF everywhere.
printf '\xef\xbb\xbf# edge allow list\r\n192.0.2.0/24\r\n198.51.100.7 ttl=1h\r\n\r\n203.0.113.0/24 ; trunk\r\n' \
	>"$tmp/windows.txt"
check "BOM + CRLF: every entry loaded" \
	"$tmp/windows.txt: 3 entries loaded into the allow list" \
	"$(v load allow "$tmp/windows.txt")"
check "... exactly those prefixes" "192.0.2.0/24 198.51.100.7/32 ttl 203.0.113.0/24" \
	"$(sorted allow)"
# A BOM anywhere but the start is no BOM: a bad line, and nothing changes.
before=$(sorted allow)
printf '192.0.2.1\n\xef\xbb\xbf192.0.2.2\n' >"$tmp/bom-mid.txt"
rc=0
err=$(v load allow "$tmp/bom-mid.txt" 2>&1 >/dev/null) || rc=$?
check "a BOM past the start: error" 1 "$rc"
check "... at line 2" 1 "$(grep -c "bom-mid.txt:2:" <<<"$err")"
check "... and the list is unchanged" "$before" "$(sorted allow)"

# Standard input.
check "load allow -" "<stdin>: 2 entries loaded into the allow list" \
	"$(printf '\xef\xbb\xbf198.51.100.64/26\r\n198.51.100.128/26 ; peer\r\n' | v load allow -)"
check "... both there" 1 "$(v list allow | grep -c '^198.51.100.128/26$')"
check "load block - --replace" "<stdin>: 4 entries read; the block list is now exactly the file" \
	"$(v load block - --replace <"$tmp/drop.txt")"
check "... the block list is the DROP list" \
	"1.10.16.0/20 1.19.0.0/16 1.32.128.0/18 2.56.192.0/22" "$(sorted block)"
before=$(sorted block)
rc=0
err=$(printf '192.0.2.0/24\nnot-a-prefix\n' | v load block - 2>&1 >/dev/null) || rc=$?
check "a bad line on stdin: error" 1 "$rc"
check "... named <stdin>:2" 1 "$(grep -c '<stdin>:2:' <<<"$err")"
check "... and nothing changed" "$before" "$(sorted block)"
# Bounded like a file: capacity 10 lists take at most 10 x 513 bytes (a
# pin root of its own, made with that capacity).
small=$pin-small
cleanup_extra() { rm -rf "$small"; }
"$VOSFP" --pin-root "$small" --block-capacity 10 load block - </dev/null >/dev/null
sv() { (ulimit -v 2000000; timeout 20 "$VOSFP" --pin-root "$small" "$@"); }
rc=0
err=$(for i in $(seq 11); do printf '#%511s\n' x; done | sv load block - 2>&1 >/dev/null) ||
	rc=$?
check "stdin past the bound: error" 1 "$rc"
check "... saying why" 1 "$(grep -c 'standard input: more than 5130 bytes' <<<"$err")"
check "... and nothing changed" "" "$("$VOSFP" --pin-root "$small" list block)"
rc=0
err=$(yes 192.0.2.1 | sv load block - 2>&1 >/dev/null) || rc=$?
check "an endless stdin is cut at the bound: error, not a hang" 1 "$rc"
check "... and nothing changed" "" "$("$VOSFP" --pin-root "$small" list block)"

# sync and agent --sync watch files: '-' is a usage error.
rc=0
err=$(v sync block=- 2>&1 </dev/null) || rc=$?
check "sync block=-: usage error" 2 "$rc"
check "... saying why" 1 "$(grep -c 'not standard input' <<<"$err")"
rc=0
v agent --control "$tmp/ctl.sock" --sync allow=- >/dev/null 2>&1 </dev/null || rc=$?
check "agent --sync allow=-: usage error" 2 "$rc"
check "... and no socket" no "$([ -e "$tmp/ctl.sock" ] && echo yes || echo no)"
finish policy-formats
