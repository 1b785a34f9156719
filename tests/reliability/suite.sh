#!/bin/bash
# In-VM suite: vb2-dma-heap, the dma-heap consumer API and the heap ioctls
# under failure, races and hostile input, with lockdep, DMA-API debugging,
# atomic-sleep checks and kmemleak watching (tests/vm/run fails the run on
# any report of theirs).
#
#   fault     every slab and page allocation of every allocating call
#             failed in turn (fail-nth.c), on one node of each converted
#             driver with each heap
#   fuzz      random ENUM_HEAPS, G_HEAP and S_HEAP, 64- and 32-bit
#             (fuzz-heap.c), with a fixed seed
#   race      threads racing every entry point of each node (race.c)
#   lifetime  heaps exhausted mid-stream and before STREAMON, a heap fd
#             closed before allocation, a driver unbound and removed while
#             its exported buffers are mapped and imported elsewhere
#             (lifetime.c)
#
# Ends with the figures: fault sites, racing calls, fuzz calls, leaks.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps reliability || exit 1
PROGS=$BUILD/tests
SEED=20261122
FUZZ_CALLS=100000
RACE_SECONDS=10
WORK=$(mktemp -d /tmp/reliability.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SITES=$WORK/sites
: >"$SITES"

# The node of each converted driver the fault, race and fuzz runs use.
NODES=4
nodes() {
	local drv dev id
	for drv in vim2m vicodec vivid vimc; do
		streaming_nodes "$drv" 'video*'
	done | while read -r dev id; do
		case $id in
		vim2m/vim2m|vicodec/stateful-encoder|vivid/vivid-000-vid-cap|vimc/raw-capture-0)
			echo "$dev $id" ;;
		esac
	done
}

load() {
	load_drivers "vim2m heap=$1" "vicodec heap=$1" \
		"vivid n_devs=1 heap=$1 node_types=$VIVID_VIDEO_NODES" "vimc heap=$1" &&
		configure_vimc
}

# Fault injection: fail-nth alone decides where a fault lands (probability
# 0), also in allocations that may sleep and from highmem and at order 0;
# each fault prints its stack, which fail-nth reads for the site, to the
# log only: the console would take minutes to print them.
fault_injection() {
	local f
	for f in failslab fail_page_alloc; do
		echo 0 >"/sys/kernel/debug/$f/probability" &&
			echo N >"/sys/kernel/debug/$f/ignore-gfp-wait" &&
			echo 2 >"/sys/kernel/debug/$f/verbose" || return
	done
	echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem &&
		echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
}

