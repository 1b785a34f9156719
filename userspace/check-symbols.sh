#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   check-symbols.sh LIBRARY.so v4l2heap.h libv4l2heap.map
#
# The shared library must export exactly the functions v4l2heap.h declares,
# every one with a version from libv4l2heap.map: an export missing from the
# header leaks an internal, a declaration missing from the exports or the
# map is a function programs cannot link against.
set -eu
lib=$1 header=$2 map=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -o '\bv4l2heap_[a-z_0-9]*(' "$header" | tr -d '(' | sort -u >"$tmp/declared"
sed -n 's/^[[:space:]]*\(v4l2heap_[a-z_0-9]*\);$/\1/p' "$map" | sort -u >"$tmp/mapped"
# NAME@@NODE for the default version of each defined function.
nm -D --defined-only --with-symbol-versions "$lib" |
	awk '$2 == "T" { print $3 }' | sort >"$tmp/exported"

status=0
diff -u --label declared --label mapped "$tmp/declared" "$tmp/mapped" || status=1
sed 's/@.*//' "$tmp/exported" | diff -u --label declared --label exported \
	"$tmp/declared" - || status=1
if grep -v '@@LIBV4L2HEAP_[0-9]*\.[0-9]*$' "$tmp/exported"; then
	echo "these exports have no LIBV4L2HEAP_ version" >&2
	status=1
fi
[ $status = 0 ] && echo "$(basename "$lib") exports exactly the functions of v4l2heap.h, versioned"
exit $status
