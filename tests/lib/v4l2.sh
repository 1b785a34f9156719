# shellcheck shell=bash
# Finding V4L2 device nodes in the VM, which runs no udev: no /dev/v4l
# links, so nodes are found through sysfs by name or by driver.

# node_named NAME: the node whose name attribute is exactly NAME.
node_named() {
	grep -lxF "$1" /sys/class/video4linux/*/name | sed -E 's|.*/([^/]+)/name$|/dev/\1|'
}

# streaming_nodes DRIVER [GLOB]: "node id" pairs of the driver's streaming
# nodes, those whose /dev name matches GLOB if given (e.g. 'video*'). Ids
# are "driver/name" so that they do not depend on probe order.
streaming_nodes() {
	local sys node name
	for sys in /sys/class/video4linux/${2:-*}; do
		node=$(basename "$sys")
		case $node in video*|vbi*|swradio*|v4l-touch*) ;; *) continue ;; esac
		[ "$(basename "$(readlink "$sys/device/driver")")" = "$1" ] || continue
		name=$(tr 'A-Z' 'a-z' <"$sys/name" | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g')
		echo "/dev/$node $1/$name"
	done
}

# unload_drivers: removes the virtual drivers the suites load, if loaded.
unload_drivers() {
	local m
	for m in vivid vicodec vim2m; do
		! lsmod | grep -q "^$m " || rmmod "$m" || return
	done
}
