/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queue names as the user gives them, and the queues of a device they mean
 */
#ifndef V4L2HEAP_TOOL_QUEUE_H
#define V4L2HEAP_TOOL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum queue_kind {
	QUEUE_TYPE,	/* a type, named as v4l2heap_type_name() does */
	QUEUE_CAPTURE,	/* "cap": the video capture queue, either planarity */
	QUEUE_OUTPUT,	/* "out": the video output queue, either planarity */
};

struct queue_ref {
	enum queue_kind kind;
	uint32_t type;		/* QUEUE_TYPE only */
};

/* Parses a queue name; -EINVAL if it names no queue. */
int queue_parse(const char *name, struct queue_ref *ref);

/* What @ref names, for messages: "capture-mplane", "video capture" */
const char *queue_ref_name(const struct queue_ref *ref);

/* The buffer type of the device's queue that @ref means; 0 if it has none. */
uint32_t queue_resolve(const struct queue_ref *ref, const uint32_t *types,
		       size_t count);

/*
 * The queues to stream when the user asks for queue @type: the capture
 * queue whose frames show that data arrived and, on a mem2mem device, the
 * output queue that feeds it (0 when there is none). *capture is 0 when
 * nothing can be verified: an output queue without a capture queue.
 */
void queue_stream_pair(uint32_t type, const uint32_t *types, size_t count,
		       uint32_t *capture, uint32_t *output);

#endif /* V4L2HEAP_TOOL_QUEUE_H */
