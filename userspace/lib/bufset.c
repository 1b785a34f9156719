// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Buffer sets: dma-bufs allocated from a heap for the queue's current
 * format and imported into the queue with V4L2_MEMORY_DMABUF.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "internal.h"

/* VIDIOC_REQBUFS for DMABUF import; returns how many buffers it granted. */
static int request_buffers(int device_fd, uint32_t type, unsigned int count,
			   struct v4l2heap_err *err)
{
	const char *queue = v4l2heap_type_name(type);
	struct v4l2_requestbuffers req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.count = count;
	req.type = type;
	req.memory = V4L2_MEMORY_DMABUF;
	ret = lv2h_ioctl(device_fd, VIDIOC_REQBUFS, &req);
	switch (ret) {
	case 0:
		break;
	case -EINVAL:
		return lv2h_fail_device(err, ret, device_fd,
					"the %s queue does not import dma-bufs (V4L2_MEMORY_DMABUF)",
					queue);
	case -EBUSY:
		return lv2h_fail_device(err, ret, device_fd,
					"the %s queue is busy: it is streaming or its buffers are in use",
					queue);
	default:
		return lv2h_fail_device(err, ret, device_fd,
					"cannot request %u buffers for the %s queue: %s",
					count, queue, strerror(-ret));
	}
	if (!req.count)
		return lv2h_fail_device(err, -ENOMEM, device_fd,
					"the driver granted no buffers for the %s queue",
					queue);
	return req.count;
}

/* Errors are of no interest here: the buffers are going away regardless. */
static void release_queue(int device_fd, uint32_t type)
{
	struct v4l2_requestbuffers req;

	memset(&req, 0, sizeof(req));
	req.type = type;
	req.memory = V4L2_MEMORY_DMABUF;
	lv2h_ioctl(device_fd, VIDIOC_REQBUFS, &req);
}

static void close_buffers(struct v4l2heap_buffer *buffers, unsigned int count)
{
	unsigned int i, plane;

	for (i = 0; i < count; i++)
		for (plane = 0; plane < buffers[i].num_planes; plane++)
			if (buffers[i].fds[plane] >= 0)
				close(buffers[i].fds[plane]);
	free(buffers);
}

/* Fills @buffer with one dma-buf per plane from the open heap @heap_fd. */
static int alloc_buffer(struct v4l2heap_buffer *buffer, int heap_fd,
			const char *heap, const struct v4l2heap_layout *layout,
			struct v4l2heap_err *err)
{
	unsigned int plane;

	for (plane = 0; plane < V4L2HEAP_MAX_PLANES; plane++)
		buffer->fds[plane] = -1;
	buffer->num_planes = layout->num_planes;
	for (plane = 0; plane < layout->num_planes; plane++) {
		uint32_t length = layout->length[plane];
		int fd = lv2h_alloc_from(heap_fd, heap, length, err);

		if (fd < 0)
			return fd;
		buffer->fds[plane] = fd;
		buffer->lengths[plane] = length;
		buffer->payload[plane] = layout->sizeimage[plane];
	}
	return 0;
}

static int alloc_buffers(struct v4l2heap_bufset *set, int heap_fd,
			 const struct v4l2heap_layout *layout,
			 struct v4l2heap_err *err)
{
	unsigned int i;

	set->buffers = calloc(set->count, sizeof(*set->buffers));
	if (!set->buffers)
		return lv2h_fail(err, -ENOMEM,
				 "out of memory for %u buffers", set->count);
	for (i = 0; i < set->count; i++) {
		int ret = alloc_buffer(&set->buffers[i], heap_fd, set->heap,
				       layout, err);

		if (ret) {
			/* Buffer i holds the planes it got before failing. */
			close_buffers(set->buffers, i + 1);
			set->buffers = NULL;
			return ret;
		}
	}
	return 0;
}

/*
 * The queue is asked first so that exactly the number of buffers it grants
 * (which may be fewer or, for its minimum, more than @count) is allocated.
 */
static int fill_bufset(struct v4l2heap_bufset *set, int heap_fd,
		       unsigned int count, const struct v4l2heap_layout *layout,
		       struct v4l2heap_err *err)
{
	int ret;

