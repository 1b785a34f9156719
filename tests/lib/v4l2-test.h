/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every V4L2 test program needs to name and sort buffer types, and
 * an ioctl() that answers with the errno, so that a check compares one
 * number with what the uAPI documents.
 *
 * Header only, like ktap.h: programs include it by relative path.
 */
#ifndef VB2HEAP_TESTS_V4L2_TEST_H
#define VB2HEAP_TESTS_V4L2_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

/* 0 or the errno, after retrying interrupted calls. */
static inline int ioctl_errno(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? errno : 0;
}

static inline bool buf_type_is_mplane(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
}

static inline bool buf_type_is_output(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_OUTPUT ||
	       type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE ||
	       type == V4L2_BUF_TYPE_META_OUTPUT;
}

static inline bool buf_type_is_meta(uint32_t type)
{
	return type == V4L2_BUF_TYPE_META_CAPTURE ||
	       type == V4L2_BUF_TYPE_META_OUTPUT;
}

/* The names v4l2-heap prints for the queue types the tests meet. */
static inline const char *buf_type_name(uint32_t type)
{
	switch (type) {
	case V4L2_BUF_TYPE_VIDEO_CAPTURE: return "capture";
	case V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE: return "capture-mplane";
	case V4L2_BUF_TYPE_VIDEO_OUTPUT: return "output";
	case V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE: return "output-mplane";
	case V4L2_BUF_TYPE_META_CAPTURE: return "meta-capture";
	case V4L2_BUF_TYPE_META_OUTPUT: return "meta-output";
	default: return "unknown";
	}
}

#endif
