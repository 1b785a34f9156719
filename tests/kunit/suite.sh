#!/bin/bash
# In-VM suite: the KUnit tests of the dma-buf heap API (dma_heap) and of
# the allocator (vb2-dma-heap), each KUnit suite's own KTAP nested as one
# test with its cases below, the test modules unloaded after them, and the
# CMA area's books balanced.
. tests/lib/results.sh
. tests/lib/heaps.sh

# Skips that depend on chance, not on the kernel under test. Any other
# skip is a failure here: this VM always has the CMA heap and everything
# else the cases need, so a skip could only hide a regression.
CHANCE_SKIPS='the system heap happened to return contiguous pages'

# run_kunit MODULE SUITE: loads the test module, which runs SUITE, nests
# the KTAP KUnit keeps in debugfs as this suite's test SUITE (its own
# version line and plan, for one suite, give way to ours; the suite's
# result line keeps KUnit's verdict), judges its skips, and unloads it.
# The dma_heap cases register heaps owned by their module and hold them
# across removal, so a reference to the module that a heap failed to drop
# would show up as rmmod failing here. Four results.
run_kunit() {
	local module=$1 suite=$2 ktap=/sys/kernel/debug/kunit/$2/results
	local verdict skips
	check "kunit/$suite/modprobe" modprobe "$module"
	verdict=$(tail -n 1 "$ktap" 2>/dev/null)
	if [[ $verdict =~ ^(not\ )?ok\ 1\ $suite(\ #\ (.*))?$ ]]; then
		sed -e '1,2d' -e '$d' "$ktap" >>"$VB2HEAP_KTAP"
		if [ -n "${BASH_REMATCH[1]}" ]; then
			result FAIL "kunit/$suite" "${BASH_REMATCH[3]:-see the serial log}"
		elif [[ ${BASH_REMATCH[3]} == SKIP* ]]; then
			result SKIP "kunit/$suite" "${BASH_REMATCH[3]#SKIP }"
		else
			result PASS "kunit/$suite"
		fi
	else
		result FAIL "kunit/$suite" "no results in $ktap"
	fi
	# Any skip but those of chance is a failure here.
	skips=$(sed -nE 's/^    ok [0-9]+ ([^ #]+) # SKIP *(.*)/\1: \2/p' "$ktap" 2>/dev/null |
		grep -vF ": $CHANCE_SKIPS" | tr '\n' ' ')
	if [ -z "$skips" ]; then
		result PASS "kunit/$suite/skips"
	else
		result FAIL "kunit/$suite/skips" "skipped in a VM that has what it needs: $skips"
	fi
	check "kunit/$suite/rmmod" rmmod "$module"
}

find_heaps kunit || exit 1
# Two KUnit suites, four results each, and the CMA pages.
ktap_plan $((2 * 4 + 1))
before=$(cma_held)
run_kunit dma_heap_kunit dma_heap
run_kunit videobuf2-dma-heap-test vb2-dma-heap

# Buffers released from kernel threads go back a moment later.
for _ in 1 2 3 4 5; do
	[ "$(cma_held)" = "$before" ] && break
	sleep 1
done
if [ "$(cma_held)" = "$before" ]; then
	result PASS kunit/cma-pages-returned
else
	result FAIL kunit/cma-pages-returned "$(($(cma_held) - before)) CMA pages still allocated"
fi
