#!/usr/bin/env bash
# vosfp config xsk_redirect / xsk_allowed: set, shown by config, config
# --json and status (text and --json), bad values refused (exit 2) with the
# setting unchanged; stats, --json and --prometheus label redirected packets
# with their own verdict, "redirect", not "pass". No traffic, no interface:
# the root is opened, not attached.
# usage: test_xsk_cli.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
VOSFP=$1
require_root "the pin root's maps are created"
t_pin_root xskcli
trap t_pin_cleanup EXIT
rc_of() { "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

check "default xsk_redirect" "xsk_redirect = all-passed" "$(v config xsk_redirect)"
check "default xsk_allowed" "xsk_allowed = on" "$(v config xsk_allowed)"
check "set requests" "xsk_redirect = requests" "$(v config xsk_redirect requests)"
check "set xsk_allowed off" "xsk_allowed = off" "$(v config xsk_allowed off)"
for bad in "" all request "requests+allowed" NONE; do
	check "xsk_redirect '$bad' is a usage error" 2 "$(rc_of v config xsk_redirect "$bad")"
done
check "the message names the values" 1 \
	"$(v config xsk_redirect all 2>&1 | grep -c "expected none, requests or all-passed" || true)"
check "xsk_allowed yes is a usage error" 2 "$(rc_of v config xsk_allowed yes)"
check "unchanged after the bad values" "xsk_redirect = requests" "$(v config xsk_redirect)"
check "listed by config with its help" 1 \
	"$(v config | grep -c "^xsk_redirect = requests$" || true)"
cj=$(v config --json)
check "config --json: the mode as text, allowed as a boolean" 1 \
	"$(grep -c '"xsk_redirect":"requests","xsk_allowed":false' <<<"$cj" || true)"
st=$(v status)
check "status text shows both" 1 \
	"$(grep -c '^config: .*, xsk_redirect requests, xsk_allowed off$' <<<"$st" || true)"
sj=$(v status --json)
check "status --json shows both" 1 \
	"$(grep -c '"xsk_redirect":"requests","xsk_allowed":false' <<<"$sj" || true)"
check "status --json is schema 1" 1 "$(grep -c '"schema":1' <<<"$sj" || true)"
check "none" "xsk_redirect = none" "$(v config xsk_redirect none)"
check "status shows none" 1 "$(v status | grep -c 'xsk_redirect none' || true)"

check "stats: redirected has the verdict redirect" 1 \
	"$(v stats | grep -cE '^redirected +[0-9]+ +[0-9]+  redirect$' || true)"
check "stats --json: redirected's verdict" 1 \
	"$(v stats --json | grep -c '"redirected":{"packets":0,"bytes":0,"drop":false,"verdict":"redirect"}' || true)"
check "stats --json: passed stays pass" 1 \
	"$(v stats --json | grep -c '"passed":{"packets":0,"bytes":0,"drop":false,"verdict":"pass"}' || true)"
prom=$(v stats --prometheus)
check "prometheus: redirected labelled redirect" 1 \
	"$(grep -c '^vosfp_packets_total{reason="redirected",verdict="redirect"} 0$' <<<"$prom" || true)"
check "prometheus: no redirected labelled pass" 0 \
	"$(grep -c 'reason="redirected",verdict="pass"' <<<"$prom" || true)"
finish afxdp-cli
