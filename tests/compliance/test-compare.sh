#!/bin/bash
# Host unit test of tests/compliance/compare, the judge that decides whether
# a v4l2-compliance run regressed against the stock-driver baseline, and of
# tests/compliance/heap-verdicts, which judges the heap tests. Each case
# feeds them a crafted log; the broken ones must fail.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 number=0
# KTAP: one result per expect below.
echo "KTAP version 1"
echo "1..21"

# log NAME OK UNSUPPORTED [FAILING-TEST...]: a complete compliance log with
# OK passing tests, UNSUPPORTED "OK (Not Supported)" ones and the named
# failures, and a total line that agrees with them.
log() {
	local name=$1 ok=$2 unsupported=$3 t i
	shift 3
	{
		echo "Compliance test for vim2m device /dev/video0:"
		echo "Streaming ioctls:"
		for ((i = 0; i < ok; i++)); do echo "	test OK test $i: OK"; done
		for ((i = 0; i < unsupported; i++)); do
			echo "	test unsupported test $i: OK (Not Supported)"
		done
		for t in "$@"; do
			echo "		fail: v4l2-test-buffers.cpp(1234): node->streamon(q.g_type())"
			echo "	test $t: FAIL"
		done
		echo "	test DMABUF: Cannot test, specify --expbuf-device"
		echo
		total "$((ok + unsupported + $#))" "$((ok + unsupported))" "$#"
	} >"$tmp/$name.log"
}

total() { # TESTS SUCCEEDED FAILED
	echo "Total for vim2m device /dev/video0: $1, Succeeded: $2, Failed: $3, Warnings: 0"
}

cat >"$tmp/baseline" <<'B'
# comment | ignored | line
vicodec/stateful-decoder | MMAP (select) | needs a bitstream
vicodec/stateful-decoder | MMAP (epoll) | needs a bitstream
vim2m/vim2m | VIDIOC_G/S_PARM | known
tests vicodec/stateful-decoder 58 4
tests vim2m/vim2m 58 4
tests vivid/vivid-000-vid-cap 58 4
heap-tests vim2m/vim2m 2 2
B

