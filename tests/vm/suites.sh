#!/bin/bash
# In the VM: run the named suites (tests/<suite>/suite.sh) one after another
# in this single boot. Results go to $VB2HEAP_RUNDIR/results for tests/check.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

[ -n "${VB2HEAP_VM:-}" ] || { echo "suites.sh runs inside the VM (tests/vm/run)" >&2; exit 2; }
export VB2HEAP_RESULTS=$VB2HEAP_RUNDIR/results
export VB2HEAP_LOGDIR=$VB2HEAP_RUNDIR/logs
mkdir -p "$VB2HEAP_LOGDIR"
: >"$VB2HEAP_RESULTS"

for suite in "$@"; do
	echo "=== $suite"
	bash "tests/$suite/suite.sh"
done
! grep -q '^FAIL' "$VB2HEAP_RESULTS"
