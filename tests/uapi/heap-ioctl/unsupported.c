// SPDX-License-Identifier: GPL-2.0
/* A driver without heap support: every heap ioctl answers ENOTTY. */
#include <errno.h>
#include <string.h>

#include "heap-ioctl.h"

void check_unsupported(struct ktap *k, struct run *run, uint32_t type)
{
	struct v4l2_heapdesc d = { .type = type };
	struct v4l2_heap h = { .type = type, .fd = V4L2_HEAP_FD_DEFAULT };
	const char *q = buf_type_name(type);
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 4);
	err = ioctl_errno(run->fd, VIDIOC_ENUM_HEAPS, &d);
	ktap_result(&sub, err == ENOTTY, "%s: ENUM_HEAPS: %s", q, strerror(err));
	err = ioctl_errno(run->fd, VIDIOC_G_HEAP, &h);
	ktap_result(&sub, err == ENOTTY, "%s: G_HEAP: %s", q, strerror(err));
	err = ioctl_errno(run->fd, VIDIOC_S_HEAP, &h);
	ktap_result(&sub, err == ENOTTY, "%s: S_HEAP: %s", q, strerror(err));
	check_caps(&sub, run, type, false);
	ktap_subtest_end(k, &sub, "%s", q);
}
