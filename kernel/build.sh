#!/bin/bash
# Build a test kernel of kernel/VERSION (KERNEL=<name>, default the primary
# one) for ARCH (default x86_64): unpack its pinned Debian source package into
# the cache, apply its series (Documentation/project/kernel-series.md),
# merge kernel/configs/*.config and build the image and modules.
# VARIANT=<name> (scripts/paths.sh) builds the same tree in its own output
# directory with kernel/configs/<name>/*.config merged over those fragments.
#
# Every step is keyed on the content of its inputs, so an unchanged tree
# rebuilds nothing and a changed patch, fragment or file of kernel/tree/
# rebuilds only what depends on it. A tree holding work that was not
# exported is never reset: the build refuses and says what to do.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"
. "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-$(nproc)}
# Set but empty, so setlocalversion does not append "+" for the git tree.
export LOCALVERSION=

log() { echo ">>> $*"; }
hash_files() { cat "$@" | sha256sum | cut -d' ' -f1; }

unpack_source() {
	local version=$KERNEL_VERSION tarball
	stamp_says "$BASE_STAMP" "$version" && return
	tarball=$("$VB2HEAP_TOP/kernel/fetch-source.sh")
	log "unpacking $KERNEL_PACKAGE $version into $KSRC"
	rm -rf "$KSRC" "$VB2HEAP_CACHE/linux-$KERNEL"
	mkdir -p "$KSRC"
	tar -xf "$tarball" -C "$KSRC" --strip-components=1
	git_k init -q
	git_k add -A -f
	git_k commit -q -m "Debian $KERNEL_PACKAGE $version"
	git_k tag -f base >/dev/null
	echo "$version" >"$BASE_STAMP"
}

# git reset only rewrites files whose content differs, so files the old and
# new series do not touch keep their timestamps and their objects.
apply_patches() {
	local want
	want=$(series_hash)
	series_applied "$want" && return
	refuse_to_lose_work
	git_k am --abort >/dev/null 2>&1 || true
	git_k reset -q --hard base
	git_k clean -q -fd -e /.git
	# Half applied, the tree holds nothing to keep: a failed apply must
	# not make the next one refuse.
	git_k update-ref -d "$APPLIED"
	rm -f "$PATCHES_STAMP"
	if is_backport; then
		apply_backport
	else
		log "applying kernel/patches/$KERNEL/series ($(series_lines | wc -l) patches)"
		apply_mainline
	fi
	git_k update-ref "$APPLIED" HEAD
	echo "$want" >"$PATCHES_STAMP"
}

# series_applied HASH: whether the tree is the pinned source with the
# series of that hash applied.
series_applied() {
	stamp_says "$BASE_STAMP" "$KERNEL_VERSION" && stamp_says "$PATCHES_STAMP" "$1"
}

# refuse_to_lose_work: dies when the tree holds commits or edits that were
# not exported since the series was last applied or exported.
refuse_to_lose_work() {
	local applied unexported changes
	applied=$(git_k rev-parse -q --verify "$APPLIED") || return 0
	unexported=$(git_k rev-list --count "$applied..HEAD")
	changes=$(git_k status --porcelain | wc -l)
	[ "$unexported" = 0 ] && [ "$changes" = 0 ] && [ "$(git_k rev-parse HEAD)" = "$applied" ] &&
		! git_op_under_way && return
	die "the series changed, but $KSRC has work it does not have" \
		"($unexported commits not exported, $changes files changed, or a rebase or" \
		"git am under way). Export it (KERNEL=$KERNEL kernel/export-patches.sh) and" \
		"merge it with the change, or drop it (git -C $KSRC reset --hard $APPLIED)," \
		"then build again."
}

