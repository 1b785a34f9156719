#!/bin/bash
# In-VM suite: VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP on every
# video node of the converted drivers with each heap, as 64-bit and as
# 32-bit processes; ENOTTY from the same drivers without heaps; what an
# unprivileged user can and cannot select; heaps that follow a control;
# and the ioctl debug log.
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

find_heaps uapi || exit 1
PROG=$BUILD/tests/heap-ioctl

# every_node's results: one per node of the four drivers, one per driver.
per_run=4
for drv in vim2m vicodec vivid vimc; do
	per_run=$((per_run + VIDEO_NODES[$drv]))
done
# Each heap (modprobe and a run), compat32, contiguous (2), unusable (2),
# configuration (2), mplane (3), stock (modprobe and a run), unprivileged
# (4), debug-log, unload.
ktap_plan $((${#HEAPS[@]} * (1 + per_run) + per_run + 2 + 2 + 2 + 3 + 1 + per_run + 4 + 2))

# every_node LABEL PROGRAM [OPTIONS]: runs PROGRAM on each video node of
# the converted drivers, one result per node, and fails when a driver has
# fewer nodes than it should.
every_node() {
	local label=$1 drv
	shift
	for drv in vim2m vicodec vivid vimc; do
		streaming_nodes "$drv" 'video*' |
			each_node "uapi/$label/$drv-nodes" "${VIDEO_NODES[$drv]}" node_check "$label" "$@"
	done
}

# node_check LABEL PROGRAM [OPTIONS] DEVICE ID: a full check (PROGRAM
# without options) also expects the node's internal buffer groups:
# vicodec's stateful encoder and decoder keep a reference and a compressed
# frame, nothing else keeps any.
node_check() {
	local label=$1 dev=${*: -2:1} id=${*: -1} cmd=("${@:2:$#-3}")
	[[ ${#cmd[@]} != 1 || $id != vicodec/stateful-* ]] || cmd+=(--internal 2)
	check "uapi/$label/$id" "${cmd[@]}" "$dev"
}

for heap in "${HEAPS[@]}"; do
	check "uapi/$heap/modprobe" load_drivers "vim2m heap=$heap" "vicodec heap=$heap" \
		"vivid n_devs=1 heap=$heap node_types=$VIVID_VIDEO_NODES" "vimc heap=$heap"
	every_node "$heap" "$PROG"
done
# 32-bit processes go through the compat ioctl path.
every_node compat32 "$PROG-32"

# A queue that needs contiguous memory is compatible with CMA heaps only.
check uapi/contiguous/modprobe load_drivers \
	"vivid n_devs=1 allocators=1 heap=$CMA_HEAP node_types=$VIVID_VIDEO_NODES"
check uapi/contiguous/vivid-000-vid-cap "$PROG" "$(node_named vivid-000-vid-cap)"

# With only the system heap in its policy, it has no usable heap, so no
# active heap either, which load_drivers would take for a failed load.
load_unusable() {
	unload_drivers &&
		modprobe --first-time vivid n_devs=1 allocators=1 heap=system \
			node_types="$VIVID_VIDEO_NODES"
}
check uapi/unusable/modprobe load_unusable
check uapi/unusable/vivid-000-vid-cap "$PROG" --unusable "$(node_named vivid-000-vid-cap)"

# The heaps follow the configuration: a control of vivid's makes its
# queues take contiguous memory only, and lets go of it again.
check uapi/configuration/modprobe load_drivers \
	"vivid n_devs=1 heap=system node_types=$VIVID_VIDEO_NODES"
check uapi/configuration/vivid-000-vid-cap "$PROG" --configuration \
	"$(node_named vivid-000-vid-cap)"

# Sizes of multi-planar formats add up their planes, each page-aligned.
check uapi/mplane/modprobe load_drivers \
	"vivid n_devs=1 multiplanar=2 heap=$CMA_HEAP node_types=$VIVID_VIDEO_NODES"
dev=$(node_named vivid-000-vid-cap)
check uapi/mplane/nv12m v4l2-ctl -d "$dev" -v pixelformat=NM12
check uapi/mplane/vivid-000-vid-cap "$PROG" "$dev"

check uapi/stock/modprobe load_drivers vim2m vicodec "vivid n_devs=1 node_types=$VIVID_VIDEO_NODES" vimc
every_node stock "$PROG" --unsupported

# Heap nodes are root's: a user who may use the video device can select a
# heap only with a heap fd that root hands over, and does not allocate
# from a heap root selected with a process that has ended.
check uapi/unprivileged/modprobe load_drivers \
	"vivid n_devs=1 heap=system node_types=$VIVID_VIDEO_NODES"
dev=$(node_named vivid-000-vid-cap)
chmod 0666 "$dev"
check uapi/unprivileged/root-selects-cma \
	"$BUILD/userspace/v4l2-heap" -d "$dev" --set-heap cap="$CMA_HEAP" --list
check uapi/unprivileged/no-heap-fd \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$PROG" --unprivileged "$dev"
check uapi/unprivileged/heap-fd-handed-over sh -c \
	'exec 7</dev/dma_heap/system &&
	 setpriv --reuid=65534 --regid=65534 --clear-groups "$0" --unprivileged "$1" --heap-fd 7' \
	"$PROG" "$dev"

# With ioctl debugging on, the core prints the new structures. The kernel
# log is not cleared: the VM runner scans all of it afterwards.
debug_log() {
	local dev=$1 sys=/sys/class/video4linux/${1#/dev/}/dev_debug start printed
	start=$(dmesg | wc -l)
	echo 3 >"$sys"
	"$PROG" "$dev" >/dev/null
	echo 0 >"$sys"
	printed=$(dmesg | tail -n +$((start + 1)) | grep -oE \
		-e "VIDIOC_ENUM_HEAPS: index=[0-9]+, type=vid-cap, usage=1, flags=0x0, name=system, purpose=, purpose_id=0, size=0, count=0, bytes=0, heap_caps=0x0" \
		-e "VIDIOC_G_HEAP: type=vid-cap, fd=-1, flags=0x0, name=system, heap_caps=0x0" \
		-e 'VIDIOC_S_HEAP: type=vid-cap, fd=-?[0-9]+, flags=0x[01], name=[^ ]+, heap_caps=0x[01]' |
		sed 's/:.*//' | sort -u | tr '\n' ' ')
	echo "printed: $printed"
	[ "$printed" = "VIDIOC_ENUM_HEAPS VIDIOC_G_HEAP VIDIOC_S_HEAP " ]
}
check uapi/debug-log debug_log "$dev"
check uapi/unload unload_drivers
