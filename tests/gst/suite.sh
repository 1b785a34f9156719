#!/bin/bash
# In-VM suite: the dmaheap GStreamer plugin in real gst-launch-1.0
# pipelines. dmaheapalloc feeds vicodec's encoder and vim2m with heap
# buffers they import (output-io-mode=dmabuf-import), and serves vicodec's
# decoder and vivid's capture queue, which write into them
# (dmabuf-import on their capture side), with each heap. Every output is
# byte-identical to the same pipeline without the element; the dma-bufs
# the process holds name the heap they came from (their exporter in
# /proc/PID/fdinfo) and the CMA area's counter agrees; heap=auto takes
# what the driver reports under two driver configurations and the system
# heap for a stock driver; a user who may not open a heap uses an fd of it
# that root hands over; bad heap names, a heap the user may not open,
# a heap the device cannot use and an exhausted heap, before or while
# the pipeline streams, each fail the pipeline with an error that names
# the heap and the reason. Without the plugin, the example program
# v4l2src-heap selects the heap of v4l2src's own buffers (MMAP and dmabuf
# export) in its prepare-format signal: the buffers come from that heap,
# and the frames are the stock pipeline's.
# Pipeline descriptions ($RAW, $ENC, ...) are split into gst-launch's
# words; commands for other processes are quoted for expansion there.
# shellcheck disable=SC2086,SC2016
set -o pipefail
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps gst || exit 1
HOG=$BUILD/tests/heap-hog
# $OUT is on tmpfs: the project share (9p) writes by pinning the pages it
# writes from, and the mmap of a heap's dma-buf maps page frames
# (VM_PFNMAP) that cannot be pinned.
OUT=/tmp/gst
mkdir -p "$OUT"
chmod 1777 "$OUT"
export GST_PLUGIN_PATH=$BUILD/gst-plugin GST_REGISTRY=$OUT/registry.bin
# vicodec's default size (see tests/codec), and a pattern that moves, so
# that frames differ.
FRAMES=6
RAW="videotestsrc num-buffers=$FRAMES pattern=ball ! video/x-raw,format=I420,width=1280,height=720,framerate=30/1"
# Pipelines live long enough for their dma-bufs to be seen in /proc.
SLOW="identity sleep-time=50000"


