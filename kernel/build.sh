#!/bin/bash
# Build a test kernel of kernel/VERSION (KERNEL=<name>, default the primary
# one) for ARCH (default x86_64): unpack its pinned Debian source package into
# the cache, apply kernel/patches/<name>/series, make kernel/vb2-heap part of
# the tree, merge kernel/configs/*.config and build the image and modules.
# VARIANT=<name> (scripts/paths.sh) builds the same tree in its own output
# directory with kernel/configs/<name>/*.config merged over those fragments.
#
# Every step is keyed on the content of its inputs, so an unchanged tree
# rebuilds nothing and a changed patch, fragment or vb2-heap file rebuilds
# only what depends on it.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"

JOBS=${JOBS:-$(nproc)}
# Set but empty, so setlocalversion does not append "+" for the git tree.
export LOCALVERSION=

die() { echo "kernel/build.sh: $*" >&2; exit 1; }
log() { echo ">>> $*"; }
git_k() { git -C "$KSRC" -c user.name=vb2-heap -c user.email=vb2-heap@localhost "$@"; }
hash_files() { cat "$@" | sha256sum | cut -d' ' -f1; }

unpack_source() {
	local version=$KERNEL_VERSION stamp=$KSRC/.git/vb2heap-base tarball
	[ -f "$stamp" ] && [ "$(<"$stamp")" = "$version" ] && return
	tarball=$("$VB2HEAP_TOP/kernel/fetch-source.sh")
	log "unpacking $KERNEL_PACKAGE $version into $KSRC"
	rm -rf "$KSRC" "$VB2HEAP_CACHE/linux-$KERNEL"
	mkdir -p "$KSRC"
	tar -xf "$tarball" -C "$KSRC" --strip-components=1
	git_k init -q
	git_k add -A -f
	git_k commit -q -m "Debian $KERNEL_PACKAGE $version"
	git_k tag -f base >/dev/null
	echo "$version" >"$stamp"
}

# git reset only rewrites files whose content differs, so files the old and
# new series do not touch keep their timestamps and their objects.
apply_patches() {
	local stamp=$KSRC/.git/vb2heap-patches want line
	want=$(series_hash)
	[ -f "$stamp" ] && [ "$(<"$stamp")" = "$want" ] && return
	log "applying kernel/patches/$KERNEL/series ($(series_lines | wc -l) patches)"
	git_k am --abort >/dev/null 2>&1 || true
	git_k reset -q --hard base
	git_k clean -q -fd -e /.git
	rm -f "$stamp"
	while read -r line; do
		# shellcheck disable=SC2086 # a patch and its additions
		apply_patch $line
	done < <(series_lines)
	echo "$want" >"$stamp"
}

# apply_patch PATCH [ADDITION...]: git am PATCH, then add to its commit
# what the series line names after it, so that the commit is the patch
# as posted.
apply_patch() {
	local patch=$KPATCHES/$1 word
	shift
	[ -f "$patch" ] || die "series lists missing patch ${patch##*/}"
	git_k am -q --whitespace=error-all "$patch" ||
		die "patch ${patch##*/} does not apply"
	[ $# = 0 ] && return
	for word; do
		case $word in
		+vb2-heap) add_vb2_heap ;;
		+*)
			[ -f "$VB2HEAP_TOP/${word#+}" ] || die "series adds missing file ${word#+}"
			install -D -m 644 "$VB2HEAP_TOP/${word#+}" "$KSRC/${word#+}" ;;
		%*)
			git_k apply --whitespace=error-all "$KPATCHES/${word#%}" ||
				die "${word#%} does not apply on top of ${patch##*/}" ;;
		*) die "series: unknown addition '$word' after ${patch##*/}" ;;
		esac
	done
	git_k add -A -f
	git_k commit -q --amend --no-edit
}

# The allocator's sources live in kernel/vb2-heap/.
add_vb2_heap() {
	local src dst
	while read -r src dst; do
		cp "$src" "$KSRC/$dst"
	done < <(vb2_heap_files)
}

