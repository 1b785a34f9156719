#!/bin/bash
# In-VM suite: v4l2-compliance -s on every streaming node of the virtual
# drivers with their stock allocators, then on the drivers converted to
# vb2-dma-heap with each heap. DMABUF import is tested throughout with
# buffers that other vivid instances export, themselves stock or
# heap-backed like the driver under test. Every run is judged against the
# stock baseline of its kernel, tests/compliance/baseline/<kernel>: a converted driver may never do
# worse than the same driver with its stock allocator.
#
# Time: each streaming test streams 10 frames instead of 60 (the same
# tests run, on fewer frames). Most of a v4l2-compliance run is waiting,
# not computing: "test blocking wait" alone sleeps 4 s per queue and pass
# (1 s for the DQBUF thread to block, 3 s for STREAMOFF), 16 s of vim2m's
# 25, and the VM's CPUs are idle most of the time. So the nodes of one
# configuration run at once, as many lanes as there are driver instances
# that share no state, each lane with an exporter of its own; within a
# lane, one node after another. The stock runs, which only a new kernel,
# module, userland or version of this suite can change, are kept in
# build/ and judged again from their logs while none of those changed.
#
# v4l2-compliance is v4l-utils' with the heap series of
# userspace/v4l-utils/patches (userspace/v4l-utils/build.sh): it tests
# VIDIOC_ENUM_HEAPS and VIDIOC_G/S_HEAP, which every converted node must
# pass and every stock node must report as not supported. Where the
# series could not be built, because the Debian mirror serves no source
# packages, the packaged one runs the other tests and the heap tests are
# skipped.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh
. tests/lib/deadline.sh

find_heaps compliance || exit 1
# Each kernel's stock drivers have their own results.
BASELINE=tests/compliance/baseline/$KERNEL
if [ ! -f "$BASELINE" ]; then
	result FAIL compliance/baseline "no stock baseline for kernel $KERNEL: $BASELINE"
	exit 1
fi
COMPLIANCE=$BUILD/v4l-utils/bin/v4l2-compliance
HEAP_TESTS=--heap-tests
# Without it, the packaged one runs and the heap tests are one SKIP,
# reported after the plan.
PACKAGED=0
if [ ! -x "$COMPLIANCE" ]; then
	PACKAGED=1
	PACKAGED_WHY="no $COMPLIANCE (make v4l-utils could not get the v4l-utils source): the packaged v4l2-compliance runs without the heap tests"
	COMPLIANCE=$(command -v v4l2-compliance)
	HEAP_TESTS=
fi
FRAMES=10
STOCK_CACHE=build/compliance-stock/$KERNEL-$ARCH

# The streaming nodes each driver has: vim2m one, vicodec its encoder and
# two decoders, vimc its three capture nodes, vivid instance 0 eight
# (video, VBI, SDR, metadata and touch), stock or with heaps: their queues
# differ where a user sees it (vivid switches a VBI queue between raw and
# sliced inside REQBUFS), and v4l2-compliance tests the buffer ioctls on
# every input of each. Exporters, stock or not, have a video output node
# only.
declare -A NODES=([vim2m]=1 [vicodec]=3 [vimc]=3 [vivid]=8)

