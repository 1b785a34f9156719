#!/bin/bash
# In-VM suite: v4l2-compliance -s on every streaming node of the virtual
# drivers, judged against tests/compliance/baseline.
. tests/lib/results.sh

DRIVERS=(vim2m vicodec vivid vimc)
BASELINE=tests/compliance/baseline

for drv in "${DRIVERS[@]}"; do
	check "compliance/modprobe-$drv" modprobe "$drv"
done

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
