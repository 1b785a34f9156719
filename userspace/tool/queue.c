// SPDX-License-Identifier: GPL-2.0
/*
 * Queue names as the user gives them, and the queues of a device they mean
 */
#include <errno.h>
#include <string.h>

#include <linux/videodev2.h>

#include "queue.h"
#include "v4l2heap.h"

int queue_parse(const char *name, struct queue_ref *ref)
{
	if (!strcmp(name, "cap")) {
		*ref = (struct queue_ref){ .kind = QUEUE_CAPTURE };
		return 0;
	}
	if (!strcmp(name, "out")) {
		*ref = (struct queue_ref){ .kind = QUEUE_OUTPUT };
		return 0;
	}
	*ref = (struct queue_ref){
		.kind = QUEUE_TYPE,
		.type = v4l2heap_type_from_name(name),
	};
	return ref->type ? 0 : -EINVAL;
}

const char *queue_ref_name(const struct queue_ref *ref)
{
	switch (ref->kind) {
	case QUEUE_CAPTURE:
		return "video capture";
	case QUEUE_OUTPUT:
		return "video output";
	case QUEUE_TYPE:
		break;
	}
	return v4l2heap_type_name(ref->type);
}

static bool has_type(const uint32_t *types, size_t count, uint32_t type)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (types[i] == type)
			return true;
	return false;
}

/* A device node has the single- or the multi-planar variant, not both. */
static uint32_t either_planarity(const uint32_t *types, size_t count,
				 uint32_t single, uint32_t multi)
{
	if (has_type(types, count, single))
		return single;
	if (has_type(types, count, multi))
		return multi;
	return 0;
}

uint32_t queue_resolve(const struct queue_ref *ref, const uint32_t *types,
		       size_t count)
{
	switch (ref->kind) {
	case QUEUE_CAPTURE:
		return either_planarity(types, count,
					V4L2_BUF_TYPE_VIDEO_CAPTURE,
					V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	case QUEUE_OUTPUT:
		return either_planarity(types, count,
					V4L2_BUF_TYPE_VIDEO_OUTPUT,
					V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
	case QUEUE_TYPE:
		break;
	}
	return has_type(types, count, ref->type) ? ref->type : 0;
}

void queue_stream_pair(uint32_t type, const uint32_t *types, size_t count,
		       uint32_t *capture, uint32_t *output)
{
	const struct queue_ref cap = { .kind = QUEUE_CAPTURE };
	const struct queue_ref out = { .kind = QUEUE_OUTPUT };
	uint32_t video_cap = queue_resolve(&cap, types, count);
	uint32_t video_out = queue_resolve(&out, types, count);

	/* Video queues pair up on mem2mem devices; metadata queues do not. */
	if (type == video_cap || type == video_out) {
		*capture = video_cap;
		*output = video_out;
	} else {
		*capture = V4L2_TYPE_IS_OUTPUT(type) ? 0 : type;
		*output = 0;
	}
}
