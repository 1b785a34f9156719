#!/bin/bash
# 'make demo', inside the VM: what a newcomer should see first.
set -euo pipefail

section() { printf '\n== %s\n' "$*"; }

. scripts/paths.sh
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh
TOOL=$BUILD/userspace/v4l2-heap

node_of() { # DRIVER [NAME-PATTERN]: the driver's first matching video node
	streaming_nodes "$1" 'video*' | awk -v re="${2:-.}" '$2 ~ re { print $1; exit }'
}

section "kernel $(uname -r); dma-buf heaps it offers (/dev/dma_heap):"
find_heaps demo
# The CMA heap's name depends on the kernel (6.12 "reserved", 7.3
# "default_cma_region"); find_heaps picks the first contiguous one.
while read -r heap caps; do
	case $heap:$caps in
	system:-) what="pages from the buddy allocator, not contiguous" ;;
	"$CMA_HEAP":contiguous) what="CMA area '${CMA_AREA##*/}', contiguous ($(awk '/CmaTotal/ {print $2/1024 " MiB"}' /proc/meminfo))" ;;
	*:contiguous) what="contiguous" ;;
	*) what="not contiguous" ;;
	esac
	printf '  %-20s %s\n' "$heap" "$what"
done < <(kernel_heaps)
echo "  the demo allocates from '$CMA_HEAP', the first contiguous heap"

section "loading vim2m, the virtual mem2mem scaler (stock allocator: vb2-vmalloc)"
modprobe vim2m
dev=$(node_of vim2m)
v4l2-ctl -d "$dev" --info | sed -n '/^Driver Info/,/^\t[^ ]*Bus info/s/^\t\(Driver name\|Card type\)/  \1/p'

section "streaming 30 frames through $dev with v4l2-ctl (MMAP in, MMAP out)"
v4l2-ctl -d "$dev" --set-fmt-video-out=width=640,height=480,pixelformat=RGBP \
	--set-fmt-video=width=640,height=480,pixelformat=RGBP \
	--stream-mmap --stream-out-mmap --stream-count=30 2>&1 |
	grep -oE '[0-9.]+ fps' | tail -n 1 | sed 's/^/  30 frames converted RGB565 -> RGB565 at /'

section "the same device under GStreamer: videotestsrc ! v4l2convert ! fakesink"
gst-launch-1.0 -q --no-position videotestsrc num-buffers=30 \
	! video/x-raw,format=RGB16,width=640,height=480 \
	! v4l2convert ! video/x-raw,format=RGB16,width=320,height=240 \
	! fakesink sync=false && echo "  30 frames scaled 640x480 -> 320x240 by vim2m"

section "vim2m again, now with vb2-dma-heap: modprobe vim2m heap=$CMA_HEAP"
rmmod vim2m
modprobe vim2m heap="$CMA_HEAP"
dev=$(node_of vim2m)
before=$(<"$CMA_AREA/alloc_pages_success")
v4l2-ctl -d "$dev" --set-fmt-video-out=width=640,height=480,pixelformat=RGBP \
	--set-fmt-video=width=640,height=480,pixelformat=RGBP \
	--stream-mmap --stream-out-mmap --stream-count=30 2>&1 |
	grep -oE '[0-9.]+ fps' | tail -n 1 | sed 's/^/  30 frames converted at /'
pages=$(($(<"$CMA_AREA/alloc_pages_success") - before))
echo "  its buffers came from the '$CMA_HEAP' heap: $((pages * 4)) KiB allocated from CMA"

section "the driver says so itself: v4l2-heap -d $dev --list (VIDIOC_ENUM_HEAPS)"
"$TOOL" -d "$dev" --list | sed 's/^/  /'

section "vicodec with heap=$CMA_HEAP: encode and decode 30 frames with GStreamer"
modprobe vicodec heap="$CMA_HEAP"
before=$(<"$CMA_AREA/alloc_pages_success")
gst-launch-1.0 -q --no-position videotestsrc num-buffers=30 pattern=ball \
	! video/x-raw,format=I420,width=1280,height=720 \
	! v4l2fwhtenc ! v4l2fwhtdec ! fakesink sync=false &&
	echo "  30 frames through v4l2fwhtenc ! v4l2fwhtdec"
pages=$(($(<"$CMA_AREA/alloc_pages_success") - before))
echo "  queue buffers, reference frames and compressed-frame buffers:"
echo "  $((pages * 4)) KiB allocated from the '$CMA_HEAP' heap"

section "vicodec's encoder reports the memory it keeps for itself"
"$TOOL" -d "$(node_of vicodec encoder)" --list | sed 's/^/  /'

section "GStreamer choosing the heap: videotestsrc ! dmaheapalloc ! v4l2fwhtenc"
# dmaheapalloc heap=auto (the default) asks the encoder's device which heap
# its output queue allocates from (VIDIOC_G_HEAP) and serves videotestsrc
# buffers from it, which the encoder imports (dmabuf-import) without a copy.
export GST_PLUGIN_PATH=$BUILD/gst-plugin
enc=$(node_of vicodec encoder)
before=$(<"$CMA_AREA/alloc_pages_success")
log=$(GST_DEBUG=dmaheapalloc:4 GST_DEBUG_NO_COLOR=1 gst-launch-1.0 -v --no-position \
	videotestsrc num-buffers=30 ! video/x-raw,format=I420,width=1280,height=720 \
	! dmaheapalloc ! v4l2fwhtenc output-io-mode=dmabuf-import ! fakesink 2>&1)
pages=$(($(<"$CMA_AREA/alloc_pages_success") - before))
heap=$(sed -n 's/.*dmaheapalloc[0-9]*: active-heap = //p' <<<"$log" | tail -n 1)
echo "  dmaheapalloc chose '$heap' (its active-heap property) because:"
# The element's INFO lines say which device it asked and what it said.
grep -E 'INFO +dmaheapalloc .*(allocates its|no heap support|no V4L2 device|dma-bufs of)' \
	<<<"$log" | sed 's/.*<dmaheapalloc[0-9]*> /    /'
echo "  $enc (vicodec's encoder) confirms: its output queue's active heap"
"$TOOL" -d "$enc" --list | awk '/^[^ ].* queue:$/ { on = $1 ~ /^output/; next }
	on && $1 == "active" { print "    " $2 }'
echo "  30 frames encoded: $((pages * 4)) KiB allocated from '$CMA_HEAP' for the"
echo "  frames dmaheapalloc served and the encoder's own buffers"

section "vivid: choose the heap, then stream into buffers from it (DMABUF)"
modprobe vivid n_devs=1 heap="$CMA_HEAP"
cap=$(node_of vivid vid-cap)
"$TOOL" -d "$cap" --set-heap cap=system --list | sed 's/^/  /'
"$TOOL" -d "$cap" --stream 30 | sed 's/^/  /'

section "done"
echo "The same drivers allocated with videobuf2's stock allocators and, with"
echo "heap=<name>, from the dma-buf heap of your choice, falling back to system"
echo "memory when it is full; VIDIOC_ENUM_HEAPS tells userspace which heaps a"
echo "queue uses, and VIDIOC_S_HEAP chooses. See the v4l2-heap(1) man page,"
echo "userspace/include/v4l2heap.h and Documentation/."
