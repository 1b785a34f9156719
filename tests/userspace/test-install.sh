#!/bin/bash
# Host test: 'make install' into a DESTDIR yields a library that a program
# finds through pkg-config and links against, shared and static, plus the
# tool and its man page. Runs 'make userspace', which builds the kernel
# first if it is not built.
#
#   tests/userspace/test-install.sh
#
# Prints "ok NAME" or "not ok NAME" per check; exits 1 if any is not ok.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
failures=0 number=0

# KTAP: one result per judge below.
echo "KTAP version 1"
echo "1..6"
judge() { # NAME COMMAND...
	local name=$1 log
	shift
	number=$((number + 1))
	if log=$("$@" 2>&1); then
		echo "ok $number $name"
	else
		sed 's/^/# /' <<<"$log"
		echo "not ok $number $name"
		failures=$((failures + 1))
	fi
}

judge install make --no-print-directory userspace install PREFIX=/usr DESTDIR="$root"

cat >"$root/client.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <v4l2heap.h>

int main(void)
{
	struct v4l2heap_err err;
	int fd = v4l2heap_open_heap("no-such-heap", &err);

	printf("%s %d\n", v4l2heap_type_name(v4l2heap_type_from_name("meta-capture")),
	       fd == err.code && strstr(err.message, "no-such-heap") != NULL);
	return 0;
}
C
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig
client() { # shared|static
	local pc=(pkg-config --cflags --libs) link=()
	[ "$1" = shared ] || { pc+=(--static); link=(-static); }
	# shellcheck disable=SC2046 # pkg-config's flags split on blanks
	gcc -Wall -Wextra -Werror "${link[@]}" -o "$root/client-$1" "$root/client.c" \
		$("${pc[@]}" libv4l2heap) &&
		[ "$(LD_LIBRARY_PATH=$root/usr/lib "$root/client-$1")" = "meta-capture 1" ]
}
judge pkg-config-shared client shared
judge pkg-config-static client static
# The tool links against the installed library, found through
# LD_LIBRARY_PATH as the system's loader would find it in /usr/lib: no
# run path into the build tree survives the install.
judge tool-runs sh -c 'LD_LIBRARY_PATH=$0/usr/lib "$0/usr/bin/v4l2-heap" --version |
	grep -x "v4l2-heap [0-9.]* (libv4l2heap [0-9.]*)"' "$root"
judge no-build-rpath sh -c '! readelf -d "$0/usr/bin/v4l2-heap" | grep -E "R(UN)?PATH"' "$root"
judge man-page test -s "$root/usr/share/man/man1/v4l2-heap.1"

exit $((failures > 0))
