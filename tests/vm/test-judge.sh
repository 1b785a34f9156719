#!/bin/bash
# Host unit test of the judges that decide whether the in-VM suites really
# ran: tests/vm/suites.sh (a suite's exit status), tests/vm/judge (a
# suite's completion line and number of results) and each_node from
# tests/lib/results.sh (loops over device nodes). Suites that die in
# various ways run from a copy of the runner in a scratch tree.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

ok() { echo "ok $1"; }
not_ok() { echo "not ok $1: $2"; failures=$((failures + 1)); }

mkdir -p "$tmp/tests/vm" "$tmp/tests/lib" "$tmp/scripts" "$tmp/kernel" "$tmp/run"
cp tests/vm/suites.sh tests/vm/judge "$tmp/tests/vm/"
cp tests/lib/results.sh "$tmp/tests/lib/"
cp scripts/paths.sh "$tmp/scripts/"
cp kernel/VERSION "$tmp/kernel/"

suite() { # NAME MIN BODY
	mkdir -p "$tmp/tests/$1"
	printf '. tests/lib/results.sh\n%s\n' "$3" >"$tmp/tests/$1/suite.sh"
	printf '%s\t%s\n' "$1" "$2" >>"$tmp/tests/suites"
}
suite whole 2 'result PASS whole/a; result PASS whole/b; suite_complete whole'
suite syntax 1 'result PASS syntax/a; if then fi; result PASS syntax/b; suite_complete syntax'
suite early-exit 1 'result PASS early-exit/a; exit 0; suite_complete early-exit'
suite exit-status 1 'result PASS exit-status/a; suite_complete exit-status; exit 3'
suite too-few 3 'result PASS too-few/a; result PASS too-few/b; suite_complete too-few'
suite missing-binary 1 'no-such-binary-vb2heap || exit; result PASS missing-binary/a; suite_complete missing-binary'

VB2HEAP_VM=1 VB2HEAP_RUNDIR=$tmp/run bash "$tmp/tests/vm/suites.sh" \
	whole syntax early-exit exit-status too-few missing-binary >"$tmp/suites.out" 2>&1
"$tmp/tests/vm/judge" "$tmp/run/results" \
	whole syntax early-exit exit-status too-few missing-binary >"$tmp/judge.out"
judge_rc=$?

# expect NAME PATTERN FILE: FILE has a line matching PATTERN.
expect() {
	if grep -qE -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no /$2/ in $(cat "$3")"; fi
}
expect "a whole suite passes" '^PASS whole/complete \(2 results\)$' "$tmp/judge.out"
expect "a suite with a syntax error fails" '^FAIL syntax/complete \(no completion line' "$tmp/judge.out"
expect "a suite that exits early fails" '^FAIL early-exit/complete \(no completion line' "$tmp/judge.out"
expect "a suite's non-zero exit fails" '^FAIL exit-status/exit-status \(the suite exited with status 3\)$' \
	"$tmp/run/results"
expect "a suite with too few results fails" '^FAIL too-few/complete \(2 results, want at least 3\)$' \
	"$tmp/judge.out"
expect "a suite whose binary is missing fails" '^FAIL missing-binary/' "$tmp/run/results"
expect "every suite's time is recorded" '^TIME missing-binary [0-9]+$' "$tmp/run/results"
if [ $judge_rc = 1 ]; then ok "the judge exits 1"; else not_ok "the judge exits 1" "exit $judge_rc"; fi
if "$tmp/tests/vm/judge" "$tmp/run/results" no-such-suite >/dev/null 2>&1; then
	not_ok "an unknown suite is an error" "judge accepted it"
else
	ok "an unknown suite is an error"
fi

# each_node: a loop over a driver's nodes must not pass with none.
. tests/lib/results.sh
VB2HEAP_RESULTS=$tmp/each-node
: >"$VB2HEAP_RESULTS"
record() { echo "$1:$2" >>"$tmp/seen"; }
printf '/dev/video0 vim2m/vim2m\n/dev/video1 vivid/vivid-000-vid-cap\n' |
	each_node loop/two 2 record >/dev/null
: | each_node loop/none 1 record >/dev/null
printf '/dev/video0 vim2m/vim2m\n' | each_node loop/one-of-three 3 record >/dev/null
expect "each_node passes with enough nodes" '^PASS loop/two \(2 nodes\)$' "$VB2HEAP_RESULTS"
expect "each_node fails without nodes" '^FAIL loop/none \(0 nodes, want at least 1\)$' "$VB2HEAP_RESULTS"
expect "each_node fails with too few nodes" '^FAIL loop/one-of-three \(1 nodes, want at least 3\)$' \
	"$VB2HEAP_RESULTS"
seen=$(tr '\n' ' ' <"$tmp/seen")
if [ "$seen" = "/dev/video0:vim2m/vim2m /dev/video1:vivid/vivid-000-vid-cap /dev/video0:vim2m/vim2m " ]; then
	ok "each_node runs the command once per node"
else
	not_ok "each_node runs the command once per node" "ran for: $seen"
fi
exit $((failures > 0))
