#!/bin/bash
# Host test: each backport of kernel/VERSION is the mainline series and no
# more than the backport needs (Documentation/project/kernel-series.md).
# Per backport kernel, KTAP subtests:
#   applies    its series applies, every conflict of the three-way merge
#              resolved by a reviewed fixup (kernel/build.sh --apply-only);
#   fixups     each fixup changes only files its mainline patch changes;
#   budget     its prerequisites and fixups together are no longer than
#              kernel/patches/<name>/delta-budget allows;
# and writes the range-diff of the mainline series and the backport to
# build/series/<name>/range-diff, printing its summary lines.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. scripts/paths.sh
. tests/lib/results.sh
. kernel/lib.sh

failures=0

# changed_files REPO COMMIT: the paths COMMIT changes.
changed_files() {
	git -C "$1" diff-tree --no-commit-id --name-only -r "$2"
}

# fixup_files FIXUP: the paths a fixup changes.
fixup_files() {
	sed -nE 's|^\+\+\+ [ab]/(.*)|\1|p' "$1"
}

# check_backport: the subtests of $KERNEL.
check_backport() {
	local out budget size mainline names i fixup extra total
	out=$(kernel/build.sh --apply-only 2>&1) && out=
	ktap_judge 1 applies "$out" "    "
	mapfile -t mainline < <(git -C "$MAINLINE_SRC" rev-list --reverse "base..$APPLIED")
	mapfile -t names < <(series_lines "$MAINLINE_PATCHES" | cut -d' ' -f1)
	extra=
	for i in "${!names[@]}"; do
		fixup=$KPATCHES/fixups/$(fixup_name "${names[i]}")
		[ -f "$fixup" ] || continue
		out=$(comm -23 <(fixup_files "$fixup" | sort -u) \
			<(changed_files "$MAINLINE_SRC" "${mainline[i]}" | sort -u))
		[ -z "$out" ] || extra+="fixups/${fixup##*/} changes what its patch does not: $out"$'\n'
	done
	ktap_judge 2 fixups "${extra%$'\n'}" "    "
	budget=$(sed -e 's/#.*//' "$KPATCHES/delta-budget" 2>/dev/null | tr -d '[:space:]')
	total=$(cat "$KPATCHES"/*.patch "$KPATCHES"/fixups/*.patch 2>/dev/null | wc -l)
	if [ -z "$budget" ]; then
		size="no number in kernel/patches/$KERNEL/delta-budget"
	elif [ "$total" -gt "$budget" ]; then
		size="prerequisites and fixups are $total lines, the budget $budget"
	else
		size=
	fi
	ktap_judge 3 "budget ($total of ${budget:-?} lines)" "$size" "    "
	range_diff "${#mainline[@]}"
}

# range_diff N: the range-diff of the mainline series and the last N
# commits of the backport, read with the mainline tree's objects.
range_diff() {
	local file=$VB2HEAP_TOP/build/series/$KERNEL/range-diff
	mkdir -p "${file%/*}"
	GIT_ALTERNATE_OBJECT_DIRECTORIES=$MAINLINE_SRC/.git/objects \
		git -C "$KSRC" range-diff --no-color \
		"$(git -C "$MAINLINE_SRC" rev-parse base)..$(git -C "$MAINLINE_SRC" rev-parse "$APPLIED")" \
		"$APPLIED~$1..$APPLIED" >"$file" 2>&1
	echo "    # range-diff ${file#"$VB2HEAP_TOP"/}:"
	grep -E '^ *[0-9-]+: +[0-9a-f-]+ [=!<>] ' "$file" | sed 's/^/    #   /'
}

mapfile -t backports < <(kernel_matrix | awk 'NR > 1 { print $1 }')
echo "KTAP version 1"
echo "1..${#backports[@]}"
n=0
for kernel in "${backports[@]}"; do
	n=$((n + 1))
	before=$failures
	echo "    KTAP version 1"
	echo "    1..3"
	(KERNEL=$kernel && . scripts/paths.sh && check_backport && [ $failures = "$before" ])
	[ $? = 0 ] || failures=$((failures + 1))
	if [ $failures = "$before" ]; then
		echo "ok $n backport $kernel"
	else
		echo "not ok $n backport $kernel"
	fi
done
exit $((failures > 0))
