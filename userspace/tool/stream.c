// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming through buffers allocated from a heap, checking that the frames
 * carry data
 *
 * Heap memory starts zeroed, so a capture buffer that is still all zero
 * after the driver returned it received nothing. Each buffer is zeroed
 * again before it is queued anew, so that every frame is judged by what
 * the driver wrote for it, not by what an earlier frame left behind.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#include "stream.h"

#define STREAM_BUFFERS	4
/* Far longer than any frame interval, short enough to wait for. */
#define POLL_TIMEOUT_MS	5000

/* A queue's buffers, allocated from the heap, imported, mapped for the CPU */
struct heap_queue {
	struct v4l2heap_bufset set;
	void *(*maps)[V4L2HEAP_MAX_PLANES];	/* a row per buffer */
};

static int __attribute__((format(printf, 3, 4)))
fail(struct v4l2heap_err *err, int code, const char *fmt, ...)
{
	va_list args;

	err->code = code;
	va_start(args, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	va_end(args);
	return code;
}

/* The device's queues are all video or metadata queues, which have names. */
static const char *queue_name(const struct heap_queue *q)
{
	return v4l2heap_type_name(q->set.type);
}

static int map_queue(struct heap_queue *q, const char *device,
		     struct v4l2heap_err *err)
{
	unsigned int i, p;

	q->maps = calloc(q->set.count, sizeof(*q->maps));
	if (!q->maps)
		return fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < q->set.count; i++) {
		const struct v4l2heap_buffer *buf = &q->set.buffers[i];

		for (p = 0; p < buf->num_planes; p++) {
			void *map = mmap(NULL, buf->lengths[p],
					 PROT_READ | PROT_WRITE, MAP_SHARED,
					 buf->fds[p], 0);

			if (map == MAP_FAILED)
				return fail(err, -errno,
					    "%s: cannot map a buffer of the %s queue from heap %s: %s",
					    device, queue_name(q), q->set.heap,
					    strerror(errno));
			q->maps[i][p] = map;
		}
	}
	return 0;
}

/*
 * Also after a failure, which is what gets reported, not this. Freeing
 * the set stops streaming, and does nothing for a set never allocated.
 */
static void release_queue(struct heap_queue *q)
{
	unsigned int i, p;

	for (i = 0; q->maps && i < q->set.count; i++)
		for (p = 0; p < q->set.buffers[i].num_planes; p++)
			if (q->maps[i][p])
				munmap(q->maps[i][p],
				       q->set.buffers[i].lengths[p]);
	free(q->maps);
	v4l2heap_bufset_free(&q->set);
}

/* Brackets CPU access so that caches and the device agree. */
static int sync_buffer(const struct heap_queue *q, unsigned int index,
		       uint64_t flags, const char *device,
		       struct v4l2heap_err *err)
{
	const struct v4l2heap_buffer *buf = &q->set.buffers[index];
	struct dma_buf_sync sync = { .flags = flags };
	unsigned int p;

	for (p = 0; p < buf->num_planes; p++)
		if (ioctl(buf->fds[p], DMA_BUF_IOCTL_SYNC, &sync))
			return fail(err, -errno,
				    "%s: DMA_BUF_IOCTL_SYNC on a buffer of the %s queue: %s",
				    device, queue_name(q), strerror(errno));
	return 0;
}

/* Different for every frame, and without a zero byte */
static int fill_frame(const struct heap_queue *q, unsigned int index,
		      unsigned int frame, const char *device,
		      struct v4l2heap_err *err)
{
	const struct v4l2heap_buffer *buf = &q->set.buffers[index];
	unsigned int p;
	uint32_t i;
	int ret;

	ret = sync_buffer(q, index, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE,
			  device, err);
	if (ret)
		return ret;
	for (p = 0; p < buf->num_planes; p++) {
		unsigned char *bytes = q->maps[index][p];

		for (i = 0; i < buf->lengths[p]; i++)
			bytes[i] = 1 + (i + frame) % 251;
	}
	return sync_buffer(q, index, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE,
			   device, err);
}

static bool any_nonzero(const unsigned char *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (bytes[i])
			return true;
	return false;
}

/* A frame the driver returned: which buffer, and what it says of it */
struct frame {
	unsigned int index;
	uint32_t bytesused[V4L2HEAP_MAX_PLANES];
	uint32_t flags;			/* V4L2_BUF_FLAG_* */
};

/*
 * Whether @frame has data: a byte that is not zero in the payload of a
 * plane. Zeroes the buffer for its next frame.
 *
 * The heaps sync every device attachment in the direction asked for, and
 * the queue mapped its capture buffers DMA_FROM_DEVICE: a bracket other
 * than DMA_BUF_SYNC_READ would sync against that direction, which DMA-API
 * debugging reports. Zeroing inside it holds on cache-coherent machines;
 * elsewhere the zeroes may be dropped, which weakens the check but never
 * touches what the device writes.
 */
static int take_frame(const struct heap_queue *q, const struct frame *frame,
		      bool *with_data, const char *device,
		      struct v4l2heap_err *err)
{
	const struct v4l2heap_buffer *buf = &q->set.buffers[frame->index];
	unsigned int p;
	int ret;

