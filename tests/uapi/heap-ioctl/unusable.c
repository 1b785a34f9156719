// SPDX-License-Identifier: GPL-2.0
/*
 * A queue that allocates from heaps while no heap of its driver's policy
 * is usable (a contiguous queue whose policy names only the system heap):
 * it still supports the heap ioctls and says so, G_HEAP says why there is
 * no heap, and ENUM_HEAPS lists no active heap.
 */
#include <errno.h>
#include <string.h>

#include "heap-ioctl.h"

void check_unusable(struct ktap *k, struct run *run, uint32_t type)
{
	struct v4l2_heap h = { .type = type };
	const char *q = buf_type_name(type);
	unsigned int active;
	struct entries list;
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 3);
	check_caps(&sub, run, type, true);
	err = ioctl_errno(run->fd, VIDIOC_G_HEAP, &h);
	ktap_result(&sub, err == ENODEV, "%s: G_HEAP: %s, want %s", q,
		    strerror(err), strerror(ENODEV));
	err = enumerate(run->fd, type, &list);
	active = err ? 0 : count_usage(&list, V4L2_HEAP_USAGE_ACTIVE);
	ktap_result(&sub, !err && !active,
		    "%s: ENUM_HEAPS: %s, %u entries, %u active", q,
		    strerror(err), list.n, active);
	ktap_subtest_end(k, &sub, "%s", q);
}
