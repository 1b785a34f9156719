#!/bin/bash
# In the VM: run the named suites (tests/<suite>/suite.sh) one after another
# in this single boot. Writes $VB2HEAP_RUNDIR/results.ktap for tests/check:
# a KTAP document planning one test per suite, each suite's own KTAP
# nested below its result line, which says whether it exited 0, and a
# "# time SUITE SECONDS" line per suite. Logs: $VB2HEAP_RUNDIR/logs.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/results.sh
. scripts/paths.sh || exit 2
export BUILD

[ -n "${VB2HEAP_VM:-}" ] || { echo "suites.sh runs inside the VM (tests/vm/run)" >&2; exit 2; }
out=$VB2HEAP_RUNDIR/results.ktap
export VB2HEAP_LOGDIR=$VB2HEAP_RUNDIR/logs
mkdir -p "$VB2HEAP_LOGDIR" "$VB2HEAP_RUNDIR/ktap"
printf 'KTAP version 1\n1..%s\n' $# >"$out"

failed=0 n=0
for suite in "$@"; do
	echo "=== $suite"
	n=$((n + 1))
	export VB2HEAP_SUITE=$suite VB2HEAP_KTAP=$VB2HEAP_RUNDIR/ktap/$suite.ktap
	rm -f "$VB2HEAP_KTAP" "$VB2HEAP_KTAP.n"
	start=$SECONDS
	bash "tests/$suite/suite.sh" </dev/null
	rc=$?
	ktap_subtest "$VB2HEAP_KTAP" >>"$out"
	echo "# time $suite $((SECONDS - start))" >>"$out"
	if [ $rc = 0 ]; then
		echo "ok $n $suite" >>"$out"
	else
		echo "not ok $n $suite # the suite exited with status $rc" >>"$out"
		failed=1
	fi
done
[ $failed = 0 ] && ! grep -q '^ *not ok ' "$out"