# expect NAME STATUS PATTERN NODE LOG: compare's status and summary.
expect() {
	local name=$1 want=$2 pattern=$3 out rc=0
	out=$(./compare "$4" "$tmp/$5.log" "$tmp/baseline" ${6:+"$6"}) || rc=$?
	number=$((number + 1))
	if [ $rc = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		echo "ok $number $name"
	else
		echo "# exit $rc (want $want), output:"
		sed 's/^/#   /' <<<"$out"
		echo "#   !~ /$pattern/"
		echo "not ok $number $name"
		failures=$((failures + 1))
	fi
}

log clean 54 4
expect "clean run passes" 0 '^58/58, not supported: 4$' vivid/vivid-000-vid-cap clean

log known 52 4 "MMAP (select)" "MMAP (epoll)"
expect "baseline failures pass" 0 '^56/58, not supported: 4, known failures: 2$' \
	vicodec/stateful-decoder known

log partly 53 4 "MMAP (select)"
expect "a fixed baseline failure is reported" 0 'known failures: 1, baseline failures now passing: 1$' \
	vicodec/stateful-decoder partly

log new 52 4 "MMAP (select)" "USERPTR (select)"
expect "a new failure fails, with where it failed" 1 \
	'new failures: USERPTR \(select\) \(fail: v4l2-test-buffers\.cpp\(1234\): node->streamon\(q\.g_type\(\)\)\);' \
	vicodec/stateful-decoder new

expect "a baseline entry of another node does not excuse" 1 'new failures: MMAP \(select\) \(fail: ' \
	vim2m/vim2m partly

log slashes 53 4 "VIDIOC_G/S_PARM"
expect "test names are matched literally" 0 'known failures: 1$' vim2m/vim2m slashes

head -n 4 "$tmp/clean.log" >"$tmp/crashed.log"
expect "a log without a total line fails" 1 'did not finish' vim2m/vim2m crashed

# Failures the total counts but no "test X: FAIL" line shows, for example
# because the format of the lines changed.
log hidden 10 0
sed -i '$d' "$tmp/hidden.log"
total 58 10 48 >>"$tmp/hidden.log"
expect "a total with more failures than listed fails" 1 'says 48 failed but 0' \
	vim2m/vim2m hidden

log empty 0 0
sed -i '$d' "$tmp/empty.log"
total 5 0 0 >>"$tmp/empty.log"
expect "a total that does not add up fails" 1 'inconsistent total' vim2m/vim2m empty

log zero 0 0
expect "a run of no tests fails" 1 'counts no tests' vim2m/vim2m zero

# Streaming tests print frame counters on the line of their verdict.
log counters 54 3
sed -i '$d' "$tmp/counters.log"
printf '\tVideo Capture: Frame #000\tVideo Capture: Frame #001\t\ttest USERPTR (select): FAIL\n' \
	>>"$tmp/counters.log"
total 58 57 1 >>"$tmp/counters.log"
expect "a failure after frame counters is seen" 1 'new failures: USERPTR \(select\);' \
	vim2m/vim2m counters

# A poll timeout is reported after the frame counters, on their line,
# before the caller's own fail: line.
log stalled 54 3
sed -i '$d' "$tmp/stalled.log"
printf '\tVideo Output: Frame #002 (select)\t\tfail: v4l2-test-buffers.cpp(1770): ret == 0\n' \
	>>"$tmp/stalled.log"
printf '\t\tfail: v4l2-test-buffers.cpp(2281): captureBufs(node, q)\n\ttest MMAP (select): FAIL\n' \
	>>"$tmp/stalled.log"
total 58 57 1 >>"$tmp/stalled.log"
expect "a failure after frame counters names its first fail: line" 1 \
	'new failures: MMAP \(select\) \(fail: v4l2-test-buffers\.cpp\(1770\): ret == 0\);' \
	vim2m/vim2m stalled

log fewer 50 4
expect "fewer tests than stock fail" 1 'lost tests: 54 run, the stock driver runs 58' \
	vim2m/vim2m fewer

log unsupported 50 8
expect "tests turning into not supported fail" 1 'lost tests: 8 not supported, on the stock driver 4' \
	vim2m/vim2m unsupported

expect "a node without a stock count fails" 1 "no 'tests vim2m/other' line" vim2m/other clean

# The patched v4l2-compliance runs two heap tests more, "not supported" on
# a stock node.
log heaps 54 6
expect "the heap tests count with --heap-tests" 0 '^60/60, not supported: 6, baseline' \
	vim2m/vim2m heaps --heap-tests
expect "a run without them loses tests" 1 'lost tests: 58 run, the stock driver runs 60' \
	vim2m/vim2m clean --heap-tests
expect "a node without heap test counts fails" 1 "no 'heap-tests vivid/vivid-000-vid-cap' line" \
	vivid/vivid-000-vid-cap heaps --heap-tests

# io_log NAME VERDICT: a node with no queue on input 0 (no G_FMT there) and
# heap tests saying VERDICT on input 1, where it has one.
io_log() {
	local ns="OK (Not Supported)"
	printf '%s\n\t%s\n%s\n\t%s\n\t%s\n' >"$tmp/$1.log" \
		"Format ioctls (Input 0):" "test VIDIOC_G_FMT: $ns" \
		"Buffer ioctls (Input 0):" "test VIDIOC_ENUM_HEAPS: $ns" "test VIDIOC_G/S_HEAP: $ns" \
		"Format ioctls (Input 1):" "test VIDIOC_G_FMT: OK" \
		"Buffer ioctls (Input 1):" "test VIDIOC_ENUM_HEAPS: $2" "test VIDIOC_G/S_HEAP: $2"
}

# expect_heaps NAME STATUS PATTERN LABEL LOG: heap-verdicts' status and
# output.
expect_heaps() {
	local name=$1 want=$2 pattern=$3 out rc=0
	out=$(./heap-verdicts "$4" "$tmp/$5.log") || rc=$?
	number=$((number + 1))
	if [ $rc = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		echo "ok $number $name"
	else
		echo "# exit $rc (want $want), output: $out !~ /$pattern/"
		echo "not ok $number $name"
		failures=$((failures + 1))
	fi
}

io_log heaps-ok OK
expect_heaps "heap tests need no queue where the node has none" 0 '^$' heap=system heaps-ok
io_log heaps-lost "OK (Not Supported)"
expect_heaps "a queue without heap ioctls fails" 1 \
	"'test VIDIOC_ENUM_HEAPS' is not 'OK' 1 time\(s\) of 2" heap=system heaps-lost
expect_heaps "stock nodes have no heap ioctls anywhere" 0 '^$' stock heaps-lost

exit $((failures > 0))
