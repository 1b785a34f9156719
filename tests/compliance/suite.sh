#!/bin/bash
# In-VM suite: v4l2-compliance -s on every streaming node of the virtual
# drivers with their stock allocators, then on the drivers converted to
# vb2-dma-heap with each heap. DMABUF import is tested throughout with
# buffers that other vivid instances export, themselves stock or
# heap-backed like the driver under test. Every run is judged against the
# stock baseline of its kernel, tests/compliance/baseline/<kernel>: a converted driver may never do
# worse than the same driver with its stock allocator.
#
# Time, which v4l2-compliance under TCG has most of: each streaming test
# streams 10 frames instead of 60 (the same tests run, on fewer frames);
# the nodes of a configuration run in two lanes at once, each with its own
# exporter; and the stock runs, which only a new kernel, module, userland
# or version of this suite can change, are kept in build/ and judged again
# from their logs while none of those changed.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps compliance || exit 1
# Each kernel's stock drivers have their own results.
BASELINE=tests/compliance/baseline/$KERNEL
if [ ! -f "$BASELINE" ]; then
	result FAIL compliance/baseline "no stock baseline for kernel $KERNEL: $BASELINE"
	exit 1
fi
FRAMES=10
STOCK_CACHE=build/compliance-stock/$KERNEL-$ARCH

# vimc's defaults cannot stream: the sensors start as RGB888 while the
# debayers only take Bayer input, and STREAMON validates every enabled link.
# Configure the pipeline as Documentation/admin-guide/media/vimc.rst does.
# The media device is found by its driver: its bus info is "platform:vimc"
# on 6.12 and "platform:vimc.0" on 7.3.
configure_vimc() {
	local s m media=
	for m in /dev/media*; do
		media-ctl -d "$m" -p 2>/dev/null | grep -qE '^driver +vimc$' && media=$m
	done
	[ -n "$media" ] || { echo "no media device of vimc" >&2; return 1; }
	for s in A B; do
		media-ctl -d "$media" -V "\"Sensor $s\":0[fmt:SBGGR8_1X8/640x480]" &&
			media-ctl -d "$media" -V "\"Debayer $s\":0[fmt:SBGGR8_1X8/640x480]" || return
	done
	v4l2-ctl -d "$(node_named "Raw Capture 0")" -v pixelformat=BA81 &&
		v4l2-ctl -d "$(node_named "Raw Capture 1")" -v pixelformat=BA81
}

# The streaming nodes each driver has: vim2m one, vicodec its encoder and
# two decoders, vimc its three capture nodes, a stock vivid instance eight
# (video, VBI, SDR, metadata and touch). With heaps, vivid instance 0 is
# created with its video capture and output nodes only (all vivid node
# types create their queues the same way; these two cover both DMA
# directions), the exporters with a video output node only.
declare -A NODES=([vim2m]=1 [vicodec]=3 [vimc]=3 [vivid]=8)
VIVID_HEAP_NODES=0x101,0x100,0x100

# judge LABEL ID LOG DETAIL: one result from a compliance log.
judge() {
	local summary
	if summary=$(tests/compliance/compare "$2" "$3" "$BASELINE"); then
		result PASS "compliance/$1/$2" "$summary; $4"
	else
		result FAIL "compliance/$1/$2" "$summary; log: $3"
	fi
}

