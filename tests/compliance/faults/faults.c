// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for v4l2-compliance that breaks the heap ioctls' answers
 * in one way, named by VB2HEAP_FAULT, to show that each heap test of the
 * patched v4l2-compliance fails on that misbehaviour (tests/compliance/
 * faults/run.sh). Every ioctl still goes to the real kernel and driver; the
 * shim only alters what comes back, as a broken driver would answer:
 *
 *   caps-no-heaps   REQBUFS/CREATE_BUFS lose V4L2_BUF_CAP_SUPPORTS_HEAPS
 *   enum-reserved   ENUM_HEAPS leaves reserved[0] non-zero
 *   enum-endless    ENUM_HEAPS answers past the last entry with entry 0
 *   enum-two-active ENUM_HEAPS reports a compatible heap as active
 *   enum-size       ENUM_HEAPS reports a size one page off the format's
 *   g-reserved      G_HEAP leaves reserved[0] non-zero
 *   s-not-heap      S_HEAP accepts a file that is no heap (EINVAL -> 0)
 *   s-closed-fd     S_HEAP answers EINVAL for a closed fd, not EBADF
 *   s-busy          S_HEAP accepted from a file handle that does not own
 *                   the queue (EBUSY -> 0)
 *   s-owner-busy    S_HEAP refused to a file handle that holds buffers
 *                   (0 -> EBUSY)
 *   s-outlives      a selection outlives its file handle: G_HEAP flags the
 *                   heap last selected on any file handle as selected
 *   reqbufs-owned   REQBUFS accepted from a file handle that does not own
 *                   the queue (EBUSY -> 0)
 *   s-no-selected   S_HEAP and G_HEAP do not flag the selection
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#define MAX_FDS	1024

static int (*real_ioctl)(int, unsigned long, ...);

/* s-owner-busy: which file descriptors hold buffers */
static bool holds_buffers[MAX_FDS];
/* s-outlives: the heap last selected, on any file descriptor */
static char last_selected[sizeof(((struct v4l2_heap *)0)->name)];

static int fault(const char *name)
{
	const char *f = getenv("VB2HEAP_FAULT");

	return f && !strcmp(f, name);
}

static int call(int fd, unsigned long req, void *arg)
{
	if (!real_ioctl)
		real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	return real_ioctl(fd, req, arg);
}

int ioctl(int fd, unsigned long req, ...)
{
	void *arg;
	va_list ap;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	ret = call(fd, req, arg);

	if (req == VIDIOC_REQBUFS && !ret && fault("caps-no-heaps"))
		((struct v4l2_requestbuffers *)arg)->capabilities &= ~V4L2_BUF_CAP_SUPPORTS_HEAPS;
	if (req == VIDIOC_CREATE_BUFS && !ret && fault("caps-no-heaps"))
		((struct v4l2_create_buffers *)arg)->capabilities &= ~V4L2_BUF_CAP_SUPPORTS_HEAPS;
	if (req == VIDIOC_REQBUFS && ret && errno == EBUSY && fault("reqbufs-owned"))
		ret = 0;

	if (fd >= 0 && fd < MAX_FDS && !ret) {
		if (req == VIDIOC_REQBUFS)
			holds_buffers[fd] = ((struct v4l2_requestbuffers *)arg)->count;
		if (req == VIDIOC_CREATE_BUFS &&
		    ((struct v4l2_create_buffers *)arg)->count)
			holds_buffers[fd] = true;
	}

	if (req == VIDIOC_ENUM_HEAPS) {
		struct v4l2_heapdesc *d = arg;

		if (ret && errno == EINVAL && d->index < 1000 && fault("enum-endless")) {
			__u32 index = d->index;

			d->index = 0;
			ret = call(fd, req, d);
			d->index = index;
		}
		if (!ret && fault("enum-reserved"))
			d->reserved[0] = 1;
		if (!ret && fault("enum-two-active") &&
		    d->usage == V4L2_HEAP_USAGE_COMPATIBLE)
			d->usage = V4L2_HEAP_USAGE_ACTIVE;
		if (!ret && fault("enum-size") && d->usage != V4L2_HEAP_USAGE_INTERNAL)
			d->size += 4096;
	}

	if (req == VIDIOC_G_HEAP || req == VIDIOC_S_HEAP) {
		struct v4l2_heap *h = arg;
		int err = errno;

		if (req == VIDIOC_G_HEAP && !ret && fault("g-reserved"))
			h->reserved[0] = 1;
		if (req == VIDIOC_S_HEAP && ret && err == EINVAL && h->fd >= 0 &&
		    fault("s-not-heap"))
			ret = 0;
		if (req == VIDIOC_S_HEAP && ret && err == EBADF && fault("s-closed-fd"))
			errno = EINVAL;
		if (req == VIDIOC_S_HEAP && ret && err == EBUSY && fault("s-busy"))
			ret = 0;
		if (req == VIDIOC_S_HEAP && !ret && fd >= 0 && fd < MAX_FDS &&
		    holds_buffers[fd] && fault("s-owner-busy")) {
			errno = EBUSY;
			ret = -1;
		}
		if (req == VIDIOC_S_HEAP && !ret)
			strcpy(last_selected, h->fd >= 0 ? (const char *)h->name : "");
		if (req == VIDIOC_G_HEAP && !ret && fault("s-outlives") &&
		    !strcmp((const char *)h->name, last_selected))
			h->flags |= V4L2_HEAP_FL_SELECTED;
		if (!ret && fault("s-no-selected"))
			h->flags &= ~V4L2_HEAP_FL_SELECTED;
	}
	return ret;
}
