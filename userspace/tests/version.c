// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The header's version macros, v4l2heap_version() and meson's project
 * version (argv[1]) must agree: the header is written by hand.
 */
#include <stdio.h>
#include <string.h>

#include "v4l2heap.h"

int main(int argc, char **argv)
{
	char header[32];

	snprintf(header, sizeof(header), "%d.%d.%d", V4L2HEAP_VERSION_MAJOR,
		 V4L2HEAP_VERSION_MINOR, V4L2HEAP_VERSION_MICRO);
	if (argc != 2 || strcmp(header, argv[1])) {
		fprintf(stderr, "v4l2heap.h says %s, meson.build %s\n", header,
			argc == 2 ? argv[1] : "(not given)");
		return 1;
	}
	if (v4l2heap_version() != V4L2HEAP_VERSION) {
		fprintf(stderr, "v4l2heap_version() is %#x, the header %#x\n",
			v4l2heap_version(), V4L2HEAP_VERSION);
		return 1;
	}
	if (!V4L2HEAP_VERSION_CHECK(0, 1, 9) ||
	    V4L2HEAP_VERSION_CHECK(V4L2HEAP_VERSION_MAJOR,
				   V4L2HEAP_VERSION_MINOR + 1, 0)) {
		fprintf(stderr, "V4L2HEAP_VERSION_CHECK() compares wrongly\n");
		return 1;
	}
	return 0;
}
