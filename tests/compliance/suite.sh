#!/bin/bash
# In-VM suite: v4l2-compliance -s on every streaming node of the virtual
# drivers with their stock allocators, then on the drivers converted to
# vb2-dma-heap with each heap. DMABUF import is tested throughout with
# buffers that a second vivid instance exports, itself stock or heap-backed
# like the driver under test. Every run is judged against the stock
# baseline, tests/compliance/baseline: a converted driver may never do worse
# than the same driver with its stock allocator.
. tests/lib/results.sh
. tests/lib/v4l2.sh

HEAP_DRIVERS=(vim2m vicodec vivid)
HEAPS=(system reserved)
BASELINE=tests/compliance/baseline

# vimc's defaults cannot stream: the sensors start as RGB888 while the
# debayers only take Bayer input, and STREAMON validates every enabled link.
# Configure the pipeline as Documentation/admin-guide/media/vimc.rst does.
configure_vimc() {
	local s
	for s in A B; do
		media-ctl -d platform:vimc -V "\"Sensor $s\":0[fmt:SBGGR8_1X8/640x480]" &&
			media-ctl -d platform:vimc -V "\"Debayer $s\":0[fmt:SBGGR8_1X8/640x480]" || return
	done
	v4l2-ctl -d "$(node_named "Raw Capture 0")" -v pixelformat=BA81 &&
		v4l2-ctl -d "$(node_named "Raw Capture 1")" -v pixelformat=BA81
}

# The streaming nodes each driver has: vim2m one, vicodec its encoder and
# two decoders, vimc its three capture nodes, a vivid instance eight
# (video, VBI, SDR, metadata and touch), two of them video capture and
# output.
declare -A NODES=([vim2m]=1 [vicodec]=3 [vimc]=3 [vivid]=8 [vivid-video]=2)

# compliance_node LABEL [v4l2-compliance options] DEVICE ID
compliance_node() {
	local label=$1 dev=${*: -2:1} id=${*: -1} log summary start=$SECONDS
	log=$VB2HEAP_LOGDIR/compliance-$label-${id//\//-}.log
	timeout 600 v4l2-compliance -s -d "$dev" "${@:2:$#-3}" >"$log" 2>&1
	if summary=$(tests/compliance/compare "$id" "$log" "$BASELINE"); then
		result PASS "compliance/$label/$id" "$summary; $((SECONDS - start)) s"
	else
		result FAIL "compliance/$label/$id" "$summary; log: $log"
	fi
}

# compliance LABEL DRIVER GLOB MIN [v4l2-compliance options]: every node
# of DRIVER whose id matches GLOB, at least MIN of them.
compliance() {
	local label=$1 drv=$2 glob=$3 min=$4
	shift 4
	# shellcheck disable=SC2053 # GLOB is a pattern
	streaming_nodes "$drv" | while read -r dev id; do
		[[ $id != $glob ]] || echo "$dev $id"
	done | each_node "compliance/$label/$drv-nodes" "$min" compliance_node "$label" "$@"
}

# vivid instance 1 only exports buffers, large enough for every format
# under test; compliance runs on instance 0. They come from its output
# queue: a device that reads them while the device under test writes them.
# A second writer's permanent mapping (an exporting capture queue) trips
# DMA-API debug's overlap check, see "Known limitations" in
# Documentation/driver-api/media/vb2-dma-heap.rst.
setup_exporter() {
	exporter=$(node_named vivid-001-vid-out) &&
		v4l2-ctl -d "$exporter" -x width=1920,height=1080,pixelformat=YUYV
}

# run_compliance LABEL VIVID-SET DRIVER...: VIVID-SET picks the vivid
# instance 0 nodes to test: "vivid" all of them, "vivid-video" its video
# nodes.
run_compliance() {
	local label=$1 vivid_set=$2 vivid_nodes drv
	shift 2
	vivid_nodes='vivid/vivid-000-*'
	[ "$vivid_set" = vivid ] || vivid_nodes='vivid/vivid-000-vid-*'

	# check runs it in this shell: $exporter stays set.
	check "compliance/$label/exporter" setup_exporter
	for drv in "$@"; do
		if [ "$drv" = vivid ]; then
			compliance "$label" vivid "$vivid_nodes" "${NODES[$vivid_set]}" \
				--expbuf-device "$exporter"
		else
			compliance "$label" "$drv" '*' "${NODES[$drv]}" --expbuf-device "$exporter"
		fi
	done
}

check compliance/stock/modprobe load_drivers vim2m vicodec vimc "vivid n_devs=2"
check compliance/stock/configure-vimc configure_vimc
run_compliance stock vivid vim2m vicodec vivid vimc

# All vivid node types create their queues the same way; its video capture
# and output nodes cover both DMA directions at a third of the time.
for heap in "${HEAPS[@]}"; do
	check "compliance/heap=$heap/modprobe" load_drivers "vim2m heap=$heap" \
		"vicodec heap=$heap" "vivid n_devs=2 heap=$heap,$heap"
	run_compliance "heap=$heap" vivid-video "${HEAP_DRIVERS[@]}"
done
check compliance/unload unload_drivers
suite_complete compliance
