#!/bin/bash
# In-VM suite: every v4l2-heap command against vim2m, vicodec and vivid with
# each heap, the JSON it prints (checked with jq), streaming from each heap
# with the data checked frame by frame, and each documented error with its
# exit status.
set -o pipefail
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps tool || exit 1
TOOL=$BUILD/userspace/v4l2-heap

# expect_exit STATUS COMMAND...: the command fails with STATUS and says why
# on stderr.
expect_exit() {
	local want=$1 got err
	shift
	err=$("$@" 2>&1 >/dev/null)
	got=$?
	echo "exit $got: $err"
	[ "$got" = "$want" ] && { [ "$want" = 0 ] || [ -n "$err" ]; }
}

# json_active DEVICE QUEUE [OPTION...]: the active heaps of QUEUE in
# --list --json, a selected one marked with "*".
json_active() {
	local dev=$1 type=$2
	shift 2
	"$TOOL" -d "$dev" "$@" --list --json | jq -r --arg type "$type" '
		.queues[] | select(.type == $type) | .entries[] |
		select(.usage == "active") |
		.heap + (if .flags | index("selected") then "*" else "" end)'
}

active_is() { # DEVICE HEAP: the capture queue's only active heap
	local got
	got=$(json_active "$1" capture) && echo "active: $got" && [ "$got" = "$2" ]
}

# set_heap_ends DEVICE HEAP DEFAULT: the listing of the process that
# selects HEAP shows it selected, and the selection ends with the process.
set_heap_ends() {
	local got
	got=$(json_active "$1" capture --set-heap cap="$2") &&
		echo "while selected: $got" && [ "$got" = "$2*" ] && active_is "$1" "$3"
}

# list_shows DEVICE HEAP: the table has at least one queue, and every
# queue has exactly one active row, naming HEAP.
list_shows() {
	local out
	out=$("$TOOL" -d "$1" --list) || return
	echo "$out"
	awk -v heap="$2" '
		function close_queue() {
			if (queue != "" && active != 1) {
				print queue ": " active + 0 " active rows"; bad = 1
			}
		}
		/^[a-z-]+ queue:$/ { close_queue(); queue = $1; active = 0; queues++; next }
		$1 == "active" {
			active++
			if ($2 != heap) { print queue ": active heap " $2; bad = 1 }
		}
		END { close_queue(); if (!queues) { print "no queues"; bad = 1 }; exit bad }
	' <<<"$out"
}

# json_shows DEVICE HEAP: --list --json has exactly the structure the man
# page documents, with one active entry naming HEAP per queue.
json_shows() {
	"$TOOL" -d "$1" --list --json | jq -e --arg dev "$1" --arg heap "$2" '
		def entry_ok: (keys == ["bytes", "bytes_per_buffer", "count", "flags",
				"heap", "purpose", "purpose_id", "usage"]) and
			(.usage | IN("active", "compatible", "internal")) and
			(.heap | type == "string" and length > 0) and
			(.flags | type == "array" and all(type == "string")) and
			(.bytes_per_buffer | type == "number" and . >= 0) and
			(.usage != "internal" or .bytes_per_buffer > 0) and
			(.count | type == "number" and . >= 0) and
			(.bytes | type == "number" and . >= 0) and
			(.usage != "active" or .count == 0 or .bytes > 0) and
			(.purpose | type == "string") and
			(if .usage == "internal" then
				.purpose_id | IN("other", "reference", "bitstream",
					"scratch", "metadata")
			else .purpose_id == null end);
		keys == ["device", "queues"] and .device == $dev and
		(.queues | type == "array" and length > 0) and
		all(.queues[]; keys == ["entries", "type"] and
			(.type | IN("capture", "output", "capture-mplane", "output-mplane",
				"meta-capture", "meta-output")) and
			all(.entries[]; entry_ok) and
			([.entries[] | select(.usage == "active") | .heap] == [$heap]))'
}

# heaps_listed: --list-heaps, as a table and as JSON, lists exactly the
# heaps the kernel has, in name order, with the caps the kernel reports.
heaps_listed() {
	local want out
	want=$(kernel_heaps)
	printf 'kernel:\n%s\n' "$want"
	out=$("$TOOL" --list-heaps) && echo "$out" &&
		[ "$(sed -E '1{/^NAME +CAPS$/d}; s/ +/ /g' <<<"$out")" = "$want" ] &&
		"$TOOL" --list-heaps --json | jq -e --arg want "$want" '
			[.heaps[] | .name + " " +
				(if .caps == [] then "-" else .caps | join(",") end)] ==
			($want | split("\n"))'
}

# stream DEVICE N [OPTIONS]: every frame carried data, and with --heap
# HEAP the buffers came from HEAP.
stream() {
	local dev=$1 n=$2 before out
	shift 2
	before=$(cma_allocated)
	out=$("$TOOL" -d "$dev" --stream "$n" "$@") || { echo "$out"; return 1; }
	echo "$out"
	grep -q "all $n carried data" <<<"$out" || return
	[[ " $* " =~ \ --heap\ ([^ ]+)\  ]] || return 0
	came_from "${BASH_REMATCH[1]}" "$before"
}