	ret = request_buffers(set->device_fd, set->type, count, err);
	if (ret < 0)
		return ret;
	set->count = ret;
	ret = alloc_buffers(set, heap_fd, layout, err);
	if (ret)
		release_queue(set->device_fd, set->type);
	return ret;
}

V4L2HEAP_EXPORT int v4l2heap_bufset_alloc(int device_fd, uint32_t type,
					  const char *heap, unsigned int count,
					  struct v4l2heap_bufset *set,
					  struct v4l2heap_err *err)
{
	char recommended[V4L2HEAP_NAME_MAX];
	struct v4l2heap_layout layout;
	int heap_fd, ret;

	memset(set, 0, sizeof(*set));
	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	if (!count)
		return lv2h_fail(err, -EINVAL,
				 "a buffer set needs at least one buffer");
	if (!heap) {
		ret = v4l2heap_recommend(device_fd, type, recommended, err);
		if (ret)
			return ret;
		heap = recommended;
	}
	ret = v4l2heap_buffer_layout(device_fd, type, &layout, err);
	if (ret)
		return ret;
	heap_fd = v4l2heap_open_heap(heap, err);
	if (heap_fd < 0)
		return heap_fd;

	set->device_fd = device_fd;
	set->type = type;
	/* v4l2heap_open_heap() refused names that do not fit. */
	strcpy(set->heap, heap);
	ret = fill_bufset(set, heap_fd, count, &layout, err);
	close(heap_fd);
	if (ret)
		memset(set, 0, sizeof(*set));
	return ret;
}

static int check_index(const struct v4l2heap_bufset *set, unsigned int index,
		       struct v4l2heap_err *err)
{
	if (index < set->count)
		return 0;
	return lv2h_fail(err, -EINVAL,
			 "no buffer %u in a set of %u buffers",
			 index, set->count);
}

/* Describes @buffer to VIDIOC_QBUF; @planes must hold VIDEO_MAX_PLANES. */
static void describe_buffer(const struct v4l2heap_bufset *set,
			    unsigned int index, const uint32_t *bytesused,
			    struct v4l2_buffer *buf, struct v4l2_plane *planes)
{
	const struct v4l2heap_buffer *buffer = &set->buffers[index];
	bool output = V4L2_TYPE_IS_OUTPUT(set->type);
	unsigned int i;

	memset(buf, 0, sizeof(*buf));
	memset(planes, 0, VIDEO_MAX_PLANES * sizeof(*planes));
	buf->index = index;
	buf->type = set->type;
	buf->memory = V4L2_MEMORY_DMABUF;
	if (output)
		buf->field = V4L2_FIELD_NONE;
	if (!V4L2_TYPE_IS_MULTIPLANAR(set->type)) {
		buf->m.fd = buffer->fds[0];
		buf->length = buffer->lengths[0];
		/*
		 * Not the page-rounded length: on single-planar queues
		 * videobuf2 checks bytesused against the plane size the
		 * driver asked for, the image size, and refuses more.
		 */
		if (output)
			buf->bytesused = bytesused ? bytesused[0] :
						     buffer->payload[0];
		return;
	}
	buf->m.planes = planes;
	buf->length = buffer->num_planes;
	for (i = 0; i < buffer->num_planes; i++) {
		planes[i].m.fd = buffer->fds[i];
		planes[i].length = buffer->lengths[i];
		if (output)
			planes[i].bytesused = bytesused ? bytesused[i] :
							  buffer->payload[i];
	}
}

V4L2HEAP_EXPORT int v4l2heap_bufset_queue(const struct v4l2heap_bufset *set,
					  unsigned int index,
					  const uint32_t *bytesused,
					  struct v4l2heap_err *err)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;
	int ret;

	ret = check_index(set, index, err);
	if (ret)
		return ret;
	describe_buffer(set, index, bytesused, &buf, planes);
	ret = lv2h_ioctl(set->device_fd, VIDIOC_QBUF, &buf);
	if (ret) {
		const char *queue = v4l2heap_type_name(set->type);

		return lv2h_fail_device(err, ret, set->device_fd,
					"cannot queue buffer %u of the %s queue: %s",
					index, queue, strerror(-ret));
	}
	return 0;
}

/* A set that is empty, never filled or freed, has no queue to act on. */
static int check_filled(const struct v4l2heap_bufset *set,
			struct v4l2heap_err *err)
{
	if (set->count)
		return 0;
	return lv2h_fail(err, -EINVAL, "the buffer set has no buffers");
}

