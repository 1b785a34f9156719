// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of heap usages and purposes, and of the buffer types the library
 * handles.
 */
#include <string.h>

#include <linux/videodev2.h>

#include "internal.h"

/* v4l2heap.h mirrors these so that it need not include linux/videodev2.h. */
_Static_assert(V4L2HEAP_USAGE_ACTIVE == V4L2_HEAP_USAGE_ACTIVE &&
	       V4L2HEAP_USAGE_COMPATIBLE == V4L2_HEAP_USAGE_COMPATIBLE &&
	       V4L2HEAP_USAGE_INTERNAL == V4L2_HEAP_USAGE_INTERNAL,
	       "usage values differ from the uAPI");
_Static_assert(V4L2HEAP_PURPOSE_NONE == V4L2_HEAP_PURPOSE_NONE &&
	       V4L2HEAP_PURPOSE_OTHER == V4L2_HEAP_PURPOSE_OTHER &&
	       V4L2HEAP_PURPOSE_REFERENCE == V4L2_HEAP_PURPOSE_REFERENCE &&
	       V4L2HEAP_PURPOSE_BITSTREAM == V4L2_HEAP_PURPOSE_BITSTREAM &&
	       V4L2HEAP_PURPOSE_SCRATCH == V4L2_HEAP_PURPOSE_SCRATCH &&
	       V4L2HEAP_PURPOSE_METADATA == V4L2_HEAP_PURPOSE_METADATA,
	       "purpose values differ from the uAPI");

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{ V4L2_BUF_TYPE_VIDEO_CAPTURE, "capture" },
	{ V4L2_BUF_TYPE_VIDEO_OUTPUT, "output" },
	{ V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, "capture-mplane" },
	{ V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, "output-mplane" },
	{ V4L2_BUF_TYPE_META_CAPTURE, "meta-capture" },
	{ V4L2_BUF_TYPE_META_OUTPUT, "meta-output" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

V4L2HEAP_EXPORT const char *v4l2heap_usage_name(enum v4l2heap_usage usage)
{
	switch (usage) {
	case V4L2HEAP_USAGE_ACTIVE:
		return "active";
	case V4L2HEAP_USAGE_COMPATIBLE:
		return "compatible";
	case V4L2HEAP_USAGE_INTERNAL:
		return "internal";
	}
	/* Later kernels may add usages. */
	return "unknown";
}

V4L2HEAP_EXPORT const char *v4l2heap_purpose_name(enum v4l2heap_purpose purpose)
{
	switch (purpose) {
	case V4L2HEAP_PURPOSE_NONE:
		return NULL;
	case V4L2HEAP_PURPOSE_OTHER:
		return "other";
	case V4L2HEAP_PURPOSE_REFERENCE:
		return "reference";
	case V4L2HEAP_PURPOSE_BITSTREAM:
		return "bitstream";
	case V4L2HEAP_PURPOSE_SCRATCH:
		return "scratch";
	case V4L2HEAP_PURPOSE_METADATA:
		return "metadata";
	}
	/* Later kernels may add purposes. */
	return "unknown";
}

V4L2HEAP_EXPORT const char *v4l2heap_type_name(uint32_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return NULL;
}

V4L2HEAP_EXPORT uint32_t v4l2heap_type_from_name(const char *name)
{
	size_t i;

	if (!name)
		return 0;
	for (i = 0; i < ARRAY_SIZE(type_names); i++)
		if (!strcmp(type_names[i].name, name))
			return type_names[i].type;
	return 0;
}

int lv2h_check_type(uint32_t type, struct v4l2heap_err *err)
{
	if (v4l2heap_type_name(type))
		return 0;
	return lv2h_fail(err, -EINVAL,
			 "buffer type %u is not a video or metadata queue type",
			 type);
}
