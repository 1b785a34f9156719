#!/bin/bash
# Build v4l2-compliance and v4l2-ctl of the v4l-utils release the VM runs,
# with the heap series of this directory (patches/series) applied, and
# install them where the VM runs them: $BUILD/v4l-utils/bin/ (the project
# is mounted at the same path in the VM).
#
# The source comes from fetch-source.sh; when no mirror serves it, the
# build ends without tools and says so, and the compliance suite skips the
# heap tests. The patched tree is a git
# repository in $VB2HEAP_CACHE/v4l-utils/src, one commit per patch (git am),
# rebuilt only when the series changes: the tree is keyed on the series and
# every patch it lists, like kernel/build.sh's. Only the two tools are
# built: every optional part of v4l-utils is disabled and ninja builds
# their two targets.
#
# The series carries the heap uAPI in v4l-utils' own copies of videodev2.h
# and dma-heap.h, as upstream v4l-utils does; the build checks that they
# match the patched kernel's installed uAPI headers ($KHDR), so that the
# tools and the kernel can never disagree on a structure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"

die() { echo "userspace/v4l-utils/build.sh: $*" >&2; exit 1; }

PATCHES=$here/patches
SRC=$VB2HEAP_CACHE/v4l-utils/src
OUT=$VB2HEAP_CACHE/v4l-utils/build
BIN=$BUILD/v4l-utils/bin
TOOLS=(v4l2-compliance v4l2-ctl)

series() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCHES/series"; }

series_key() {
	{ cat "$here/VERSION" "$PATCHES/series"; series | sed "s|^|$PATCHES/|" | xargs cat; } |
		sha256sum | cut -d' ' -f1
}

# The patched tree: unpacked and committed once, then the series applied
# again whenever it changed.
prepare_tree() {
	local stamp=$SRC/.git/vb2heap-series want tree p
	want=$(series_key)
	[ -f "$stamp" ] && [ "$(<"$stamp")" = "$want" ] && return
	tree=$("$here/fetch-source.sh") || {
		[ $? = 2 ] || exit 1
		# No source to be had: no tools, rather than tools of another series.
		rm -f "${TOOLS[@]/#/$BIN/}"
		echo "userspace/v4l-utils/build.sh: no v4l-utils source, so no patched" \
			"tools: the compliance suite runs the packaged v4l2-compliance" \
			"without the heap tests" >&2
		exit 0
	}
	echo ">>> applying the v4l-utils heap series to $(basename "$tree")" >&2
	rm -rf "$SRC" "$OUT"
	mkdir -p "$(dirname "$SRC")"
	cp -a "$tree" "$SRC"
	git -C "$SRC" init -q
	git -C "$SRC" add -A
	git -C "$SRC" -c user.name=vb2-heap -c user.email=vb2-heap@localhost \
		commit -q -m "v4l-utils $(<"$here/VERSION")"
	while read -r p; do
		git -C "$SRC" -c user.name=vb2-heap -c user.email=vb2-heap@localhost \
			am -q --committer-date-is-author-date "$PATCHES/$p" ||
			die "$p does not apply; the tree is left in $SRC"
	done < <(series)
	echo "$want" >"$stamp"
}

# The heap section and the heap lines of the two videodev2.h agree, and
# so do the two dma-heap.h.
check_uapi() {
	local ours=$SRC/include/linux/videodev2.h theirs=$KHDR/include/linux/videodev2.h
	[ -f "$theirs" ] || die "no $theirs: build the kernel first (make kernel)"
	heap_uapi() {
		sed -n '/D M A - B U F   H E A P S/,/I O C T L   C O D E S/p' "$1"
		grep -E 'HEAP' "$1"
	}
	diff -u <(heap_uapi "$theirs") <(heap_uapi "$ours") >&2 ||
		die "the series' videodev2.h heap uAPI differs from $theirs"
	diff -u "$KHDR/include/linux/dma-heap.h" "$SRC/include/linux/dma-heap.h" >&2 ||
		die "the series' dma-heap.h differs from $KHDR/include/linux/dma-heap.h"
}

configure() {
	[ -f "$OUT/build.ninja" ] && return
	echo ">>> configuring v4l-utils (v4l2-compliance and v4l2-ctl only)" >&2
	meson setup "$OUT" "$SRC" --buildtype=debugoptimized \
		-Dv4l-plugins=false -Dv4l-wrappers=false -Dlibdvbv5=disabled \
		-Dbpf=disabled -Dgconv=disabled -Djpeg=disabled \
		-Dqv4l2=disabled -Dqvidcap=disabled -Dv4l2-tracer=disabled \
		-Ddoxygen-doc=disabled \
		-Dv4l2-compliance-libv4l=false -Dv4l2-ctl-libv4l=false \
		-Dv4l2-ctl-stream-to=false >&2
}

prepare_tree
check_uapi
configure
ninja -C "$OUT" -j "$(nproc)" utils/v4l2-compliance/v4l2-compliance utils/v4l2-ctl/v4l2-ctl >&2
mkdir -p "$BIN"
for t in "${TOOLS[@]}"; do
	cmp -s "$OUT/utils/$t/$t" "$BIN/$t" || cp "$OUT/utils/$t/$t" "$BIN/$t"
done
echo "$BIN"
