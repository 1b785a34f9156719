#!/bin/bash
# In-VM suite: the allocator's KUnit tests (kernel/vb2-heap), one result per
# test case, and the CMA area's books balanced after them.
. tests/lib/results.sh

SUITE=vb2-dma-heap
CMA=/sys/kernel/mm/cma/reserved
# Skips that depend on chance, not on the kernel under test. Any other
# skip is a failure here: this VM always has the CMA heap and everything
# else the cases need, so a skip could only hide a regression.
CHANCE_SKIPS='the system heap happened to return contiguous pages'

cma_outstanding() {
	echo $(($(<$CMA/alloc_pages_success) - $(<$CMA/release_pages_success)))
}

before=$(cma_outstanding)
check kunit/modprobe modprobe videobuf2-dma-heap-test

# The suite's top-level KTAP lines, "    ok 3 name # SKIP reason", as results.
ktap=/sys/kernel/debug/kunit/$SUITE/results
cases=0
while read -r status name detail; do
	cases=$((cases + 1))
	if [ "$status" = SKIP ] && [ "$detail" != "$CHANCE_SKIPS" ]; then
		result FAIL "kunit/$SUITE/$name" "skipped in a VM that has what it needs: $detail"
	else
		result "$status" "kunit/$SUITE/$name" "$detail"
	fi
done < <(sed -nE -e 's/^    not ok [0-9]+ ([^ #]+).*/FAIL \1 see the serial log/p' \
	-e 's/^    ok [0-9]+ ([^ #]+) # SKIP *(.*)/SKIP \1 \2/p' \
	-e 's/^    ok [0-9]+ ([^ #]+).*/PASS \1/p' "$ktap")
[ $cases -gt 0 ] || result FAIL "kunit/$SUITE" "no results in $ktap"
rmmod videobuf2-dma-heap-test

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
