// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error reporting: a negative errno for the program and a sentence for its
 * user in struct v4l2heap_err.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int lv2h_fail(struct v4l2heap_err *err, int code, const char *fmt, ...)
{
	va_list args;

	if (!err)
		return code;
	err->code = code;
	memset(err->reserved, 0, sizeof(err->reserved));
	va_start(args, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	va_end(args);
	return code;
}

/*
 * Callers pass only a file descriptor; the path it was opened from tells
 * the user which of several devices failed.
 */
static void name_device(int device_fd, char *name, size_t size)
{
	char link[32];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", device_fd);
	len = readlink(link, name, size - 1);
	if (len > 0) {
		name[len] = '\0';
		return;
	}
	snprintf(name, size, "fd %d", device_fd);
}

/* Like lv2h_fail(), with the message prefixed by the device's name. */
int lv2h_fail_device(struct v4l2heap_err *err, int code, int device_fd,
		     const char *fmt, ...)
{
	char device[V4L2HEAP_ERR_MAX];
	char what[V4L2HEAP_ERR_MAX];
	va_list args;

	if (!err)
		return code;
	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	name_device(device_fd, device, sizeof(device));
	return lv2h_fail(err, code, "%s: %s", device, what);
}

int lv2h_fail_no_queue(struct v4l2heap_err *err, int device_fd,
		       uint32_t type)
{
	return lv2h_fail_device(err, -EINVAL, device_fd,
				"the device has no %s queue",
				v4l2heap_type_name(type));
}
