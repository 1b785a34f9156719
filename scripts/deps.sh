#!/bin/bash
# Install every host package the build and the tests need (Debian 12).
# Idempotent and quick when everything is already there.
set -euo pipefail
. "$(dirname "$0")/paths.sh"

PACKAGES=(
	build-essential bc bison flex libssl-dev libelf-dev cpio kmod
	rsync xz-utils git ca-certificates python3 python3-docutils debootstrap
	qemu-system-x86 gcc-multilib libcmocka-dev pkg-config
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
kernel_source_ok=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
[ "$kernel_source_ok" = "$KERNEL_VERSION" ] && [ ${#missing[@]} = 0 ] && exit 0

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if apt-cache show "linux-source-6.12=$KERNEL_VERSION" >/dev/null 2>&1; then
	missing+=("linux-source-6.12=$KERNEL_VERSION")
else
	echo "!!! linux-source-6.12 $KERNEL_VERSION (kernel/VERSION) is gone from the archive;" >&2
	echo "!!! installing the newest 6.12 instead. Update kernel/VERSION and re-record baselines." >&2
	missing+=(linux-source-6.12)
fi
echo ">>> installing host packages: ${missing[*]}"
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
