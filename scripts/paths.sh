# shellcheck shell=bash
# Where the build caches live; sourced by every script that needs them.
# Override the whole cache with VB2HEAP_CACHE.

VB2HEAP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VB2HEAP_CACHE=${VB2HEAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vb2-heap}
KERNEL_VERSION=$(<"$VB2HEAP_TOP/kernel/VERSION")

KSRC=$VB2HEAP_CACHE/linux/src           # patched source tree (a git repository)
KOUT=$VB2HEAP_CACHE/linux/build         # O= build directory
KMODROOT=$VB2HEAP_CACHE/linux/modroot   # INSTALL_MOD_PATH, shared with the VM
KHDR=$VB2HEAP_CACHE/linux/headers       # installed uAPI headers for test programs
ROOTFS=$VB2HEAP_CACHE/rootfs/trixie     # the VM's Debian userland

kernel_release() {
	cat "$KOUT/include/config/kernel.release"
}

# The patches kernel/patches/series lists, in order, as absolute paths.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e "s|^|$VB2HEAP_TOP/kernel/patches/|" \
		"$VB2HEAP_TOP/kernel/patches/series"
}

# What the patched tree is keyed on: the series and every patch it lists.
series_hash() {
	series_patches | xargs -r cat "$VB2HEAP_TOP/kernel/patches/series" |
		sha256sum | cut -d' ' -f1
}
