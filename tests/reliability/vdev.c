// SPDX-License-Identifier: GPL-2.0
/*
 * V4L2 and accounting helpers of the reliability programs (vdev.h).
 * Functions return a negative errno on failure unless they say otherwise.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include "vdev.h"

#define FRAME_TIMEOUT_MS	5000
#define SETTLE_TRIES		50

int vdev_ioctl(int fd, unsigned long request, void *arg)
{
	return -ioctl_errno(fd, request, arg);
}

int vdev_open(struct vdev *dev, const char *path)
{
	struct v4l2_capability cap = {};
	uint32_t caps;
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->path = path;
	dev->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	ret = vdev_ioctl(dev->fd, VIDIOC_QUERYCAP, &cap);
	if (ret) {
		vdev_close(dev);
		return ret;
	}
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
							 cap.capabilities;
	if (caps & V4L2_CAP_VIDEO_M2M) {
		dev->m2m = true;
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_OUTPUT;
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	} else if (caps & V4L2_CAP_VIDEO_M2M_MPLANE) {
		dev->m2m = true;
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	} else if (caps & V4L2_CAP_VIDEO_CAPTURE) {
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	} else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	} else if (caps & V4L2_CAP_VIDEO_OUTPUT) {
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_OUTPUT;
	} else if (caps & V4L2_CAP_VIDEO_OUTPUT_MPLANE) {
		dev->types[dev->ntypes++] = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	} else {
		vdev_close(dev);
		return -ENOTTY;
	}
	return 0;
}

void vdev_close(struct vdev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int vdev_reqbufs(int fd, uint32_t type, uint32_t memory, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = type, .memory = memory,
	};
	int ret = vdev_ioctl(fd, VIDIOC_REQBUFS, &req);

	return ret ? ret : (int)req.count;
}

static int create_bufs(int fd, uint32_t type, uint32_t memory,
		       unsigned int count, struct v4l2_create_buffers *create)
{
	int ret;

	memset(create, 0, sizeof(*create));
	create->count = count;
	create->memory = memory;
	create->format.type = type;
	ret = vdev_ioctl(fd, VIDIOC_G_FMT, &create->format);
	return ret ? ret : vdev_ioctl(fd, VIDIOC_CREATE_BUFS, create);
}

int vdev_create_bufs(int fd, uint32_t type, uint32_t memory,
		     unsigned int count)
{
	struct v4l2_create_buffers create;
	int ret = create_bufs(fd, type, memory, count, &create);

	return ret ? ret : (int)create.count;
}

/* The number of buffers the queue has: CREATE_BUFS with a count of 0. */
int vdev_buffers(int fd, uint32_t type)
{
	struct v4l2_create_buffers create;
	int ret = create_bufs(fd, type, V4L2_MEMORY_MMAP, 0, &create);

	return ret ? ret : (int)create.index;
}

/* The V4L2_BUF_CAP_SUPPORTS_* flags of the queue, 0 if unknown. */
uint32_t vdev_memory_caps(int fd, uint32_t type)
{
	struct v4l2_create_buffers create;

	if (create_bufs(fd, type, V4L2_MEMORY_MMAP, 0, &create))
		return 0;
	return create.capabilities;
}

/* The size of the first plane under the current format, 0 on error. */
unsigned int vdev_plane_size(int fd, uint32_t type)
{
	struct v4l2_format fmt = { .type = type };

	if (vdev_ioctl(fd, VIDIOC_G_FMT, &fmt))
		return 0;
	return buf_type_is_mplane(type) ? fmt.fmt.pix_mp.plane_fmt[0].sizeimage :
				      fmt.fmt.pix.sizeimage;
}

/*
 * Queues buffer INDEX with one plane; HANDLE is the dma-buf fd or the
 * user address, LENGTH its size (both ignored for MMAP). Output buffers
 * are queued with a frame's worth of data.
 */
