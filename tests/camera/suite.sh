#!/bin/bash
# In-VM suite: libcamera, unmodified, on vimc. cam lists the vimc camera
# and captures frames to files, GStreamer's libcamerasrc streams frames
# into a file, and lc-compliance runs its capture tests: first on stock
# vimc (vb2-vmalloc), then with vimc on each heap (heap=; a vimc without
# that parameter makes those lanes SKIPs). Every heap's frames are byte-identical to stock vimc's in
# the same configuration, its lc-compliance run is nowhere worse than
# stock's, and the CMA area's counter moves with the CMA heap only.
#
# CAMERA_SET=quick, the default on every kernel but the primary one of
# kernel/VERSION, keeps cam --list and the 640x480 cam capture, on stock
# vimc and on each heap; full, the default on the primary kernel, runs
# everything.
set -uo pipefail
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh
. tests/lib/deadline.sh
. scripts/paths.sh || exit 2

find_heaps camera || exit 1
: "${VB2HEAP_LOGDIR:=/tmp}"
PRIMARY=$(kernel_matrix | awk 'NR == 1 { print $1 }')
SET=${CAMERA_SET:-$([ "$KERNEL" = "$PRIMARY" ] && echo full || echo quick)}
# $OUT is on tmpfs, for the reason tests/codec gives.
OUT=/tmp/camera
FRAMES=3
# cam's configurations, "pixelformat widthxheight": scaled, and cam's
# default, which the scaler passes through. libcamera's vimc pipeline
# handler gives every role the same single stream, from the RGB/YUV
# Capture node, so roles add nothing (cam -I -s role=... shows it). Of
# its two formats only BGR888 streams: for RGB888 it asks vimc's debayer
# for a BGR888_1X24 source, the debayer keeps RGB888_1X24 (a set_fmt on
# its source pad only reads the format back) and STREAMON fails with
# EPIPE, on stock vimc too.
# The sensor runs at 1920x1080 whatever the output size, and debayering
# that under TCG costs about a second a frame: few frames.
CONFIGS=("BGR888 640x480" "BGR888 1920x1080")
[ "$SET" = full ] || CONFIGS=("${CONFIGS[0]}")
# libcamerasrc in the first configuration. GStreamer names RGB formats by
# byte order, libcamera by DRM fourcc: libcamera's BGR888 is GStreamer's
# RGB, so the stream's bytes are cam's frames one after another.
GST_CAPS="video/x-raw,format=RGB,width=640,height=480"
# lc-compliance at its own configuration (1920x1080, 4 buffers): the three
# tests with the fewest requests that are not skipped (fewer requests
# than buffers are), for one role, since vimc treats all roles alike. The
# whole suite of 120 tests takes hours under TCG.
LC_FILTER='CaptureTests/SingleStream.*/Viewfinder_5'
LC_BASELINE=tests/camera/lc-compliance.baseline
# They take 20 to 25 s here; lc-compliance has no timeout of its own.
LC_LIMIT=300
BUFFERS=4
export GST_REGISTRY=$OUT/registry.bin

# libcamera lists only the devices that udev has initialized (libudev's
# enumeration matches initialized devices only), and the VM runs no udev,
# so udevd runs while this suite does.
UDEVD=
start_udevd() {
	/usr/lib/systemd/systemd-udevd >"$VB2HEAP_LOGDIR/camera-udevd.log" 2>&1 &
	UDEVD=$!
	udevadm settle || return
	kill -0 "$UDEVD"
}

stop_udevd() {
	[ -n "$UDEVD" ] || return 0
	kill "$UDEVD" || return
	wait "$UDEVD"
	! kill -0 "$UDEVD" 2>/dev/null && UDEVD=
}

# vimc's sensors draw a test pattern and by default ("Show Information:
# All") print the time since STREAMON into every frame, so two captures
# differ in the rows of that text. Without the text every frame of a
# configuration is the same, from the first on. "100% Color Squares"
# (test pattern 4) changes down the frame as well as across, unlike the
# default colour bars whose rows are all alike, so a row or page in the
# wrong place shows.
still_sensors() {
	local s
	for s in A B; do
		v4l2-ctl -d "$(node_named "Sensor $s")" -c show_information=2,test_pattern=4 || return
	done
}

# load_vimc [PARAM=VALUE...]: vimc afresh with these parameters, on the
# heap they name, known to udev, with still sensors.
load_vimc() {
	load_drivers "vimc $*" && udevadm settle && still_sensors
}

