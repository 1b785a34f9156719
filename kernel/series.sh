#!/bin/bash
# Write the postable series of KERNEL (default the primary kernel) to
# build/series/<KERNEL>/: the commits of its patched tree as the project's
# series made them (kernel/build.sh; work not exported is left out), and a
# cover letter made from kernel/patches/<KERNEL>/cover-letter (its first
# line is the subject).
#
#   kernel/series.sh [--check]
#
# --check then builds what maintainers and their build robots build: it
# applies the written patches one by one with git am to the pristine base,
# in a worktree of its own, and after each one builds, with warnings as
# errors,
#   - every directory holding a C file the series has touched so far, with
#     the test kernel's configuration;
#   - the whole kernel with that configuration and every tristate the
#     series touches as a module (MODULES below), so that modpost finds a
#     symbol a module uses but nobody exports;
#   - those directories for arm64 with Debian's cross compiler, on arm64's
#     defconfig and the test kernel's fragments;
# and after the last one the documentation directories the series touches
# with the kernel's own Sphinx setup (make htmldocs), warnings as errors.
# A patch whose tree, configurations and checker passed before is not
# built again, so that after a change a rerun starts where the series
# changed.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"
. "$(dirname "$0")/lib.sh"

out=$VB2HEAP_TOP/build/series/$KERNEL

write_series() {
	local letter=$KPATCHES/cover-letter cover
	[ -f "$letter" ] || die "no cover letter: $letter"
	"$VB2HEAP_TOP/kernel/build.sh" --apply-only
	rm -rf "$out"
	git -C "$KSRC" -c user.name="vb2-heap developers" \
		-c user.email=vb2-heap@lists.example.org \
		format-patch -q --no-signature --zero-commit --cover-letter \
		--subject-prefix="PATCH" -o "$out" "base..$APPLIED"
	cover=$out/0000-cover-letter.patch
	python3 - "$cover" "$letter" <<'PY'
import sys
cover, letter = sys.argv[1:]
subject, _, blurb = open(letter).read().partition("\n")
text = open(cover).read()
for placeholder, value in (("*** SUBJECT HERE ***", subject.strip()),
                           ("*** BLURB HERE ***", blurb.strip())):
    if placeholder not in text:
        sys.exit(f"{cover}: no '{placeholder}' to fill in")
    text = text.replace(placeholder, value)
open(cover, "w").write(text)
PY
	echo "wrote $(find "$out" -name '*.patch' | wc -l) files to ${out#"$VB2HEAP_TOP"/}/"
}

# The tristates the series touches that the test kernel builds in: the
# modules build makes them modules, and what depends on them with them.
MODULES=(MEDIA_SUPPORT VIDEO_DEV DMABUF_HEAPS_SYSTEM DMABUF_HEAPS_CMA)
ARM64=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

# build WHAT OUT MAKE-ARGS...: make in the worktree with O=OUT; fails the
# check, with the log, on an error or a warning (the test kernel builds
# with -Werror; modpost and Sphinx only warn).
build() {
	local what=$1 bout=$2
	shift 2
	if ! make -s -C "$wt" O="$bout" -j"$(nproc)" "$@" >"$bout/make.log" 2>&1 ||
		grep -qi 'warning:' "$bout/make.log"; then
		cat "$bout/make.log" >&2
		die "$what does not build cleanly after ${patch##*/}"
	fi
}

# configure OUT CONFIG MAKE-ARGS...: OUT/.config from CONFIG for this
# patch's tree: options a later patch adds are unknown until then, so each
# patch starts from the configuration of the whole series.
configure() {
	local bout=$1 config=$2
	shift 2
	mkdir -p "$bout"
	cp "$config" "$bout/.config"
	make -s -C "$wt" O="$bout" "$@" olddefconfig >/dev/null
}

