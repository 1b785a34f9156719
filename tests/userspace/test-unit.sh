#!/bin/bash
# Host test: the userspace build's own tests, run by meson test: cmocka
# unit tests of the v4l2-heap tool's modules and of libv4l2heap's heap-fd
# and layout code under AddressSanitizer and UBSan (suite unit), and the
# library's exports and version (suite abi). Runs 'make userspace' first,
# which builds the kernel for its uAPI headers if it is not built.
#
#   tests/userspace/test-unit.sh
#
# Prints meson's line per test and the result of every test case, and
# the whole output of a test that failed; exits 1
# if any test failed, 2 if the build did.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. scripts/paths.sh || exit 2

make --no-print-directory userspace || exit 2
# One test after another, so that each one's cases stay together in the log.
meson test -C "$BUILD" --no-rebuild --verbose --num-processes 1 && exit 0
# meson 1.0 leaves out the TAP comment lines in which cmocka says why a
# case failed: the failed tests' whole output.
python3 -c 'import json, sys
for test in map(json.loads, open(sys.argv[1])):
    if test["result"] not in ("OK", "SKIP", "EXPECTEDFAIL"):
        print(test["name"] + ":", test["stdout"], sep="\n", end="")' \
	"$BUILD/meson-logs/testlog.json"
exit 1
