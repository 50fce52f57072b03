#!/usr/bin/env bash
# The man pages render with no warnings at 80 columns, vosfp(8) has a
# section for every command the tool lists, and the bash completion
# completes commands, options, list names, interfaces and config keys.
# usage: test_man_completion.sh VOSFP_BINARY MAN_DIR COMPLETION_FILE
set -uo pipefail
VOSFP=$1 mandir=$2 completion=$3
export VOSFP_CONFIG=/dev/null
fails=0
check() {
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
command -v man >/dev/null || { echo "SKIP: no man (man-db)"; exit 77; }
if [ ! -f "$mandir/vosfp.8" ]; then
	command -v scdoc >/dev/null || { echo "SKIP: man pages not built (no scdoc)"; exit 77; }
	echo "FAIL scdoc is installed, yet $mandir/vosfp.8 was not built"
	exit 1
fi
[ -f "$completion" ] || { echo "FAIL no completion file $completion"; exit 1; }

for page in vosfp.8 libvosfp.3; do
	warnings=$(MANWIDTH=80 man --warnings -l "$mandir/$page" 2>&1 >/dev/null)
	check "$page renders with no warnings" "" "$warnings"
	check "$page has NAME and SEE ALSO" 2 \
		"$(MANWIDTH=80 man -l "$mandir/$page" 2>/dev/null | grep -cE '^(NAME|SEE ALSO)$')"
	wide=$(MANWIDTH=80 man -l "$mandir/$page" 2>/dev/null | awk 'length > 80' | wc -l)
	check "$page fits 80 columns" 0 "$wide"
done
rendered=$(MANWIDTH=80 man -l "$mandir/vosfp.8" 2>/dev/null)
commands=$("$VOSFP" --help | awk '/^Commands:/{on=1; next} on && /^$/{exit} on && /^  [a-z]/ {print $1}')
check "the tool lists commands" 20 "$(wc -w <<<"$commands")"
for cmd in $commands; do
	# A subsection heading is indented three spaces in the rendered page.
	check "vosfp(8) has a section for $cmd" 1 \
		"$(grep -cE "^   $cmd( |\$)" <<<"$rendered" | sed 's/^[1-9][0-9]*$/1/')"
done

# The completion, as bash loads it.
out=$(bash --norc --noprofile -c "source '$completion' && complete -p vosfp")
check "complete -p vosfp" "complete -F _vosfp vosfp" "$out"
# complete WORDS...: the candidates for the last word, sorted, one line.
complete_words() {
	bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_vosfp
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' _ "$completion" "$@"
}
check "commands: vosfp at" "attach" "$(complete_words "$VOSFP" at)"
check "commands: vosfp un" "unallow unban unblock" "$(complete_words "$VOSFP" un)"
check "after a global option and its value" "list load" \
	"$(complete_words "$VOSFP" --pin-root /sys/fs/bpf/x l)"
check "global options before the command" "--pin-root" "$(complete_words "$VOSFP" --pin)"
check "list names" "allow bans block" "$(complete_words "$VOSFP" list "")"
check "load's list names" "allow block" "$(complete_words "$VOSFP" load "")"
check "interfaces from /sys/class/net" "lo" "$(complete_words "$VOSFP" attach l)"
check "config keys" "ban_ttl" "$(complete_words "$VOSFP" config ban)"
check "attach's options with the global ones" "--mode --mount-bpffs --multiprog" \
	"$(complete_words "$VOSFP" attach lo --m)"
check "--mode's values" "auto generic native" "$(complete_words "$VOSFP" attach lo --mode "")"
check "stats' options" "--pin-root --prometheus" "$(complete_words "$VOSFP" stats --p)"
check "stats' --watch" "--watch" "$(complete_words "$VOSFP" stats --json --w)"
check "ban's --ttl" "--ttl" "$(complete_words "$VOSFP" ban 192.0.2.1 --t)"
check "sync's list names" "allow= block=" "$(complete_words "$VOSFP" sync "")"
# The completion's config keys are the library's (as root: the key list
# needs an open pin root).
if [ "$(id -u)" = 0 ] && [ -d /sys/fs/bpf ]; then
	pin=/sys/fs/bpf/vosfp-tmc-$$-$RANDOM
	trap 'rm -rf "$pin"' EXIT
	keys=$("$VOSFP" --pin-root "$pin" config --json |
		python3 -c 'import json, sys; print(" ".join(sorted(json.load(sys.stdin)["config"])))')
	check "every config key completes, and no other" "$keys" "$(complete_words "$VOSFP" config "")"
else
	echo "note: not root; the config keys are not compared with the library's"
fi
echo "man-completion: $fails failed"
[ $fails -eq 0 ]