# Fault setup, each heap (modprobe, a node of each driver), fuzz (2),
# race, lifetime (modprobe, five runs), unload, the figures.
ktap_plan $((1 + ${#HEAPS[@]} * (1 + NODES) + 2 + 1 + 6 + 1 + 1))

read -r console_level _ </proc/sys/kernel/printk
check reliability/fault/setup fault_injection
dmesg -n 1
for heap in "${HEAPS[@]}"; do
	check "reliability/fault/$heap/modprobe" load "$heap"
	n=0
	while read -r dev id; do
		n=$((n + 1))
		start=$SECONDS
		# vimc's pipeline is configured for 640x480 frames.
		size=(--size 128x96)
		[[ $id != vimc/* ]] || size=()
		check "reliability/fault/$heap/$id" "$PROGS/fail-nth" --sites "$SITES" "${size[@]}" "$dev"
		echo "$id: $(sed -n 's/^# \([0-9]* faults injected.*\)/\1/p' \
			"$VB2HEAP_LOGDIR/reliability-fault-$heap-${id//\//-}.log"), $((SECONDS - start)) s"
	done < <(nodes)
	[ $n = $NODES ] || result FAIL "reliability/fault/$heap/nodes" "$n nodes, want $NODES"
done
dmesg -n "$console_level"

# The fuzzer and the races run on the CMA heap's configuration, the last
# one loaded: each selects every heap through S_HEAP anyway.
mapfile -t devs < <(nodes | cut -d' ' -f1)
check reliability/fuzz/64-bit "$PROGS/fuzz-heap" --seed "$SEED" --calls "$FUZZ_CALLS" "${devs[@]}"
check reliability/fuzz/32-bit "$PROGS/fuzz-heap-32" --seed "$SEED" --calls "$FUZZ_CALLS" "${devs[@]}"

# All nodes race at once, each with its own threads.
check reliability/race "$PROGS/race" --seconds "$RACE_SECONDS" --seed "$SEED" "${devs[@]}"

# Memory going away: vim2m's and vicodec's queues fall back to system
# memory, vivid's instance 0 takes only contiguous memory.
check reliability/lifetime/modprobe load_drivers "vim2m heap=$CMA_HEAP" "vicodec heap=$CMA_HEAP" \
	"vivid n_devs=2 allocators=1,0 heap=$CMA_HEAP,$CMA_HEAP node_types=$VIVID_VIDEO_NODES,$VIVID_VIDEO_NODES"
m2m=$(node_named vim2m)
encoder=$(nodes | awk '$2 == "vicodec/stateful-encoder" { print $1 }')
check reliability/lifetime/mid-stream/fallback "$PROGS/lifetime" mid-stream "$m2m" "$CMA_HEAP"
check reliability/lifetime/mid-stream/contiguous \
	"$PROGS/lifetime" mid-stream "$(node_named vivid-000-vid-cap)" "$CMA_HEAP"
check reliability/lifetime/emptied-before-streamon "$PROGS/lifetime" emptied "$encoder" "$CMA_HEAP"
check reliability/lifetime/heap-fd-closed "$PROGS/lifetime" heap-fd-closed "$m2m" system

# hold_while_removed: vivid instance 1's exported buffers stay mapped and
# imported into vim2m while vivid is unbound and removed.
hold_while_removed() {
	local exporter=$1 importer=$2 log=$WORK/hold.log pdev pid rc=0
	pdev=$(basename "$(readlink -f "/sys/class/video4linux/${exporter#/dev/}/device")")
	"$PROGS/lifetime" hold "$exporter" "$importer" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -qx ready "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if grep -qx ready "$log"; then
		echo "unbinding $pdev and removing vivid"
		echo "$pdev" >/sys/bus/platform/drivers/vivid/unbind && rmmod vivid || rc=$?
		kill -USR1 "$pid"
	fi
	wait "$pid" || rc=$?
	cat "$log"
	[ $rc = 0 ]
}
check reliability/lifetime/unbind-and-remove hold_while_removed \
	"$(node_named vivid-001-vid-cap)" "$m2m"
check reliability/unload unload_drivers

# The figures.
injected=$(sed -n 's/^# \([0-9]*\) faults injected at.*/\1/p' \
	"$VB2HEAP_LOGDIR"/reliability-fault-*.log | awk '{ n += $1 } END { print n + 0 }')
silent=$(sed -n 's/^# [0-9]* faults injected at [0-9]* distinct sites (\([0-9]*\) of them.*/\1/p' \
	"$VB2HEAP_LOGDIR"/reliability-fault-*.log | awk '{ n += $1 } END { print n + 0 }')
sites=$(sort -u "$SITES" | grep -c .)
ours=$(sort -u "$SITES" | grep -cE 'vb2|videobuf2|dma_heap|dma_buf|heap')
races=$(sed -n 's/^# \([0-9]*\) calls; errors.*/\1/p' "$VB2HEAP_LOGDIR/reliability-race.log")
fuzz=$(sed -n 's/^# \([0-9]*\) calls (ENUM.*/\1/p' "$VB2HEAP_LOGDIR"/reliability-fuzz-*.log |
	awk '{ n += $1 } END { print n + 0 }')
echo scan >/sys/kernel/debug/kmemleak
leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
echo "fault sites:"
sort "$SITES" | uniq -c | sort -rn
figures="$injected faults injected ($silent of them in __GFP_NOWARN allocations, which print no site) at $sites distinct sites ($ours in dma-buf, heap and vb2 code), $races racing calls, $fuzz fuzz calls (seed $SEED), kmemleak: $leaks leaks"
echo "reliability: $figures"
if [ "$sites" -gt 0 ] && [ "$leaks" = 0 ]; then
	result PASS reliability/figures "$figures"
else
	result FAIL reliability/figures "$figures"
fi
