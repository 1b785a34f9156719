#!/bin/bash
# In-VM suite: the KUnit tests of the dma-buf heap API (dma_heap) and of
# the allocator (vb2-dma-heap), one result per test case, the test modules
# unloaded after them, and the CMA area's books balanced.
. tests/lib/results.sh
. tests/lib/heaps.sh

# Skips that depend on chance, not on the kernel under test. Any other
# skip is a failure here: this VM always has the CMA heap and everything
# else the cases need, so a skip could only hide a regression.
CHANCE_SKIPS='the system heap happened to return contiguous pages'

cma_outstanding() {
	echo $(($(<"$CMA_AREA/alloc_pages_success") - $(<"$CMA_AREA/release_pages_success")))
}

# run_kunit MODULE SUITE: loads the test module, which runs SUITE, reports
# the suite's top-level KTAP lines ("    ok 3 name # SKIP reason") as
# results, and unloads it. The dma_heap cases register heaps owned by
# their module and hold them across removal, so a reference to the module
# that a heap failed to drop would show up as rmmod failing here.
run_kunit() {
	local module=$1 suite=$2 ktap=/sys/kernel/debug/kunit/$2/results
	local cases=0 status name detail
	check "kunit/$suite/modprobe" modprobe "$module" || return
	while read -r status name detail; do
		cases=$((cases + 1))
		if [ "$status" = SKIP ] && [ "$detail" != "$CHANCE_SKIPS" ]; then
			result FAIL "kunit/$suite/$name" "skipped in a VM that has what it needs: $detail"
		else
			result "$status" "kunit/$suite/$name" "$detail"
		fi
	done < <(sed -nE -e 's/^    not ok [0-9]+ ([^ #]+).*/FAIL \1 see the serial log/p' \
		-e 's/^    ok [0-9]+ ([^ #]+) # SKIP *(.*)/SKIP \1 \2/p' \
		-e 's/^    ok [0-9]+ ([^ #]+).*/PASS \1/p' "$ktap")
	[ $cases -gt 0 ] || result FAIL "kunit/$suite" "no results in $ktap"
	check "kunit/$suite/rmmod" rmmod "$module"
}

find_heaps kunit || exit 1
before=$(cma_outstanding)
run_kunit dma_heap_kunit dma_heap
run_kunit videobuf2-dma-heap-test vb2-dma-heap

# Buffers released from kernel threads go back a moment later.
for _ in 1 2 3 4 5; do
	[ "$(cma_outstanding)" = "$before" ] && break
	sleep 1
done
if [ "$(cma_outstanding)" = "$before" ]; then
	result PASS kunit/cma-pages-returned
else
	result FAIL kunit/cma-pages-returned "$(($(cma_outstanding) - before)) CMA pages still allocated"
fi
suite_complete kunit
