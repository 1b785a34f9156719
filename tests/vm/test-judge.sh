#!/bin/bash
# Host unit test of what decides whether the in-VM suites really ran:
# tests/vm/suites.sh (a suite's exit status and KTAP), tests/lib/results.sh
# (plans, results, nested program output, loops over device nodes) and
# tests/lib/ktap-report (plans against results). Crafted suites that die,
# skip, miscount or plan nothing run from a copy of the runner in a
# scratch tree; each must fail, and a whole one pass. Prints KTAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
number=0 failures=0

# expect NAME PATTERN FILE: FILE has a line matching PATTERN.
expect() {
	number=$((number + 1))
	if grep -qE -- "$2" "$3"; then
		echo "ok $number $1"
	else
		echo "# no /$2/ in:"
		sed 's/^/#   /' "$3"
		echo "not ok $number $1"
		failures=$((failures + 1))
	fi
}

mkdir -p "$tmp/tests/vm" "$tmp/tests/lib" "$tmp/scripts" "$tmp/kernel" "$tmp/run"
cp tests/vm/suites.sh "$tmp/tests/vm/"
cp tests/lib/results.sh tests/lib/ktap-report "$tmp/tests/lib/"
cp scripts/paths.sh "$tmp/scripts/"
cp kernel/VERSION "$tmp/kernel/"

suites=()
suite() { # NAME BODY
	mkdir -p "$tmp/tests/$1"
	printf '. tests/lib/results.sh\n%s\n' "$2" >"$tmp/tests/$1/suite.sh"
	suites+=("$1")
}
# A program printing KTAP (as tests/lib/ktap.h does) and exiting 0.
program() { # NAME LINES...
	printf '%s\n' "${@:2}" >"$tmp/$1.ktap"
}
program complete 'KTAP version 1' '1..2' 'ok 1 a' 'ok 2 b'
program stops-short 'KTAP version 1' '1..3' 'ok 1 a'
program says-not-ok 'KTAP version 1' '1..2' 'ok 1 a' 'not ok 2 b'

suite whole 'ktap_plan 3; result PASS whole/a; result PASS whole/b
	check whole/program cat '"$tmp/complete.ktap"
suite syntax $'ktap_plan 2; result PASS syntax/a\nif then fi\nresult PASS syntax/b'
suite early-exit 'ktap_plan 2; result PASS early-exit/a; exit 0; result PASS early-exit/b'
suite killed 'ktap_plan 2; result PASS killed/a; kill -9 $$; result PASS killed/b'
suite exit-status 'ktap_plan 1; result PASS exit-status/a; exit 3'
suite no-plan 'result PASS no-plan/a; result PASS no-plan/b'
suite zero-plan 'ktap_plan 0'
suite over-plan 'ktap_plan 1; result PASS over-plan/a; result PASS over-plan/b'
suite missing-binary 'no-such-binary-vb2heap || exit; ktap_plan 1; result PASS missing-binary/a'
suite silent 'exit 0'
# The plan comes from the configuration, as in tests/uapi: so many nodes
# per driver. A driver that yields none, or that the suite skips, leaves
# the results short of it.
suite zero-nodes 'declare -A NODES=([vim2m]=1 [vivid]=2)
	ktap_plan $((NODES[vim2m] + 1 + NODES[vivid] + 1))
	node() { result PASS "zero-nodes/$2"; }
	echo "/dev/video0 vim2m/vim2m" | each_node zero-nodes/vim2m-nodes 1 node
	: | each_node zero-nodes/vivid-nodes 2 node'
