#!/usr/bin/env bash
# vosfp config KEY "": an empty value is refused for every key (it used to
# turn stealth_methods and user_agents off), the value in force stays, and
# the word "none" is the explicit way to turn those two off.
# usage: test_config_empty.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../policy/lib.sh" cfgempty "$1"

v config stealth_methods OPTIONS,REGISTER >/dev/null
for key in $(v config | grep -E '^[a-z_]+ = ' | cut -d' ' -f1); do
	before=$(v config "$key")
	set +e
	err=$(v config "$key" "" 2>&1 >/dev/null)
	rc=$?
	set -e
	check "$key '': a usage error" 2 "$rc"
	check "$key '': the message names the key" 1 "$(grep -c "$key: empty value" <<<"$err")"
	check "$key '': the value in force stays" "$before" "$(v config "$key")"
done
check "stealth_methods: the message names the way to say none" 1 \
	"$(v config stealth_methods "" 2>&1 | grep -c "give 'none' to turn it off")"
check "stealth_methods none is explicit" "stealth_methods = none" "$(v config stealth_methods none)"
check "user_agents none is explicit" "user_agents = none" "$(v config user_agents none)"
finish config-empty