# Lanes: the nodes of one vivid instance, and vimc's, which share one
# media pipeline, must run one after another; vicodec's encoder and two
# decoders are separate m2m devices, each with its own queues, lock and
# job list, and run at once. Every lane imports from its own exporter,
# vivid instance 1, 2, ...: one for vivid's lane, vim2m's, each of
# vicodec's and vimc's, in the stock configuration and in each heap's.
#
# Except two of vicodec's nodes, which run last in a lane with the least
# work instead, so that fewer lanes stream at once on the VM's emulated
# CPUs: its encoder, the node with the most work per frame (it
# FWHT-encodes 1280x720 frames on the CPU), in vimc's lane, since beside
# the CPU-bound streaming of vim2m's and vimc's lanes it missed
# v4l2-compliance's 2 s poll bound mid-stream in two of four full runs
# (2026-12-06); and its stateful decoder in vim2m's, since beside the
# other lanes its STREAMOFF from a second thread once took longer than the
# 3 s "test blocking wait" allows (2026-12-07). Both lanes still end long
# before vivid's.
declare -A SPLIT=([vicodec]=1)
declare -A LATE=([vicodec/stateful-encoder]=vimc [vicodec/stateful-decoder]=vim2m)
LANES=$((1 + NODES[vim2m] + NODES[vicodec] - ${#LATE[@]} + 1))

# vivid_load LANES [PARAM=VALUE...]: the vivid modprobe line of a
# configuration: instance 0 under test, then LANES exporters with a
# video output node only, which load and pass drivers_took much faster
# than instances with every node. Instance 0 keeps vivid's own default
# node types, which modinfo tells.
vivid_load() {
	local lanes=$1 types
	shift
	types=$(modinfo -F parm vivid | sed -n 's/^node_types:.* default is \(0x[0-9a-f]*\)\..*/\1/p')
	echo "vivid n_devs=$((1 + lanes)) node_types=$types$(printf ',0x100%.0s' $(seq "$lanes")) $*"
}

# verdict LABEL ID LOG DETAIL FILE: judges LOG of node ID against the
# baseline and, with the heap tests, those against LABEL
# (tests/compliance/heap-verdicts), and writes the result's status and
# detail to FILE. Each judgement forks dozens of processes, seconds in
# the VM, so they run in the lanes.
verdict() {
	local label=$1 summary heaps
	shift
	if ! summary=$(tests/compliance/compare "$1" "$2" "$BASELINE" $HEAP_TESTS); then
		echo "FAIL $summary; log: $2"
	elif [ -n "$HEAP_TESTS" ] && ! heaps=$(tests/compliance/heap-verdicts "$label" "$2"); then
		echo "FAIL $summary, $heaps; log: $2"
	else
		echo "PASS $summary; $3"
	fi >"$4"
}

# report LABEL ID FILE: the result that verdict wrote to FILE.
report() {
	local status detail
	{ read -r status detail <"$3"; } 2>/dev/null ||
		status=FAIL detail="never judged: $3 is missing"
	result "$status" "compliance/$1/$2" "$detail"
}

# node_log LABEL ID: where the compliance log of node ID goes; its
# verdict goes next to it.
node_log() {
	echo "$VB2HEAP_LOGDIR/compliance/$1/${2//\//-}.log"
}

# lane LABEL EXPORTER "DEVICE ID"...: v4l2-compliance on each node, one
# after another, with buffers from EXPORTER, each log judged.
lane() {
	local label=$1 exporter=$2 node dev id log start
	shift 2
	for node in "$@"; do
		read -r dev id <<<"$node"
		log=$(node_log "$label" "$id") start=$SECONDS
		bounded 600 "$log" "$COMPLIANCE" -s$FRAMES -d "$dev" --expbuf-device "$exporter" >/dev/null
		verdict "$label" "$id" "$log" "$((SECONDS - start)) s" "${log%.log}.verdict"
	done
}

# exporter N: vivid instance N's video output node, set up for buffers
# large enough for every format under test. They come from its output queue: a
# device that reads them while the device under test writes them. A second
# writer's permanent mapping (an exporting capture queue) trips DMA-API
# debug's overlap check, see "Known limitations" in
# kernel/tree/Documentation/driver-api/media/vb2-dma-heap.rst.
exporter() {
	local dev
	dev=$(node_named "$(printf 'vivid-%03d-vid-out' "$1")") &&
		v4l2-ctl -d "$dev" -x width=1920,height=1080,pixelformat=YUYV >&2 &&
		echo "$dev"
}

# skip_reason LABEL ID: why node ID is not run in configuration LABEL, or
# nothing. vivid's VBI capture queue takes up to 32768 buffers, and
# v4l2-compliance's "CREATE_BUFS maximum buffers" asks for all of them in
# one call: from the VM's 256 MiB CMA area, an allocation until the area
# is exhausted, and each allocation of mm/cma gets slower as the area
# fills, with the stock allocator as with the heap (7.3 under TCG,
# 2026-12-06: 1000 VBI buffers in 2.1 s from vb2-dma-contig and 2.4 s from
# the CMA heap, 4500 in 51 s and 65 s, 6000, more than the area holds, in
# 229 s and 286 s), beyond the 600 s a run may take.
skip_reason() {
	[[ $1 == "heap=$CMA_HEAP" && $2 == vivid/vivid-000-vbi-cap ]] || return 0
	echo "all 32768 buffers CREATE_BUFS asks for exhaust the CMA area, which takes longer than a run may, with vb2-dma-contig as with the CMA heap"
}

# run_config LABEL DRIVER...: every streaming node of each DRIVER (of
# vivid, instance 0), at least as many as the NODES table says, in lanes
# at once; then one result per node (SKIP for those skip_reason names)
# and per driver, in the order given, whichever lane finished first.
run_config() {
	local label=$1 drv min n=0 e dev id node nodes lanes=() list=() ids=() log why i
	local late=()
	shift
	mkdir -p "$VB2HEAP_LOGDIR/compliance/$label"
	for drv in "$@"; do
		nodes=() ids=()
		while read -r dev id; do
			ids+=("$id")
			[ -n "$(skip_reason "$label" "$id")" ] || nodes+=("$dev $id")
		done < <(streaming_nodes "$drv" | grep -v '^[^ ]* vivid/vivid-[0-9]*[1-9][0-9]*-')
		list+=("$drv ${NODES[$drv]} ${#ids[@]} ${ids[*]}")
		[ ${#nodes[@]} -gt 0 ] || continue
		if [ -n "${SPLIT[$drv]:-}" ]; then
			for node in "${nodes[@]}"; do
				if [ -n "${LATE[${node#* }]:-}" ]; then
					late+=("$node")
				else
					lanes+=("$node")
				fi
			done
		else
			lanes+=("$(printf '%s\n' "${nodes[@]}")")
		fi
	done
	for node in "${late[@]}"; do
		for i in "${!lanes[@]}"; do
			[[ ${lanes[i]#* } == "${LATE[${node#* }]}"/* ]] || continue
			lanes[i]+=$'\n'$node
			node=
			break
		done
		[ -z "$node" ] || lanes+=("$node")
	done
	for nodes in "${lanes[@]}"; do
		n=$((n + 1))
		e=$(exporter "$n") ||
			{ result FAIL "compliance/$label/exporters" "no vivid exporter $n"; wait; return; }
		mapfile -t ids <<<"$nodes"
		lane "$label" "$e" "${ids[@]}" &
	done
	wait
	for nodes in "${list[@]}"; do
		read -r drv min n ids <<<"$nodes"
		for id in $ids; do
			why=$(skip_reason "$label" "$id")
			if [ -n "$why" ]; then
				result SKIP "compliance/$label/$id" "$why"
				continue
			fi
			log=$(node_log "$label" "$id")
			report "$label" "$id" "${log%.log}.verdict"
		done
		if [ "$n" -lt "$min" ]; then
			result FAIL "compliance/$label/$drv-nodes" "$n nodes, want at least $min"
		else
			result PASS "compliance/$label/$drv-nodes" "$n nodes"
		fi
	done
}

# What the stock runs depend on: the kernel build (its version string
# changes with every link), the media modules, v4l-utils and this suite;
# not where the checkout is, so that another clone finds them in the cache.
stock_key() {
	{
		cat /proc/version
		sha256sum <"$COMPLIANCE"
		find "/lib/modules/$(uname -r)" -path '*/drivers/media/*' -name '*.ko*' |
			sort | xargs sha256sum
		sha256sum tests/compliance/suite.sh tests/lib/v4l2.sh tests/lib/results.sh
	} | sha256sum | cut -c1-16
}

# The stock nodes, and the key of their kept runs (empty when it cannot
# be computed).
STOCK_NODES=0
for n in "${NODES[@]}"; do STOCK_NODES=$((STOCK_NODES + n)); done
STOCK_KEY=$(stock_key) || STOCK_KEY=

# stock_runs: compliance on every stock node, or, when a complete and
# passing stock run with the same key is kept, its logs judged again.
stock_runs() {
	local dir key=$STOCK_KEY log id want=$STOCK_NODES n verdicts=$VB2HEAP_LOGDIR/compliance/stock
	[ -n "$key" ] || { result FAIL compliance/stock/key "cannot compute the key"; return; }
	dir=$STOCK_CACHE/$key
	if [ -f "$dir/complete" ]; then
		mkdir -p "$verdicts"
		for log in "$dir"/*.log; do
			id=$(basename "$log" .log)
			verdict stock "${id/-//}" "$log" "kept from $(<"$dir/complete"), key $key" \
				"$verdicts/$id.verdict" &
		done
		wait
		for log in "$dir"/*.log; do
			id=$(basename "$log" .log)
			report stock "${id/-//}" "$verdicts/$id.verdict"
		done
		n=$(find "$dir" -name '*.log' | wc -l)
		if [ "$n" = "$want" ]; then
			result PASS compliance/stock/kept-nodes "$n nodes"
		else
			result FAIL compliance/stock/kept-nodes "$n nodes kept in $dir, want $want"
		fi
		return
	fi
	check compliance/stock/modprobe load_drivers vim2m vicodec vimc "$(vivid_load "$LANES")"
	check compliance/stock/configure-vimc configure_vimc
	run_config stock vivid vim2m vicodec vimc
	grep -q '^not ok [0-9]* stock/' "$VB2HEAP_KTAP" && return
	rm -rf "$STOCK_CACHE"
	mkdir -p "$dir"
	cp "$VB2HEAP_LOGDIR"/compliance/stock/*.log "$dir/"
	date -u '+%Y-%m-%d %H:%M UTC' >"$dir/complete"
}

# Stock: the kept runs judged again (a result per node, kept-nodes) or
# run afresh (modprobe, configure-vimc, a result per node and per
# driver); each heap: modprobe, configure-vimc, a result per node and per
# driver; unload.
HEAP_NODES=$STOCK_NODES
if [ -n "$STOCK_KEY" ] && [ -f "$STOCK_CACHE/$STOCK_KEY/complete" ]; then
	stock=$((STOCK_NODES + 1))
else
	stock=$((2 + STOCK_NODES + ${#NODES[@]}))
fi
ktap_plan $((PACKAGED + stock + ${#HEAPS[@]} * (2 + HEAP_NODES + ${#NODES[@]}) + 1))
[ $PACKAGED = 0 ] || result SKIP compliance/heap-tests "$PACKAGED_WHY"

stock_runs
for heap in "${HEAPS[@]}"; do
	check "compliance/heap=$heap/modprobe" load_drivers "vim2m heap=$heap" "vicodec heap=$heap" \
		"vimc heap=$heap" \
		"$(vivid_load "$LANES" "heap=$heap$(printf ",$heap%.0s" $(seq "$LANES"))")"
	check "compliance/heap=$heap/configure-vimc" configure_vimc
	run_config "heap=$heap" vivid vim2m vicodec vimc
done
check compliance/unload unload_drivers
