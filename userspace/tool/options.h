/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of v4l2-heap
 */
#ifndef V4L2HEAP_TOOL_OPTIONS_H
#define V4L2HEAP_TOOL_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "queue.h"
#include "v4l2heap.h"

/* A device has at most six queues; more settings than this are a typo. */
#define OPTIONS_MAX_SETTINGS	16

/* --set-heap QUEUE=HEAP */
struct heap_setting {
	struct queue_ref queue;
	char heap[V4L2HEAP_NAME_MAX];	/* "" for the driver's default */
};

struct options {
	bool help;
	bool version;
	bool list_heaps;
	bool list;
	bool json;
	char device[PATH_MAX];
	struct heap_setting settings[OPTIONS_MAX_SETTINGS];
	size_t num_settings;
	unsigned int stream_frames;	/* 0: no --stream */
	struct queue_ref stream_queue;
	char stream_heap[V4L2HEAP_NAME_MAX]; /* "": the recommended heap */
};

/*
 * Fills @opts from the command line. On a usage error returns -1 and
 * leaves the reason in @msg; prints nothing.
 */
int options_parse(int argc, char *const argv[], struct options *opts,
		  char *msg, size_t msg_size);

/* Whether the command needs the device opened. */
bool options_need_device(const struct options *opts);

#endif /* V4L2HEAP_TOOL_OPTIONS_H */
