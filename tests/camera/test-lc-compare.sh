#!/bin/bash
# Host unit test of tests/camera/lc-compare: the judge that decides whether
# an lc-compliance run on vimc regressed against stock vimc. Each case
# feeds it a crafted googletest log; the broken ones must fail.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 number=0
# KTAP: one result per expect below.
echo "KTAP version 1"
echo "1..10"

# tag VERDICT: googletest's bracket for it.
tag() {
	case $1 in
	OK) echo '[       OK ]' ;;
	FAILED) echo '[  FAILED  ]' ;;
	SKIPPED) echo '[  SKIPPED ]' ;;
	esac
}

# log NAME "TEST VERDICT"...: a finished lc-compliance log with these
# verdicts (OK, FAILED or SKIPPED), as googletest prints them.
log() {
	local name=$1 t v
	shift
	{
		echo "[==========] Running $# tests from 1 test suite."
		for t in "$@"; do
			read -r t v <<<"$t"
			echo "[ RUN      ] $t"
			[ "$v" != FAILED ] || echo "../src/apps/lc-compliance/helpers/capture.cpp:60: Failure"
			echo "$(tag "$v") $t (1234 ms)"
		done
		echo "[==========] $# tests from 1 test suite ran. (9999 ms total)"
		echo "[  PASSED  ] $# tests."
		for t in "$@"; do
			read -r t v <<<"$t"
			[ "$v" = OK ] || echo "$(tag "$v") $t"
		done
	} >"$tmp/$name.log"
}

cat >"$tmp/baseline" <<'B'
# comment | ignored
S.Capture/Raw_5 | known to fail
B

# expect NAME STATUS PATTERN LOG [STOCK-LOG]: lc-compare's status and summary.
expect() {
	local name=$1 want=$2 pattern=$3 out rc=0
	out=$(./lc-compare "$tmp/$4.log" "$tmp/baseline" ${5:+"$tmp/$5.log"}) || rc=$?
	number=$((number + 1))
	if [ $rc = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		echo "ok $number $name"
	else
		echo "# exit $rc (want $want), output:"
		sed 's/^/#   /' <<<"$out"
		echo "#   !~ /$pattern/"
		echo "not ok $number $name"
		failures=$((failures + 1))
	fi
}

log stock "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 OK" "S.Capture/Raw_1 SKIPPED"
log same "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 OK" "S.Capture/Raw_1 SKIPPED"
log better "S.Capture/Raw_5 OK" "S.Capture/Raw_8 OK" "S.Capture/Raw_1 OK"
log new-failure "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 FAILED" "S.Capture/Raw_1 SKIPPED"
log lost "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 SKIPPED" "S.Capture/Raw_1 SKIPPED"
log fewer "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 OK"
log other "S.Capture/Raw_5 FAILED" "S.Capture/Raw_8 OK" "S.Capture/Raw_2 SKIPPED"
log unfinished "S.Capture/Raw_8 OK"
# A run that aborted inside its test: libcamera's Fatal log, coloured.
sed -i '/^\[ RUN/q' "$tmp/unfinished.log"
printf '\033[1;31mFATAL\033[1;37m Request \033[0mwrong state\n\n' >>"$tmp/unfinished.log"
log no-verdict "S.Capture/Raw_8 OK" "S.Capture/Raw_13 OK"
sed -i '/Raw_13 (/d' "$tmp/no-verdict.log"

expect stock-alone 0 '^1/3 passed, 1 skipped, 1 failed$' stock
expect same-as-stock 0 'nowhere worse than stock' same stock
expect better-than-stock 0 '^3/3 passed, nowhere worse' better stock
expect new-failure 1 'failures not in the baseline: S.Capture/Raw_8$' new-failure stock
expect new-failure-alone 1 'not in the baseline' new-failure
expect passed-now-skipped 1 'worse than stock: S.Capture/Raw_8 \(SKIPPED, stock OK\)' lost stock
expect fewer-tests 1 'not the stock run.s tests: S.Capture/Raw_1' fewer stock
expect other-tests 1 'not the stock run.s tests' other stock
expect unfinished 1 'did not finish; its last line: FATAL Request wrong state$' unfinished
expect verdict-missing 1 '2 tests ran but 1 have a verdict' no-verdict

[ $failures = 0 ]
