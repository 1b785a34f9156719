// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The buffers a queue takes: planes, line strides and sizes, as
 * VIDIOC_G_FMT reports them for the current format, or VIDIOC_TRY_FMT for
 * a format the device has not been set to.
 */
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "internal.h"

_Static_assert(V4L2HEAP_MAX_PLANES <= VIDEO_MAX_PLANES,
	       "more planes than V4L2 has");

/* Planes beyond what the layout holds are left for the caller to refuse. */
static void read_format(const struct v4l2_format *format,
			struct v4l2heap_layout *layout)
{
	const struct v4l2_pix_format_mplane *mp = &format->fmt.pix_mp;
	const struct v4l2_pix_format *pix = &format->fmt.pix;
	unsigned int i;

	switch (format->type) {
	case V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE:
	case V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE:
		layout->pixelformat = mp->pixelformat;
		layout->width = mp->width;
		layout->height = mp->height;
		layout->num_planes = mp->num_planes;
		for (i = 0; i < mp->num_planes && i < V4L2HEAP_MAX_PLANES; i++) {
			layout->bytesperline[i] = mp->plane_fmt[i].bytesperline;
			layout->sizeimage[i] = mp->plane_fmt[i].sizeimage;
		}
		break;
	case V4L2_BUF_TYPE_META_CAPTURE:
	case V4L2_BUF_TYPE_META_OUTPUT:
		layout->pixelformat = format->fmt.meta.dataformat;
		layout->num_planes = 1;
		layout->sizeimage[0] = format->fmt.meta.buffersize;
		break;
	default:
		layout->pixelformat = pix->pixelformat;
		layout->width = pix->width;
		layout->height = pix->height;
		layout->num_planes = 1;
		layout->bytesperline[0] = pix->bytesperline;
		layout->sizeimage[0] = pix->sizeimage;
		break;
	}
}

/* Whole pages per plane, as videobuf2 allocates its own buffers. */
static int round_to_pages(int device_fd, struct v4l2heap_layout *layout,
			  struct v4l2heap_err *err)
{
	uint64_t page = sysconf(_SC_PAGESIZE);
	unsigned int i;

	for (i = 0; i < layout->num_planes; i++) {
		uint64_t length = ((uint64_t)layout->sizeimage[i] + page - 1) /
				  page * page;

		if (!length || length > UINT32_MAX)
			return lv2h_fail_device(err, -EINVAL, device_fd,
						"plane %u of the %s queue's format has an unusable size of %u bytes",
						i, v4l2heap_type_name(layout->type),
						layout->sizeimage[i]);
		layout->length[i] = length;
	}
	return 0;
}

/*
 * @request (VIDIOC_G_FMT or VIDIOC_TRY_FMT) on @format, whose type the
 * caller checked, and the layout of the format it answers with.
 */
static int layout_of(int device_fd, unsigned long request,
		     struct v4l2_format *format, struct v4l2heap_layout *layout,
		     struct v4l2heap_err *err)
{
	const char *type_name = v4l2heap_type_name(format->type);
	int ret;

	memset(layout, 0, sizeof(*layout));
	ret = lv2h_ioctl(device_fd, request, format);
	if (ret == -EINVAL && request == VIDIOC_G_FMT)
		return lv2h_fail_no_queue(err, device_fd, format->type);
	if (ret)
		return lv2h_fail_device(err, ret, device_fd,
					request == VIDIOC_G_FMT ?
					"cannot get the format of the %s queue: %s" :
					"the %s queue takes no such format: %s",
					type_name, strerror(-ret));
	layout->type = format->type;
	read_format(format, layout);
	if (!layout->num_planes || layout->num_planes > V4L2HEAP_MAX_PLANES) {
		ret = lv2h_fail_device(err, -EINVAL, device_fd,
				       "the %s queue's format has %u planes",
				       type_name, layout->num_planes);
		goto fail;
	}
	ret = round_to_pages(device_fd, layout, err);
	if (ret)
		goto fail;
	return 0;

fail:
	memset(layout, 0, sizeof(*layout));
	return ret;
}

V4L2HEAP_EXPORT int v4l2heap_buffer_layout(int device_fd, uint32_t type,
					   struct v4l2heap_layout *layout,
					   struct v4l2heap_err *err)
{
	struct v4l2_format format;
	int ret;

	memset(layout, 0, sizeof(*layout));
	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	memset(&format, 0, sizeof(format));
	format.type = type;
	return layout_of(device_fd, VIDIOC_G_FMT, &format, layout, err);
}

V4L2HEAP_EXPORT int v4l2heap_format_layout(int device_fd,
					   struct v4l2_format *format,
					   struct v4l2heap_layout *layout,
					   struct v4l2heap_err *err)
{
	int ret;

	memset(layout, 0, sizeof(*layout));
	ret = lv2h_check_type(format->type, err);
	if (ret)
		return ret;
	return layout_of(device_fd, VIDIOC_TRY_FMT, format, layout, err);
}
