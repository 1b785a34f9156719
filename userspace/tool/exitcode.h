/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit status of v4l2-heap: what went wrong, told by the error and the
 * operation that returned it
 */
#ifndef V4L2HEAP_TOOL_EXITCODE_H
#define V4L2HEAP_TOOL_EXITCODE_H

enum tool_status {
	STATUS_OK = 0,
	STATUS_FAILED = 1,		/* an operation failed */
	STATUS_USAGE = 2,		/* bad command line */
	STATUS_NO_DEVICE = 3,		/* no such device, or not V4L2 */
	STATUS_NO_HEAP_SUPPORT = 4,	/* queue not allocated from heaps */
	STATUS_HEAP = 5,		/* heap missing or not permitted */
};

enum tool_op {
	OP_DEVICE,	/* opening the device and finding its queues */
	OP_LIST_HEAPS,	/* reading the system's heaps */
	OP_QUERY,	/* asking the driver about a queue's heaps */
	OP_SELECT,	/* selecting a queue's heap */
	OP_ALLOC,	/* allocating buffers from a heap for a queue */
	OP_STREAM,	/* streaming */
};

/* The exit status for @error, a negative errno or 0, returned by @op. */
enum tool_status status_from_error(int error, enum tool_op op);

#endif /* V4L2HEAP_TOOL_EXITCODE_H */
