#!/bin/bash
# Host unit test of tests/compliance/compare: the judge that decides whether
# a v4l2-compliance run regressed against the stock-driver baseline.
set -uo pipefail
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

log() { # NAME FAILING-TEST... : a compliance log where the named tests fail
	local name=$1 t
	shift
	{
		echo "Compliance test for vim2m device /dev/video0:"
		echo "Streaming ioctls:"
		echo "	test read/write: OK (Not Supported)"
		echo "	test MMAP (no poll): OK"
		for t in "$@"; do
			echo "		fail: v4l2-test-buffers.cpp(1234): node->streamon(q.g_type())"
			echo "	test $t: FAIL"
		done
		echo "	test DMABUF: Cannot test, specify --expbuf-device"
		echo
		echo "Total for vim2m device /dev/video0: 58, Succeeded: $((58 - $#)), Failed: $#, Warnings: 0"
	} >"$tmp/$name.log"
}

cat >"$tmp/baseline" <<'B'
# comment | ignored | line
vicodec/stateful-decoder | MMAP (select) | needs a bitstream
vicodec/stateful-decoder | MMAP (epoll) | needs a bitstream
vim2m/vim2m | VIDIOC_G/S_PARM | known
B

# expect NAME STATUS PATTERN NODE LOG: compare's status and summary.
expect() {
	local name=$1 want=$2 pattern=$3 out rc=0
	out=$(./compare "$4" "$tmp/$5.log" "$tmp/baseline") || rc=$?
	if [ $rc = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		echo "ok $name"
	else
		echo "not ok $name: exit $rc (want $want), output '$out' !~ /$pattern/"
		failures=$((failures + 1))
	fi
}

log clean
expect "clean run passes" 0 '^58/58$' vivid/vivid-000-vid-cap clean

log known "MMAP (select)" "MMAP (epoll)"
expect "baseline failures pass" 0 '^56/58, known failures: 2$' vicodec/stateful-decoder known

log partly "MMAP (select)"
expect "a fixed baseline failure is reported" 0 'known failures: 1, baseline failures now passing: 1$' \
	vicodec/stateful-decoder partly

log new "MMAP (select)" "USERPTR (select)"
expect "a new failure fails" 1 'new failures: USERPTR \(select\);' vicodec/stateful-decoder new

expect "a baseline entry of another node does not excuse" 1 'new failures: MMAP \(select\);' \
	vim2m/vim2m partly

log slashes "VIDIOC_G/S_PARM"
expect "test names are matched literally" 0 'known failures: 1$' vim2m/vim2m slashes

head -n 4 "$tmp/clean.log" >"$tmp/crashed.log"
expect "a log without a total line fails" 1 'did not finish' vim2m/vim2m crashed

exit $((failures > 0))