apply_mainline() {
	local patch paths
	while read -r patch paths; do
		[ -f "$KPATCHES/$patch" ] || die "series lists missing patch $patch"
		git_k am -q --whitespace=error-all "$KPATCHES/$patch" ||
			die "patch $patch does not apply"
		[ -n "$paths" ] || continue
		# shellcheck disable=SC2086 # the files the patch creates
		add_files "$patch" ${paths//+/}
		# shellcheck disable=SC2086
		git_k add -f -- ${paths//+/}
		git_k commit -q --amend --no-edit
	done < <(series_lines)
}

# add_files PATCH PATH...: puts the PATHs of kernel/tree/ into the tree as
# they are when PATCH creates them: the changes later patches of the series
# make to them are taken off again, last patch first, so that those patches
# apply on top.
add_files() {
	local patch=$1 tmp later path
	shift
	tmp=$(mktemp -d)
	for path; do
		[ -f "$KFILES/$path" ] || die "series adds missing file kernel/tree/$path"
		install -D -m 644 "$KFILES/$path" "$tmp/$path"
	done
	for later in $(series_lines | awk -v p="$patch" 'after { print $1 } $1 == p { after = 1 }' | tac); do
		for path; do
			grep -qxF "+++ b/$path" "$KPATCHES/$later" || continue
			(cd "$tmp" && git apply -R --include="$path" "$KPATCHES/$later") ||
				die "$later does not come off kernel/tree/$path: edit the file" \
					"and that patch together (kernel/export-patches.sh does)"
		done
	done
	for path; do
		install -D -m 644 "$tmp/$path" "$KSRC/$path"
	done
	rm -rf "$tmp"
}

# apply_backport: the prerequisites of kernel/patches/<KERNEL>/series, then
# the mainline series as the primary kernel's tree has it, each patch
# applied with a three-way merge (git am -3) and the fixup of
# kernel/patches/<KERNEL>/fixups/ that adapts it folded into its commit.
# Where the merge leaves conflicts, the fixup is their reviewed resolution
# (it applies to the files with their conflict markers); a conflict
# without one stops the build rather than be resolved by nobody.
apply_backport() {
	local dir=$VB2HEAP_CACHE/linux-$KERNEL/mainline patch names fixup i
	log "applying kernel/patches/$KERNEL/series ($(series_lines | wc -l) prerequisites)"
	while read -r patch; do
		git_k am -q --whitespace=error-all "$KPATCHES/$patch" ||
			die "prerequisite $patch does not apply"
	done < <(series_lines | cut -d' ' -f1)
	mapfile -t names < <(series_lines "$MAINLINE_PATCHES" | cut -d' ' -f1)
	for fixup in "$KPATCHES"/fixups/*.patch; do
		[ -f "$fixup" ] || continue
		printf '%s\n' "${names[@]}" | grep -q -- "^[0-9]*-${fixup##*/}$" ||
			die "fixups/${fixup##*/} adapts no patch of the $PRIMARY_KERNEL series"
	done
	KERNEL=$PRIMARY_KERNEL "$VB2HEAP_TOP/kernel/build.sh" --apply-only
	mainline_patches "$MAINLINE_SRC" "$dir"
	log "applying the $PRIMARY_KERNEL series with a three-way merge"
	i=0
	for patch in "$dir"/*.patch; do
		fixup=$KPATCHES/fixups/$(fixup_name "${names[i]}")
		[ -f "$fixup" ] || fixup=
		merge_mainline_patch "$patch" "$fixup" ||
			die "mainline patch ${names[i]} does not merge into $KERNEL:" \
				"kernel/patches/$KERNEL/fixups/$(fixup_name "${names[i]}")" \
				"${fixup:+does not resolve its conflicts}${fixup:-should resolve them};" \
				"see $dir/am.log and Documentation/project/kernel-series.md"
		i=$((i + 1))
	done
	[ "$i" = ${#names[@]} ] ||
		die "the $PRIMARY_KERNEL tree has $i commits, its series ${#names[@]} patches"
}

# Fragments are merged on a defconfig base; an option a fragment asks for but
# Kconfig drops (a typo, a missing dependency) is an error, not a warning.
configure() {
	local stamp=$KOUT/.vb2heap-config want frags=("$VB2HEAP_TOP"/kernel/configs/*.config)
	local variant=()
	[ -z "$VARIANT" ] || variant=("$VB2HEAP_TOP/kernel/configs/$VARIANT"/*.config)
	want=$(hash_files "${frags[@]}" "${variant[@]}" "$PATCHES_STAMP")
	stamp_says "$stamp" "$want" && [ -f "$KOUT/.config" ] && return
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
# variants build from it; each output tree has a lock of its own. A
# backport's build, which only reads the primary kernel's applied series
# (--apply-only), waits for no more than the applying.
mkdir -p "$VB2HEAP_CACHE"
exec 8>"$VB2HEAP_CACHE/linux-$KERNEL.lock"
if [ "${1:-}" = --apply-only ]; then
	flock -s 8
	series_applied "$(series_hash)" && exit 0
fi
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
