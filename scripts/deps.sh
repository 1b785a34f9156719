#!/bin/bash
# Install every host package the build and the tests need (Debian 12), and
# the QEMU the VMs run on. Idempotent and quick when everything is already
# there. The kernel sources and QEMU are not installed: kernel/fetch-source.sh
# and tests/vm/fetch-qemu.sh keep them in the cache.
set -euo pipefail
. "$(dirname "$0")/paths.sh"

PACKAGES=(
	build-essential bc bison flex libssl-dev libelf-dev cpio kmod
	rsync xz-utils git ca-certificates python3 python3-docutils debootstrap
	qemu-system-x86 libcmocka-dev pkg-config
	# 32-bit test programs (gcc -m32): what gcc-multilib would bring, which
	# Debian does not let stand beside a cross compiler
	lib32gcc-12-dev libc6-dev-i386
	# make series-check: the arm64 build and the kernel's documentation
	gcc-aarch64-linux-gnu python3-sphinx python3-yaml
	meson ninja-build libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
	gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} != 0 ]; then
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	echo ">>> installing host packages: ${missing[*]}"
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
"$VB2HEAP_TOP/tests/vm/fetch-qemu.sh"
