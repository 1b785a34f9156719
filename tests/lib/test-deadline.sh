#!/bin/bash
# Host unit test of tests/lib/deadline.sh: a program that ends keeps its
# status and output; one that hangs is killed after the limit, returns
# 124, and leaves where it waited in its log and in what bounded prints.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/deadline.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 number=0
echo "KTAP version 1"
echo "1..6"

expect() {
	local name=$1
	shift
	number=$((number + 1))
	if "$@"; then
		echo "ok $number $name"
	else
		echo "not ok $number $name"
		failures=$((failures + 1))
	fi
}

status=0
out=$(bounded 30 "$tmp/ends.log" sh -c 'echo to-stdout; echo to-stderr >&2; exit 7') || status=$?
expect "an ended program's status is returned" [ "$status" = 7 ]
expect "... its output is in the log, and nothing is printed" \
	[ "$(sort "$tmp/ends.log" | tr '\n' ' ')$out" = "to-stderr to-stdout " ]

gone() { ! pgrep -f 'sleep 3017' >/dev/null; }
logged() { grep -qx 'started' "$tmp/hangs.log" && grep -q '^\[<.*nanosleep' "$tmp/hangs.log"; }
status=0
out=$(bounded 2 "$tmp/hangs.log" sh -c 'echo started; exec sleep 3017') || status=$?
expect "a program still running after the limit returns 124" [ "$status" = 124 ]
expect "... is killed" gone
expect "... prints where its threads waited" grep -qx "sleep:.*sleep.*" <<<"$out"
expect "... and adds their kernel stacks to its log" logged

[ $failures = 0 ]