# Fragments are merged on a defconfig base; an option a fragment asks for but
# Kconfig drops (a typo, a missing dependency) is an error, not a warning.
configure() {
	local stamp=$KOUT/.vb2heap-config want frags=("$VB2HEAP_TOP"/kernel/configs/*.config)
	local variant=()
	[ -z "$VARIANT" ] || variant=("$VB2HEAP_TOP/kernel/configs/$VARIANT"/*.config)
	want=$(hash_files "${frags[@]}" "${variant[@]}" "$KSRC/.git/vb2heap-patches")
	[ -f "$stamp" ] && [ "$(<"$stamp")" = "$want" ] && [ -f "$KOUT/.config" ] && return
	log "configuring: $KDEFCONFIG + kvm_guest.config + ${frags[*]##*/}${VARIANT:+ + $VARIANT/${variant[*]##*/}}"
	mkdir -p "$KOUT"
	if [ -n "$VARIANT" ]; then
		override_fragments "${frags[@]}" -- "${variant[@]}" >"$KOUT/.vb2heap-fragment"
		frags=("$KOUT/.vb2heap-fragment")
	fi
	local old=$KOUT/.config.vb2heap-old
	[ -f "$KOUT/.config" ] && cp "$KOUT/.config" "$old"
	make -s -C "$KSRC" O="$KOUT" "$KDEFCONFIG" >/dev/null
	(cd "$KSRC" && scripts/kconfig/merge_config.sh -m -O "$KOUT" "$KOUT/.config" \
		"$(kvm_guest_fragment)" "${frags[@]}" >/dev/null)
	make -s -C "$KSRC" O="$KOUT" olddefconfig >/dev/null
	check_fragments "${frags[@]}"
	# An identical result must not look newer than the objects built from it.
	if [ -f "$old" ] && cmp -s "$old" "$KOUT/.config"; then
		touch -r "$old" "$KOUT/.config"
	fi
	rm -f "$old"
	echo "$want" >"$stamp"
}

# override_fragments BASE... -- VARIANT...: one fragment, the lines of BASE
# whose symbol no VARIANT fragment sets, then VARIANT; so that the variant
# may turn off what the test kernel asks for and check_fragments still holds
# every line that is left.
override_fragments() {
	local base=()
	while [ "$1" != -- ]; do
		base+=("$1")
		shift
	done
	shift
	cat "${base[@]}" | grep -vwF -f <(grep -ohE 'CONFIG_[A-Za-z0-9_]+' "$@") || true
	cat "$@"
}

kvm_guest_fragment() {
	local f
	for f in arch/x86/configs/kvm_guest.config kernel/configs/kvm_guest.config; do
		[ -f "$KSRC/$f" ] && { echo "$f"; return; }
	done
	die "kvm_guest.config not found in the kernel tree"
}

check_fragments() {
	local line sym val bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			sym=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
			grep -qxF "$sym=$val" "$KOUT/.config" && continue
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			sym=${BASH_REMATCH[1]}
			grep -qE "^$sym=[ym]$" "$KOUT/.config" || continue
		else
			continue
		fi
		echo "kernel/build.sh: config fragment asks for '$line', got '$(grep -E "^(# )?$sym[= ]" "$KOUT/.config" || echo unset)'" >&2
		bad=1
	done < <(cat "$@")
	[ $bad = 0 ] || die "config fragments not satisfied"
}

build() {
	log "building bzImage and modules (-j$JOBS)"
	make -s -C "$KSRC" O="$KOUT" -j"$JOBS" "${KIMAGE##*/}" modules
	local kver
	kver=$(kernel_release)
	# modules_install rewrites every module; skip it when nothing was relinked.
	if [ ! -f "$KMODROOT/lib/modules/$kver/modules.dep" ] ||
		[ -n "$(find "$KOUT" -name '*.ko' -newer "$KMODROOT/lib/modules/$kver/modules.dep" -print -quit)" ] ||
		[ "$KOUT/modules.order" -nt "$KMODROOT/lib/modules/$kver/modules.dep" ]; then
		log "installing modules for $kver"
		rm -rf "$KMODROOT"
		make -s -C "$KSRC" O="$KOUT" INSTALL_MOD_PATH="$KMODROOT" \
			INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install
	fi
	build_provoke_module "$kver"
	# Copied by content, so that what includes them is rebuilt only when a
	# header really changed.
	make -s -C "$KSRC" O="$KOUT" INSTALL_HDR_PATH="$KTREE/headers.new" headers_install
	rsync -rc --delete "$KTREE/headers.new/" "$KHDR/"
	log "kernel $kver ready: $KOUT/$KIMAGE"
}

# The module that provokes kernel reports for the VM runner's own tests
# (tests/vm/provoke), built outside the checkout and installed next to the
# kernel's own modules.
build_provoke_module() {
	local kver=$1 dir=$KTREE/provoke
	rsync -rc --delete --exclude '*.o' --exclude '*.ko' --exclude '.*' \
		--exclude '*.mod*' --exclude Module.symvers --exclude modules.order \
		"$VB2HEAP_TOP/tests/vm/provoke/" "$dir/"
	make -s -C "$KSRC" O="$KOUT" M="$dir" modules
	if [ ! -f "$KMODROOT/lib/modules/$kver/updates/vb2heap-provoke.ko" ] ||
		[ "$dir/vb2heap-provoke.ko" -nt "$KMODROOT/lib/modules/$kver/updates/vb2heap-provoke.ko" ]; then
		make -s -C "$KSRC" O="$KOUT" M="$dir" INSTALL_MOD_PATH="$KMODROOT" \
			INSTALL_MOD_DIR=updates INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install
	fi
}

# Two builds of one tree (make check beside make vm, or two checkouts
# sharing the cache) would write the same objects at once and leave
# truncated ones behind. The source tree is locked exclusively while it is
# unpacked and patched, and shared while trees of other architectures and
# variants build from it; each output tree has a lock of its own.
mkdir -p "$VB2HEAP_CACHE"
exec 8>"$VB2HEAP_CACHE/linux-$KERNEL.lock"
flock 8
unpack_source
apply_patches
[ "${1:-}" = --apply-only ] && exit 0
flock -s 8
mkdir -p "$KTREE"
exec 9>"$KTREE.lock"
flock 9
configure
build
