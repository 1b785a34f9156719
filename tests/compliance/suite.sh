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

# compliance LABEL DRIVER GLOB [v4l2-compliance options]: every node of
# DRIVER whose id matches GLOB.
compliance() {
	local label=$1 drv=$2 glob=$3 dev id log summary
	shift 3
	while read -r dev id; do
		# shellcheck disable=SC2053 # GLOB is a pattern
		[[ $id == $glob ]] || continue
		log=$VB2HEAP_LOGDIR/compliance-$label-${id//\//-}.log
		timeout 600 v4l2-compliance -s -d "$dev" "$@" >"$log" 2>&1
		if summary=$(tests/compliance/compare "$id" "$log" "$BASELINE"); then
			result PASS "compliance/$label/$id" "$summary"
		else
			result FAIL "compliance/$label/$id" "$summary; log: $log"
		fi
	done < <(streaming_nodes "$drv")
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

# run_compliance LABEL VIVID-GLOB DRIVER...: VIVID-GLOB picks the vivid
# instance 0 nodes to test.
run_compliance() {
	local label=$1 vivid_nodes=$2 drv
	shift 2
	# check runs it in this shell: $exporter stays set.
	check "compliance/$label/exporter" setup_exporter
	for drv in "$@"; do
		if [ "$drv" = vivid ]; then
			compliance "$label" vivid "$vivid_nodes" --expbuf-device "$exporter"
		else
			compliance "$label" "$drv" '*' --expbuf-device "$exporter"
		fi
	done
}

check compliance/stock/modprobe sh -c \
	'modprobe vim2m && modprobe vicodec && modprobe vimc && modprobe vivid n_devs=2'
check compliance/stock/configure-vimc configure_vimc
run_compliance stock 'vivid/vivid-000-*' vim2m vicodec vivid vimc

# All vivid node types create their queues the same way; its video capture
# and output nodes cover both DMA directions at a third of the time.
for heap in "${HEAPS[@]}"; do
	check "compliance/heap=$heap/modprobe" sh -c "rmmod ${HEAP_DRIVERS[*]} &&
		modprobe vim2m heap=$heap && modprobe vicodec heap=$heap &&
		modprobe vivid n_devs=2 heap=$heap,$heap"
	run_compliance "heap=$heap" 'vivid/vivid-000-vid-*' "${HEAP_DRIVERS[@]}"
done
