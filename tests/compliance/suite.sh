#!/bin/bash
# In-VM suite: v4l2-compliance -s on every streaming node of the virtual
# drivers, judged against tests/compliance/baseline.
. tests/lib/results.sh

DRIVERS=(vim2m vicodec vivid vimc)
BASELINE=tests/compliance/baseline

for drv in "${DRIVERS[@]}"; do
	check "compliance/modprobe-$drv" modprobe "$drv"
done

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

# The VM runs no udev, so no /dev/char links for v4l2-ctl -z to resolve.
node_named() {
	grep -lxF "$1" /sys/class/video4linux/*/name | sed -E 's|.*/([^/]+)/name$|/dev/\1|'
}
check compliance/configure-vimc configure_vimc

# Node ids are "driver/name" so that they do not depend on probe order.
node_id() {
	local sys=$1 drv name
	drv=$(basename "$(readlink "$sys/device/driver")")
	name=$(tr 'A-Z' 'a-z' <"$sys/name" | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g')
	echo "$drv/$name"
}

for sys in /sys/class/video4linux/*; do
	node=$(basename "$sys")
	case $node in video*|vbi*|swradio*|v4l-touch*) ;; *) continue ;; esac
	id=$(node_id "$sys")
	[[ " ${DRIVERS[*]} " == *" ${id%%/*} "* ]] || continue
	log=$VB2HEAP_LOGDIR/compliance-${id//\//-}.log
	timeout 600 v4l2-compliance -s -d "/dev/$node" >"$log" 2>&1
	if summary=$(tests/compliance/compare "$id" "$log" "$BASELINE"); then
		result PASS "compliance/$id" "$summary"
	else
		result FAIL "compliance/$id" "$summary; log: $log"
	fi
done
