#!/bin/bash
# In-VM suite: the test bed itself. The helpers the other suites rely on
# to know which driver configuration they test must refuse any other: each
# case sets up a wrong configuration on purpose, with the real drivers, and
# expects the helper to fail. And the emulator must run the kernel's live
# patching of its own text, which every static key flip is: under a QEMU
# that lets a vCPU run stale code, the VM dies here (tests/vm/QEMU).
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps testbed || exit 1
# The load, five configurations the helpers must refuse, one they must
# take, the unload; the static key flips.
ktap_plan 9

negate() { ! "$@"; }

# refuses NAME COMMAND...: COMMAND must fail.
refuses() {
	local name=$1
	shift
	check "testbed/$name" negate "$@"
}

check testbed/modprobe load_drivers "vim2m heap=system" \
	"vivid n_devs=1 heap=system node_types=$VIVID_VIDEO_NODES"
refuses vim2m-other-heap drivers_took "vim2m heap=$CMA_HEAP"
refuses vim2m-stock drivers_took vim2m
refuses already-loaded modprobe --first-time vim2m heap="$CMA_HEAP"
# vivid keeps its controls: the parameter still names the system heap, but
# with contiguous memory required the queue allocates from the CMA heap.
check testbed/vivid-require-contiguous \
	v4l2-ctl -d "$(node_named vivid-000-vid-cap)" -c require_contiguous_memory=1
refuses vivid-changed-heap drivers_took "vivid n_devs=1 heap=system"

# A driver that cannot be unloaded must stop the next configuration.
exec 7<"$(node_named vim2m)"
refuses busy-driver-kept load_drivers "vim2m heap=$CMA_HEAP"
exec 7<&-
check testbed/unload unload_drivers

check testbed/static-key-flips tests/vm/flip-static-keys 100