# launch NAME PIPELINE...: runs gst-launch-1.0 -v in the background and,
# until it exits, collects the exporters of the dma-bufs it holds (a heap
# names itself there) into $OUT/NAME.heaps, its output into $OUT/NAME.log
# and the active-heap it reported into $OUT/NAME.active. Returns its status.
launch() {
	local name=$1 pid rc f key value
	local -A seen=()
	shift
	gst-launch-1.0 -v "$@" >"$OUT/$name.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		# fds come and go while we read: those gone say nothing.
		for f in /proc/"$pid"/fdinfo/*; do
			{
				while read -r key value; do
					[ "$key" != exp_name: ] || seen[$value]=1
				done <"$f"
			} 2>/dev/null
		done
		sleep 0.1
	done
	wait "$pid"
	rc=$?
	printf '%s\n' "${!seen[@]}" | sed '/^$/d' | sort >"$OUT/$name.heaps"
	sed -n 's/.*dmaheapalloc[0-9]*: active-heap = //p' "$OUT/$name.log" >"$OUT/$name.active"
	return $rc
}

# pipeline NAME PIPELINE...: launch, failing with the log on an error.
pipeline() {
	local name=$1
	launch "$@" || { tail -n 20 "$OUT/$name.log"; return 1; }
}

# same_output NAME REFERENCE: the file NAME wrote is REFERENCE's, which
# holds data (heap memory starts zeroed: a device that never wrote into
# it would leave zeros).
same_output() {
	local got=$OUT/$1.out ref=$OUT/$2.out
	ls -l "$ref" "$got" || return
	if [ ! -s "$ref" ] || [ "$(tr -d '\0' <"$ref" | head -c 1 | wc -c)" != 1 ]; then
		echo "$ref is empty or all zeros"
		return 1
	fi
	cmp "$ref" "$got"
}

# from_heap NAME HEAP [CMA_BEFORE]: the run reported HEAP as its active
# heap, every dma-buf it held came from HEAP, and with CMA_BEFORE, the CMA
# area's counter moved if and only if HEAP is the CMA heap.
from_heap() {
	local name=$1 heap=$2 before=${3:-} active exporters
	active=$(<"$OUT/$name.active")
	exporters=$(tr '\n' ' ' <"$OUT/$name.heaps")
	echo "active-heap: $active; dma-bufs from: $exporters"
	[ "$active" = "$heap" ] && [ "$exporters" = "$heap " ] || return
	[ -z "$before" ] || came_from "$heap" "$before"
}

# expect_error NAME PATTERN PIPELINE...: the pipeline fails with an
# ERROR from dmaheapalloc whose message matches PATTERN.
expect_error() {
	local name=$1 pattern=$2
	shift 2
	if launch "$name" "$@"; then
		echo "the pipeline succeeded"
		return 1
	fi
	grep -E '^ERROR: from element .*dmaheapalloc' "$OUT/$name.log" || {
		tail -n 20 "$OUT/$name.log"
		return 1
	}
	grep -qE "$pattern" "$OUT/$name.log"
}

inspect() {
	local out
	out=$(gst-inspect-1.0 dmaheapalloc) || return
	grep -E '^  (heap|active-heap) ' <<<"$out" &&
		grep -q 'changeable only in NULL or READY state' <<<"$out" &&
		gst-inspect-1.0 dmaheap | grep -E '^  Name +dmaheap$'
}
# The plugin's unit tests, as many as its check suite adds, each a
# result (see unit_tests).
UNIT_TESTS=$(grep -c 'tcase_add_test' gst-plugin/tests/dmaheap.c)
# modprobe, inspect, the unit tests and all-ran, stock (3), the example
# on a stock driver, each heap (three pipelines, each run, identical, from
# the heap), auto's stock driver, auto per heap (4), vivid per heap (5,
# and for each other heap the example in two io-modes, each run,
# identical, from the heap), the example with an unknown heap, errors
# (modprobe, four errors), heap-fd, exhausted, exhausted mid-stream,
# unload.
ktap_plan $((2 + UNIT_TESTS + 1 + 3 + 1 + 9 * ${#HEAPS[@]} + 1 + 4 * ${#HEAPS[@]} +
	(5 + 2 * 3 * (${#HEAPS[@]} - 1)) * ${#HEAPS[@]} + 1 + 5 + 1 + 1 + 1 + 1))

# The registry is built once, with the V4L2 elements of vicodec and vim2m
# (which get the same nodes whenever vicodec is loaded first or alone), and
# not rescanned when later driver loads change /dev/video*: a rescan takes
# a minute under TCG and would change nothing the suite uses. vivid's
# capture node is the unit tests'.
check gst/stock/modprobe load_drivers vicodec vim2m \
	"vivid n_devs=1 node_types=$VIVID_VIDEO_NODES"
check gst/inspect inspect
export GST_REGISTRY_UPDATE=no
# GStreamer writes it for its owner only; another user would scan again.
chmod 0644 "$GST_REGISTRY"

# The plugin's GstCheck unit tests, one result each: check's verbose
# lines are "FILE:LINE:P|F|E:TCASE:TEST:ITERATION: message".
unit_tests() {
	local out rc line n=0
	out=$(DMAHEAP_TEST_CAPTURE=$(node_named vivid-000-vid-cap) \
		CK_VERBOSITY=verbose "$BUILD/gst-plugin/test-dmaheap" 2>&1)
	rc=$?
	while read -r line; do
		[[ $line =~ :([PFE]):[^:]*:(test_[a-z_]+):[0-9]+:\ ?(.*)$ ]] || continue
		n=$((n + 1))
		if [ "${BASH_REMATCH[1]}" = P ]; then
			result PASS "gst/unit/${BASH_REMATCH[2]}"
		else
			result FAIL "gst/unit/${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
		fi
	done <<<"$out"
	if [ "$rc" = 0 ] && [ "$n" -ge 5 ]; then
		result PASS gst/unit/all-ran "$n tests"
	else
		result FAIL gst/unit/all-ran "exit $rc, $n tests"
		tail -n 20 <<<"$out" | sed 's/^/    /'
	fi
}
unit_tests

# Stock drivers: every byte of heap memory in the process is dmaheapalloc's.
ENC="v4l2fwhtenc capture-io-mode=mmap"
check gst/stock/encode pipeline enc-stock $RAW ! $ENC ! $SLOW ! filesink location=$OUT/enc-stock.out
# No exported dma-bufs but dmaheapalloc's: the V4L2 elements copy.
DEC="v4l2fwhtenc capture-io-mode=mmap ! v4l2fwhtdec output-io-mode=mmap"
check gst/stock/decode pipeline dec-stock $RAW ! $DEC ! $SLOW ! filesink location=$OUT/dec-stock.out
M2M_IN="videotestsrc num-buffers=$FRAMES pattern=ball ! video/x-raw,format=RGB,width=640,height=480,framerate=30/1"
M2M_OUT="video/x-raw,format=YUY2,width=640,height=480"
check gst/stock/convert pipeline m2m-stock $M2M_IN ! v4l2convert capture-io-mode=mmap ! $M2M_OUT ! $SLOW ! filesink location=$OUT/m2m-stock.out

# The example program: v4l2src's prepare-format signal hands the
# application the open device before VIDIOC_S_FMT, while the queue has no
# buffers and its heap may still change; the example selects it there
# with libv4l2heap, for MMAP and dmabuf (export) io-modes, in which the
# driver allocates the buffers.
PF=$BUILD/gst-plugin/examples/v4l2src-heap
PF_CAPS=video/x-raw,format=YUY2,width=640,height=480

# pf_error NAME HEAP MESSAGE DETAIL: selecting HEAP on $CAP fails the
# example with exit status 1 and GStreamer's MESSAGE for the error, with
# the heap and the reason (DETAIL) in the debug details; the queue keeps
# its heap and streams again.
pf_error() {
	local name=$1 heap=$2 message=$3 detail=$4 before after rc=0
	before=$(active_heaps "$CAP") || return
	"$PF" -d "$CAP" -n "$FRAMES" -c "$PF_CAPS" -H "$heap" >"$OUT/$name.log" 2>&1 || rc=$?
	cat "$OUT/$name.log"
	[ "$rc" = 1 ] || { echo "exit status $rc, want 1"; return 1; }
	grep -qE "^ERROR: from element /GstPipeline:pipeline[0-9]*/GstV4l2Src:v4l2src0: $message\$" \
		"$OUT/$name.log" &&
		grep -qE "^cannot select heap '$heap': $detail" "$OUT/$name.log" || return
	after=$(active_heaps "$CAP") || return
	echo "active heap before: $before; after: $after"
	[ "$after" = "$before" ] && "$PF" -d "$CAP" -n 1 -c "$PF_CAPS"
}
CAP=$(node_named vivid-000-vid-cap)
check gst/stock/prepare-format-no-heap-support pf_error pf-no-heap-support system \
	'Could not get/set settings from/on resource\.' \
	"$CAP: the driver does not allocate its capture queue from dma-buf heaps"