# whole_series_configs DIR: the configurations of the modules and the arm64
# builds, made on the fully patched tree: DIR/modules.config and
# DIR/arm64.config.
whole_series_configs() {
	local dir=$1 sym
	mkdir -p "$dir/modules" "$dir/arm64"
	cp "$KOUT/.config" "$dir/modules/.config"
	for sym in "${MODULES[@]}"; do
		is_tristate "$sym" &&
			"$KSRC/scripts/config" --file "$dir/modules/.config" --module "$sym"
	done
	make -s -C "$KSRC" O="$dir/modules" olddefconfig >/dev/null
	for sym in "${MODULES[@]}"; do
		! is_tristate "$sym" || grep -qx "CONFIG_$sym=m" "$dir/modules/.config" ||
			die "the modules build cannot make CONFIG_$sym a module"
	done
	cp "$dir/modules/.config" "$dir/modules.config"
	make -s -C "$KSRC" O="$dir/arm64" "${ARM64[@]}" defconfig >/dev/null
	(cd "$KSRC" && scripts/kconfig/merge_config.sh -m -O "$dir/arm64" \
		"$dir/arm64/.config" "$VB2HEAP_TOP"/kernel/configs/*.config >/dev/null)
	make -s -C "$KSRC" O="$dir/arm64" "${ARM64[@]}" olddefconfig >/dev/null
	cp "$dir/arm64/.config" "$dir/arm64.config"
	rm -rf "$dir/modules" "$dir/arm64"
}

# is_tristate SYMBOL: whether this kernel declares SYMBOL tristate (6.12
# has bool heaps).
is_tristate() {
	git -C "$KSRC" grep -h -A2 -E "^(menu)?config $1\$" -- '*Kconfig*' | grep -qw tristate
}

check_series() {
	local wt=$VB2HEAP_CACHE/linux-$KERNEL/series-check
	local bout=$KTREE/series-check config=$KOUT/.config
	local mout=$VB2HEAP_CACHE/linux-$KERNEL/series-check-modules
	local aout=$VB2HEAP_CACHE/linux-$KERNEL/series-check-arm64
	local passed=$VB2HEAP_CACHE/linux-$KERNEL/series-check-passed
	local patch f targets start key
	local -A dirs=() docs=()
	[ -f "$config" ] || die "no kernel configuration at $config; run 'make kernel'"
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "no aarch64-linux-gnu-gcc; run 'make deps'"
	if [ ! -e "$wt/.git" ]; then
		git -C "$KSRC" worktree prune
		git -C "$KSRC" worktree add -q --detach "$wt" base
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" reset -q --hard base
	git -C "$wt" clean -q -fdx
	whole_series_configs "$VB2HEAP_CACHE/linux-$KERNEL/series-check-configs"
	mkdir -p "$bout" "$mout" "$aout" "$passed"
	for patch in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "${patch##*/}" = 0000-cover-letter.patch ] && continue
		start=$SECONDS
		git -C "$wt" -c user.name=vb2-heap -c user.email=vb2-heap@localhost \
			am -q "$patch" || die "${patch##*/} does not apply"
		while read -r f; do
			case $f in
			*.c) [ -f "$wt/$f" ] && dirs[${f%/*}/]=1 ;;
			Documentation/*.rst | Documentation/*.exceptions) docs[$(sphinx_dir "$f")]=1 ;;
			esac
		done < <(git -C "$wt" diff --name-only HEAD~1 HEAD)
		key=$(passed_key)
		if [ -f "$passed/$key" ]; then
			echo "ok ${patch##*/}: $(cat "$passed/$key") (passed before)"
			continue
		fi
		configure "$mout" "$VB2HEAP_CACHE/linux-$KERNEL/series-check-configs/modules.config"
		build "the kernel with the series' tristates as modules" "$mout" vmlinux_o modules
		targets=("${!dirs[@]}")
		if [ ${#targets[@]} = 0 ]; then
			echo "modules build links, no C file touched yet" >"$passed/$key"
			echo "ok ${patch##*/}: $(cat "$passed/$key") ($((SECONDS - start)) s)"
			continue
		fi
		configure "$bout" "$config"
		build "the test configuration" "$bout" "${targets[@]}"
		configure "$aout" "$VB2HEAP_CACHE/linux-$KERNEL/series-check-configs/arm64.config" "${ARM64[@]}"
		build "arm64" "$aout" "${ARM64[@]}" "${targets[@]}"
		echo "builds (${targets[*]}), as modules and for arm64" >"$passed/$key"
		echo "ok ${patch##*/}: $(cat "$passed/$key") ($((SECONDS - start)) s)"
	done
	check_docs "${!docs[@]}"
}

# passed_key: what a patch's builds depend on: the worktree's files, the
# three configurations, the compilers and this script.
passed_key() {
	{
		git -C "$wt" rev-parse 'HEAD^{tree}'
		cat "$config" "$VB2HEAP_CACHE/linux-$KERNEL/series-check-configs/"*.config \
			"${BASH_SOURCE[0]}"
		gcc --version
		aarch64-linux-gnu-gcc --version
	} | sha256sum | cut -c1-32
}

# sphinx_dir FILE: the directory of Documentation/ whose Sphinx build
# renders FILE: its second level where that has an index, else its first.
sphinx_dir() {
	local rel=${1#Documentation/} two
	two=$(cut -d/ -f1-2 <<<"$rel")
	if [ -f "$wt/Documentation/$two/index.rst" ]; then
		echo "$two"
	else
		echo "${rel%%/*}"
	fi
}

# check_docs DIR...: make htmldocs of the DIRs. Each DIR is a Sphinx
# project of its own, so a reference to a label another of them defines is
# left unresolved there and counts for nothing; any other warning in a
# file the series touches fails the check.
check_docs() {
	local dout=$VB2HEAP_CACHE/linux-$KERNEL/series-check-docs touched labels warnings
	[ $# = 0 ] && return
	mkdir -p "$dout"
	make -s -C "$wt" O="$dout" SPHINXDIRS="$*" htmldocs >"$dout/make.log" 2>&1 || {
		cat "$dout/make.log" >&2
		die "make htmldocs of $* fails"
	}
	touched=$(git -C "$wt" diff --name-only base HEAD)
	labels=$(cd "$wt/Documentation" && grep -rhoE '^\.\. _[^:]+:' "$@" | sed -E 's/^\.\. _(.*):$/\1/' | tr 'A-Z' 'a-z')
	warnings=$(grep -E 'WARNING|ERROR' "$dout/make.log" | sed "s|^$wt/||" |
		grep -F -f <(echo "$touched") |
		grep -vF -f <(sed "s/.*/undefined label: '&'/" <<<"$labels") || true)
	if [ -n "$warnings" ]; then
		echo "$warnings" >&2
		die "the documentation the series touches has Sphinx warnings"
	fi
	echo "ok htmldocs of $*: no warning in the series' files"
}

write_series
[ "${1:-}" = --check ] && check_series
exit 0
