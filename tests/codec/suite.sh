#!/bin/bash
# In-VM suite: vicodec encodes and decodes the same frames through real
# GStreamer pipelines (v4l2fwhtenc ! v4l2fwhtdec) with its stock allocator
# and with each heap; bitstream and decoded frames must be byte-identical,
# with the CMA heap the codec's memory must really come from CMA, and its
# internal buffers, which only the CPU touches, must be mapped for no device.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps codec || exit 1
# vicodec's default size: GStreamer 1.26 sizes the encoder's capture pool
# from the format vicodec reports before the output format is set, so any
# other size fails with stock vicodec too ("buffer size ... is smaller").
FRAMES=15
WIDTH=1280
HEIGHT=720
EXPECTED=$((FRAMES * WIDTH * HEIGHT * 3 / 2))

# roundtrip LABEL [vicodec parameters]: loads vicodec afresh, checking that
# it took its heap, and leaves enc.fwht and dec.yuv in $OUT/LABEL. GStreamer
# keeps which /dev/video node is the encoder in its registry: one registry
# serves every run because load_drivers leaves vicodec the only V4L2 driver,
# so its nodes get the same numbers each time. $OUT is on tmpfs: the
# project share (9p) writes by pinning the pages it writes from, and the
# mmap of a heap's dma-buf maps page frames (VM_PFNMAP) that cannot be
# pinned.
OUT=/tmp/codec
roundtrip() {
	local out=$OUT/$1
	shift
	mkdir -p "$out"
	load_drivers "vicodec $*" &&
		GST_REGISTRY=$OUT/registry.bin gst-launch-1.0 -q \
			videotestsrc num-buffers=$FRAMES pattern=ball \
			! video/x-raw,format=I420,width=$WIDTH,height=$HEIGHT,framerate=30/1 \
			! v4l2fwhtenc ! tee name=t \
			t. ! queue ! filesink location="$out/enc.fwht" \
			t. ! queue ! v4l2fwhtdec ! video/x-raw,format=I420 \
			! filesink location="$out/dec.yuv"
}

decoded_all_frames() { # LABEL
	local size
	size=$(stat -c %s "$OUT/$1/dec.yuv" 2>/dev/null || echo 0)
	if [ "$size" = "$EXPECTED" ]; then
		result PASS "codec/$1/decoded-all-frames"
	else
		result FAIL "codec/$1/decoded-all-frames" "$size bytes, want $EXPECTED"
	fi
}

# Only meaningful once the stock run decoded every frame.
same_file() { # LABEL FILE
	local ref=$OUT/stock/$2 got=$OUT/$1/$2
	if [ -s "$ref" ] && cmp -s "$ref" "$got"; then
		result PASS "codec/$1/$2-identical" "sha256 $(sha256sum <"$got" | cut -c1-16)"
	else
		result FAIL "codec/$1/$2-identical" "differs from the stock allocator's"
	fi
}

# sample_dma_directions: until killed, every 0.1 s, the direction of each
# DMA mapping vicodec's devices hold, as DMA-API debugging lists them.
sample_dma_directions() {
	while :; do
		grep '^vicodec ' /sys/kernel/debug/dma-api/dump | grep -o 'DMA_[A-Z_]*'
		sleep 0.1
	done
}

# The codec runs on the CPU: its reference and compressed frames must be
# mapped for no device, while its queue buffers are (DMA_TO_DEVICE), which
# shows that the samples saw the stream.
internal_not_dma_mapped() { # LABEL
	local dirs=$OUT/$1/dma-directions
	if ! grep -qx DMA_TO_DEVICE "$dirs"; then
		result FAIL "codec/$1/internal-not-dma-mapped" "no sample saw a queue buffer of vicodec mapped"
	elif grep -qx DMA_BIDIRECTIONAL "$dirs"; then
		result FAIL "codec/$1/internal-not-dma-mapped" "$(grep -cx DMA_BIDIRECTIONAL "$dirs") DMA_BIDIRECTIONAL mappings sampled: an internal buffer is mapped for the device"
	else
		result PASS "codec/$1/internal-not-dma-mapped" "$(sort "$dirs" | uniq -c | xargs)"
	fi
}

# Stock (roundtrip, frames), each heap (roundtrip, frames, two files
# identical, memory, internal buffers), unload.
ktap_plan $((2 + 6 * ${#HEAPS[@]} + 1))

check codec/stock/roundtrip roundtrip stock
decoded_all_frames stock

for heap in "${HEAPS[@]}"; do
	before=$(cma_allocated)
	mkdir -p "$OUT/heap=$heap"
	sample_dma_directions >"$OUT/heap=$heap/dma-directions" &
	sampler=$!
	check "codec/heap=$heap/roundtrip" roundtrip "heap=$heap" "heap=$heap"
	kill "$sampler"
	wait "$sampler" 2>/dev/null
	decoded_all_frames "heap=$heap"
	same_file "heap=$heap" enc.fwht
	same_file "heap=$heap" dec.yuv
	# Queue buffers plus the reference and compressed frames, in pages.
	check "codec/heap=$heap/memory" came_from "$heap" "$before" $((EXPECTED / FRAMES * 2 / 4096))
	internal_not_dma_mapped "heap=$heap"
done
check codec/unload unload_drivers
