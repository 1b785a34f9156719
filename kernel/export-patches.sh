#!/bin/bash
# Write the commits of KERNEL's tree in the cache (default the primary
# kernel; base..HEAD) back to the project. This is how kernel changes are
# made: commit in $KSRC, export, commit here (Documentation/project/
# kernel-series.md).
#
# The primary kernel's commits become kernel/patches/<KERNEL>/, the
# mainline series: a patch per commit, without the files the commit
# creates, which are written to kernel/tree/ at their tree paths and named
# on the patch's series line.
#
# A backport's commits are its prerequisites and then, one by one, the
# mainline series' commits: the prerequisites become
# kernel/patches/<KERNEL>/, and where a commit differs from its mainline
# patch applied with a three-way merge, the difference becomes
# fixups/<patch name without number>.patch, described by the
# "[ <KERNEL>: why ]" line that ends the commit's message.
set -euo pipefail
. "$(dirname "$0")/../scripts/paths.sh"
. "$(dirname "$0")/lib.sh"

[ -d "$KSRC/.git" ] || die "no kernel tree at $KSRC; run 'make kernel'"
[ -z "$(git_k status --porcelain)" ] || die "$KSRC has uncommitted changes; commit them first"
! git_op_under_way || die "$KSRC is in the middle of a rebase or git am; finish it first"

mapfile -t commits < <(git_k rev-list --reverse base..HEAD)

# write_series PATCHES...: the series file with the comments it had and a
# line per patch (with what the patch creates, from $created).
declare -A created=()
write_series() {
	local p
	{
		sed -n '/^#/p' "$KPATCHES/series"
		for p; do
			echo "$p${created[$p]:+ ${created[$p]}}"
		done
	} >"$KPATCHES/series.new"
	mv "$KPATCHES/series.new" "$KPATCHES/series"
}

# export_commit N COMMIT [EXCLUDE...]: the commit as patch N, its name.
export_commit() {
	local n=$1 c=$2 path
	shift 2
	path=$(git_k format-patch --no-signature --zero-commit --start-number "$n" \
		-o "$KPATCHES" -1 "$c" -- . "$@")
	grep -q '^diff --git ' "$path" ||
		die "commit $(git_k log -1 --format='%h (%s)' "$c") has nothing but new files;" \
			"git am cannot apply the patch that is left"
	echo "${path##*/}"
}

export_mainline() {
	local i c path names=() files=() excludes new
	find "$KPATCHES" -maxdepth 1 -name '*.patch' -delete
	for i in "${!commits[@]}"; do
		c=${commits[i]}
		excludes=() new=()
		while read -r path; do
			excludes+=(":!$path") new+=("+$path")
			files+=("$path")
		done < <(git_k diff-tree --no-commit-id --name-only --diff-filter=A -r "$c")
		names+=("$(export_commit $((i + 1)) "$c" "${excludes[@]}")")
		created[${names[-1]}]=${new[*]}
	done
	write_series "${names[@]}"
	# kernel/tree/ holds exactly what the series creates, as HEAD has it.
	find "$KFILES" -type f -delete
	for path in "${files[@]}"; do
		git_k cat-file -e "HEAD:$path" 2>/dev/null ||
			die "$path is created by the series and deleted again"
		mkdir -p "$KFILES/$(dirname "$path")"
		git_k show "HEAD:$path" >"$KFILES/$path"
	done
	find "$KFILES" -type d -empty -delete
	echo "exported ${#names[@]} patches to kernel/patches/$KERNEL/ and ${#files[@]} files to kernel/tree/"
}

# A backport's commits: prerequisites, then the mainline series commit by
# commit, paired by subject. Each is compared with its mainline patch merged
# as kernel/build.sh merges it, in a worktree of its own.
export_backport() {
	local mainline=() dir=$VB2HEAP_CACHE/linux-$KERNEL/mainline patches first i c m
	local wt=$VB2HEAP_CACHE/linux-$KERNEL/export names=() fixups=0 body note
	mapfile -t mainline < <(git -C "$MAINLINE_SRC" rev-list --reverse "base..$APPLIED")
	first=$(git -C "$MAINLINE_SRC" log -1 --format=%s "${mainline[0]}")
	for i in "${!commits[@]}"; do
		[ "$(git_k log -1 --format=%s "${commits[i]}")" = "$first" ] && break
	done
	[ $((${#commits[@]} - i)) = ${#mainline[@]} ] ||
		die "after its $i prerequisites, $KSRC must have the ${#mainline[@]} commits" \
			"of the $PRIMARY_KERNEL series, one each, in order"
	mainline_patches "$MAINLINE_SRC" "$dir"
	mapfile -t patches < <(printf '%s\n' "$dir"/*.patch)
	if [ ! -e "$wt/.git" ]; then
		git_k worktree prune
		git_k worktree add -q --detach "$wt" base
	fi
	find "$KPATCHES" -maxdepth 1 -name '*.patch' -delete
	rm -rf "$KPATCHES/fixups"
	mkdir -p "$KPATCHES/fixups"
	for ((c = 0; c < i; c++)); do
		names+=("$(export_commit $((c + 1)) "${commits[c]}")")
	done
	write_series "${names[@]}"
	for ((m = 0; m < ${#mainline[@]}; m++)); do
		c=${commits[i + m]}
		body=$(git_k log -1 --format=%B "$c")
		note=$(sed -nE "s/^\[ $KERNEL: (.*) \]$/\1/p" <<<"$body")
		[ "$(sed "/^\[ $KERNEL: .* \]$/d" <<<"$body" | trim_blank_lines)" = \
			"$(git -C "$MAINLINE_SRC" log -1 --format=%B "${mainline[m]}" | trim_blank_lines)" ] ||
			die "the message of $(git_k log -1 --format='%h (%s)' "$c") is not its" \
				"mainline patch's: change messages in the $PRIMARY_KERNEL series"
		KSRC=$wt git_k reset -q --hard "$c^"
		KSRC=$wt git_k -c merge.conflictStyle=merge am -q -3 --whitespace=error-all \
			"${patches[m]}" >"$dir/am.log" 2>&1 || true
		KSRC=$wt git_k add -A -f
		if ! KSRC=$wt git_k diff --cached --quiet "$c"; then
			[ -n "$note" ] ||
				die "$(git_k log -1 --format='%h (%s)' "$c") differs from its mainline" \
					"patch; end its message with a line '[ $KERNEL: why ]'"
			{
				echo "$note"
				echo
				KSRC=$wt git_k diff "$(KSRC=$wt git_k write-tree)" "$c"
			} >"$KPATCHES/fixups/$(fixup_name "${patches[m]}")"
			fixups=$((fixups + 1))
		fi
		KSRC=$wt git_k am --abort >/dev/null 2>&1 || true
	done
	rmdir "$KPATCHES/fixups" 2>/dev/null || true
	echo "exported ${#names[@]} prerequisites and $fixups fixups to kernel/patches/$KERNEL/"
}

# trim_blank_lines: stdin without its trailing blank lines.
trim_blank_lines() {
	sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

if is_backport; then
	export_backport
else
	export_mainline
fi
# The tree is now what the series gives, so build.sh need not apply it.
git_k update-ref "$APPLIED" HEAD
series_hash >"$PATCHES_STAMP"
