#!/bin/bash
# Write the postable series of KERNEL (default the primary kernel) to
# build/series/<KERNEL>/: the patches of kernel/patches/<KERNEL>/series as
# commits of the patched tree, with the files they add from the project,
# and a cover letter made from kernel/patches/<KERNEL>/cover-letter (its
# first line is the subject).
#
#   kernel/series.sh [--check]
#
# --check then proves the series bisectable: it applies the written
# patches one by one with git am to the pristine base, in a worktree of
# its own, and after each one builds every directory that holds a C file
# the series has touched so far, with the configuration of the test
# kernel: what that configuration builds there must build without a
# warning.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

out=$VB2HEAP_TOP/build/series/$KERNEL
die() { echo "kernel/series.sh: $*" >&2; exit 1; }

write_series() {
	local letter=$KPATCHES/cover-letter cover
	[ -f "$letter" ] || die "no cover letter: $letter"
	"$VB2HEAP_TOP/kernel/build.sh" --apply-only
	rm -rf "$out"
	git -C "$KSRC" -c user.name="vb2-heap developers" \
		-c user.email=vb2-heap@lists.example.org \
		format-patch -q --no-signature --zero-commit --cover-letter \
		--subject-prefix="PATCH" -o "$out" base..HEAD
	cover=$out/0000-cover-letter.patch
	python3 - "$cover" "$letter" <<'PY'
import sys
cover, letter = sys.argv[1:]
subject, _, blurb = open(letter).read().partition("\n")
text = open(cover).read()
for placeholder, value in (("*** SUBJECT HERE ***", subject.strip()),
                           ("*** BLURB HERE ***", blurb.strip())):
    if placeholder not in text:
        sys.exit(f"{cover}: no '{placeholder}' to fill in")
    text = text.replace(placeholder, value)
open(cover, "w").write(text)
PY
	echo "wrote $(find "$out" -name '*.patch' | wc -l) files to ${out#"$VB2HEAP_TOP"/}/"
}

check_series() {
	local wt=$VB2HEAP_CACHE/linux-$KERNEL/series-check
	local bout=$KTREE/series-check config=$KOUT/.config
	local patch f targets
	local -A dirs=()
	[ -f "$config" ] || die "no kernel configuration at $config; run 'make kernel'"
	if [ ! -e "$wt/.git" ]; then
		git -C "$KSRC" worktree prune
		git -C "$KSRC" worktree add -q --detach "$wt" base
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" reset -q --hard base
	git -C "$wt" clean -q -fdx
	mkdir -p "$bout"
	for patch in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "${patch##*/}" = 0000-cover-letter.patch ] && continue
		git -C "$wt" -c user.name=vb2-heap -c user.email=vb2-heap@localhost \
			am -q "$patch" || die "${patch##*/} does not apply"
		while read -r f; do
			[ -f "$wt/$f" ] && dirs[${f%/*}/]=1
		done < <(git -C "$wt" diff --name-only HEAD~1 HEAD -- '*.c')
		# Options a later patch adds are unknown until then: start from
		# the test kernel's full configuration every time.
		cp "$config" "$bout/.config"
		make -s -C "$wt" O="$bout" olddefconfig >/dev/null
		targets=("${!dirs[@]}")
		if [ ${#targets[@]} = 0 ]; then
			echo "ok ${patch##*/}: applies (no C file touched yet)"
			continue
		fi
		# Warnings count: the test kernel builds with -Werror too.
		if ! make -s -C "$wt" O="$bout" -j"$(nproc)" "${targets[@]}" >"$bout/make.log" 2>&1 ||
			grep -q 'warning:' "$bout/make.log"; then
			cat "$bout/make.log" >&2
			die "the tree does not build cleanly after ${patch##*/}"
		fi
		echo "ok ${patch##*/}: builds (${targets[*]})"
	done
}

write_series
[ "${1:-}" = --check ] && check_series
exit 0
