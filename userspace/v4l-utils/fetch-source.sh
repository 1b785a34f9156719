#!/bin/bash
# Make the Debian source package of the v4l-utils the VM runs available in
# the cache, unpacked with Debian's own patches applied, and print the path
# of the unpacked tree:
#   $VB2HEAP_CACHE/sources/v4l-utils_<version>/v4l-utils-<upstream version>
#
# The version is the one installed in the VM's root filesystem (Debian
# trixie), or VERSION in this directory before the root filesystem exists.
# The package comes from the "trixie" suite of the host's Debian mirror
# (scripts/paths.sh: debian_mirror), with apt lists and a cache of its own,
# as kernel/fetch-source.sh gets the kernel. A tree already in the cache is
# printed without touching the network.
#
# A mirror that serves binary packages only (404 for the .dsc) leaves one
# other way: V4L_UTILS_GIT=<a clone of the upstream repository> unpacks its
# tag v4l-utils-<upstream version>, the release Debian's .orig.tar.xz is,
# without Debian's packaging patches (none of which touches the two tools).
# Without either the exit status is 2, which build.sh tells apart from a
# real failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/paths.sh"

die() { echo "userspace/v4l-utils/fetch-source.sh: $*" >&2; exit 1; }

SUITE=trixie
version=$(<"$here/VERSION")
if [ -f "$ROOTFS/var/lib/dpkg/status" ]; then
	vm=$(dpkg-query --admindir="$ROOTFS/var/lib/dpkg" -W -f='${Version}' v4l-utils 2>/dev/null) ||
		die "v4l-utils is not installed in $ROOTFS"
	[ "$vm" = "$version" ] ||
		die "the VM runs v4l-utils $vm, $here/VERSION says $version: update VERSION and the series"
fi
upstream=${version#*:}
upstream=${upstream%-*}
dir=$VB2HEAP_CACHE/sources/v4l-utils_$version
tree=$dir/v4l-utils-$upstream
if [ -f "$tree/meson.build" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$VB2HEAP_CACHE/sources"
if [ -n "${V4L_UTILS_GIT:-}" ]; then
	tag=v4l-utils-$upstream
	git -C "$V4L_UTILS_GIT" rev-parse -q --verify "refs/tags/$tag" >/dev/null ||
		die "$V4L_UTILS_GIT has no tag $tag"
	tmp=$(mktemp -d "$VB2HEAP_CACHE/sources/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo ">>> unpacking $tag from $V4L_UTILS_GIT" >&2
	mkdir "$tmp/$tag"
	git -C "$V4L_UTILS_GIT" archive "$tag" | tar -x -C "$tmp/$tag"
	rm -rf "$dir"
	mkdir -p "$dir"
	mv "$tmp/$tag" "$tree"
	echo "$tag of $V4L_UTILS_GIT ($(git -C "$V4L_UTILS_GIT" rev-parse "$tag^{commit}"))" >"$dir/origin"
	echo "$tree"
	exit 0
fi

opts=(-q)
# apt's _apt sandbox user cannot reach a cache under root's home.
[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
conf=$VB2HEAP_CACHE/apt-$SUITE-src
mkdir -p "$conf/lists/partial" "$conf/cache/archives/partial"
mirror=$(debian_mirror) || exit 1
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	"$mirror $SUITE main" >"$conf/sources.list"
opts+=(-o Dir::State::Lists="$conf/lists" -o Dir::Cache="$conf/cache"
	-o Acquire::Languages=none
	-o Dir::Etc::sourcelist="$conf/sources.list" -o Dir::Etc::sourceparts=-)
where="$SUITE of $mirror"
echo ">>> reading the source index of $where" >&2
apt-get "${opts[@]}" --error-on=any update >&2 ||
	{ echo "userspace/v4l-utils/fetch-source.sh: apt-get update failed for $where" >&2; exit 2; }

mkdir -p "$VB2HEAP_CACHE/sources"
tmp=$(mktemp -d "$VB2HEAP_CACHE/sources/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo ">>> downloading the source of v4l-utils $version from $where" >&2
if ! (cd "$tmp" && apt-get "${opts[@]}" source --download-only "v4l-utils=$version" >&2); then
	have=$(apt-cache "${opts[@]}" showsrc v4l-utils 2>/dev/null |
		sed -n 's/^Version: //p' | paste -sd' ')
	echo "userspace/v4l-utils/fetch-source.sh: cannot download v4l-utils $version from" \
		"$where (versions there: ${have:-none}); a mirror without sources needs" \
		"V4L_UTILS_GIT, see above" >&2
	exit 2
fi
# dpkg-source checks the tarballs against the .dsc and applies Debian's
# patches, so the tree is the one the VM's binaries were built from.
(cd "$tmp" && dpkg-source --no-check -x ./*.dsc "v4l-utils-$upstream" >&2) ||
	die "cannot unpack $tmp/*.dsc"
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/v4l-utils-$upstream" "$tree"
cp "$tmp"/*.dsc "$dir/"
echo "v4l-utils $version from $where" >"$dir/origin"
echo "$tree"
