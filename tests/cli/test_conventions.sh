#!/usr/bin/env bash
# The tool's conventions, command by command: getopt_long parsing (options
# before or after the positionals, --opt=value and --opt value, -- ends the
# options), `vosfp CMD --help` and -h on stdout with exit 0, a usage error
# as exactly two lines on stderr with exit 2, and bad arguments found
# before any privilege is needed: as root and as nobody alike.
# usage: test_conventions.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../policy/lib.sh" conv "$1"
export VOSFP_CONFIG=/dev/null

rc_of() { "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

# --- 1. getopt_long ---------------------------------------------------------
check "block: --ttl=DURATION before the CIDR" 0 "$(rc_of v block --ttl=1h 192.0.2.0/24)"
check "block: --ttl DURATION after the CIDR" 0 "$(rc_of v block 192.0.2.1 --ttl 90)"
check "allow: --ttl 7d" 0 "$(rc_of v allow 198.51.100.0/24 --ttl 7d)"
ttls=$(v list block | sort)
check "both block entries carry their TTL" 2 "$(grep -c ' ttl=' <<<"$ttls")"
check "the 90 s one is at most 90 s" 1 \
	"$(awk '/^192.0.2.1\/32 ttl=/{split($2,t,"="); print (t[2] <= 90 && t[2] > 0)}' <<<"$ttls")"
check "ban: --ttl takes a DURATION (15m)" 0 "$(rc_of v ban 203.0.113.9 --ttl 15m)"
left=$(v list bans | awk '$1 == "203.0.113.9" {print $2}' | tr -d 's')
check "the ban lasts 15 minutes, not 15 seconds or 1 hour" 1 \
	"$(( left > 800 && left <= 900 ))"
check "ban: --ttl=2h before the address" 0 "$(rc_of v ban --ttl=2h 203.0.113.10)"
check "ban: 30d is the table's limit" 0 "$(rc_of v ban 203.0.113.11 --ttl 30d)"
check "ban: 11y is a usage error" 2 "$(rc_of v ban 203.0.113.12 --ttl 11y)"
check "ban: seconds still work" 0 "$(rc_of v ban 203.0.113.13 --ttl 600)"
check "global option after the command (--pin-root=DIR)" 0 \
	"$(rc_of "$VOSFP" status --pin-root="$pin")"
check "global option between the command's arguments" 0 \
	"$(rc_of "$VOSFP" block --pin-root "$pin" 192.0.2.128/25 --ttl 1m)"
check "-- ends the options: ports -- 5060,5070" 0 "$(rc_of v ports -- 5060,5070)"
check "the ports took" "ports = 5060,5070" "$(v ports)"
err=$(v unblock -- --ttl 2>&1 >/dev/null) && rc=0 || rc=$?
check "after --, '--ttl' is a CIDR, and a bad one" 2 "$rc"
check "  and the message is not about an option" 0 "$(grep -c 'option' <<<"$err" || true)"
check "stats --watch=1 --count=1" 0 "$(rc_of v stats --watch=1 --count=1)"
check "stats --count 1 --watch 1 (any order)" 0 "$(rc_of v stats --count 1 --watch 1)"
check "list --json block (option first)" 0 "$(rc_of v list --json block)"
: >"$tmp/empty.txt"
check "load --replace before its arguments" 0 "$(rc_of v load --replace allow "$tmp/empty.txt")"
check "attach --mode=generic to no such interface: operational (1)" 1 \
	"$(rc_of v attach --mode=generic vCnoSuchIf)"
check "an option that takes no value given one" 2 "$(rc_of v status --json=yes)"
check "a value missing at the end" 2 "$(rc_of v block 192.0.2.0/24 --ttl)"

# --- 2. help and usage errors -----------------------------------------------
out=$("$VOSFP" --help) && rc=0 || rc=$?
check "vosfp --help: exit 0" 0 "$rc"
check "vosfp --help: the global usage" 1 "$(grep -c '^usage: vosfp \[GLOBAL OPTIONS\] COMMAND' <<<"$out")"
commands=$(awk '/^Commands:/{on=1; next} on && /^$/{exit} on && /^  [a-z]/ {print $1}' <<<"$out")
check "vosfp --help lists the 20 commands" 20 "$(wc -w <<<"$commands")"
check "vosfp --help fits 80 columns" 0 "$("$VOSFP" --help | awk 'length > 80' | wc -l)"
check "vosfp help is vosfp --help" "$("$VOSFP" --help)" "$("$VOSFP" help)"
check "vosfp help with no such command: exit 2" 2 "$(rc_of "$VOSFP" help frobnicate)"
for cmd in $commands; do
	for flag in --help -h; do
		out=$("$VOSFP" "$cmd" "$flag" 2>/tmp/vosfp-conv-err.$$) && rc=0 || rc=$?
		err=$(cat /tmp/vosfp-conv-err.$$)
		check "$cmd $flag: exit 0" 0 "$rc"
		check "$cmd $flag: its own usage on stdout" 1 \
			"$(grep -c "^usage: vosfp \[GLOBAL OPTIONS\] $cmd\b" <<<"$out")"
		check "$cmd $flag: nothing on stderr" "" "$err"
	done
	check "$cmd --help lists -h, --help" 1 "$("$VOSFP" "$cmd" --help | grep -c -- '-h, --help')"
	check "$cmd --help fits 80 columns" 0 "$("$VOSFP" "$cmd" --help | awk 'length > 80' | wc -l)"
	check "vosfp help $cmd is vosfp $cmd --help" "$("$VOSFP" "$cmd" --help)" "$("$VOSFP" help "$cmd")"
	out=$("$VOSFP" "$cmd" --no-such-option 2>/tmp/vosfp-conv-err.$$) && rc=0 || rc=$?
	err=$(cat /tmp/vosfp-conv-err.$$)
	check "$cmd --no-such-option: exit 2" 2 "$rc"
	check "$cmd --no-such-option: nothing on stdout" "" "$out"
	check "$cmd --no-such-option: two lines on stderr" 2 "$(wc -l <<<"$err")"
	check "$cmd --no-such-option: the error first" 1 \
		"$(head -1 <<<"$err" | grep -c "^vosfp: $cmd: unknown option '--no-such-option'")"
	check "$cmd --no-such-option: then where the help is" "Try 'vosfp $cmd --help'." \
		"$(tail -1 <<<"$err")"
done
rm -f /tmp/vosfp-conv-err.$$
err=$("$VOSFP" 2>&1 >/dev/null) && rc=0 || rc=$?
check "no command: exit 2" 2 "$rc"
check "no command: two lines" 2 "$(wc -l <<<"$err")"
check "unknown command: exit 2" 2 "$(rc_of "$VOSFP" frobnicate)"
check "unknown command: two lines" 2 "$("$VOSFP" frobnicate 2>&1 | wc -l)"

# --- 3. bad arguments before privileges --------------------------------------
# One bad-argument case per command; each must be exit 2 as root and as an
# unprivileged user (no CAP_BPF: a command that opened the maps first, or
# went to the agent's socket, would exit 1).
bad_cases=(
	"attach a/b"
	"detach ."
	"status extra"
	"block 192.0.2.1/24"
	"unblock not-a-prefix"
	"allow 192.0.2.0/24 --ttl 5x"
	"unallow 300.1.1.1"
	"list nothing"
	"ban 192.0.2.1 --ttl 11y"
	"unban 192.0.2.0/24"
	"load nothing /dev/null"
	"sync bans=/dev/null"
	"ports 0"
	"config ban_ttl forever"
	"config no_such_key 1"
	"stats --watch 0"
	"exporter --listen nowhere"
	"replay"
	"agent --min-prefix4 99"
	"version extra"
	"test 192.0.2.0/24"
)
nobody_ok=0
if command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups \
	test -x "$VOSFP"; then
	nobody_ok=1
else
	echo "note: nobody cannot run $VOSFP here; only root's cases run"
fi
covered=""
for c in "${bad_cases[@]}"; do
	read -r -a words <<<"$c"
	covered="$covered ${words[0]}"
	check "root:   vosfp $c: exit 2" 2 "$(rc_of "$VOSFP" --pin-root "$pin" "${words[@]}")"
	if [ $nobody_ok = 1 ]; then
		check "nobody: vosfp $c: exit 2" 2 "$(rc_of setpriv --reuid=nobody --regid=nogroup \
			--clear-groups env VOSFP_CONFIG=/dev/null \
			VOSFP_CONTROL=/nonexistent/control.sock "$VOSFP" "${words[@]}")"
	fi
done
for cmd in $commands; do
	check "a bad-argument case covers $cmd" 1 \
		"$(tr ' ' '\n' <<<"$covered" | grep -cx "$cmd" | sed 's/^[1-9][0-9]*$/1/')"
done
[ $nobody_ok = 1 ] || { echo "FAIL the unprivileged cases did not run"; fails=$((fails + 1)); }
finish conventions
