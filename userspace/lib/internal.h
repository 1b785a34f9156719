/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libv4l2heap internals shared between its source files; never installed.
 */
#ifndef V4L2HEAP_INTERNAL_H
#define V4L2HEAP_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "v4l2heap.h"

/*
 * The library is built with -fvisibility=hidden so that only the functions
 * of v4l2heap.h, whose definitions carry this, are part of its ABI.
 */
#define V4L2HEAP_EXPORT __attribute__((visibility("default")))

/*
 * Functions shared between the library's files are named lv2h_, not
 * v4l2heap_: hidden from the shared library, they are still global symbols
 * of the static one, and v4l2heap_ is the public API's prefix.
 */

/* error.c: every failure goes through these; they return @code. */
int lv2h_fail(struct v4l2heap_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lv2h_fail_device(struct v4l2heap_err *err, int code, int device_fd,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* -EINVAL for a buffer type the device has no queue of. */
int lv2h_fail_no_queue(struct v4l2heap_err *err, int device_fd,
		       uint32_t type);

/* heaps.c */
int lv2h_alloc_from(int heap_fd, const char *name, uint64_t size,
		    struct v4l2heap_err *err);
/*
 * The heap name of @heap_fd's node for messages, else its path or number;
 * true if the fd was opened from a heap node.
 */
bool lv2h_heap_fd_name(int heap_fd, char *name, size_t size);

/* names.c: 0 for the buffer types the library handles, else -EINVAL. */
int lv2h_check_type(uint32_t type, struct v4l2heap_err *err);

/*
 * No retry on EINTR: a blocking VIDIOC_DQBUF must stay interruptible for
 * applications that stop streaming from a signal handler.
 */
static inline int lv2h_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) == -1 ? -errno : 0;
}

#endif /* V4L2HEAP_INTERNAL_H */
