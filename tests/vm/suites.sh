#!/bin/bash
# In the VM: run the named suites (tests/<suite>/suite.sh) one after another
# in this single boot. Results go to $VB2HEAP_RUNDIR/results for tests/check,
# with a FAIL for a suite that exits non-zero and a "TIME suite seconds"
# line per suite.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/results.sh
. scripts/paths.sh || exit 2
export BUILD

[ -n "${VB2HEAP_VM:-}" ] || { echo "suites.sh runs inside the VM (tests/vm/run)" >&2; exit 2; }
export VB2HEAP_RESULTS=$VB2HEAP_RUNDIR/results
export VB2HEAP_LOGDIR=$VB2HEAP_RUNDIR/logs
mkdir -p "$VB2HEAP_LOGDIR"
: >"$VB2HEAP_RESULTS"

for suite in "$@"; do
	echo "=== $suite"
	start=$SECONDS
	bash "tests/$suite/suite.sh" </dev/null
	rc=$?
	[ $rc = 0 ] || result FAIL "$suite/exit-status" "the suite exited with status $rc"
	echo "TIME $suite $((SECONDS - start))" >>"$VB2HEAP_RESULTS"
done
! grep -q '^FAIL' "$VB2HEAP_RESULTS"
