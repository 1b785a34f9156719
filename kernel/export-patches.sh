#!/bin/bash
# Write the commits made in the cache's kernel tree of KERNEL (default the
# primary kernel) on top of the pristine base (base..HEAD) to
# kernel/patches/<KERNEL>/, replacing the series. This is how
# kernel changes are developed: commit in $KSRC, export, commit here.
#
# The files the series adds from the project (the allocator, the
# documentation) are left out of the exported patches: edit them in the
# project. A patch keeps the additions its series line had, matched by
# its name without the number.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

dir=$KPATCHES
[ -d "$KSRC/.git" ] || { echo "no kernel tree at $KSRC; run 'make kernel'" >&2; exit 1; }
git -C "$KSRC" diff --quiet HEAD ||
	{ echo "$KSRC has uncommitted changes; commit them first" >&2; exit 1; }
gitdir=$(git -C "$KSRC" rev-parse --absolute-git-dir)
[ ! -d "$gitdir/rebase-merge" ] && [ ! -d "$gitdir/rebase-apply" ] ||
	{ echo "$KSRC is in the middle of a rebase or git am; finish it first" >&2; exit 1; }

# The tree paths of what the series adds, as pathspecs to leave out.
excludes=()
for word in $(series_lines | cut -s -d' ' -f2-); do
	case $word in
	+vb2-heap)
		while read -r _ dst; do
			excludes+=(":!$dst")
		done < <(vb2_heap_files) ;;
	+*) excludes+=(":!${word#+}") ;;
	esac
done

old=$(series_lines)
find "$dir" -name '*.patch' -delete
git -C "$KSRC" format-patch -q --no-signature --zero-commit -o "$dir" base..HEAD -- . "${excludes[@]}"
{
	sed -n '/^#/p' "$dir/series"
	for p in $(cd "$dir" && ls -1 -- *.patch 2>/dev/null); do
		additions=$(awk -v name="${p#[0-9][0-9][0-9][0-9]-}" \
			'{ n = $1; sub(/^[0-9]+-/, "", n) } n == name { $1 = ""; print substr($0, 2) }' <<<"$old")
		echo "$p${additions:+ $additions}"
	done
} >"$dir/series.new"
mv "$dir/series.new" "$dir/series"
echo "exported $(series_lines | wc -l) patches to kernel/patches/$KERNEL/"
# The tree matches the series unless the project's additions were edited
# since they were put in it: only then may build.sh skip re-applying it.
stamp=$KSRC/.git/vb2heap-patches
rm -f "$stamp"
for word in $(series_lines | cut -s -d' ' -f2-); do
	case $word in
	+vb2-heap)
		while read -r src dst; do
			cmp -s "$src" "$KSRC/$dst" || exit 0
		done < <(vb2_heap_files) ;;
	+*) cmp -s "$VB2HEAP_TOP/${word#+}" "$KSRC/${word#+}" || exit 0 ;;
	esac
done
series_hash >"$stamp"