int vdev_qbuf(int fd, uint32_t type, uint32_t memory, unsigned int index,
	      unsigned long handle, unsigned int length)
{
	struct v4l2_plane plane = {};
	struct v4l2_buffer buf = {
		.type = type, .memory = memory, .index = index,
	};
	struct v4l2_buffer query = { .type = type, .index = index };
	struct v4l2_plane qplane = {};
	unsigned int payload = 0;
	int ret;

	if (buf_type_is_mplane(type)) {
		query.m.planes = &qplane;
		query.length = 1;
	}
	ret = vdev_ioctl(fd, VIDIOC_QUERYBUF, &query);
	if (ret)
		return ret;
	if (memory == V4L2_MEMORY_MMAP)
		length = buf_type_is_mplane(type) ? qplane.length : query.length;
	if (buf_type_is_output(type)) {
		payload = vdev_plane_size(fd, type);
		if (payload > length)
			payload = length;
	}
	if (buf_type_is_mplane(type)) {
		buf.m.planes = &plane;
		buf.length = 1;
		plane.length = length;
		plane.bytesused = payload;
		if (memory == V4L2_MEMORY_DMABUF)
			plane.m.fd = (int)handle;
		else if (memory == V4L2_MEMORY_USERPTR)
			plane.m.userptr = handle;
	} else {
		buf.length = length;
		buf.bytesused = payload;
		if (memory == V4L2_MEMORY_DMABUF)
			buf.m.fd = (int)handle;
		else if (memory == V4L2_MEMORY_USERPTR)
			buf.m.userptr = handle;
	}
	buf.field = V4L2_FIELD_NONE;
	return vdev_ioctl(fd, VIDIOC_QBUF, &buf);
}

int vdev_querybuf_flags(int fd, uint32_t type, unsigned int index,
			uint32_t *flags)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = {};
	struct v4l2_buffer buf = { .type = type, .index = index };
	int ret;

	if (buf_type_is_mplane(type)) {
		buf.m.planes = planes;
		buf.length = VIDEO_MAX_PLANES;
	}
	ret = vdev_ioctl(fd, VIDIOC_QUERYBUF, &buf);
	if (!ret)
		*flags = buf.flags;
	return ret;
}

/*
 * Maps plane 0 of MMAP buffer INDEX, readable and writable; returns the
 * mapping and its length in LEN, or NULL with errno set.
 */
void *vdev_map_plane(int fd, uint32_t type, unsigned int index, size_t *len)
{
	struct v4l2_plane plane = {};
	struct v4l2_buffer buf = { .type = type, .index = index };
	off_t offset;
	void *p;
	int ret;

	if (buf_type_is_mplane(type)) {
		buf.m.planes = &plane;
		buf.length = 1;
	}
	ret = vdev_ioctl(fd, VIDIOC_QUERYBUF, &buf);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	*len = buf_type_is_mplane(type) ? plane.length : buf.length;
	offset = buf_type_is_mplane(type) ? plane.m.mem_offset : buf.m.offset;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	return p == MAP_FAILED ? NULL : p;
}

/* Exports plane 0 of buffer INDEX; returns the dma-buf fd. */
int vdev_expbuf(int fd, uint32_t type, unsigned int index)
{
	struct v4l2_exportbuffer exp = {
		.type = type, .index = index, .flags = O_RDWR | O_CLOEXEC,
	};
	int ret = vdev_ioctl(fd, VIDIOC_EXPBUF, &exp);

	return ret ? ret : exp.fd;
}

int vdev_stream(int fd, uint32_t type, bool on)
{
	int t = type;

	return vdev_ioctl(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &t);
}

/* Allocates COUNT MMAP buffers and queues them all; returns how many. */
int vdev_queue_all_mmap(int fd, uint32_t type, unsigned int count)
{
	int n = vdev_reqbufs(fd, type, V4L2_MEMORY_MMAP, count);
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = vdev_qbuf(fd, type, V4L2_MEMORY_MMAP, i, 0, 0);
		if (ret)
			return ret;
	}
	return n;
}

int vdev_enum_heap(int fd, uint32_t type, unsigned int index,
		   struct v4l2_heapdesc *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->index = index;
	desc->type = type;
	return vdev_ioctl(fd, VIDIOC_ENUM_HEAPS, desc);
}

/* The internal buffers the device reports on all of its queues. */
unsigned int vdev_internal_buffers(const struct vdev *dev)
{
	struct v4l2_heapdesc d;
	unsigned int i, n = 0;
	int t;

	for (t = 0; t < dev->ntypes; t++)
		for (i = 0; !vdev_enum_heap(dev->fd, dev->types[t], i, &d); i++)
			if (d.usage == V4L2_HEAP_USAGE_INTERNAL)
				n += d.count;
	return n;
}

/* The name of the queue's heap into NAME (V4L2_HEAP_NAME_SIZE bytes). */
int vdev_g_heap(int fd, uint32_t type, char *name)
{
	struct v4l2_heap h = { .type = type, .fd = V4L2_HEAP_FD_DEFAULT };
	int ret = vdev_ioctl(fd, VIDIOC_G_HEAP, &h);

	if (!ret)
		memcpy(name, h.name, V4L2_HEAP_NAME_SIZE);
	return ret;
}

