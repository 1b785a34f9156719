#!/bin/bash
# Make the QEMU of tests/vm/QEMU for ARCH available in the cache, unpacked
# from its Debian packages into $QEMU_ROOT (scripts/paths.sh). Does nothing
# when it is there already.
set -euo pipefail
. "$(dirname "$0")/../../scripts/paths.sh"

die() { echo "tests/vm/fetch-qemu.sh: $*" >&2; exit 1; }

[ -x "$QEMU_ROOT/usr/bin/$QEMU_SYSTEM" ] && exit 0
mkdir -p "$VB2HEAP_CACHE/qemu"
tmp=$(mktemp -d "$VB2HEAP_CACHE/qemu/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Firmware packages (seabios) have versions of their own: the suite's.
pkgs=(qemu-system-common="$QEMU_VERSION" qemu-system-data="$QEMU_VERSION")
for pkg in "${QEMU_PACKAGES[@]}"; do
	case $pkg in
	qemu-*) pkgs+=("$pkg=$QEMU_VERSION") ;;
	*) pkgs+=("$pkg") ;;
	esac
done
apt_download "$QEMU_SUITE" "$tmp" "${pkgs[@]}" ||
	die "cannot download QEMU $QEMU_VERSION; fix tests/vm/QEMU"
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root" || die "cannot extract $deb"
done
# Its libraries are the host's: Debian 12's own QEMU package, which
# scripts/deps.sh installs, brings every one of them.
missing=$(ldd "$tmp/root/usr/bin/$QEMU_SYSTEM" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found$/\1/p')
[ -z "$missing" ] || die "QEMU $QEMU_VERSION needs libraries the host lacks:" $missing
rm -rf "$QEMU_ROOT"
mv "$tmp/root" "$QEMU_ROOT"
echo ">>> QEMU $QEMU_VERSION ready in $QEMU_ROOT" >&2