# cameras: the ids of the cameras cam lists whose id names vimc.
CAMERAS=()
cameras() {
	cam --list >"$OUT/list.log" 2>&1 || return
	mapfile -t CAMERAS < <(sed -nE 's/^[0-9]+: .*\((.*vimc.*)\)$/\1/p' "$OUT/list.log")
	[ ${#CAMERAS[@]} -gt 0 ] || { cat "$OUT/list.log"; return 1; }
	printf '%s\n' "${CAMERAS[@]}"
}

# label ID: a camera's id as a result name ("vimc.0-sensor-b").
label() {
	local l=${1##*/}
	l=${l,,}
	echo "${l// /-}"
}

# pages BYTES: how many pages a buffer of BYTES takes.
pages() { echo $((($1 + 4095) / 4096)); }

# capture DIR ID FORMAT WxH: FRAMES frames of camera ID in DIR.
capture() {
	local dir=$1 id=$2 fmt=$3 w=${4%x*} h=${4#*x}
	rm -rf "$dir"
	mkdir -p "$dir"
	cam -c "$id" -C"$FRAMES" --strict-formats -s "pixelformat=$fmt,width=$w,height=$h" \
		-F"$dir/frame-#.bin"
}

# frames DIR BYTES: FRAMES frame files of BYTES each, not all zeros (heap
# memory starts zeroed: a device that never wrote a buffer leaves zeros).
frames() {
	local f n=0
	for f in "$1"/frame-*.bin; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		[ "$(stat -c %s "$f")" = "$2" ] || { echo "$f: $(stat -c %s "$f") bytes, want $2"; return 1; }
		! cmp -s "$f" <(head -c "$2" /dev/zero) || { echo "$f: all zeros"; return 1; }
	done
	[ $n = "$FRAMES" ] || { echo "$n frames in $1, want $FRAMES"; return 1; }
}

names() { (cd "$1" && printf '%s ' *); }

# same_frames REF DIR: DIR holds REF's frame files, byte for byte.
same_frames() {
	local f n=0
	[ "$(names "$1")" = "$(names "$2")" ] ||
		{ echo "frames $(names "$2"), want $(names "$1")"; return 1; }
	for f in "$1"/*; do
		cmp "$f" "$2/${f##*/}" || return
		n=$((n + 1))
	done
	echo "$n frames, sha256 $(cat "$2"/* | sha256sum | cut -c1-16)"
}

# compare NAME REF DIR: a result from same_frames.
compare() {
	local out
	if out=$(same_frames "$2" "$3" 2>&1); then
		result PASS "$1" "$out"
	else
		result FAIL "$1" "$(tr '\n' ' ' <<<"$out")"
	fi
}

# stream FILE ID: FRAMES frames of camera ID through libcamerasrc into
# FILE. identity ends the stream: with eos-after=N it passes N - 1
# buffers and then sends EOS.
stream() {
	GST_DEBUG_NO_COLOR=1 gst-launch-1.0 libcamerasrc camera-name="$2" ! "$GST_CAPS" \
		! identity eos-after=$((FRAMES + 1)) ! filesink location="$1"
}

# lane LABEL HEAP: every client on the loaded vimc; HEAP is "stock" or
# the heap vimc allocates from. Frames land in $OUT/LABEL and are
# compared with stock's.
lane() {
	local label=$1 heap=$2 id cam cfg fmt size dir ref before name log status waits
	for id in "${CAMERAS[@]}"; do
		cam=$(label "$id")
		for cfg in "${CONFIGS[@]}"; do
			read -r fmt size <<<"$cfg"
			name=camera/$label/$cam/$fmt-$size dir=$OUT/$label/$cam/$fmt-$size
			ref=$OUT/stock/$cam/$fmt-$size
			before=$(cma_allocated)
			check "$name/cam" capture "$dir" "$id" "$fmt" "$size"
			check "$name/memory" came_from "$heap" "$before" $((BUFFERS * $(pages $((${size%x*} * ${size#*x} * 3)))))
			check "$name/frames" frames "$dir" $((${size%x*} * ${size#*x} * 3))
			if [ "$label" = stock ]; then
				# The heaps are judged against stock: stock must be
				# reproducible, so it captures twice.
				check "$name/again" capture "$dir.again" "$id" "$fmt" "$size"
				compare "$name/deterministic" "$dir" "$dir.again"
			else
				compare "$name/identical" "$ref" "$dir"
			fi
		done
		[ "$SET" = full ] || continue

		name=camera/$label/$cam/libcamerasrc
		before=$(cma_allocated)
		check "$name/stream" stream "$OUT/$label/$cam.raw" "$id"
		check "$name/memory" came_from "$heap" "$before" $((BUFFERS * $(pages $((640 * 480 * 3)))))
		# The stream holds cam's frames of the same configuration.
		mkdir -p "$OUT/$label/$cam/libcamerasrc"
		split -b $((640 * 480 * 3)) -d -a 6 --additional-suffix=.bin "$OUT/$label/$cam.raw" \
			"$OUT/$label/$cam/libcamerasrc/frame-cam0-stream0-"
		compare "$name/same-as-cam" "$OUT/$label/$cam/BGR888-640x480" "$OUT/$label/$cam/libcamerasrc"
		[ "$label" = stock ] ||
			compare "$name/identical" "$OUT/stock/$cam/libcamerasrc" "$OUT/$label/$cam/libcamerasrc"

		name=camera/$label/$cam/lc-compliance
		log=$VB2HEAP_LOGDIR/${name//\//-}.log
		before=$(cma_allocated)
		status=0
		waits=$(bounded $LC_LIMIT "$log" lc-compliance -c "$id" -f "$LC_FILTER") || status=$?
		check "$name/memory" came_from "$heap" "$before" $((BUFFERS * $(pages $((1920 * 1080 * 3)))))
		[ $status != 124 ] || status="124, killed after $LC_LIMIT s with its threads in $waits"
		if [ "$label" = stock ]; then
			judge_lc "$name" "$status" "$log"
		else
			judge_lc "$name" "$status" "$log" "$VB2HEAP_LOGDIR/camera-stock-$cam-lc-compliance.log"
		fi
	done
}

# judge_lc NAME STATUS LOG [STOCK-LOG]: a result from tests/camera/lc-compare;
# a failure names lc-compliance's exit status too, so that a crash on CI
# (134 for an abort, 139 for a segfault) or a hang (124, with where it
# waited) is told from a failed test.
judge_lc() {
	local out
	if out=$(tests/camera/lc-compare "$3" "$LC_BASELINE" ${4:+"$4"}); then
		result PASS "$1" "$out"
	else
		result FAIL "$1" "$out; exit status $2; log: $3"
	fi
}

# heap_parameter: vimc takes heap=, as the converted drivers do.
heap_parameter() {
	modinfo -F parm vimc | grep -q '^heap:'
}

# The cameras cam lists: libcamera's vimc pipeline handler makes one of
# vimc's default topology.
CAMERA_COUNT=1
# Per camera: stock captures each configuration (cam, memory, frames,
# again, deterministic) and in the full set streams (stream, memory,
# same-as-cam) and runs lc-compliance (memory, verdict); each heap's lane
# does the same without the second capture and compares with stock
# (identical), or is one SKIP when vimc has no heap=.
stock_lane=$((5 * ${#CONFIGS[@]}))
heap_lane=$((4 * ${#CONFIGS[@]}))
if [ "$SET" = full ]; then
	stock_lane=$((stock_lane + 3 + 2))
	heap_lane=$((heap_lane + 4 + 2))
fi
if heap_parameter; then
	heap_lane=$((1 + CAMERA_COUNT * heap_lane))
else
	heap_lane=1
fi
# udevd, stock modprobe and list, the lanes, unload, udevd-stop.
ktap_plan $((3 + CAMERA_COUNT * stock_lane + ${#HEAPS[@]} * heap_lane + 2))

rm -rf "$OUT"
mkdir -p "$OUT"
echo "camera: the $SET set: ${#CONFIGS[@]} cam configurations$([ "$SET" = full ] &&
	echo ", libcamerasrc and lc-compliance")"
check camera/udevd start_udevd
check camera/stock/modprobe load_vimc
# The test that would have caught the missing IPA modules.
check camera/stock/list cameras
[ ${#CAMERAS[@]} -gt 0 ] || { stop_udevd; unload_drivers; exit 1; }
lane stock stock

for heap in "${HEAPS[@]}"; do
	if ! heap_parameter; then
		result SKIP "camera/heap=$heap" "vimc has no heap= parameter in this kernel (modinfo -F parm vimc): it allocates with vb2-vmalloc only"
		continue
	fi
	check "camera/heap=$heap/modprobe" load_vimc "heap=$heap" || continue
	lane "heap=$heap" "$heap"
done

check camera/unload unload_drivers
check camera/udevd-stop stop_udevd
