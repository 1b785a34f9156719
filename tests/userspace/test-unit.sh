#!/bin/bash
# Host test: unit tests of the v4l2-heap tool's modules and of libv4l2heap's
# heap-fd and layout functions, built with cmocka from their sources,
# against the patched kernel's uAPI headers that 'make kernel' installs.
#
#   tests/userspace/test-unit.sh
#
# Builds into build/tests/userspace/ and prints KTAP: one test per program,
# with cmocka's own TAP (a plan and a line per case) nested below it;
# exits 1 if any is not ok, 2 if gcc, cmocka or python3 (which checks the
# JSON) is missing.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. scripts/paths.sh

out=build/tests/userspace
cflags=(-std=gnu11 -Wall -Wextra -Werror -O2 -g -Iuserspace/include -Iuserspace/tool
	-isystem "$KHDR/include" -fsanitize=address,undefined -fno-sanitize-recover=all)

# Each test and the sources it is built from besides itself (and, for
# test_heapfd, which plays the kernel, the calls it wraps).
declare -A tests=(
	[test_options]="userspace/tool/options.c userspace/tool/queue.c userspace/lib/names.c userspace/lib/error.c"
	[test_format]="userspace/tool/format.c userspace/lib/names.c userspace/lib/error.c"
	[test_exitcode]="userspace/tool/exitcode.c"
	[test_queue]="userspace/tool/queue.c userspace/lib/names.c userspace/lib/error.c"
	[test_heapfd]="userspace/lib/heaps.c userspace/lib/query.c userspace/lib/layout.c userspace/lib/names.c userspace/lib/error.c -Wl,--wrap=ioctl,--wrap=readlink"
)

if [ ! -f "$KHDR/include/linux/videodev2.h" ]; then
	echo "not ok: no uAPI headers at $KHDR (run make kernel)" >&2
	exit 2
fi
if ! command -v gcc >/dev/null; then
	echo "not ok: no gcc" >&2
	exit 2
fi
probe='#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
int main(void) { return cmocka_run_group_tests((struct CMUnitTest[]){}, NULL, NULL); }'
if ! gcc -x c - -lcmocka -o /dev/null <<<"$probe" 2>/dev/null; then
	echo "not ok: cannot build with cmocka (install libcmocka-dev)" >&2
	exit 2
fi

# test_format checks that its JSON parses, with Python's parser.
if ! command -v python3 >/dev/null; then
	echo "not ok: no python3 to check JSON with" >&2
	exit 2
fi

mkdir -p "$out" || exit 2
failures=0 n=0

# run NUMBER NAME: runs the test with cmocka's TAP output (its plan first,
# then a line per case) as a subtest, and its result from the exit status.
run() {
	local status
	echo "    KTAP version 1"
	ASAN_OPTIONS=detect_leaks=1 CMOCKA_MESSAGE_OUTPUT=TAP "$out/$2" 2>&1 |
		sed 's/^/    /'
	status=${PIPESTATUS[0]}
	if [ "$status" = 0 ]; then
		echo "ok $1 $2"
	else
		echo "not ok $1 $2 # exit $status"
	fi
	[ "$status" = 0 ]
}

echo "KTAP version 1"
echo "1..${#tests[@]}"
for name in $(printf '%s\n' "${!tests[@]}" | sort); do
	n=$((n + 1))
	# shellcheck disable=SC2086 # the source lists split on blanks
	if ! log=$(gcc "${cflags[@]}" -o "$out/$name" "tests/userspace/$name.c" \
		${tests[$name]} -lcmocka 2>&1); then
		sed 's/^/# /' <<<"$log"
		echo "not ok $n $name # does not build"
		failures=$((failures + 1))
		continue
	fi
	run "$n" "$name" || failures=$((failures + 1))
done

exit $((failures > 0))
