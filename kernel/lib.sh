# shellcheck shell=bash
# What kernel/build.sh and kernel/export-patches.sh share: the tree's
# bookkeeping and how a backport takes the mainline series. Sourced after
# scripts/paths.sh.

die() { echo "${0#"$VB2HEAP_TOP"/}: $*" >&2; exit 1; }
git_k() { git -C "$KSRC" -c user.name=vb2-heap -c user.email=vb2-heap@localhost "$@"; }

# The commit the series was last applied or exported as; anything in the
# tree beyond it is work that is nowhere else.
APPLIED=refs/vb2heap/applied

# The tree's stamps: the source version it was unpacked from, and the
# series_hash of the series applied or exported last.
BASE_STAMP=$KSRC/.git/vb2heap-base
PATCHES_STAMP=$KSRC/.git/vb2heap-patches

# stamp_says STAMP VALUE: whether STAMP exists and holds VALUE.
stamp_says() {
	[ -f "$1" ] && [ "$(<"$1")" = "$2" ]
}

# git_op_under_way: whether a rebase or a git am is under way in the tree.
git_op_under_way() {
	local gitdir
	gitdir=$(git_k rev-parse --absolute-git-dir)
	[ -d "$gitdir/rebase-merge" ] || [ -d "$gitdir/rebase-apply" ]
}

# The primary kernel's tree, where the mainline series is applied.
MAINLINE_SRC=$VB2HEAP_CACHE/linux-$PRIMARY_KERNEL/src

# mainline_patches MAIN DIR: the commits of the primary kernel's series
# (tree MAIN) as patches in DIR, with full blob ids, and the blobs they
# were made against copied into this tree's repository: what git am -3
# needs for its three-way merge.
mainline_patches() {
	local main=$1 dir=$2 blob
	rm -rf "$dir"
	git -C "$main" format-patch -q --full-index --zero-commit --no-signature \
		-o "$dir" "base..$APPLIED"
	for blob in $(sed -nE 's/^index ([0-9a-f]{40})\.\.[0-9a-f]{40}.*/\1/p' "$dir"/*.patch | sort -u); do
		[ "$blob" = 0000000000000000000000000000000000000000 ] && continue
		git_k cat-file -e "$blob" 2>/dev/null ||
			git -C "$main" cat-file blob "$blob" | git_k hash-object -w --stdin >/dev/null
	done
}

# fixup_note FIXUP: what a fixup says of itself, the text before its diff,
# on one line.
fixup_note() {
	sed '/^diff --git /,$d' "$1" | tr -s '\n' ' ' | sed 's/ *$//'
}

# merge_mainline_patch PATCH [FIXUP]: commits PATCH, a patch of the mainline
# series, on top of the tree's HEAD with a three-way merge, and folds FIXUP
# into the commit: applied to the merge's result, conflict markers
# included, and named in the message as "[ <KERNEL>: what it says ]".
# Fails, leaving no am under way, when the patch does not merge or leaves
# conflicts FIXUP does not resolve.
merge_mainline_patch() {
	local patch=$1 fixup=${2:-} log=${1%/*}/am.log conflicts=0
	if ! git_k -c merge.conflictStyle=merge am -q -3 --whitespace=error-all \
		"$patch" >"$log" 2>&1; then
		[ -n "$(git_k diff --name-only --diff-filter=U)" ] || { git_k am --abort; return 1; }
		conflicts=1
	fi
	if [ -n "$fixup" ]; then
		git_k apply --whitespace=error-all "$fixup" 2>>"$log" || { git_k am --abort; return 1; }
		git_k add -A -f
	fi
	if [ $conflicts = 1 ]; then
		# Markers left behind; git diff --check would take RST's ======= for one.
		! git_k diff --cached --name-only -z | (cd "$KSRC" &&
			xargs -0 -r grep -H -E '^(<<<<<<<|>>>>>>>) ') >>"$log" ||
			{ git_k am --abort; return 1; }
		git_k am --continue >>"$log" 2>&1 || { git_k am --abort; return 1; }
	fi
	[ -n "$fixup" ] || return 0
	git_k commit -q --amend -m "$(git_k log -1 --format=%B)" -m "[ $KERNEL: $(fixup_note "$fixup") ]"
}
