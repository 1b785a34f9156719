#!/bin/bash
# In the VM (bench/run boots it): every measurement of make bench, written
# to OUT as tab-separated records
#
#   kind test format count bytes allocator metric value
#
# kind alloc (nanoseconds), mem (bytes per buffer), ioctl (microseconds
# per call) or stream (frames per second); meta records (key in test,
# the rest in value) say what ran. Every allocator is measured within
# each repetition (alloc, mem, ioctl) or each round (stream), so that the
# machine's slow moments fall on all of them alike.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/paths.sh
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh
export BUILD

[ -n "${VB2HEAP_VM:-}" ] || { echo "bench/vm.sh runs inside the VM (bench/run)" >&2; exit 2; }
OUT=$1
REPS=${BENCH_REPS:-15}
# Streaming repetitions come in rounds, each reloading vim2m once per heap.
ROUNDS=3
BIN=$BUILD/bench
FORMATS=(640x480:YUYV 1920x1080:YUYV 3840x2160:NM12)
COUNTS=(4 8 16)

find_heaps bench >/dev/null
: >"$OUT"
record() { (IFS=$'\t'; echo "$*") >>"$OUT"; }
log() { echo "bench: ${SECONDS}s: $*" >&2; }
meta() { record meta "$1" - - - - - "$2"; }
meta kernel "$(uname -r)"
meta reps "$REPS"
meta cma "$CMA_HEAP"

# One vivid instance per allocator, single-planar (0-4) and multi-planar
# (5-9): the stock allocators on system memory and on CMA, vb2-dma-heap on
# the CMA heap with contiguous memory required (allocators=1), on the
# system heap, and on the CMA heap with fallback to system. The instances
# share one platform device, whose DMA mask the last one sets: a heap
# instance's 64-bit mask, which lets the system heap instance map memory
# above 4 GiB (under allocators=1's 32-bit mask it could not) and changes
# nothing for the others, whose CMA area lies below 4 GiB.
ALLOCATORS=(vb2-vmalloc vb2-dma-contig heap-cma-contig heap-system heap-cma)
# The heap each allocator's DMABUF imports come from: the same memory.
IMPORT_HEAPS=(system "$CMA_HEAP" "$CMA_HEAP" system "$CMA_HEAP")
log "loading vivid"
vivid="vivid n_devs=10 node_types=0x1,0x1,0x1,0x1,0x1,0x1,0x1,0x1,0x1,0x1"
vivid+=" multiplanar=1,1,1,1,1,2,2,2,2,2 allocators=0,1,1,0,0,0,1,1,0,0"
vivid+=" heap=,,$CMA_HEAP,system,$CMA_HEAP,,,$CMA_HEAP,system,$CMA_HEAP"
load_drivers "$vivid" >/dev/null
declare -A NODE=()
for i in "${!ALLOCATORS[@]}"; do
	NODE[sp-${ALLOCATORS[$i]}]=$(node_named "vivid-00$i-vid-cap")
	NODE[mp-${ALLOCATORS[$i]}]=$(node_named "vivid-00$((i + 5))-vid-cap")
done

# alloc MODE FORMAT COUNT: bench/alloc on every allocator and both raw
# heaps, its "TARGET METRIC VALUE" lines turned into records.
alloc() {
	local mode=$1 format=$2 count=$3 planar=sp kind=alloc map=() a
	[[ $format != *:NM12 ]] || planar=mp
	[ "$mode" != mem ] || kind=mem
	for a in "${ALLOCATORS[@]}"; do
		map+=("${NODE[$planar-$a]}=$a")
	done
	map+=(heap:system=raw-system "heap:$CMA_HEAP=raw-cma")
	log "$mode $format x$count"
	"$BIN/alloc" "$mode" "$format" "$count" "$REPS" "${map[@]%%=*}" |
		awk -v OFS='\t' -v head="$kind	$mode	$format	$count" -v map="${map[*]}" '
		BEGIN { n = split(map, m, " "); for (i = 1; i <= n; i++) { split(m[i], kv, "="); label[kv[1]] = kv[2] } }
		$1 == "#" { bytes = $3; next }
		{ print head, bytes, label[$1], $2, $3 }' >>"$OUT"
}

for format in "${FORMATS[@]}"; do
	for count in "${COUNTS[@]}"; do
		alloc reqbufs "$format" "$count"
	done
done
# Reallocation and CREATE_BUFS at 1080p only: their cost scales like
# REQBUFS' (the scale plot shows how), and the whole run stays short.
for count in "${COUNTS[@]}"; do
	alloc realloc 1920x1080:YUYV "$count"
	alloc create 1920x1080:YUYV "$count"
done
alloc mem 640x480:YUYV 32
alloc mem 1920x1080:YUYV 16

log "heap ioctls"
for a in heap-system heap-cma; do
	"$BIN/heapioctl" 200 "$REPS" "${NODE[sp-$a]}" | while read -r metric value; do
		[ "$metric" != "#" ] || metric=entries value=${value#entries }
		record ioctl vivid - - - "$a" "$metric" "$value"
	done
done

# stream TEST ALLOCATOR MEMORY REPS DEVICE FORMAT [HEAP]
stream() {
	local test=$1 a=$2 memory=$3 value
	shift 3
	log "stream $test $a $memory"
	"$BIN/stream" "$memory" "$STREAM_FRAMES" "$@" | while read -r _ value; do
		record stream "$test" "$3" - - "$a" "$memory" "$value"
	done
}

per_round=$(((REPS + ROUNDS - 1) / ROUNDS))
STREAM_FRAMES=10
for _ in $(seq $ROUNDS); do
	for i in "${!ALLOCATORS[@]}"; do
		a=${ALLOCATORS[$i]}
		stream vivid "$a" mmap "$per_round" "${NODE[sp-$a]}" 1920x1080:YUYV
		stream vivid "$a" dmabuf "$per_round" "${NODE[sp-$a]}" 1920x1080:YUYV "${IMPORT_HEAPS[$i]}"
	done
done

# vim2m takes one heap per load: 640x480 is the largest frame it takes.
# It copies a frame in a few milliseconds, so it streams more of them.
STREAM_FRAMES=100
# A configuration whose queues do not report the heap they were given is
# left out, and the report says why, rather than measured as something
# it is not.
VIM2M=(vb2-vmalloc: heap-system:system "heap-cma:$CMA_HEAP")
declare -A SKIP=()
for _ in $(seq $ROUNDS); do
	for spec in "${VIM2M[@]}"; do
		a=${spec%%:*} heap=${spec#*:}
		[ -z "${SKIP[$a]:-}" ] || continue
		if ! why=$(load_drivers "vim2m${heap:+ heap=$heap}" 2>&1 >/dev/null); then
			SKIP[$a]=1
			log "vim2m $a left out: $why"
			meta "skipped vim2m $a" "$(echo "$why" | tr '\t\n' '  ')"
			continue
		fi
		stream vim2m "$a" mmap "$per_round" "$(node_named vim2m)" 640x480:RGBP
		stream vim2m "$a" dmabuf "$per_round" "$(node_named vim2m)" 640x480:RGBP "${heap:-system}"
	done
done
unload_drivers
log "done"
