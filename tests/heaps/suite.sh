#!/bin/bash
# In-VM suite: the dma-buf heaps the kernel offers allocate, map and free.
. tests/lib/results.sh

for heap in system reserved; do
	check "heaps/$heap" "$BUILD/tests/dma-heap-test" "$heap"
done
suite_complete heaps