static int dqbuf_error(const struct v4l2heap_bufset *set, int code,
		       struct v4l2heap_err *err)
{
	const char *queue = v4l2heap_type_name(set->type);

	switch (code) {
	case -EAGAIN:
		return lv2h_fail_device(err, code, set->device_fd,
					"no buffer of the %s queue is ready yet",
					queue);
	case -EPIPE:
		return lv2h_fail_device(err, code, set->device_fd,
					"the %s queue has returned its last buffer (V4L2_BUF_FLAG_LAST): no more come until streaming restarts",
					queue);
	default:
		return lv2h_fail_device(err, code, set->device_fd,
					"cannot dequeue a buffer of the %s queue: %s",
					queue, strerror(-code));
	}
}

/* What the driver wrote into the dequeued @buf, for the caller. */
static void report_buffer(const struct v4l2heap_bufset *set,
			  const struct v4l2_buffer *buf,
			  uint32_t bytesused[V4L2HEAP_MAX_PLANES],
			  uint32_t *flags)
{
	unsigned int i;

	if (flags)
		*flags = buf->flags;
	if (!bytesused)
		return;
	if (!V4L2_TYPE_IS_MULTIPLANAR(set->type)) {
		bytesused[0] = buf->bytesused;
		return;
	}
	for (i = 0; i < set->buffers[buf->index].num_planes; i++)
		bytesused[i] = buf->m.planes[i].bytesused;
}

V4L2HEAP_EXPORT int v4l2heap_bufset_dequeue(const struct v4l2heap_bufset *set,
					    uint32_t bytesused[V4L2HEAP_MAX_PLANES],
					    uint32_t *flags,
					    struct v4l2heap_err *err)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;
	int ret;

	ret = check_filled(set, err);
	if (ret)
		return ret;
	memset(&buf, 0, sizeof(buf));
	memset(planes, 0, sizeof(planes));
	buf.type = set->type;
	buf.memory = V4L2_MEMORY_DMABUF;
	if (V4L2_TYPE_IS_MULTIPLANAR(set->type)) {
		buf.m.planes = planes;
		buf.length = VIDEO_MAX_PLANES;
	}
	ret = lv2h_ioctl(set->device_fd, VIDIOC_DQBUF, &buf);
	if (ret)
		return dqbuf_error(set, ret, err);
	/* A VIDIOC_REQBUFS behind the set's back may have added buffers. */
	if (buf.index >= set->count)
		return lv2h_fail_device(err, -EIO, set->device_fd,
					"the %s queue returned buffer %u, which is not one of the set's %u",
					v4l2heap_type_name(set->type),
					buf.index, set->count);
	report_buffer(set, &buf, bytesused, flags);
	return buf.index;
}

static int streamon_error(const struct v4l2heap_bufset *set, int code,
			  struct v4l2heap_err *err)
{
	const char *queue = v4l2heap_type_name(set->type);

	if (code == -EINVAL)
		return lv2h_fail_device(err, code, set->device_fd,
					"the %s queue cannot start: fewer buffers are queued than the driver needs",
					queue);
	return lv2h_fail_device(err, code, set->device_fd,
				"cannot start streaming the %s queue: %s",
				queue, strerror(-code));
}

V4L2HEAP_EXPORT int v4l2heap_bufset_stream(const struct v4l2heap_bufset *set,
					   int on, struct v4l2heap_err *err)
{
	int type = set->type;
	int ret;

	ret = check_filled(set, err);
	if (ret)
		return ret;
	ret = lv2h_ioctl(set->device_fd,
			 on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
	if (ret && on)
		return streamon_error(set, ret, err);
	if (ret)
		return lv2h_fail_device(err, ret, set->device_fd,
					"cannot stop streaming the %s queue: %s",
					v4l2heap_type_name(set->type),
					strerror(-ret));
	return 0;
}

V4L2HEAP_EXPORT void v4l2heap_bufset_free(struct v4l2heap_bufset *set)
{
	if (set->buffers) {
		/* videobuf2 keeps the buffers of a streaming queue. */
		v4l2heap_bufset_stream(set, 0, NULL);
		release_queue(set->device_fd, set->type);
		close_buffers(set->buffers, set->count);
	}
	memset(set, 0, sizeof(*set));
}
