#!/bin/bash
# In-VM suite: the dma-buf heaps the kernel offers allocate, map and free.
. tests/lib/results.sh
. tests/lib/heaps.sh

find_heaps heaps || exit 1
ktap_plan ${#HEAPS[@]}
for heap in "${HEAPS[@]}"; do
	check "heaps/$heap" "$BUILD/tests/dma-heap-test" "$heap"
done
