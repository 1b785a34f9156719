#!/bin/bash
# In-VM suite: with the CMA heap exhausted, a queue whose policy is
# "the CMA heap, then system" keeps allocating from system memory, while a
# queue that requires contiguous memory (vivid allocators=1) gets a clean
# ENOMEM; once the memory is back, the contiguous queue allocates again,
# also when REQBUFS frees and allocates in one ioctl. Which of the two a
# queue does follows its configuration: vivid's "Require Contiguous
# Memory" control turns one into the other and back. MMAP buffers can be
# exported read-only and pinned like those of the stock allocator, and a
# contiguous queue's are refused a long-term pin as vb2-dma-contig's are.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps fallback || exit 1
# Exhaustion: modprobe, six checks, unload; configuration: modprobe,
# three checks, unload; drop-in: modprobe, expbuf and pin on each of the
# two vivid instances, unload; no-pin: modprobe, one check, unload.
ktap_plan $((8 + 5 + 1 + 2 * 2 + 1 + 3))
HOG=$BUILD/tests/heap-hog

# Streams a few frames through vim2m and proves that all of its memory
# came from the system heap, not a single page from CMA.
stream_without_cma() {
	local before
	before=$(cma_allocated)
	v4l2-ctl -d "$1" --set-fmt-video-out=width=640,height=480,pixelformat=RGBP \
		--set-fmt-video=width=640,height=480,pixelformat=RGBP \
		--stream-mmap --stream-out-mmap --stream-count=5 || return
	came_from system "$before"
}

reqbufs_fails_with() { # ERRNO DEVICE
	local got
	got=$("$BUILD/tests/reqbufs" "$2" 4)
	[ "$got" = "$1" ] || { echo "REQBUFS: $got, want $1"; return 1; }
}

check fallback/modprobe load_drivers "vim2m heap=$CMA_HEAP" \
	"vivid n_devs=1 allocators=1 heap=$CMA_HEAP node_types=$VIVID_VIDEO_NODES"
m2m=$(node_named vim2m)
contig=$(node_named vivid-000-vid-cap)

before=$(cma_allocated)
check fallback/contiguous-queue-allocates "$BUILD/tests/reqbufs" "$contig" 4
check fallback/contiguous-queue-uses-cma came_from "$CMA_HEAP" "$before"

# stream_without_cma and reqbufs_fails_with run under the hog, in a child.
export -f stream_without_cma reqbufs_fails_with cma_allocated came_from
export CMA_AREA CMA_HEAP
check fallback/cma-exhausted-queue-uses-system \
	$HOG "$CMA_HEAP" bash -c 'stream_without_cma "$0"' "$m2m"
check fallback/cma-exhausted-contiguous-queue-gets-enomem \
	$HOG "$CMA_HEAP" bash -c 'reqbufs_fails_with ENOMEM "$0"' "$contig"
check fallback/contiguous-queue-allocates-after-release "$BUILD/tests/reqbufs" "$contig" 4
# REQBUFS frees and allocates in one ioctl: the freed memory must be back.
check fallback/realloc-with-only-own-memory-left \
	"$BUILD/tests/drop-in" realloc "$contig" 4 "$CMA_HEAP"
check fallback/unload unload_drivers

# The same queue under the policy "the CMA heap, then system" and, with
# the control set, under one that requires contiguous memory.
reqbufs_from_system() {
	local before
	before=$(cma_allocated)
	"$BUILD/tests/reqbufs" "$1" 4 && came_from system "$before"
}
export -f reqbufs_from_system
exhausted_reqbufs() { # DEVICE CONTIGUOUS COMMAND [ARG...]
	v4l2-ctl -d "$1" -c require_contiguous_memory="$2" &&
		$HOG "$CMA_HEAP" bash -c '"${@:2}" "$1"' - "$1" "${@:3}"
}
check fallback/configuration/modprobe load_drivers \
	"vivid n_devs=1 heap=$CMA_HEAP node_types=$VIVID_VIDEO_NODES"
cfg=$(node_named vivid-000-vid-cap)
check fallback/configuration/cma-exhausted-falls-back-to-system \
	exhausted_reqbufs "$cfg" 0 reqbufs_from_system
check fallback/configuration/required-cma-exhausted-gets-enomem \
	exhausted_reqbufs "$cfg" 1 reqbufs_fails_with ENOMEM
check fallback/configuration/not-required-falls-back-again \
	exhausted_reqbufs "$cfg" 0 reqbufs_from_system
check fallback/configuration/unload unload_drivers

# What a user does with MMAP buffers works the same on the stock allocator
# (vivid instance 0, vb2-vmalloc) and on the system heap (instance 1).
check fallback/drop-in/modprobe load_drivers "vim2m heap=system" \
	"vivid n_devs=2 heap=,system node_types=$VIVID_VIDEO_NODES,$VIVID_VIDEO_NODES"
img=$(mktemp /tmp/drop-in.XXXXXX)
truncate -s 8M "$img"
loopdev=$(losetup --find --show "$img")
for inst in 000 001; do
	dev=$(node_named vivid-$inst-vid-cap)
	v4l2-ctl -d "$dev" -v width=1280,height=720,pixelformat=YUYV
	check "fallback/drop-in/vivid-$inst/expbuf" "$BUILD/tests/drop-in" expbuf "$dev"
	check "fallback/drop-in/vivid-$inst/pin" \
		"$BUILD/tests/drop-in" pin "$dev" "$(node_named vim2m)" "$loopdev"
done
losetup --detach "$loopdev"
rm -f "$img"
check fallback/drop-in/unload unload_drivers

# A contiguous queue's mappings cannot be pinned long-term: with its
# memory from the CMA heap (vivid instance 1) the pin fails at once, as
# on vb2-dma-contig (instance 0). Separate loads: vivid's instances share
# one device, whose DMA mask allocators=1 narrows.
check fallback/no-pin/modprobe load_drivers "vim2m heap=system" \
	"vivid n_devs=2 allocators=1,1 heap=,$CMA_HEAP node_types=$VIVID_VIDEO_NODES,$VIVID_VIDEO_NODES"
for inst in 000 001; do
	v4l2-ctl -d "$(node_named vivid-$inst-vid-cap)" -v width=1280,height=720,pixelformat=YUYV
done
check fallback/no-pin/as-dma-contig "$BUILD/tests/drop-in" no-pin \
	"$(node_named vivid-000-vid-cap)" "$(node_named vivid-001-vid-cap)" "$(node_named vim2m)"
check fallback/no-pin/unload unload_drivers
