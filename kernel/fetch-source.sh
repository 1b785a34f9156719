#!/bin/bash
# Make the pinned Debian source tarball of KERNEL (kernel/VERSION; default
# the primary kernel) available in the cache and print its path:
#   $VB2HEAP_CACHE/sources/<package>_<version>/usr/src/<package>.tar.xz
#
# The .deb comes from the host's own apt sources when kernel/VERSION's suite
# column is "-", otherwise from that suite of the host's Debian mirror. A tarball already in the cache is printed without
# touching the network.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

die() { echo "kernel/fetch-source.sh: $*" >&2; exit 1; }

dir=$VB2HEAP_CACHE/sources/${KERNEL_PACKAGE}_$KERNEL_VERSION
tarball=$dir/usr/src/$KERNEL_PACKAGE.tar.xz
if [ -f "$tarball" ]; then
	echo "$tarball"
	exit 0
fi

# apt runs on lists and a cache of its own in $VB2HEAP_CACHE/apt-<suite>,
# so the host's apt state is neither needed fresh nor touched.
opts=(-q)
# apt's _apt sandbox user cannot reach a cache under root's home.
[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
conf=$VB2HEAP_CACHE/apt-$KERNEL_ARCHIVE_SUITE
mkdir -p "$conf/lists/partial" "$conf/cache/archives/partial"
opts+=(-o Dir::State::Lists="$conf/lists" -o Dir::Cache="$conf/cache"
	-o Acquire::Languages=none)
if [ "$KERNEL_ARCHIVE_SUITE" = - ]; then
	where="the host's apt sources"
else
	mirror=$(debian_mirror) || exit 1
	where="$KERNEL_ARCHIVE_SUITE of $mirror"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"$mirror $KERNEL_ARCHIVE_SUITE main" >"$conf/sources.list"
	opts+=(-o Dir::Etc::sourcelist="$conf/sources.list" -o Dir::Etc::sourceparts=-)
fi
echo ">>> reading the package index of $where" >&2
apt-get "${opts[@]}" --error-on=any update >&2 || die "apt-get update failed for $where"

mkdir -p "$VB2HEAP_CACHE/sources"
tmp=$(mktemp -d "$VB2HEAP_CACHE/sources/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo ">>> downloading $KERNEL_PACKAGE $KERNEL_VERSION from $where" >&2
if ! (cd "$tmp" && apt-get "${opts[@]}" download "$KERNEL_PACKAGE=$KERNEL_VERSION" >&2); then
	have=$(apt-cache "${opts[@]}" madison "$KERNEL_PACKAGE" 2>/dev/null |
		awk -F' [|] ' '{ print $2 }' | paste -sd' ')
	die "$KERNEL_PACKAGE $KERNEL_VERSION is not in $where" \
		"(versions there: ${have:-none}); fix kernel/VERSION"
fi
dpkg-deb -x "$tmp"/*.deb "$tmp/root" || die "cannot extract $tmp/*.deb"
[ -f "$tmp/root/usr/src/$KERNEL_PACKAGE.tar.xz" ] ||
	die "the $KERNEL_PACKAGE $KERNEL_VERSION package has no usr/src/$KERNEL_PACKAGE.tar.xz"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$tarball"