	ret = sync_buffer(q, frame->index,
			  DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, device, err);
	if (ret)
		return ret;
	/* A buffer the driver marks as erroneous holds no good frame. */
	*with_data = false;
	for (p = 0; p < buf->num_planes; p++) {
		unsigned char *bytes = q->maps[frame->index][p];
		/* From the plane's start: bytesused counts any data_offset. */
		uint32_t end = frame->bytesused[p];

		if (end > buf->lengths[p])
			end = buf->lengths[p];
		if (!(frame->flags & V4L2_BUF_FLAG_ERROR) &&
		    any_nonzero(bytes, end))
			*with_data = true;
		memset(bytes, 0, buf->lengths[p]);
	}
	return sync_buffer(q, frame->index,
			   DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ, device, err);
}

static int dequeue(const struct heap_queue *q, struct frame *frame,
		   struct v4l2heap_err *err)
{
	int ret;

	ret = v4l2heap_bufset_dequeue(&q->set, frame->bytesused, &frame->flags,
				      err);
	if (ret < 0)
		return ret;
	frame->index = ret;
	return 0;
}

/*
 * Waits for @events and returns those that came; a stuck driver ends in
 * an error, not in a hang.
 */
static int wait_for(int fd, short events, const char *device,
		    struct v4l2heap_err *err)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	do {
		ret = poll(&pfd, 1, POLL_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return fail(err, -errno, "%s: poll: %s", device,
			    strerror(errno));
	if (!ret)
		return fail(err, -ETIMEDOUT,
			    "%s: no buffer came back within %d s: the driver is stuck",
			    device, POLL_TIMEOUT_MS / 1000);
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
		return fail(err, -EIO,
			    "%s: the driver stopped streaming or reported an error",
			    device);
	return pfd.revents;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Queues every buffer, starts streaming and takes the frames. */
static int run(int fd, const struct stream_config *config,
	       struct heap_queue *cap, struct heap_queue *out,
	       struct stream_report *report, struct v4l2heap_err *err)
{
	unsigned int i, filled = 0;
	struct timespec start;
	struct frame frame;
	bool with_data;
	int revents;
	int ret = 0;

	/* Bytesused NULL: every output frame is the format's whole image. */
	for (i = 0; out && !ret && i < out->set.count; i++) {
		ret = fill_frame(out, i, filled++, config->device, err);
		if (!ret)
			ret = v4l2heap_bufset_queue(&out->set, i, NULL, err);
	}
	for (i = 0; !ret && i < cap->set.count; i++)
		ret = v4l2heap_bufset_queue(&cap->set, i, NULL, err);
	if (!ret && out)
		ret = v4l2heap_bufset_stream(&out->set, 1, err);
	if (!ret)
		ret = v4l2heap_bufset_stream(&cap->set, 1, err);
	if (ret)
		return ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (report->frames < config->frames) {
		ret = wait_for(fd, out ? POLLIN | POLLOUT : POLLIN,
			       config->device, err);
		if (ret < 0)
			return ret;
		revents = ret;
		if (revents & POLLIN) {
			ret = dequeue(cap, &frame, err);
			if (!ret)
				ret = take_frame(cap, &frame, &with_data,
						 config->device, err);
			if (!ret)
				ret = v4l2heap_bufset_queue(&cap->set,
							    frame.index, NULL,
							    err);
			if (ret)
				return ret;
			report->frames++;
			report->with_data += with_data;
		}
		if (out && (revents & POLLOUT)) {
			ret = dequeue(out, &frame, err);
			if (!ret)
				ret = fill_frame(out, frame.index, filled++,
						 config->device, err);
			if (!ret)
				ret = v4l2heap_bufset_queue(&out->set,
							    frame.index, NULL,
							    err);
			if (ret)
				return ret;
		}
	}
	report->seconds = seconds_since(&start);
	return 0;
}

enum tool_status stream_run(int fd, const struct stream_config *config,
			    struct stream_report *report,
			    struct v4l2heap_err *err)
{
	struct heap_queue cap = { 0 }, out = { 0 };
	struct heap_queue *feed = config->output ? &out : NULL;
	enum tool_status status;
	int ret;

	*report = (struct stream_report){ 0 };
	ret = v4l2heap_bufset_alloc(fd, config->capture, config->heap,
				    STREAM_BUFFERS, &cap.set, err);
	if (!ret && feed)
		ret = v4l2heap_bufset_alloc(fd, config->output, config->heap,
					    STREAM_BUFFERS, &feed->set, err);
	if (ret) {
		status = status_from_error(ret, OP_ALLOC);
	} else {
		ret = map_queue(&cap, config->device, err);
		if (!ret && feed)
			ret = map_queue(feed, config->device, err);
		if (!ret)
			ret = run(fd, config, &cap, feed, report, err);
		status = status_from_error(ret, OP_STREAM);
	}
	if (feed)
		release_queue(feed);
	release_queue(&cap);
	return status;
}