for heap in "${HEAPS[@]}"; do
	before=$(cma_allocated)
	check "gst/$heap/encode" pipeline "enc-$heap" $RAW ! dmaheapalloc heap=$heap \
		! $ENC output-io-mode=dmabuf-import ! $SLOW ! filesink location=$OUT/enc-$heap.out
	check "gst/$heap/encode-identical" same_output "enc-$heap" enc-stock
	check "gst/$heap/encode-from-heap" from_heap "enc-$heap" "$heap" "$before"

	before=$(cma_allocated)
	check "gst/$heap/decode" pipeline "dec-$heap" $RAW ! $DEC capture-io-mode=dmabuf-import \
		! dmaheapalloc heap=$heap \
		! $SLOW ! filesink location=$OUT/dec-$heap.out
	check "gst/$heap/decode-identical" same_output "dec-$heap" dec-stock
	check "gst/$heap/decode-from-heap" from_heap "dec-$heap" "$heap" "$before"

	before=$(cma_allocated)
	check "gst/$heap/convert" pipeline "m2m-$heap" $M2M_IN ! dmaheapalloc heap=$heap \
		! v4l2convert output-io-mode=dmabuf-import capture-io-mode=mmap ! $M2M_OUT \
		! $SLOW ! filesink location=$OUT/m2m-$heap.out
	check "gst/$heap/convert-identical" same_output "m2m-$heap" m2m-stock
	check "gst/$heap/convert-from-heap" from_heap "m2m-$heap" "$heap" "$before"
