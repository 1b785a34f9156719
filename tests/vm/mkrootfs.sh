#!/bin/bash
# Build the VM's Debian 13 (trixie) userland with debootstrap into the cache.
# The archive is the one the host's apt uses (DEBIAN_MIRROR overrides).
# The tree is rebuilt only when tests/vm/rootfs.packages changes; the guest
# init script is refreshed on every call because that costs nothing.
set -euo pipefail
. "$(dirname "$0")/../../scripts/paths.sh"

MIRROR=$(debian_mirror)
PKGLIST=$VB2HEAP_TOP/tests/vm/rootfs.packages
STAMP=$ROOTFS/.vb2heap-packages

want=$(sha256sum <"$PKGLIST" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(<"$STAMP")" != "$want" ]; then
	pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PKGLIST")
	echo ">>> debootstrap trixie into $ROOTFS"
	rm -rf "$ROOTFS.new"
	mkdir -p "$(dirname "$ROOTFS")"
	# debootstrap's own resolver cannot pick among virtual packages, so it
	# only lays the base; apt inside the chroot installs the list.
	if ! debootstrap --variant=minbase --arch="$DEB_ARCH" trixie "$ROOTFS.new" "$MIRROR" \
		>"$ROOTFS.new.log" 2>&1; then
		tail -n 30 "$ROOTFS.new.log" >&2
		echo "mkrootfs.sh: debootstrap failed, full log in $ROOTFS.new.log" >&2
		exit 1
	fi
	echo ">>> installing into the rootfs:" $pkgs
	printf '#!/bin/sh\nexit 101\n' >"$ROOTFS.new/usr/sbin/policy-rc.d"
	chmod +x "$ROOTFS.new/usr/sbin/policy-rc.d"
	mount -t proc proc "$ROOTFS.new/proc"
	trap 'umount "$ROOTFS.new/proc" 2>/dev/null || true' EXIT
	# shellcheck disable=SC2086 # one package per word
	if ! chroot "$ROOTFS.new" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $pkgs >>"$ROOTFS.new.log" 2>&1; then
		tail -n 30 "$ROOTFS.new.log" >&2
		echo "mkrootfs.sh: installing packages failed, full log in $ROOTFS.new.log" >&2
		exit 1
	fi
	umount "$ROOTFS.new/proc"
	trap - EXIT
	rm "$ROOTFS.new/usr/sbin/policy-rc.d"
	chroot "$ROOTFS.new" apt-get clean
	echo vb2heap-vm >"$ROOTFS.new/etc/hostname"
	: >"$ROOTFS.new/etc/fstab"
	echo "$want" >"$ROOTFS.new/.vb2heap-packages"
	rm -rf "$ROOTFS"
	mv "$ROOTFS.new" "$ROOTFS"
	mv "$ROOTFS.new.log" "$ROOTFS.log"
fi

# The kernel execs init from the root filesystem before any other share is
# mounted, so the init script has to live inside the tree itself.
install -m 0755 "$VB2HEAP_TOP/tests/vm/guest-init" "$ROOTFS/sbin/vb2heap-init.new"
if cmp -s "$ROOTFS/sbin/vb2heap-init.new" "$ROOTFS/sbin/vb2heap-init"; then
	rm "$ROOTFS/sbin/vb2heap-init.new"
else
	mv "$ROOTFS/sbin/vb2heap-init.new" "$ROOTFS/sbin/vb2heap-init"
fi
echo ">>> rootfs ready: $ROOTFS"
