#!/bin/bash
# 'make demo', inside the VM: what a newcomer should see first.
set -euo pipefail

section() { printf '\n== %s\n' "$*"; }

video_node_of() { # DRIVER: the first video node the driver registered
	local sys
	for sys in /sys/class/video4linux/video*; do
		[ "$(basename "$(readlink "$sys/device/driver")")" = "$1" ] &&
			{ echo "/dev/$(basename "$sys")"; return; }
	done
	echo "no video node from $1" >&2
	return 1
}

section "kernel $(uname -r); dma-buf heaps it offers (/dev/dma_heap):"
for heap in /dev/dma_heap/*; do
	case ${heap##*/} in
	system) echo "  system    pages from the buddy allocator, not contiguous" ;;
	*) echo "  ${heap##*/}  the default CMA area, contiguous ($(awk '/CmaTotal/ {print $2/1024 " MiB"}' /proc/meminfo))" ;;
	esac
done

section "loading vim2m, the virtual mem2mem scaler (stock allocator: vb2-vmalloc)"
modprobe vim2m
dev=$(video_node_of vim2m)
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

section "vim2m again, now with vb2-dma-heap: modprobe vim2m heap=reserved"
cma=/sys/kernel/mm/cma/reserved
rmmod vim2m
modprobe vim2m heap=reserved
dev=$(video_node_of vim2m)
before=$(<$cma/alloc_pages_success)
v4l2-ctl -d "$dev" --set-fmt-video-out=width=640,height=480,pixelformat=RGBP \
	--set-fmt-video=width=640,height=480,pixelformat=RGBP \
	--stream-mmap --stream-out-mmap --stream-count=30 2>&1 |
	grep -oE '[0-9.]+ fps' | tail -n 1 | sed 's/^/  30 frames converted at /'
pages=$(($(<$cma/alloc_pages_success) - before))
echo "  its buffers came from the 'reserved' heap: $((pages * 4)) KiB allocated from CMA"

section "vicodec with heap=reserved: encode and decode 30 frames with GStreamer"
modprobe vicodec heap=reserved
before=$(<$cma/alloc_pages_success)
gst-launch-1.0 -q --no-position videotestsrc num-buffers=30 pattern=ball \
	! video/x-raw,format=I420,width=1280,height=720 \
	! v4l2fwhtenc ! v4l2fwhtdec ! fakesink sync=false &&
	echo "  30 frames through v4l2fwhtenc ! v4l2fwhtdec"
pages=$(($(<$cma/alloc_pages_success) - before))
echo "  queue buffers, reference frames and compressed-frame buffers:"
echo "  $((pages * 4)) KiB allocated from the 'reserved' heap"

section "done"
echo "The same drivers allocated with videobuf2's stock allocators and, with"
echo "heap=<name>, from the dma-buf heap of your choice, falling back to system"
echo "memory when it is full. See Documentation/driver-api/media/vb2-dma-heap.rst."
