# shellcheck shell=bash
# Finding V4L2 device nodes in the VM, which runs no udev: no /dev/v4l
# links, so nodes are found through sysfs by name or by driver. Loading
# the virtual drivers with exactly the configuration a test asks for.

VIRTUAL_DRIVERS=(vivid vicodec vim2m vimc)
# vivid's node_types for its video and metadata capture and output nodes
# only: suites that test video nodes load it much faster without the VBI,
# radio, SDR, touch and framebuffer devices.
VIVID_VIDEO_NODES=0x60101
# The video nodes of each converted driver: vim2m one, vicodec its encoder
# and two decoders, vivid (with VIVID_VIDEO_NODES) video and metadata
# capture and output, vimc the capture nodes of its default topology.
declare -A VIDEO_NODES=([vim2m]=1 [vicodec]=3 [vivid]=4 [vimc]=3)

# node_named NAME: the node whose name attribute is exactly NAME.
node_named() {
	grep -lxF "$1" /sys/class/video4linux/*/name | sed -E 's|.*/([^/]+)/name$|/dev/\1|'
}

# streaming_nodes DRIVER [GLOB]: "node id" pairs of the driver's streaming
# nodes, those whose /dev name matches GLOB if given (e.g. 'video*'). Ids
# are "driver/name" so that they do not depend on probe order. Shell
# builtins only: every process costs tens of milliseconds in the VM.
streaming_nodes() {
	local sys node name line driver
	for sys in /sys/class/video4linux/${2:-*}; do
		node=${sys##*/}
		case $node in video*|vbi*|swradio*|v4l-touch*) ;; *) continue ;; esac
		driver=
		while read -r line; do
			[[ $line != DRIVER=* ]] || driver=${line#DRIVER=}
		done <"$sys/device/uevent"
		[ "$driver" = "$1" ] || continue
		read -r name <"$sys/name"
		name=${name,,}
		name=${name//[^a-z0-9]/-}
		while [[ $name == *--* ]]; do name=${name//--/-}; done
		name=${name#-}
		echo "/dev/$node $1/${name%-}"
	done
}

# unload_drivers: removes the virtual drivers the suites load; fails when
# one of them stays loaded.
unload_drivers() {
	local m
	for m in "${VIRTUAL_DRIVERS[@]}"; do
		[ -d "/sys/module/$m" ] || continue
		rmmod "$m" || { echo "unload_drivers: $m stays loaded" >&2; return 1; }
	done
}

# active_heaps DEVICE: the heap each queue of DEVICE allocates from, one
# per line, or "stock" when the driver answers that it has no heap support.
active_heaps() {
	local table rc=0 usage heap
	table=$("$BUILD/userspace/v4l2-heap" -d "$1" --list 2>/dev/null) || rc=$?
	case $rc in
	0)
		while read -r usage heap _; do
			[ "$usage" != active ] || echo "$heap"
		done <<<"$table" ;;
	4) echo stock ;;
	*) echo "v4l2-heap -d $1 --list failed with status $rc" >&2; return 1 ;;
	esac
}

# load_drivers "MODULE [PARAM=VALUE...]"...: unloads every virtual driver,
# loads each MODULE for the first time with its parameters, and checks
# with drivers_took that they use the heaps they were given. A test that
# goes on after a failed load could be judging the previous configuration.
load_drivers() {
	local spec module params
	unload_drivers || return
	for spec in "$@"; do
		read -r module params <<<"$spec"
		# shellcheck disable=SC2086 # one parameter per word
		modprobe --first-time "$module" $params || return
	done
	drivers_took "$@"
}

# drivers_took "MODULE [PARAM=VALUE...]"...: the loaded drivers use the
# heaps these parameters ask for: each heap parameter reads back as given,
# and every queue of every video node reports that heap as its active one
# (a driver without heap= answers as a stock driver). vivid takes one heap
# per instance, like its other array parameters.
drivers_took() {
	local spec module params p heaps dev id want got
	for spec in "$@"; do
		read -r module params <<<"$spec"
		heaps=
		for p in $params; do
			[[ $p != heap=* ]] || heaps=${p#heap=}
		done
		# vivid prints all of its array, empty entries included.
		got=$(sed 's/(null)//g' "/sys/module/$module/parameters/heap" 2>/dev/null)
		if [[ $got != "$heaps"* ]]; then
			echo "$module: parameter heap reads '$got', want '$heaps'" >&2
			return 1
		fi
		while read -r dev id; do
			want=$heaps
			if [ "$module" = vivid ]; then
				[[ $id =~ ^vivid/vivid-0*([0-9]+)- ]] || return
				IFS=, read -r -a want <<<"$heaps"
				want=${want[${BASH_REMATCH[1]}]:-}
			fi
			got=$(active_heaps "$dev" | sort -u | tr '\n' ' ') || return
			echo "$id ($dev): ${got% }"
			[ "${got% }" = "${want:-stock}" ] ||
				{ echo "$id: active heap '${got% }', want '${want:-stock}'" >&2; return 1; }
		done < <(streaming_nodes "$module" 'video*')
	done
}

# configure_vimc: vimc's defaults cannot stream: the sensors start as
# RGB888 while the debayers only take Bayer input, and STREAMON validates
# every enabled link. Configures the pipeline as
# Documentation/admin-guide/media/vimc.rst does.
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
