# shellcheck shell=bash
# Where the build caches live; sourced by every script that needs them.
#
# KERNEL picks a kernel of kernel/VERSION by name (default: the first, the
# primary kernel) and ARCH the architecture, in the kernel's own spelling
# (default: x86_64). Each (KERNEL, ARCH) has its own trees in the cache, so
# several can live there side by side. VARIANT=<name> builds the same
# patched tree with kernel/configs/<name>/*.config merged over the test
# configuration (bench: no debugging options, for timing), in trees of its
# own. Override the whole cache with VB2HEAP_CACHE.

VB2HEAP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VB2HEAP_CACHE=${VB2HEAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vb2-heap}

# kernel_matrix: the lines of kernel/VERSION without comments, as
# "name package version suite suites...".
kernel_matrix() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$VB2HEAP_TOP/kernel/VERSION"
}

KERNEL=${KERNEL:-$(kernel_matrix | awk 'NR == 1 { print $1 }')}
ARCH=${ARCH:-x86_64}
read -r KERNEL_PACKAGE KERNEL_VERSION KERNEL_ARCHIVE_SUITE KERNEL_SUITES < <(kernel_matrix |
	awk -v k="$KERNEL" '$1 == k { $1 = ""; print }') || true
if [ -z "${KERNEL_PACKAGE:-}" ]; then
	echo "unknown KERNEL '$KERNEL'; kernel/VERSION lists:" $(kernel_matrix | awk '{ print $1 }') >&2
	return 2 2>/dev/null || exit 2
fi
# Per architecture: Debian's name for it, the kernel image and defconfig,
# and the QEMU machine that boots it with its console device.
case $ARCH in
x86_64)
	DEB_ARCH=amd64 KIMAGE=arch/x86/boot/bzImage KDEFCONFIG=x86_64_defconfig
	QEMU_PACKAGES=(qemu-system-x86 seabios) QEMU_SYSTEM=qemu-system-x86_64
	QEMU_MACHINE=(-machine q35) VM_CONSOLE=ttyS0 ;;
*)
	echo "unsupported ARCH '$ARCH' (supported: x86_64)" >&2
	return 2 2>/dev/null || exit 2 ;;
esac
VARIANT=${VARIANT:-}
if [ -n "$VARIANT" ] && [ ! -d "$VB2HEAP_TOP/kernel/configs/$VARIANT" ]; then
	echo "unknown VARIANT '$VARIANT': no kernel/configs/$VARIANT/" >&2
	return 2 2>/dev/null || exit 2
fi
export KERNEL ARCH VARIANT

KSRC=$VB2HEAP_CACHE/linux-$KERNEL/src        # patched source tree (a git repository)
KTREE=$VB2HEAP_CACHE/linux-$KERNEL/$ARCH${VARIANT:+-$VARIANT} # per-architecture (and variant) outputs
KOUT=$KTREE/build                            # O= build directory
KMODROOT=$KTREE/modroot                      # INSTALL_MOD_PATH, shared with the VM
KHDR=$KTREE/headers                          # installed uAPI headers for test programs
ROOTFS=$VB2HEAP_CACHE/rootfs/trixie-$DEB_ARCH # the VM's Debian userland
KPATCHES=$VB2HEAP_TOP/kernel/patches/$KERNEL # this kernel's series
# What is built against this kernel's uAPI: test programs, userspace.
BUILD=$VB2HEAP_TOP/build/$KERNEL-$ARCH

kernel_release() {
	cat "$KOUT/include/config/kernel.release"
}

# The primary kernel's series is the one everybody edits, the mainline
# series; the other kernels of kernel/VERSION are backports made from it
# (kernel/build.sh): their kernel/patches/<name>/ holds only the
# prerequisites (series) and the fixups (fixups/) the backport needs.
PRIMARY_KERNEL=$(kernel_matrix | awk 'NR == 1 { print $1 }')
MAINLINE_PATCHES=$VB2HEAP_TOP/kernel/patches/$PRIMARY_KERNEL
# The files the mainline series creates, at their paths in the kernel tree.
KFILES=$VB2HEAP_TOP/kernel/tree

is_backport() {
	[ "$KERNEL" != "$PRIMARY_KERNEL" ]
}

# series_lines [DIR]: the lines of DIR/series (default $KPATCHES) without
# comments: a patch, then for the mainline series the files of $KFILES it
# creates (+<path>).
series_lines() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${1:-$KPATCHES}/series"
}

