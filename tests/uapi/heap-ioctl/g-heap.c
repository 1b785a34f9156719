// SPDX-License-Identifier: GPL-2.0
/* VIDIOC_G_HEAP: the active heap as ENUM_HEAPS lists it, and the errors. */
#include <errno.h>
#include <string.h>

#include "heap-ioctl.h"

void check_g_heap(struct ktap *k, struct run *run, uint32_t type,
		  const struct entries *list)
{
	const struct v4l2_heapdesc *active = find(list, V4L2_HEAP_USAGE_ACTIVE,
						  NULL);
	const char *q = buf_type_name(type);
	struct v4l2_heap h;
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 2);
	memset(&h, 0x5a, sizeof(h));
	h.type = type;
	err = ioctl_errno(run->fd, VIDIOC_G_HEAP, &h);
	ktap_result(&sub, !err && active &&
			  !strcmp((const char *)h.name,
				  (const char *)active->name) &&
			  h.fd == V4L2_HEAP_FD_DEFAULT &&
			  h.flags == (active->flags & ~V4L2_HEAP_FL_SELECTED) &&
			  !(h.flags & V4L2_HEAP_FL_SELECTED) &&
			  h.heap_caps == active->heap_caps &&
			  all_zero(h.reserved, sizeof(h.reserved)),
		    "%s: G_HEAP names the active heap '%s', default, reserved cleared",
		    q, err ? strerror(err) : (const char *)h.name);

	memset(&h, 0, sizeof(h));
	h.type = V4L2_BUF_TYPE_VBI_CAPTURE;
	err = ioctl_errno(run->fd, VIDIOC_G_HEAP, &h);
	ktap_result(&sub, err == EINVAL, "%s: G_HEAP with a VBI type: %s", q,
		    strerror(err));
	ktap_subtest_end(k, &sub, "%s: G_HEAP", q);
}
