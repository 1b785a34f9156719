#!/bin/bash
# In the VM, by hand: shows that each heap test of the patched
# v4l2-compliance fails on a driver that misbehaves in the way it checks.
#
#   tests/vm/run -- tests/compliance/faults/run.sh [DRIVER [HEAP]]
#
# Loads DRIVER (default vim2m) with heap=HEAP (default the first contiguous
# heap), runs v4l2-compliance (without streaming) once as it is, where both
# heap tests must pass, then once per fault of faults.c, preloaded, where
# the test named for the fault must fail and the other heap test must not
# be what failed instead. Prints one PASS/FAIL line per run and exits
# non-zero when any is FAIL. The faults of the ownership rules need a
# queue of the device node, which file handles compete for (vivid): on a
# memory-to-memory device they print SKIP. Not part of make check: each
# run takes about half a minute under TCG.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
. scripts/paths.sh || exit 2
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

COMPLIANCE=$BUILD/v4l-utils/bin/v4l2-compliance
SHIM=$BUILD/tests/compliance-faults.so
DRIVER=${1:-vim2m}
HEAP=${2:-$(kernel_heaps | awk '$2 == "contiguous" { print $1; exit }')}
for f in "$COMPLIANCE" "$SHIM"; do
	[ -e "$f" ] || { echo "no $f: make tests" >&2; exit 2; }
done

# fault -> the test line that must fail
declare -A WANT=(
	[caps-no-heaps]="VIDIOC_ENUM_HEAPS"
	[enum-reserved]="VIDIOC_ENUM_HEAPS"
	[enum-endless]="VIDIOC_ENUM_HEAPS"
	[enum-two-active]="VIDIOC_ENUM_HEAPS"
	[enum-size]="VIDIOC_ENUM_HEAPS"
	[g-reserved]="VIDIOC_G/S_HEAP"
	[s-not-heap]="VIDIOC_G/S_HEAP"
	[s-closed-fd]="VIDIOC_G/S_HEAP"
	[s-busy]="VIDIOC_G/S_HEAP"
	[s-owner-busy]="VIDIOC_G/S_HEAP"
	[s-outlives]="VIDIOC_G/S_HEAP"
	[reqbufs-owned]="VIDIOC_G/S_HEAP"
	[s-no-selected]="VIDIOC_G/S_HEAP"
)

modprobe -r "$DRIVER" 2>/dev/null
modprobe "$DRIVER" heap="$HEAP" || exit 2
read -r dev _ < <(streaming_nodes "$DRIVER")
[ -n "$dev" ] || { echo "no device of $DRIVER" >&2; exit 2; }
log=$(mktemp -d)
status=0
# Faults that only a queue shared between file handles can show.
declare -A OWNERSHIP=([s-busy]=1 [reqbufs-owned]=1)
m2m=$(v4l2-ctl -d "$dev" -D | grep -c 'Memory-to-Memory')

verdict() { sed -n "s|^\ttest $1: ||p" "$2" | head -n 1; }

# runs NAME [FAULT]
runs() {
	local out=$log/$1.log
	VB2HEAP_FAULT=${2:-} LD_PRELOAD=${2:+$SHIM} "$COMPLIANCE" -d "$dev" >"$out" 2>&1
	echo "$out"
}

out=$(runs clean)
enum=$(verdict VIDIOC_ENUM_HEAPS "$out") gs=$(verdict VIDIOC_G/S_HEAP "$out")
if [ "$enum" = OK ] && [ "$gs" = OK ]; then
	echo "PASS faults/$DRIVER/clean: ENUM_HEAPS $enum, G/S_HEAP $gs (heap=$HEAP)"
else
	echo "FAIL faults/$DRIVER/clean: ENUM_HEAPS '$enum', G/S_HEAP '$gs'; log: $out"
	status=1
fi
for fault in "${!WANT[@]}"; do
	if [ "$m2m" != 0 ] && [ -n "${OWNERSHIP[$fault]:-}" ]; then
		echo "SKIP faults/$DRIVER/$fault: a memory-to-memory queue belongs to its file handle"
		continue
	fi
	out=$(runs "$fault" "$fault")
	got=$(verdict "${WANT[$fault]}" "$out")
	why=$(grep -F -m1 'fail: v4l2-test-buffers.cpp' "$out" | sed 's/^[[:space:]]*//')
	if [ "$got" = FAIL ]; then
		echo "PASS faults/$DRIVER/$fault: test ${WANT[$fault]}: FAIL ($why)"
	else
		echo "FAIL faults/$DRIVER/$fault: test ${WANT[$fault]}: '$got'; log: $out"
		status=1
	fi
done
modprobe -r "$DRIVER"
exit $status
