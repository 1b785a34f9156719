// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include "common.h"

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int open_device(const char *path)
{
	int fd = open(path, O_RDWR);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

void queue_init(struct queue *q, int fd, int out, const char *format)
{
	struct v4l2_capability cap;
	unsigned int width, height, i;
	char fourcc[5] = "";
	uint32_t pixfmt;
	uint32_t caps;

	if (sscanf(format, "%ux%u:%4s", &width, &height, fourcc) != 3 || strlen(fourcc) != 4)
		die("bad format '%s', want WIDTHxHEIGHT:FOURCC", format);
	pixfmt = v4l2_fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap))
		die("QUERYCAP: %s", strerror(errno));
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;

	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->mplane = !!(caps & (V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE));
	if (out)
		q->type = q->mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
	else
		q->type = q->mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;

	q->fmt.type = q->type;
	if (q->mplane) {
		q->fmt.fmt.pix_mp.width = width;
		q->fmt.fmt.pix_mp.height = height;
		q->fmt.fmt.pix_mp.pixelformat = pixfmt;
	} else {
		q->fmt.fmt.pix.width = width;
		q->fmt.fmt.pix.height = height;
		q->fmt.fmt.pix.pixelformat = pixfmt;
	}
	if (ioctl(fd, VIDIOC_S_FMT, &q->fmt))
		die("S_FMT %s: %s", format, strerror(errno));
	if (q->mplane) {
		struct v4l2_pix_format_mplane *mp = &q->fmt.fmt.pix_mp;

		if (mp->width != width || mp->height != height || mp->pixelformat != pixfmt)
			die("S_FMT %s: the driver chose %ux%u %.4s", format,
			    mp->width, mp->height, (char *)&mp->pixelformat);
		q->num_planes = mp->num_planes;
		for (i = 0; i < q->num_planes; i++)
			q->plane_size[i] = mp->plane_fmt[i].sizeimage;
	} else {
		struct v4l2_pix_format *pix = &q->fmt.fmt.pix;

		if (pix->width != width || pix->height != height || pix->pixelformat != pixfmt)
			die("S_FMT %s: the driver chose %ux%u %.4s", format,
			    pix->width, pix->height, (char *)&pix->pixelformat);
		q->num_planes = 1;
		q->plane_size[0] = pix->sizeimage;
	}
}

uint32_t queue_bytes(const struct queue *q)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < q->num_planes; i++)
		sum += q->plane_size[i];
	return sum;
}

void map_buffer(const struct queue *q, unsigned int index, struct planes *p)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = {};
	struct v4l2_buffer buf = {
		.index = index, .type = q->type, .memory = V4L2_MEMORY_MMAP,
		.m.planes = planes, .length = VIDEO_MAX_PLANES,
	};
	unsigned int i;

	if (ioctl(q->fd, VIDIOC_QUERYBUF, &buf))
		die("QUERYBUF %u: %s", index, strerror(errno));
	for (i = 0; i < q->num_planes; i++) {
		off_t offset = q->mplane ? planes[i].m.mem_offset : buf.m.offset;

		p->len[i] = q->mplane ? planes[i].length : buf.length;
		p->map[i] = mmap(NULL, p->len[i], PROT_READ | PROT_WRITE, MAP_SHARED, q->fd, offset);
		if (p->map[i] == MAP_FAILED)
			die("mmap buffer %u plane %u: %s", index, i, strerror(errno));
	}
}

void unmap(struct planes *p, unsigned int num_planes)
{
	unsigned int i;

	for (i = 0; i < num_planes; i++)
		munmap(p->map[i], p->len[i]);
}

void touch(const struct planes *p, unsigned int num_planes)
{
	unsigned int i;
	size_t off;

	for (i = 0; i < num_planes; i++)
		for (off = 0; off < p->len[i]; off += 4096)
			((volatile char *)p->map[i])[off] = 1;
}

int open_heap(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

void heap_alloc(int heap, const struct queue *q, struct planes *p)
{
	unsigned int i;

	for (i = 0; i < q->num_planes; i++) {
		struct dma_heap_allocation_data data = {
			.len = q->plane_size[i], .fd_flags = O_RDWR | O_CLOEXEC,
		};

		if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data))
			die("DMA_HEAP_IOCTL_ALLOC %u bytes: %s", q->plane_size[i], strerror(errno));
		p->fd[i] = data.fd;
		p->len[i] = q->plane_size[i];
		p->map[i] = NULL;
	}
}

void map_dmabuf(struct planes *p, unsigned int num_planes)
{
	unsigned int i;

	for (i = 0; i < num_planes; i++) {
		p->map[i] = mmap(NULL, p->len[i], PROT_READ | PROT_WRITE, MAP_SHARED, p->fd[i], 0);
		if (p->map[i] == MAP_FAILED)
			die("mmap dma-buf: %s", strerror(errno));
	}
}

void heap_free(struct planes *p, unsigned int num_planes)
{
	unsigned int i;

	for (i = 0; i < num_planes; i++) {
		if (p->map[i])
			munmap(p->map[i], p->len[i]);
		close(p->fd[i]);
	}
}