done

# heap=auto asks the device: the system heap for a stock driver, with a
# warning that gives the reason, and the driver's heap under two
# configurations.
auto_stock() {
	GST_DEBUG=dmaheapalloc:2 pipeline enc-auto-stock $RAW ! dmaheapalloc \
		! $ENC output-io-mode=dmabuf-import ! $SLOW ! filesink location=$OUT/enc-auto-stock.out &&
		grep -E 'WARN .* has no heap support \(its driver does not answer VIDIOC_G_HEAP\): allocating from the system heap' \
			"$OUT/enc-auto-stock.log" &&
		same_output enc-auto-stock enc-stock && from_heap enc-auto-stock system
}
check gst/auto/stock-driver auto_stock

for heap in "${HEAPS[@]}"; do
	check "gst/auto/heap=$heap/modprobe" load_drivers "vicodec heap=$heap"
	check "gst/auto/heap=$heap/encode" pipeline "enc-auto-$heap" $RAW ! dmaheapalloc \
		! $ENC output-io-mode=dmabuf-import ! $SLOW ! filesink location=$OUT/enc-auto-$heap.out
	check "gst/auto/heap=$heap/encode-identical" same_output "enc-auto-$heap" enc-stock
	# vicodec's own buffers come from the heap too: no CMA count here.
	check "gst/auto/heap=$heap/encode-from-heap" from_heap "enc-auto-$heap" "$heap"
done

# vivid writes into the heap buffers; its picture without text is the
# same in every run, so mmap's frames are the reference.
vivid_capture() { # NAME IO-MODE [! ELEMENTS...]
	local name=$1
	shift
	v4l2-ctl -d "$CAP" -c osd_text_mode=2 &&
		pipeline "$name" v4l2src device="$CAP" num-buffers=$FRAMES "$1" \
			! video/x-raw,format=YUY2,width=640,height=480 "${@:2}" \
			! $SLOW ! filesink location="$OUT/$name.out"
}
# prepare_format NAME IO-MODE HEAP: the example captures $FRAMES frames
# from $CAP into $OUT/NAME.out, selecting HEAP.
prepare_format() {
	local name=$1 rc=0
	"$PF" -d "$CAP" -i "$2" -n "$FRAMES" -c "$PF_CAPS" -H "$3" \
		-o "$OUT/$name.out" >"$OUT/$name.log" 2>&1 || rc=$?
	cat "$OUT/$name.log"
	return $rc
}