# series_patches [DIR]: the patches DIR/series lists, in order, as
# absolute paths.
series_patches() {
	local dir=${1:-$KPATCHES}
	series_lines "$dir" | awk -v dir="$dir" '{ print dir "/" $1 }'
}

# series_files: the tree paths of the files of $KFILES the mainline series
# creates, in the order it creates them.
series_files() {
	series_lines "$MAINLINE_PATCHES" | cut -s -d' ' -f2- | tr ' ' '\n' | sed -n 's/^+//p'
}

# fixup_name PATCH: the name a backport's fixup of mainline patch PATCH
# has in fixups/: the patch's file name without its number, so that
# renumbering the mainline series keeps the fixup.
fixup_name() {
	local name=${1##*/}
	echo "${name#[0-9][0-9][0-9][0-9]-}"
}

# What KERNEL's patched tree is keyed on: the mainline series, every patch
# it lists and every file it creates; for a backport also its own series,
# prerequisites and fixups.
series_hash() {
	local f
	{
		cat "$MAINLINE_PATCHES/series"
		series_patches "$MAINLINE_PATCHES" | xargs -r cat
		series_files | (cd "$KFILES" && xargs -r cat)
		if is_backport; then
			cat "$KPATCHES/series"
			series_patches | xargs -r cat
			for f in "$KPATCHES"/fixups/*.patch; do
				[ -f "$f" ] && echo "${f##*/}" && cat "$f"
			done
		fi
	} | sha256sum | cut -d' ' -f1
}

# The QEMU the VMs run on (tests/vm/QEMU, tests/vm/fetch-qemu.sh): Debian
# suite and version, and where it is unpacked.
read -r QEMU_SUITE QEMU_VERSION < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
	"$VB2HEAP_TOP/tests/vm/QEMU")
QEMU_ROOT=$VB2HEAP_CACHE/qemu/${QEMU_VERSION//[:~]/_}-$DEB_ARCH

# debian_mirror: the Debian archive this host's apt uses (DEBIAN_MIRROR
# overrides), so that everything works behind a local mirror.
debian_mirror() {
	local uri
	if [ -n "${DEBIAN_MIRROR:-}" ]; then
		echo "$DEBIAN_MIRROR"
		return
	fi
	uri=$(apt-get indextargets --format '$(REPO_URI)' 'Label: Debian' 2>/dev/null | head -n 1)
	if [ -z "$uri" ]; then
		echo "no Debian archive in this host's apt configuration;" \
			"set DEBIAN_MIRROR or run apt-get update" >&2
		return 1
	fi
	echo "${uri%/}"
}

# apt_download SUITE DIR PACKAGE[=VERSION]...: downloads the PACKAGEs'
# .debs into DIR from SUITE of the host's Debian mirror ("-": the host's
# own apt sources). apt runs on lists and a cache of its own in
# $VB2HEAP_CACHE/apt-<suite>, so the host's apt state is neither needed
# fresh nor touched.
apt_download() {
	local suite=$1 dir=$2 conf=$VB2HEAP_CACHE/apt-$1 mirror where pkg have
	local opts=(-q)
	shift 2
	# apt's _apt sandbox user cannot reach a cache under root's home.
	[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
	mkdir -p "$conf/lists/partial" "$conf/cache/archives/partial"
	opts+=(-o Dir::State::Lists="$conf/lists" -o Dir::Cache="$conf/cache"
		-o Acquire::Languages=none)
	if [ "$suite" = - ]; then
		where="the host's apt sources"
	else
		mirror=$(debian_mirror) || return 1
		where="$suite of $mirror"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
			"$mirror $suite main" >"$conf/sources.list"
		opts+=(-o Dir::Etc::sourcelist="$conf/sources.list" -o Dir::Etc::sourceparts=-)
	fi
	echo ">>> reading the package index of $where" >&2
	if ! apt-get "${opts[@]}" --error-on=any update >&2; then
		echo "apt-get update failed for $where" >&2
		return 1
	fi
	echo ">>> downloading $* from $where" >&2
	(cd "$dir" && apt-get "${opts[@]}" download "$@" >&2) && return
	for pkg; do
		have=$(apt-cache "${opts[@]}" madison "${pkg%%=*}" 2>/dev/null |
			awk -F' [|] ' '{ print $2 }' | paste -sd' ')
		echo "$pkg: versions in $where: ${have:-none}" >&2
	done
	return 1
}
