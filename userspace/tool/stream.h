/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming through buffers allocated from a heap, checking that the frames
 * carry data
 */
#ifndef V4L2HEAP_TOOL_STREAM_H
#define V4L2HEAP_TOOL_STREAM_H

#include <stdint.h>

#include "exitcode.h"
#include "v4l2heap.h"

struct stream_config {
	const char *device;	/* for messages */
	uint32_t capture;	/* the queue whose frames are checked */
	uint32_t output;	/* mem2mem: the queue feeding it, else 0 */
	const char *heap;	/* both queues' buffers come from it */
	unsigned int frames;	/* capture frames to stream */
};

struct stream_report {
	unsigned int frames;	/* capture frames dequeued */
	unsigned int with_data;	/* of them, those not all zero nor erroneous */
	double seconds;		/* from STREAMON to the last frame */
};

/*
 * Streams @config->frames frames on the device open at @fd (non-blocking)
 * through buffers from @config->heap. A frame that carried no data is not
 * a failure here, the report tells; anything else that fails is, with the
 * reason in @err.
 */
enum tool_status stream_run(int fd, const struct stream_config *config,
			    struct stream_report *report,
			    struct v4l2heap_err *err);

#endif /* V4L2HEAP_TOOL_STREAM_H */