# compliance_node LABEL EXPORTER DEVICE ID: logs go to
# $VB2HEAP_LOGDIR/compliance/LABEL/, one per node.
compliance_node() {
	local log=$VB2HEAP_LOGDIR/compliance/$1/${4//\//-}.log start=$SECONDS
	mkdir -p "${log%/*}"
	timeout 600 v4l2-compliance -s$FRAMES -d "$3" --expbuf-device "$2" >"$log" 2>&1
	judge "$1" "$4" "$log" "$((SECONDS - start)) s"
}

# lane LABEL EXPORTER DRIVER[:NODES]...: every streaming node of each
# DRIVER (of vivid, instance 0), one after another, with buffers from
# EXPORTER; at least NODES of them (default: the NODES table).
lane() {
	local label=$1 exporter=$2 spec drv
	shift 2
	for spec in "$@"; do
		drv=${spec%%:*}
		streaming_nodes "$drv" | grep -v '^[^ ]* vivid/vivid-00[1-9]' |
			each_node "compliance/$label/$drv-nodes" "${spec#"$drv":}" \
				compliance_node "$label" "$exporter"
	done
}

# exporter N: vivid instance N's video output node, set up for buffers
# large enough for every format under test. They come from its output queue: a
# device that reads them while the device under test writes them. A second
# writer's permanent mapping (an exporting capture queue) trips DMA-API
# debug's overlap check, see "Known limitations" in
# Documentation/driver-api/media/vb2-dma-heap.rst.
exporter() {
	local dev
	dev=$(node_named "vivid-00$1-vid-out") &&
		v4l2-ctl -d "$dev" -x width=1920,height=1080,pixelformat=YUYV >&2 &&
		echo "$dev"
}

# run_lanes LABEL "DRIVER[:NODES]..." "DRIVER[:NODES]...": the two lanes
# at once, with vivid instances 1 and 2 as their exporters.
run_lanes() {
	local label=$1 e1 e2
	e1=$(exporter 1) && e2=$(exporter 2) ||
		{ result FAIL "compliance/$label/exporters" "no vivid exporter"; return; }
	# shellcheck disable=SC2086 # one driver per word
	lane "$label" "$e1" $2 &
	# shellcheck disable=SC2086
	lane "$label" "$e2" $3
	wait
}

# What the stock runs depend on: the kernel build (its version string
# changes with every link), the media modules, v4l-utils and this suite.
stock_key() {
	{
		cat /proc/version
		dpkg-query -W v4l-utils
		find "/lib/modules/$(uname -r)" -path '*/drivers/media/*' -name '*.ko*' |
			sort | xargs sha256sum
		sha256sum tests/compliance/suite.sh tests/lib/v4l2.sh tests/lib/results.sh
	} | sha256sum | cut -c1-16
}

# stock_runs: compliance on every stock node, or, when a complete and
# passing stock run with the same key is kept, its logs judged again.
stock_runs() {
	local dir key log id want=0 n
	key=$(stock_key) || { result FAIL compliance/stock/key "cannot compute the key"; return; }
	dir=$STOCK_CACHE/$key
	for n in "${NODES[@]}"; do want=$((want + n)); done
	if [ -f "$dir/complete" ]; then
		for log in "$dir"/*.log; do
			id=$(basename "$log" .log)
			judge stock "${id/-//}" "$log" "kept from $(<"$dir/complete"), key $key"
		done
		n=$(find "$dir" -name '*.log' | wc -l)
		if [ "$n" = "$want" ]; then
			result PASS compliance/stock/kept-nodes "$n nodes"
		else
			result FAIL compliance/stock/kept-nodes "$n nodes kept in $dir, want $want"
		fi
		return
	fi
	check compliance/stock/modprobe load_drivers vim2m vicodec vimc "vivid n_devs=3"
	check compliance/stock/configure-vimc configure_vimc
	run_lanes stock "vivid:${NODES[vivid]}" \
		"vim2m:${NODES[vim2m]} vicodec:${NODES[vicodec]} vimc:${NODES[vimc]}"
	grep -q '^FAIL compliance/stock/' "$VB2HEAP_RESULTS" && return
	rm -rf "$STOCK_CACHE"
	mkdir -p "$dir"
	cp "$VB2HEAP_LOGDIR"/compliance/stock/*.log "$dir/"
	date -u '+%Y-%m-%d %H:%M UTC' >"$dir/complete"
}

stock_runs
for heap in "${HEAPS[@]}"; do
	check "compliance/heap=$heap/modprobe" load_drivers "vim2m heap=$heap" \
		"vicodec heap=$heap" "vivid n_devs=3 heap=$heap,$heap,$heap node_types=$VIVID_HEAP_NODES"
	run_lanes "heap=$heap" "vivid:2 vim2m:${NODES[vim2m]}" "vicodec:${NODES[vicodec]}"
done
check compliance/unload unload_drivers
suite_complete compliance
