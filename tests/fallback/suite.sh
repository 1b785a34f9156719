#!/bin/bash
# In-VM suite: with the CMA heap exhausted, a queue whose policy is
# "the CMA heap, then system" keeps allocating from system memory, while a
# queue that requires contiguous memory (vivid allocators=1) gets a clean
# ENOMEM; once the memory is back, the contiguous queue allocates again.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps fallback || exit 1
HOG=$BUILD/tests/heap-hog

# Streams a few frames through vim2m and proves that not a single page of
# it came from CMA.
stream_without_cma() {
	local before
	before=$(<"$CMA_AREA/alloc_pages_success")
	v4l2-ctl -d "$1" --set-fmt-video-out=width=640,height=480,pixelformat=RGBP \
		--set-fmt-video=width=640,height=480,pixelformat=RGBP \
		--stream-mmap --stream-out-mmap --stream-count=5 || return
	[ "$(<"$CMA_AREA/alloc_pages_success")" = "$before" ] ||
		{ echo "$(($(<"$CMA_AREA/alloc_pages_success") - before)) pages came from CMA"; return 1; }
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

before=$(<"$CMA_AREA/alloc_pages_success")
check fallback/contiguous-queue-allocates "$BUILD/tests/reqbufs" "$contig" 4
if [ "$(<"$CMA_AREA/alloc_pages_success")" -gt "$before" ]; then
	result PASS fallback/contiguous-queue-uses-cma
else
	result FAIL fallback/contiguous-queue-uses-cma "no CMA pages were allocated"
fi

# stream_without_cma and reqbufs_fails_with run under the hog, in a child.
export -f stream_without_cma reqbufs_fails_with
export CMA_AREA
check fallback/cma-exhausted-queue-uses-system \
	$HOG "$CMA_HEAP" bash -c 'stream_without_cma "$0"' "$m2m"
check fallback/cma-exhausted-contiguous-queue-gets-enomem \
	$HOG "$CMA_HEAP" bash -c 'reqbufs_fails_with ENOMEM "$0"' "$contig"
check fallback/contiguous-queue-allocates-after-release "$BUILD/tests/reqbufs" "$contig" 4
check fallback/unload unload_drivers
suite_complete fallback
