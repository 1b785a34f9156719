#!/bin/bash
# Host test: the kernel code meets the upstream bar. checkpatch --strict on
# every patch of every kernel's series as posted and on the allocator's
# sources, and kernel-doc on everything that carries exported symbols,
# using the scripts of the primary kernel's tree that 'make kernel' unpacked.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/paths.sh
. tests/lib/results.sh

[ -x "$KSRC/scripts/checkpatch.pl" ] || { echo "not ok: no kernel tree at $KSRC"; exit 1; }
# The Debian source has no git history, so checkpatch can neither find the
# commits that Fixes: tags name nor check the tags' form: fixes_form does.
checkpatch=("$KSRC/scripts/checkpatch.pl" --strict --quiet --no-tree --show-types
	--ignore UNKNOWN_COMMIT_ID)
failures=0


# fixes_form PATCH: its Fixes: tags that are not 12 digits of the commit
# id and its subject, as submitting-patches.rst asks.
fixes_form() {
	grep '^Fixes:' "$1" | grep -vE '^Fixes: [0-9a-f]{12} \(".+"\)$' | sed 's/^/malformed: /'
}

# v4l2's ioctl debug printers continue the line the core starts, so there
# pr_cont() is the only way to write one; the summary line is dropped so
# that nothing is left when nothing else was reported.
drop_allowed() {
	awk -v RS= '
		/^WARNING:LOGGING_CONTINUATION:/ &&
		/FILE: drivers\/media\/v4l2-core\/v4l2-ioctl\.c:/ { next }
		/^total: / { next }
		{ print; print "" }'
}

# KTAP: a test per kernel's series, with a subtest per patch, known once
# kernel/series.sh wrote them; one per C file the series creates; two
# kernel-doc runs.
kernels=$(kernel_matrix | awk '{ print $1 }')
mapfile -t sources < <(find kernel/tree -name '*.[ch]' | sort)
echo "KTAP version 1"
echo "1..$(($(wc -w <<<"$kernels") + ${#sources[@]} + 2))"
n=0

# The series as posted: the patches with the files the project adds to
# them, as kernel/series.sh writes them.
for kernel in $kernels; do
	n=$((n + 1))
	echo "    KTAP version 1"
	if ! out=$(KERNEL=$kernel kernel/series.sh 2>&1); then
		sed 's/^/    # /' <<<"$out"
		echo "not ok $n series $kernel"
		failures=$((failures + 1))
		continue
	fi
	patches=()
	for patch in "build/series/$kernel"/[0-9]*.patch; do
		[ "${patch##*/}" = 0000-cover-letter.patch ] || patches+=("$patch")
	done
	echo "    1..${#patches[@]}"
	p=0 before=$failures
	for patch in "${patches[@]}"; do
		p=$((p + 1))
		ktap_judge $p "checkpatch $kernel/${patch##*/}" \
			"$("${checkpatch[@]}" "$patch" 2>&1 | drop_allowed; fixes_form "$patch")" "    "
	done
	if [ $failures = "$before" ]; then
		echo "ok $n series $kernel"
	else
		echo "not ok $n series $kernel"
	fi
done

for f in "${sources[@]}"; do
	n=$((n + 1))
	ktap_judge $n "checkpatch $f" "$("${checkpatch[@]}" -f "$f" 2>&1)"
done

# Everything that exports symbols: the allocator and the heap policy, which
# the series creates, and the heaps' core, which it extends.
ktap_judge $((n + 1)) "kernel-doc kernel/tree" "$(cd kernel/tree && "$KSRC/scripts/kernel-doc" -none -Wall \
	drivers/media/common/videobuf2/videobuf2-{dma-heap,heap}.c include/media/videobuf2-{dma-heap,heap}.h 2>&1)"
ktap_judge $((n + 2)) "kernel-doc dma-heap" "$(cd "$KSRC" && scripts/kernel-doc -none -Wall \
	drivers/dma-buf/dma-heap.c include/linux/dma-heap.h 2>&1)"

exit $((failures > 0))
