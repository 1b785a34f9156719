// SPDX-License-Identifier: GPL-2.0
/*
 * What the heap ioctls cost a caller: microseconds per VIDIOC_G_HEAP and
 * per full VIDIOC_ENUM_HEAPS enumeration of a device's capture queue, and
 * per VIDIOC_G_FMT for scale (an ioctl every client makes, through the
 * same V4L2 ioctl path).
 *
 * Usage: heapioctl CALLS REPS DEVICE
 * Prints "IOCTL MICROSECONDS" per repetition of CALLS calls each, and
 * "# entries N" once, the length of the enumeration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common.h"

static uint32_t type;

/* The number of entries: ENUM_HEAPS ends its list with EINVAL. */
static unsigned int enum_heaps(int fd)
{
	struct v4l2_heapdesc desc;
	unsigned int n;

	for (n = 0;; n++) {
		memset(&desc, 0, sizeof(desc));
		desc.index = n;
		desc.type = type;
		if (ioctl(fd, VIDIOC_ENUM_HEAPS, &desc))
			break;
	}
	if (errno != EINVAL)
		die("ENUM_HEAPS %u: %s", n, strerror(errno));
	return n;
}

static void g_heap(int fd)
{
	struct v4l2_heap heap = { .type = type, .fd = V4L2_HEAP_FD_DEFAULT };

	if (ioctl(fd, VIDIOC_G_HEAP, &heap))
		die("G_HEAP: %s", strerror(errno));
}

static void g_fmt(int fd)
{
	struct v4l2_format fmt = { .type = type };

	if (ioctl(fd, VIDIOC_G_FMT, &fmt))
		die("G_FMT: %s", strerror(errno));
}

static void run(const char *name, void (*call)(int), int fd, unsigned int calls)
{
	int64_t start = now_ns();
	unsigned int i;

	for (i = 0; i < calls; i++)
		call(fd);
	printf("%s %.3f\n", name, (now_ns() - start) / 1e3 / calls);
}

static void enum_all(int fd)
{
	enum_heaps(fd);
}

int main(int argc, char **argv)
{
	struct v4l2_capability cap;
	unsigned int calls, reps, rep;
	int fd;

	if (argc != 4)
		die("usage: %s CALLS REPS DEVICE", argv[0]);
	calls = strtoul(argv[1], NULL, 0);
	reps = strtoul(argv[2], NULL, 0);
	fd = open_device(argv[3]);
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap))
		die("QUERYCAP: %s", strerror(errno));
	type = (cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities) &
	       V4L2_CAP_VIDEO_CAPTURE_MPLANE ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
					       V4L2_BUF_TYPE_VIDEO_CAPTURE;

	printf("# entries %u\n", enum_heaps(fd));
	for (rep = 0; rep < reps; rep++) {
		run("ENUM_HEAPS", enum_all, fd, calls);
		run("G_HEAP", g_heap, fd, calls);
		run("G_FMT", g_fmt, fd, calls);
		fflush(stdout);
	}
	return 0;
}
