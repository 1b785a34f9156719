#!/bin/bash
# Make the pinned Debian source tarball of KERNEL (kernel/VERSION; default
# the primary kernel) available in the cache and print its path:
#   $VB2HEAP_CACHE/sources/<package>_<version>/usr/src/<package>.tar.xz
#
# The .deb comes from the host's own apt sources when kernel/VERSION's suite
# column is "-", otherwise from that suite of the host's Debian mirror. A
# tarball already in the cache is printed without touching the network.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

die() { echo "kernel/fetch-source.sh: $*" >&2; exit 1; }

dir=$VB2HEAP_CACHE/sources/${KERNEL_PACKAGE}_$KERNEL_VERSION
tarball=$dir/usr/src/$KERNEL_PACKAGE.tar.xz
if [ -f "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

mkdir -p "$VB2HEAP_CACHE/sources"
tmp=$(mktemp -d "$VB2HEAP_CACHE/sources/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
apt_download "$KERNEL_ARCHIVE_SUITE" "$tmp" "$KERNEL_PACKAGE=$KERNEL_VERSION" ||
	die "cannot download $KERNEL_PACKAGE $KERNEL_VERSION; fix kernel/VERSION"
dpkg-deb -x "$tmp"/*.deb "$tmp/root" || die "cannot extract $tmp/*.deb"
[ -f "$tmp/root/usr/src/$KERNEL_PACKAGE.tar.xz" ] ||
	die "the $KERNEL_PACKAGE $KERNEL_VERSION package has no usr/src/$KERNEL_PACKAGE.tar.xz"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$tarball"
