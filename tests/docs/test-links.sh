#!/bin/bash
# Host test: README.md and the Markdown pages under Documentation/ link only
# to files inside the repository, every such link resolves (headings too),
# and README.md stays under 200 lines (tests/docs/check-links). Then the
# checker itself: a scratch tree with one crafted fault per page must fail
# on each of them, and a clean one must pass, so that this test cannot pass
# by checking nothing.
#
#   tests/docs/test-links.sh
#
# Prints KTAP: a plan, "ok N NAME" or the reasons as diagnostics and
# "not ok N NAME" per check; exits 1 if any is not ok.
# shellcheck disable=SC2016 # the backquotes below are Markdown's
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 n=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)) failures=$((failures + 1))
	sed 's/^/# /' <<<"$2"
	echo "not ok $n $1"
}

# The repository's documentation, a clean scratch tree, nine crafted
# faults, a README just under the limit and a link in a code block.
echo "KTAP version 1"
echo "1..13"

# The repository's own documentation.
if out=$(tests/docs/check-links 2>&1); then
	ok "the documentation's links resolve inside the repository ($(grep -c '^ok ' <<<"$out") files)"
else
	not_ok "the documentation's links resolve inside the repository" "$(grep -v '^ok ' <<<"$out")"
fi

# A scratch repository: a clean README and page, and one crafted fault each.
root=$tmp/repo
mkdir -p "$root/Documentation/project" "$root/tests"
echo '# Page' >"$root/Documentation/project/page.md"
printf '# Readme\n\n## Where to go\n\nSee [the page](Documentation/project/page.md#page), [here](#where-to-go) and [tests](tests/).\n' \
	>"$root/README.md"

# crafted NAME FILE CONTENT PATTERN: FILE holding CONTENT must fail, with
# a message matching PATTERN.
crafted() {
	local name=$1 file=$root/$2 out
	cp "$file" "$file.orig"
	printf '%s\n' "$3" >>"$file"
	if out=$(tests/docs/check-links --root "$root" 2>&1); then
		not_ok "$name is caught" "the checker passed it"
	elif grep -qE -- "$4" <<<"$out"; then
		ok "$name is caught"
	else
		not_ok "$name is caught" "no /$4/ in: $out"
	fi
	mv "$file.orig" "$file"
}

if out=$(tests/docs/check-links --root "$root" 2>&1); then
	ok "a clean scratch tree passes"
else
	not_ok "a clean scratch tree passes" "$out"
fi
crafted "a dangling link" README.md 'See [design](Documentation/project/design.md).' \
	'^not ok README.md: line 6: Documentation/project/design.md: no such file'
crafted "a link leaving the repository" Documentation/project/page.md \
	'See [notes](../../../shared/DESIGN.md).' 'page.md: line 2: \.\./\.\./\.\./shared/DESIGN.md: leaves the repository'
crafted "a code-span path leaving the repository" README.md 'See `../shared/DESIGN.md`.' \
	'README.md: line 6: `\.\./shared/DESIGN.md` leaves the repository'
crafted "an absolute path" Documentation/project/page.md '[x](/etc/passwd)' 'an absolute path'
crafted "a missing heading" README.md '[x](Documentation/project/page.md#no-such)' \
	"no heading '#no-such'"
crafted "a URL in README" README.md '[x](https://example.org/design)' \
	'README.md links only inside the repository'
crafted "a file: URL in a page" Documentation/project/page.md '[x](file:///work/shared/DESIGN.md)' \
	'a link outside the repository'
crafted "a reference definition" Documentation/project/page.md '[x]: ../../missing.md' \
	'missing.md: no such file'
crafted "a README of 200 lines" README.md "$(seq 195)" '^not ok README.md: 200 lines, want under 200'
seq 194 >>"$root/README.md"
if out=$(tests/docs/check-links --root "$root" 2>&1); then
	ok "a README of 199 lines passes"
else
	not_ok "a README of 199 lines passes" "$out"
fi
# A link inside a code block is not a link.
printf '```\n[x](no-such-file.md)\n```\n' >>"$root/Documentation/project/page.md"
if out=$(tests/docs/check-links --root "$root" 2>&1); then
	ok "links in code blocks are not followed"
else
	not_ok "links in code blocks are not followed" "$out"
fi

[ $failures = 0 ]
