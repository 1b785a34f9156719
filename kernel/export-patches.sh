#!/bin/bash
# Write the commits made in the cache's kernel tree of KERNEL (default the
# primary kernel) on top of the pristine base (base..HEAD) to
# kernel/patches/<KERNEL>/, replacing the series. This is how
# kernel changes are developed: commit in $KSRC, export, commit here.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

dir=$KPATCHES
[ -d "$KSRC/.git" ] || { echo "no kernel tree at $KSRC; run 'make kernel'" >&2; exit 1; }
git -C "$KSRC" diff --quiet HEAD ||
	{ echo "$KSRC has uncommitted changes; commit them first" >&2; exit 1; }

find "$dir" -name '*.patch' -delete
git -C "$KSRC" format-patch -q --no-signature --zero-commit -o "$dir" base..HEAD
(cd "$dir" && ls -1 -- *.patch 2>/dev/null || true) >"$dir/series"
# The tree now matches the series: tell build.sh not to re-apply it.
series_hash >"$KSRC/.git/vb2heap-patches"
echo "exported $(wc -l <"$dir/series") patches to kernel/patches/$KERNEL/"