# pf_from_heap NAME HEAP MARK: what VIDIOC_ENUM_HEAPS told the example
# while it streamed puts every buffer of the queue in HEAP, the selection
# ended with the example, and the CMA area handed out those bytes (or
# none for the system heap) since cma_allocated printed MARK.
pf_from_heap() {
	local name=$1 heap=$2 held got bytes active
	held=$(sed -n "s/^v4l2src0: capture queue: [0-9]* buffers, \([0-9]*\) bytes in heap '\(.*\)'\$/\2 \1/p" \
		"$OUT/$name.log")
	echo "buffers while streaming: ${held:-none reported}"
	read -r got bytes <<<"$held"
	[ "$got" = "$heap" ] && [ "$(wc -l <<<"$held")" = 1 ] || return
	active=$("$BUILD/userspace/v4l2-heap" -d "$CAP" --list --json |
		jq -r '.queues[0].entries[] | select(.usage == "active") | "\(.heap) \(.flags | join(","))"') || return
	echo "active heap afterwards: $active"
	[[ $active != *selected* ]] || return
	came_from "$heap" "$3" $((bytes / 4096))
}

for heap in "${HEAPS[@]}"; do
	check "gst/vivid/heap=$heap/modprobe" load_drivers \
		"vivid n_devs=1 heap=$heap node_types=$VIVID_VIDEO_NODES"
	CAP=$(node_named vivid-000-vid-cap)
	check "gst/vivid/heap=$heap/mmap" vivid_capture "vivid-mmap-$heap" io-mode=mmap
	check "gst/vivid/heap=$heap/capture" vivid_capture "vivid-$heap" \
		io-mode=dmabuf-import ! dmaheapalloc
	check "gst/vivid/heap=$heap/capture-identical" same_output "vivid-$heap" "vivid-mmap-$heap"
	check "gst/vivid/heap=$heap/capture-from-heap" from_heap "vivid-$heap" "$heap"

	# The example selects the heap the driver does not default to, so
	# that only the selection can put the buffers there.
	for other in "${HEAPS[@]}"; do
		[ "$other" != "$heap" ] || continue
		for mode in mmap dmabuf; do
			name=pf-$mode-$heap
			before=$(cma_allocated)
			check "gst/vivid/heap=$heap/prepare-format=$other/$mode" \
				prepare_format "$name" "$mode" "$other"
			check "gst/vivid/heap=$heap/prepare-format=$other/$mode-identical" \
				same_output "$name" "vivid-mmap-$heap"
			check "gst/vivid/heap=$heap/prepare-format=$other/$mode-from-heap" \
				pf_from_heap "$name" "$other" "$before"
		done
	done
done
check gst/vivid/prepare-format-no-such-heap pf_error pf-no-such-heap no-such-heap \
	'Resource not found\.' "no dma-buf heap named 'no-such-heap'"

# Errors: each fails the pipeline with a message naming heap and reason.
check gst/errors/modprobe load_drivers \
	"vivid n_devs=1 heap=$CMA_HEAP allocators=1 node_types=$VIVID_VIDEO_NODES"
CAP=$(node_named vivid-000-vid-cap)
check gst/errors/no-such-heap expect_error no-such-heap \
	"no dma-buf heap named 'no-such-heap'" \
	$RAW ! dmaheapalloc heap=no-such-heap ! fakesink
check gst/errors/not-a-heap-name expect_error not-a-heap-name \
	"'\.\./video0' is not a heap name" \
	$RAW ! dmaheapalloc heap=../video0 ! fakesink
# vivid with dma-contig needs contiguous memory: system cannot serve it.
check gst/errors/incompatible expect_error incompatible \
	"heap 'system' is not compatible with the capture queue of $CAP \(it can use: .*$CMA_HEAP" \
	v4l2src device="$CAP" io-mode=dmabuf-import num-buffers=1 ! dmaheapalloc heap=system ! fakesink
# The checks below run in other processes, as another user or under the
# hog: their commands are expanded there.
export -f launch expect_error
export OUT RAW SLOW
# Heap nodes are root's: another user may not open them. The registry,
# never rewritten now, serves that user as well.
check gst/errors/not-permitted setpriv --reuid=65534 --regid=65534 --clear-groups \
	bash -c \
	'expect_error not-permitted "heap .system.: permission denied" \
		$RAW ! dmaheapalloc heap=system ! fakesink'
