// SPDX-License-Identifier: GPL-2.0
/*
 * Frames per second through a capture device, or through a mem-to-mem
 * device (both queues), with MMAP buffers or with dma-bufs from a heap
 * imported as DMABUF.
 *
 * Usage: stream mmap|dmabuf FRAMES REPS DEVICE FORMAT [HEAP]
 *   FORMAT  WIDTHxHEIGHT:FOURCC, on both queues of a mem-to-mem device
 *   HEAP    for dmabuf: the /dev/dma_heap node the buffers come from
 *
 * The buffers are allocated once; each repetition streams on, counts
 * FRAMES captured frames and streams off. The first frame starts the
 * clock, so that stream start-up is not counted. Prints "fps VALUE" per
 * repetition. The device runs as fast as it can: the fastest frame
 * interval it offers, and vim2m's shortest transaction time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common.h"

#define NUM_BUFS 4
/* vim2m's private control (drivers/media/test-drivers/vim2m.c). */
#define VIM2M_CID_TRANS_TIME_MSEC (V4L2_CID_USER_BASE + 0x1000)

static uint32_t memory;
static struct planes dmabufs[2][NUM_BUFS];

static void setup(struct queue *q, int heap, struct planes *bufs)
{
	struct v4l2_requestbuffers req = {
		.count = NUM_BUFS, .type = q->type, .memory = memory,
	};
	unsigned int i;

	if (ioctl(q->fd, VIDIOC_REQBUFS, &req) || req.count != NUM_BUFS)
		die("REQBUFS(%d): %s", NUM_BUFS, strerror(errno));
	if (memory == V4L2_MEMORY_DMABUF)
		for (i = 0; i < NUM_BUFS; i++)
			heap_alloc(heap, q, &bufs[i]);
}

static void qbuf(struct queue *q, struct planes *bufs, unsigned int index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = {};
	struct v4l2_buffer buf = {
		.index = index, .type = q->type, .memory = memory,
	};
	unsigned int i;

	for (i = 0; i < q->num_planes; i++) {
		planes[i].length = q->plane_size[i];
		planes[i].bytesused = q->plane_size[i];
		if (memory == V4L2_MEMORY_DMABUF)
			planes[i].m.fd = bufs[index].fd[i];
	}
	if (q->mplane) {
		buf.m.planes = planes;
		buf.length = q->num_planes;
	} else {
		buf.length = planes[0].length;
		buf.bytesused = planes[0].bytesused;
		if (memory == V4L2_MEMORY_DMABUF)
			buf.m.fd = planes[0].m.fd;
	}
	if (ioctl(q->fd, VIDIOC_QBUF, &buf))
		die("QBUF %u: %s", index, strerror(errno));
}

static unsigned int dqbuf(struct queue *q)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf = {
		.type = q->type, .memory = memory,
		.m.planes = planes, .length = VIDEO_MAX_PLANES,
	};

	if (ioctl(q->fd, VIDIOC_DQBUF, &buf))
		die("DQBUF: %s", strerror(errno));
	return buf.index;
}

static void stream(struct queue *q, int on)
{
	int type = q->type;

	if (ioctl(q->fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type))
		die("STREAM%s: %s", on ? "ON" : "OFF", strerror(errno));
}

static void fastest(struct queue *cap, const char *driver)
{
	struct v4l2_streamparm parm = { .type = cap->type };
	struct v4l2_control ctrl = { .id = VIM2M_CID_TRANS_TIME_MSEC, .value = 1 };

	if (!strcmp(driver, "vim2m")) {
		if (ioctl(cap->fd, VIDIOC_S_CTRL, &ctrl))
			die("vim2m transaction time: %s", strerror(errno));
		return;
	}
	/* The driver rounds to the nearest interval it offers. */
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 1000;
	ioctl(cap->fd, VIDIOC_S_PARM, &parm);
}

int main(int argc, char **argv)
{
	struct queue cap, out;
	struct v4l2_capability vcap;
	unsigned int frames, reps, rep, n, i;
	int fd, m2m, heap = -1;
	int64_t start = 0;

	if (argc < 6 || argc > 7)
		die("usage: %s mmap|dmabuf FRAMES REPS DEVICE FORMAT [HEAP]", argv[0]);
	if (!strcmp(argv[1], "mmap"))
		memory = V4L2_MEMORY_MMAP;
	else if (!strcmp(argv[1], "dmabuf") && argc == 7)
		memory = V4L2_MEMORY_DMABUF;
	else
		die("want mmap, or dmabuf with a HEAP");
	frames = strtoul(argv[2], NULL, 0);
	reps = strtoul(argv[3], NULL, 0);
	if (frames < 2)
		die("FRAMES must be at least 2");
	if (memory == V4L2_MEMORY_DMABUF)
		heap = open_heap(argv[6]);

	fd = open_device(argv[4]);
	if (ioctl(fd, VIDIOC_QUERYCAP, &vcap))
		die("QUERYCAP: %s", strerror(errno));
	m2m = !!((vcap.capabilities & V4L2_CAP_DEVICE_CAPS ? vcap.device_caps : vcap.capabilities) &
		 (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE));
	queue_init(&cap, fd, 0, argv[5]);
	if (m2m)
		queue_init(&out, fd, 1, argv[5]);
	fastest(&cap, (const char *)vcap.driver);
	setup(&cap, heap, dmabufs[0]);
	if (m2m)
		setup(&out, heap, dmabufs[1]);

	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < NUM_BUFS; i++) {
			qbuf(&cap, dmabufs[0], i);
			if (m2m)
				qbuf(&out, dmabufs[1], i);
		}
		stream(&cap, 1);
		if (m2m)
			stream(&out, 1);
		for (n = 0; n < frames; n++) {
			i = dqbuf(&cap);
			if (!n)
				start = now_ns();
			qbuf(&cap, dmabufs[0], i);
			if (m2m)
				qbuf(&out, dmabufs[1], dqbuf(&out));
		}
		printf("fps %.2f\n", (frames - 1) * 1e9 / (now_ns() - start));
		fflush(stdout);
		stream(&cap, 0);
		if (m2m)
			stream(&out, 0);
	}
	return 0;
}