# Per heap: modprobe, list and json per node of three drivers and a
# result per driver, two streams from each heap, the encoder, set-heap.
per_heap=$((1 + 3 + 2 * ${#HEAPS[@]} + 1 + 1))
for drv in vim2m vicodec vivid; do
	per_heap=$((per_heap + 2 * VIDEO_NODES[$drv]))
done
# list-heaps, each heap, mplane (2), errors (modprobe, 11 errors, help,
# not-permitted and its kept heap), unload.
ktap_plan $((1 + ${#HEAPS[@]} * per_heap + 2 + 1 + 11 + 1 + 2 + 1))

check tool/list-heaps heaps_listed

node_lists() { # HEAP DEVICE ID
	check "tool/$1/list/$3" list_shows "$2" "$1"
	check "tool/$1/json/$3" json_shows "$2" "$1"
}

for heap in "${HEAPS[@]}"; do
	check "tool/$heap/modprobe" load_drivers "vim2m heap=$heap" "vicodec heap=$heap" \
		"vivid n_devs=1 heap=$heap node_types=$VIVID_VIDEO_NODES"
	for drv in vim2m vicodec vivid; do
		streaming_nodes "$drv" 'video*' |
			each_node "tool/$heap/$drv-nodes" "${VIDEO_NODES[$drv]}" node_lists "$heap"
	done

	cap=$(node_named vivid-000-vid-cap)
	for from in "${HEAPS[@]}"; do
		check "tool/$heap/stream/vivid-vid-cap/$from" stream "$cap" 10 --heap "$from"
		check "tool/$heap/stream/vim2m/$from" stream "$(node_named vim2m)" 10 --heap "$from"
	done
	check "tool/$heap/stream/vicodec-encoder" stream \
		"$(streaming_nodes vicodec 'video*' | awk '/encoder/ { print $1 }')" 5

	# A selection is the selecting process's: the next run sees the default.
	other=$([ "$heap" = system ] && echo "$CMA_HEAP" || echo system)
	check "tool/$heap/set-heap" set_heap_ends "$cap" "$other" "$heap"
done

# Two planes, each its own dma-buf from the heap.
check tool/mplane/modprobe load_drivers \
	"vivid n_devs=1 multiplanar=2 heap=$CMA_HEAP node_types=$VIVID_VIDEO_NODES"
mplane=$(node_named vivid-000-vid-cap)
check tool/mplane/stream-nv12m sh -c 'v4l2-ctl -d "$0" -v pixelformat=NM12 &&
	"$1" -d "$0" --stream 5 | grep -q "all 5 carried data"' "$mplane" "$TOOL"

nodes=$VIVID_VIDEO_NODES
check tool/errors/modprobe load_drivers "vim2m heap=$CMA_HEAP" \
	"vivid n_devs=3 heap=$CMA_HEAP,,$CMA_HEAP allocators=0,0,1 node_types=$nodes,$nodes,$nodes"
heap_dev=$(node_named vivid-000-vid-cap)
check tool/errors/no-such-device expect_exit 3 "$TOOL" -d /dev/video99 --list
check tool/errors/not-v4l2 expect_exit 3 "$TOOL" -d /dev/null --list
check tool/errors/no-heap-support expect_exit 4 "$TOOL" -d "$(node_named vivid-001-vid-cap)" --list
check tool/errors/no-such-heap expect_exit 5 "$TOOL" -d "$heap_dev" --set-heap cap=no-such-heap
check tool/errors/incompatible-heap expect_exit 5 \
	"$TOOL" -d "$(node_named vivid-002-vid-cap)" --set-heap cap=system
check tool/errors/malformed-set-heap expect_exit 2 "$TOOL" -d "$heap_dev" --set-heap "$CMA_HEAP"
check tool/errors/unknown-queue expect_exit 2 "$TOOL" -d "$heap_dev" --set-heap sideways="$CMA_HEAP"
check tool/errors/missing-queue expect_exit 2 "$TOOL" -d "$heap_dev" --set-heap out="$CMA_HEAP"
check tool/errors/unknown-option expect_exit 2 "$TOOL" --frobnicate
check tool/errors/stream-json expect_exit 2 "$TOOL" -d "$heap_dev" --stream 1 --json
check tool/errors/stream-output-only expect_exit 2 \
	"$TOOL" -d "$(node_named vivid-000-vid-out)" --stream 1
check tool/help sh -c '"$0" --help | grep -q -- --set-heap' "$TOOL"

# Heap nodes are root's: another user gets "not permitted", and the queue
# keeps its heap.
chmod 0666 "$heap_dev"
check tool/errors/not-permitted expect_exit 5 \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TOOL" -d "$heap_dev" --set-heap cap=system
check tool/errors/not-permitted-kept-heap active_is "$heap_dev" "$CMA_HEAP"
check tool/unload unload_drivers