# ... unless root hands it an open fd of the heap, as the kernel's
# permission model has it: the memory then comes from that heap.
heap_fd_unprivileged() {
	local before
	before=$(cma_allocated)
	setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \
		'launch heap-fd $RAW ! dmaheapalloc heap-fd=3 ! $SLOW ! fakesink' \
		3<"/dev/dma_heap/$CMA_HEAP" || { tail -n 20 "$OUT/heap-fd.log"; return 1; }
	from_heap heap-fd "$CMA_HEAP" "$before"
}
check gst/heap-fd/unprivileged heap_fd_unprivileged
check gst/errors/exhausted "$HOG" "$CMA_HEAP" bash -c \
	'expect_error exhausted "heap .$0.: no room for a buffer of [0-9]+ bytes" \
		$RAW ! dmaheapalloc heap=$0 ! fakesink' "$CMA_HEAP"
# The heap fills up mid-stream, filled by another process: a pipeline
# already streaming from the CMA heap fails when its pool needs one more
# buffer, with an error that names the heap, exits non-zero rather than
# crashing, and gives back every CMA page it held.
exhausted_mid_stream() {
	local held before pid rc=0 waited=0 frames
	held=$(cma_held)
	before=$(cma_allocated)
	# A live source faster than the sink, with an unbounded queue between
	# them, makes the pool grow by a buffer every few frames, too slowly
	# to fill the CMA area alone in the time the test takes. The sink
	# takes 200 ms a frame, so that the source stays ahead even when a
	# busy host slows it down; the pipeline ends with the error as soon
	# as the hog holds the rest of the area, long before its 300 frames.
	launch exhausted-mid-stream \
		videotestsrc is-live=true num-buffers=300 pattern=ball \
		! video/x-raw,format=I420,width=1280,height=720,framerate=30/1 \
		! dmaheapalloc heap="$CMA_HEAP" \
		! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 \
		! identity sleep-time=200000 ! fakesink name=sink silent=false &
	pid=$!
	# Streaming from the heap before the hog starts: mid-stream.
	while [ "$(cma_allocated)" = "$before" ] && kill -0 "$pid" 2>/dev/null; do
		[ $((waited += 1)) -le 600 ] || break
		sleep 0.1
	done
	if [ "$(cma_allocated)" = "$before" ]; then
		echo "the pipeline allocated nothing from '$CMA_HEAP'"
		kill "$pid"
		wait "$pid"
		tail -n 20 "$OUT/exhausted-mid-stream.log"
		return 1
	fi
	# The hog holds the rest of the area until the pipeline is gone.
	"$HOG" "$CMA_HEAP" tail --pid="$pid" -f /dev/null || rc=$?
	wait "$pid" && { echo "the pipeline succeeded"; return 1; }
	[ "$rc" = 0 ] || { echo "heap-hog: exit $rc"; return 1; }
	# An error exit, not a signal: gst-launch-1.0 exits 1 on an ERROR.
	if ! { grep -E '^ERROR: from element .*dmaheapalloc' "$OUT/exhausted-mid-stream.log" &&
		grep -E "heap .$CMA_HEAP.: no room for a buffer of [0-9]+ bytes" \
			"$OUT/exhausted-mid-stream.log"; }; then
		tail -n 20 "$OUT/exhausted-mid-stream.log"
		return 1
	fi
	frames=$(grep -c 'sink: last-message = chain' "$OUT/exhausted-mid-stream.log")
	echo "$frames frames reached the sink before the heap ran out"
	[ "$frames" -gt 0 ] || return 1
	# Nothing leaked: the area holds as many pages as before.
	echo "CMA pages held: $held before, $(cma_held) after"
	[ "$(cma_held)" = "$held" ]
}
check gst/errors/exhausted-mid-stream exhausted_mid_stream
check gst/unload unload_drivers