int vdev_s_heap(int fd, uint32_t type, int heap_fd)
{
	struct v4l2_heap h = { .type = type, .fd = heap_fd };

	return vdev_ioctl(fd, VIDIOC_S_HEAP, &h);
}

/*
 * Dequeues an MMAP buffer into BUF (and PLANES for multi-planar types),
 * waiting up to FRAME_TIMEOUT_MS with WAIT, not at all without.
 */
int vdev_dqbuf(int fd, uint32_t type, bool wait, struct v4l2_buffer *buf,
	       struct v4l2_plane *planes)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	int ret;

	memset(buf, 0, sizeof(*buf));
	buf->type = type;
	buf->memory = V4L2_MEMORY_MMAP;
	if (buf_type_is_mplane(type)) {
		buf->m.planes = planes;
		buf->length = VIDEO_MAX_PLANES;
	}
	for (;;) {
		ret = vdev_ioctl(fd, VIDIOC_DQBUF, buf);
		if (ret != -EAGAIN || !wait)
			return ret;
		ret = poll(&pfd, 1, FRAME_TIMEOUT_MS);
		if (ret == 0)
			return -ETIMEDOUT;
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * Proof that the device works: a fresh file handle streams two MMAP
 * buffers per queue until the last queue hands back a buffer with data in
 * it. On failure WHY says what went wrong.
 */
int vdev_stream_one_frame(const char *path, char *why, size_t len)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;
	struct vdev dev;
	uint32_t last;
	int i, ret;

	ret = vdev_open(&dev, path);
	if (ret) {
		snprintf(why, len, "open: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < dev.ntypes; i++) {
		ret = vdev_queue_all_mmap(dev.fd, dev.types[i], 2);
		if (ret < 0) {
			snprintf(why, len, "%s: queueing buffers: %s",
				 buf_type_name(dev.types[i]), strerror(-ret));
			goto out;
		}
	}
	for (i = 0; i < dev.ntypes; i++) {
		ret = vdev_stream(dev.fd, dev.types[i], true);
		if (ret) {
			snprintf(why, len, "%s: STREAMON: %s",
				 buf_type_name(dev.types[i]), strerror(-ret));
			goto out;
		}
	}
	last = dev.types[dev.ntypes - 1];
	ret = vdev_dqbuf(dev.fd, last, true, &buf, planes);
	if (ret) {
		snprintf(why, len, "%s: DQBUF: %s", buf_type_name(last),
			 strerror(-ret));
	} else if ((buf_type_is_mplane(last) ? planes[0].bytesused :
					   buf.bytesused) == 0) {
		snprintf(why, len, "%s: the frame came back empty",
			 buf_type_name(last));
		ret = -EIO;
	}
out:
	vdev_close(&dev);
	return ret;
}

/* A dma-buf of SIZE bytes from /dev/dma_heap/HEAP; returns its fd. */
int heap_alloc(const char *heap, unsigned long long size)
{
	struct dma_heap_allocation_data data = {
		.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = vdev_ioctl(fd, DMA_HEAP_IOCTL_ALLOC, &data);
	close(fd);
	return ret ? ret : (int)data.fd;
}

static int read_ll(const char *path, long long *value)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%lld", value) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

/*
 * Every dma-buf the kernel has, from the debugfs list, and the pages every
 * CMA area has handed out and not taken back.
 */
int accounting_read(struct accounting *acct)
{
	const char *cma = "/sys/kernel/mm/cma";
	long long in, out;
	char line[256], path[512];
	struct dirent *de;
	bool found = false;
	FILE *f;
	DIR *dir;
	int ret = 0;

	f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Total %lld objects", &acct->dmabufs) == 1)
			found = true;
	fclose(f);
	if (!found)
		return -EIO;

	acct->cma_pages = 0;
	dir = opendir(cma);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/alloc_pages_success", cma,
			 de->d_name);
		ret = read_ll(path, &in);
		if (ret)
			break;
		snprintf(path, sizeof(path), "%s/%s/release_pages_success",
			 cma, de->d_name);
		ret = read_ll(path, &out);
		if (ret)
			break;
		acct->cma_pages += in - out;
	}
	closedir(dir);
	return ret;
}

/*
 * Waits for the accounting to come back to WANT: a dma-buf's last
 * reference can be dropped from a workqueue just after the close that
 * released it. Returns 0 when it did, -1 when GOT still differs.
 */
int accounting_settle(const struct accounting *want, struct accounting *got)
{
	const struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < SETTLE_TRIES; i++) {
		if (accounting_read(got))
			return -1;
		if (got->dmabufs == want->dmabufs &&
		    got->cma_pages == want->cma_pages)
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}
