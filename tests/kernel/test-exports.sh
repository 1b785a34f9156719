#!/bin/bash
# Host test: every symbol the mainline series exports has a user in the
# tree (upstream takes no export without one), outside the file that
# defines it and the KUnit tests, or is listed with the reason in
# tests/kernel/exports-without-user. A symbol exported as __name behind a
# name() macro counts as used where name is. And the series' media code
# asks the DMA API and the heap layer what a device can use, rather than
# including their internals (dma-direct.h, dma-map-ops.h), as the DMA
# mapping maintainers require of drivers.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. scripts/paths.sh
. tests/lib/results.sh
. kernel/lib.sh

BASELINE=tests/kernel/exports-without-user
failures=0

git_m() { git -C "$MAINLINE_SRC" "$@"; }

# exports: "SYMBOL FILE" for each symbol the series' commits export.
exports() {
	git_m diff "base..$APPLIED" | awk '
		/^\+\+\+ b\// { file = substr($2, 3) }
		match($0, /^\+EXPORT_SYMBOL(_GPL|_NS|_NS_GPL)?\([A-Za-z0-9_]+/) {
			sym = substr($0, RSTART, RLENGTH); sub(/.*\(/, "", sym)
			print sym, file
		}' | sort -u
}

# uses NAME...: "FILE NAME" for each .c file of the series' tree that
# names one of NAME, KUnit tests left out; one pass over the tree.
uses() {
	git_m grep -owE "$(IFS='|'; echo "$*")" "$APPLIED" -- '*.c' |
		sed "s|^$APPLIED:||; s|:| |" | grep -vE '^[^ ]*((_kunit|[-_]test)\.c|/tests?/[^ ]*) ' |
		sort -u
}

listed=$(awk -F' *[|] *' '!/^[[:space:]]*(#|$)/ { print $1 }' "$BASELINE")
mapfile -t symbols < <(exports)
names=()
for line in "${symbols[@]}"; do
	sym=${line% *}
	names+=("$sym" "${sym#__}")
done
found=$(uses "${names[@]}")
unused=() stale=()
for line in "${symbols[@]}"; do
	read -r sym def <<<"$line"
	# Used where it is named, itself or without the __ of a macro's
	# backend, in any file but its own.
	if ! grep -qE "^[^ ]+ (${sym}|${sym#__})\$" <(grep -v "^$def " <<<"$found"); then
		grep -qxF "$sym" <<<"$listed" || unused+=("$sym")
	elif grep -qxF "$sym" <<<"$listed"; then
		stale+=("$sym")
	fi
done

# dma_internals: the lines the series adds to media code that include the
# DMA mapping code's internal headers.
dma_internals() {
	git_m diff "base..$APPLIED" -- drivers/media include/media | awk '
		/^\+\+\+ b\// { file = substr($2, 3) }
		/^\+#include <linux\/(dma-direct|dma-map-ops)\.h>/ { print file ": " substr($0, 2) }'
}

echo "KTAP version 1"
echo "1..3"
echo "# ${#symbols[@]} symbols exported by the series"
ktap_judge 1 "every export has a user" \
	"$([ ${#unused[@]} = 0 ] || echo "no user outside its file and KUnit: ${unused[*]}")"
ktap_judge 2 "$BASELINE lists only exports without a user" \
	"$([ ${#stale[@]} = 0 ] || echo "used now, drop from the list: ${stale[*]}")"
ktap_judge 3 "media code uses the DMA API, not its internals" "$(dma_internals)"
[ $failures = 0 ]
