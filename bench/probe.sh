#!/bin/bash
# In the VM, by hand: where the time of a contiguous allocation and of its
# release goes, for vb2-dma-contig and for vb2-dma-heap on the CMA heap,
# from kprobe and kretprobe timestamps on the functions of both paths
# (those the kernel has; static functions may be inlined away). No perf
# in the VM, and no function tracer in the bench kernel, but it has
# kprobe events.
#
#   VARIANT=bench tests/vm/run bench/probe.sh [FORMAT [COUNT]]
#
# Prints, per allocator, the allocating and the freeing REQBUFS times of
# three repetitions and the calls and total milliseconds spent in each
# function.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/paths.sh
. tests/lib/results.sh
. tests/lib/v4l2.sh
. tests/lib/heaps.sh

FORMAT=${1:-1920x1080:YUYV} COUNT=${2:-8}
FUNCS="vb2_dc_alloc dma_direct_alloc vb2_dma_heap_alloc dma_heap_mem_alloc
	cma_heap_mem_alloc cma_alloc sg_alloc_table_from_pages_segment vm_map_ram
	vb2_dc_put dma_direct_free vb2_dma_heap_put dma_heap_mem_free cma_release
	vm_unmap_ram kvfree"
T=/sys/kernel/tracing

find_heaps probe >/dev/null
modprobe vivid n_devs=2 node_types=0x1,0x1 allocators=1,1 "heap=,$CMA_HEAP"
mountpoint -q $T || mount -t tracefs tracefs $T
for f in $FUNCS; do
	grep -qw "$f" /proc/kallsyms || { echo "not probed (not in the kernel): $f"; continue; }
	echo "p:e_$f $f" >>$T/kprobe_events
	echo "r:r_$f $f" >>$T/kprobe_events
done

for inst in 000 001; do
	dev=$(node_named "vivid-$inst-vid-cap")
	echo "== $(active_heaps "$dev" | sed 's/^stock$/vb2-dma-contig/'): REQBUFS of $COUNT x $FORMAT, ms"
	: >$T/trace
	echo 1 >$T/events/kprobes/enable
	"$BUILD/bench/alloc" reqbufs "$FORMAT" "$COUNT" 3 "$dev" |
		awk '$2 == "ioctl" || $2 == "free" { t[$2] = t[$2] sprintf(" %.1f", $3 / 1e6) }
		END { print "  allocating:" t["ioctl"] "; munmap and REQBUFS(0):" t["free"] }'
	echo 0 >$T/events/kprobes/enable
	# "... TIMESTAMP: e_FUNC: ..." opens a call, "r_FUNC" closes it.
	awk '{
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = $i + 0
			if ($i ~ /^[er]_.*:$/) ev = substr($i, 1, length($i) - 1)
		}
		f = substr(ev, 3)
		if (ev ~ /^e_/) start[f] = ts
		else if (f in start) { sum[f] += ts - start[f]; n[f]++; delete start[f] }
	} END { for (f in sum) printf "  %-34s %4d calls %8.1f ms\n", f, n[f], sum[f] * 1000 }' \
		<(grep -E ' [er]_' $T/trace) | sort
done
echo >$T/kprobe_events
unload_drivers
grep -oE '\b(erms|fsrm|fsrs|rep_good)\b' /proc/cpuinfo | sort -u | tr '\n' ' ' |
	sed 's/^/CPU string-operation flags: /; s/$/\n/'
