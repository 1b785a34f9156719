# shellcheck shell=bash
# The heaps and the CMA area the suites test with, as the running kernel
# names them. The CMA heap of the cma= area is "reserved" on 6.12 and
# "default_cma_region" on 7.3, which registers the same area a second time
# as "reserved"; the area itself is "reserved" on both. So the suites take
# the heap the kernel reports as contiguous and never spell either name.

# kernel_heaps: "NAME CAPS" for every heap under /dev/dma_heap, in the
# byte order of the names (v4l2-heap's order), CAPS "contiguous" when bit 0
# of the hex bitmask in /sys/class/dma_heap/NAME/caps is set, else "-".
# Straight from the kernel, so that the tool's own listing can be judged
# against it.
kernel_heaps() {
	local node name caps
	for node in /dev/dma_heap/*; do
		[ -e "$node" ] || continue
		name=${node##*/}
		caps=0
		[ ! -r "/sys/class/dma_heap/$name/caps" ] ||
			read -r caps <"/sys/class/dma_heap/$name/caps"
		if ((caps & 1)); then
			echo "$name contiguous"
		else
			echo "$name -"
		fi
	done | LC_ALL=C sort -k1,1
}

# find_heaps SUITE: sets CMA_HEAP, the first contiguous heap by name;
# CMA_AREA, the /sys/kernel/mm/cma directory of the one CMA area, whose
# counters show what came from CMA; and HEAPS, the heaps the suites run
# each configuration with. Without them a suite would test nothing it
# claims to, so it fails SUITE/heaps with the reason instead.
find_heaps() {
	local areas found
	CMA_HEAP=$(kernel_heaps | awk '$2 == "contiguous" { print $1; exit }')
	if [ -z "$CMA_HEAP" ]; then
		result FAIL "$1/heaps" "no heap in /dev/dma_heap is contiguous: $(kernel_heaps | tr '\n' ' ')"
		return 1
	fi
	areas=(/sys/kernel/mm/cma/*/)
	if [ ${#areas[@]} != 1 ] || [ ! -d "${areas[0]}" ]; then
		found=$(find /sys/kernel/mm/cma -mindepth 1 -maxdepth 1 -printf '%f ' 2>&1)
		result FAIL "$1/heaps" "want exactly one CMA area in /sys/kernel/mm/cma, found: ${found:-none}"
		return 1
	fi
	# shellcheck disable=SC2034 # for the suites
	CMA_AREA=${areas[0]%/}
	# shellcheck disable=SC2034
	HEAPS=(system "$CMA_HEAP")
}

# cma_allocated: how many pages the CMA area has handed out since boot, the
# mark came_from counts from.
cma_allocated() { echo "$(<"$CMA_AREA/alloc_pages_success")"; }

# cma_held: pages the CMA area has handed out and not taken back. CmaFree
# in /proc/meminfo would not do: movable pages of any process use free CMA.
cma_held() {
	echo $(($(<"$CMA_AREA/alloc_pages_success") - $(<"$CMA_AREA/release_pages_success")))
}

# came_from HEAP MARK [PAGES]: the memory allocated since cma_allocated
# printed MARK came from HEAP: the CMA area handed out at least PAGES pages
# (default 1) if HEAP is the CMA heap, and none for any other heap, whose
# memory is the system's. Says what it counted.
came_from() {
	local heap=$1 min=${3:-1} delta
	delta=$(($(cma_allocated) - $2))
	if [ "$heap" = "$CMA_HEAP" ]; then
		echo "$delta CMA pages allocated from $heap, want at least $min"
		[ "$delta" -ge "$min" ]
	else
		echo "$delta CMA pages allocated with $heap, want none"
		[ "$delta" = 0 ]
	fi
}
