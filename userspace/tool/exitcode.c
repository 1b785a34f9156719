// SPDX-License-Identifier: GPL-2.0
/*
 * Exit status of v4l2-heap: what went wrong, told by the error and the
 * operation that returned it
 */
#include <errno.h>
#include <stdbool.h>

#include "exitcode.h"

/* Opening /dev/dma_heap/NAME: no such heap, or no permission to use it. */
static bool heap_unavailable(int error)
{
	return error == -ENOENT || error == -EACCES || error == -EPERM;
}

enum tool_status status_from_error(int error, enum tool_op op)
{
	if (error >= 0)
		return STATUS_OK;

	switch (op) {
	case OP_DEVICE:
		/* ENOTTY: the node refused VIDIOC_QUERYCAP, it is not V4L2. */
		if (error == -ENOENT || error == -ENODEV || error == -ENXIO ||
		    error == -ENOTDIR || error == -ENOTTY)
			return STATUS_NO_DEVICE;
		break;
	case OP_LIST_HEAPS:
		/* ENOENT: a kernel without dma-buf heaps has no heap at all. */
		if (heap_unavailable(error))
			return STATUS_HEAP;
		break;
	case OP_QUERY:
		if (error == -ENOTTY)
			return STATUS_NO_HEAP_SUPPORT;
		/* ENODEV: no heap of the driver's policy is registered. */
		if (error == -ENODEV)
			return STATUS_HEAP;
		break;
	case OP_SELECT:
		if (error == -ENOTTY)
			return STATUS_NO_HEAP_SUPPORT;
		/*
		 * EINVAL: the queue refuses the heap (it lacks a capability
		 * the queue needs); ENODEV: the driver's default heap is not
		 * registered.
		 */
		if (heap_unavailable(error) || error == -EINVAL ||
		    error == -ENODEV)
			return STATUS_HEAP;
		break;
	case OP_ALLOC:
		if (heap_unavailable(error))
			return STATUS_HEAP;
		break;
	case OP_STREAM:
		break;
	}
	return STATUS_FAILED;
}
