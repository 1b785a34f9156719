#!/bin/bash
# Host test: the userspace build's own tests, run by meson test: cmocka
# unit tests of the v4l2-heap tool's modules and of libv4l2heap's heap-fd
# and layout code under AddressSanitizer and UBSan (suite unit), and the
# library's exports and version (suite abi), and the GStreamer plugin's
# unit tests, which skip without /dev/dma_heap/system, as on most hosts
# (suite gst; tests/gst runs them in the VM). Runs 'make userspace' first,
# which builds the kernel for its uAPI headers if it is not built.
#
#   tests/userspace/test-unit.sh
#
# Prints KTAP: one test per meson test, planned from meson's list before
# any runs, with the output of a TAP test (cmocka's plan and a line per
# case) nested below it and other output as diagnostics; exits 1 if any is
# not ok, 2 if the build failed. The build's and meson's own output go to
# $BUILD/meson-logs/test-unit.log.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. scripts/paths.sh || exit 2

log=$BUILD/meson-logs/test-unit.log
mkdir -p "${log%/*}"
echo "KTAP version 1"
if ! make --no-print-directory userspace >"$log" 2>&1; then
	sed 's/^/# /' "$log" | tail -n 20
	exit 2
fi
tests=$(meson test -C "$BUILD" --no-rebuild --list 2>>"$log") || exit 2
echo "1..$(grep -c . <<<"$tests")"
# One test after another, so that each one's output stays together.
meson test -C "$BUILD" --no-rebuild --num-processes 1 >>"$log" 2>&1
python3 - "$BUILD/meson-logs" <<'EOF'
import json
import sys

failed = 0
with open(sys.argv[1] + "/testlog.json") as log:
    for number, test in enumerate(map(json.loads, log), 1):
        output = test["stdout"].splitlines()
        if output and output[0].startswith("1.."):
            print("    KTAP version 1")
            for line in output:
                print("    " + line)
        else:
            for line in output:
                print("# " + line)
        name = test["name"].split(" / ", 1)[-1]
        if test["result"] == "SKIP":
            print(f"ok {number} {name} # SKIP")
        elif test["result"] in ("OK", "EXPECTEDFAIL"):
            print(f"ok {number} {name}")
        else:
            failed += 1
            print(f"not ok {number} {name} # {test['result']}, exit {test['returncode']};"
                  f" log: {sys.argv[1]}/testlog.txt")
sys.exit(1 if failed else 0)
EOF