suite skipped-driver 'DRIVERS=(vim2m vivid)
	ktap_plan ${#DRIVERS[@]}
	for drv in "${DRIVERS[@]}"; do
		[ "$drv" != vivid ] || continue
		result PASS "skipped-driver/$drv"
	done'
suite program-short 'ktap_plan 1; check program-short/run cat '"$tmp/stops-short.ktap"
suite program-not-ok 'ktap_plan 1; check program-not-ok/run cat '"$tmp/says-not-ok.ktap"
# KUnit's parameterised cases may come without a plan, as KTAP allows
# where the count is not known in advance.
suite unplanned-params 'ktap_plan 1
	printf "%s\n" "    KTAP version 1" "    1..1" "        KTAP version 1" "        ok 1 param-1" \
		"    ok 1 case" >>"$VB2HEAP_KTAP"
	result PASS unplanned-params/kunit-suite'
suite numbering 'ktap_plan 2; result PASS numbering/a; echo 2 >"$VB2HEAP_KTAP.n"; result PASS numbering/b'

VB2HEAP_VM=1 VB2HEAP_RUNDIR=$tmp/run bash "$tmp/tests/vm/suites.sh" "${suites[@]}" \
	>"$tmp/suites.out" 2>&1
suites_rc=$?
# The VM's document, nested as tests/check nests a group.
{
	printf 'KTAP version 1\n1..1\n'
	(. "$tmp/tests/lib/results.sh" && ktap_subtest "$tmp/run/results.ktap")
	echo "ok 1 7.3"
} >"$tmp/check.ktap"
"$tmp/tests/lib/ktap-report" "$tmp/check.ktap" >"$tmp/report"
report_rc=$?

echo "KTAP version 1"
echo "1..30"
expect "a whole suite passes" '^PASS 7\.3/whole/complete \(3 of 3 planned\)$' "$tmp/report"
expect "its tests pass" '^PASS 7\.3/whole/a$' "$tmp/report"
expect "a program's KTAP nests below its result" '^PASS 7\.3/whole/program \(2 results\)$' "$tmp/report"
expect "a suite with a syntax error fails" '^FAIL 7\.3/syntax/complete \(planned 2, reported 1; the suite exited with status 2\)$' "$tmp/report"
expect "a suite that exits early fails" '^FAIL 7\.3/early-exit/complete \(planned 2, reported 1\)$' "$tmp/report"
expect "a suite that is killed fails" '^FAIL 7\.3/killed/complete \(planned 2, reported 1; the suite exited with status 137\)$' "$tmp/report"
expect "a suite's non-zero exit fails" '^FAIL 7\.3/exit-status/complete \(the suite exited with status 3\)$' "$tmp/report"
expect "a suite without a plan fails" '^FAIL 7\.3/no-plan/complete \(no plan\)$' "$tmp/report"
expect "a suite that plans nothing fails" '^FAIL 7\.3/zero-plan/complete \(plans no tests\)$' "$tmp/report"
expect "a suite that reports more than it planned fails" '^FAIL 7\.3/over-plan/complete \(planned 1, reported 2\)$' "$tmp/report"
expect "a suite whose binary is missing fails" '^FAIL 7\.3/missing-binary/complete \(no plan; the suite exited with status 127\)$' "$tmp/report"
expect "a suite that prints nothing fails" '^FAIL 7\.3/silent/complete \(no plan\)$' "$tmp/report"
expect "a driver without nodes fails its loop" '^FAIL 7\.3/zero-nodes/vivid-nodes \(0 nodes, want at least 2\)$' "$tmp/report"
expect "a driver without nodes leaves the suite short" '^FAIL 7\.3/zero-nodes/complete \(planned 5, reported 3\)$' "$tmp/report"
expect "a driver the suite skips leaves it short" '^FAIL 7\.3/skipped-driver/complete \(planned 2, reported 1\)$' "$tmp/report"
expect "a program that stops short of its plan fails" '^FAIL 7\.3/program-short/run \(not ok\)$' "$tmp/report"
expect "... saying so" '^    \.: planned 3, reported 1$' "$tmp/report"
expect "a program's not ok fails its test despite exit 0" '^FAIL 7\.3/program-not-ok/run \(not ok\)$' "$tmp/report"
expect "... naming the failed subtest" '^    not ok b$' "$tmp/report"
expect "parameterised cases may go without a plan" '^PASS 7\.3/unplanned-params/complete' "$tmp/report"
expect "results out of order fail" '^FAIL 7\.3/numbering/complete \(result 2 is numbered 3\)$' "$tmp/report"
expect "the report ends with the totals" '^[0-9]+ passed, [0-9]+ failed$' <(tail -n 1 "$tmp/report")
number=$((number + 1))
if [ $report_rc = 1 ] && [ $suites_rc = 1 ]; then
	echo "ok $number the report and the runner exit 1"
else
	echo "not ok $number the report and the runner exit 1 # ktap-report $report_rc, suites.sh $suites_rc"
	failures=$((failures + 1))
fi
expect "every suite's time is recorded" '^# time missing-binary [0-9]+$' "$tmp/run/results.ktap"

# The VM stopping after a suite: the group's plan is short.
printf 'KTAP version 1\n1..2\n    KTAP version 1\n    1..1\n    ok 1 a\nok 1 first\n' >"$tmp/died.ktap"
"$tmp/tests/lib/ktap-report" "$tmp/died.ktap" >"$tmp/died.report"
expect "a VM that dies after one of two suites fails" '^FAIL check/complete \(planned 2, reported 1\)$' "$tmp/died.report"
: >"$tmp/empty.ktap"
"$tmp/tests/lib/ktap-report" "$tmp/empty.ktap" >"$tmp/empty.report"
expect "no KTAP at all fails" '^FAIL check/complete \(no KTAP version line' "$tmp/empty.report"
expect "... and nothing passes" '^0 passed, 1 failed$' "$tmp/empty.report"

# each_node: a loop over a driver's nodes must not pass with none.
. tests/lib/results.sh
unset VB2HEAP_KTAP
record() { echo "$1:$2" >>"$tmp/seen"; }
{
	printf '/dev/video0 vim2m/vim2m\n/dev/video1 vivid/vivid-000-vid-cap\n' |
		each_node loop/two 2 record
	printf '/dev/video0 vim2m/vim2m\n' | each_node loop/one-of-three 3 record
} >"$tmp/each-node"
expect "each_node passes with enough nodes" '^PASS loop/two \(2 nodes\)$' "$tmp/each-node"
expect "each_node fails with too few nodes" '^FAIL loop/one-of-three \(1 nodes, want at least 3\)$' \
	"$tmp/each-node"
seen=$(tr '\n' ' ' <"$tmp/seen")
number=$((number + 1))
if [ "$seen" = "/dev/video0:vim2m/vim2m /dev/video1:vivid/vivid-000-vid-cap /dev/video0:vim2m/vim2m " ]; then
	echo "ok $number each_node runs the command once per node"
else
	echo "not ok $number each_node runs the command once per node # ran for: $seen"
	failures=$((failures + 1))
fi
exit $((failures > 0))
