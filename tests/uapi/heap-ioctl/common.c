// SPDX-License-Identifier: GPL-2.0
/*
 * What every heap-ioctl check shares: the ioctls and their arguments, the
 * device's queues, and the kernel's own view of heaps and CMA areas.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "heap-ioctl.h"

/*
 * The layout every ABI must share, so that 32-bit processes on a 64-bit
 * kernel need no translation; heap-ioctl is also built with -m32.
 */
_Static_assert(sizeof(struct v4l2_heapdesc) == 160, "v4l2_heapdesc size");
_Static_assert(offsetof(struct v4l2_heapdesc, size) == 112,
	       "v4l2_heapdesc.size offset");
_Static_assert(offsetof(struct v4l2_heapdesc, count) == 120,
	       "v4l2_heapdesc.count offset");
_Static_assert(offsetof(struct v4l2_heapdesc, purpose_id) == 124,
	       "v4l2_heapdesc.purpose_id offset");
_Static_assert(offsetof(struct v4l2_heapdesc, bytes) == 128,
	       "v4l2_heapdesc.bytes offset");
_Static_assert(offsetof(struct v4l2_heapdesc, heap_caps) == 136,
	       "v4l2_heapdesc.heap_caps offset");
_Static_assert(sizeof(struct v4l2_heap) == 112, "v4l2_heap size");
_Static_assert(offsetof(struct v4l2_heap, heap_caps) == 76,
	       "v4l2_heap.heap_caps offset");

bool all_zero(const void *p, size_t size)
{
	const unsigned char *b = p;

	while (size--)
		if (*b++)
			return false;
	return true;
}

unsigned long long page_align(unsigned long long size)
{
	return (size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
}

int queue_types(struct run *run, uint32_t types[MAX_QUEUES])
{
	struct v4l2_capability cap;
	uint32_t caps;
	int n = 0;

	if (ioctl_errno(run->fd, VIDIOC_QUERYCAP, &cap))
		return -1;
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps :
							 cap.capabilities;
	run->m2m = caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE);
	if (caps & (V4L2_CAP_VIDEO_OUTPUT_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE))
		types[n++] = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	else if (caps & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_M2M))
		types[n++] = V4L2_BUF_TYPE_VIDEO_OUTPUT;
	if (caps & (V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE))
		types[n++] = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	else if (caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_M2M))
		types[n++] = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (caps & V4L2_CAP_META_OUTPUT)
		types[n++] = V4L2_BUF_TYPE_META_OUTPUT;
	if (caps & V4L2_CAP_META_CAPTURE)
		types[n++] = V4L2_BUF_TYPE_META_CAPTURE;
	return n;
}

int enumerate(int fd, uint32_t type, struct entries *list)
{
	int err;

	for (list->n = 0; list->n < MAX_ENTRIES; list->n++) {
		struct v4l2_heapdesc *d = &list->e[list->n];

		memset(d, 0, sizeof(*d));
		d->index = list->n;
		d->type = type;
		err = ioctl_errno(fd, VIDIOC_ENUM_HEAPS, d);
		if (err == EINVAL)
			return 0;
		if (err)
			return err;
	}
	return E2BIG;
}

const struct v4l2_heapdesc *find(const struct entries *list, uint32_t usage,
				 const char *name)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		if (list->e[i].usage == usage &&
		    (!name || !strcmp((const char *)list->e[i].name, name)))
			return &list->e[i];
	return NULL;
}

unsigned int count_usage(const struct entries *list, uint32_t usage)
{
	unsigned int i, n = 0;

	for (i = 0; i < list->n; i++)
		n += list->e[i].usage == usage;
	return n;
}

/* Bytes per buffer of the current format, as videobuf2 allocates them. */
unsigned long long format_buffer_size(int fd, uint32_t type)
{
	struct v4l2_format fmt = { .type = type };
	unsigned long long size = 0;
	unsigned int i;

	if (ioctl_errno(fd, VIDIOC_G_FMT, &fmt))
		return 0;
	if (buf_type_is_meta(type))
		return page_align(fmt.fmt.meta.buffersize);
	if (!buf_type_is_mplane(type))
		return page_align(fmt.fmt.pix.sizeimage);
	for (i = 0; i < fmt.fmt.pix_mp.num_planes; i++)
		size += page_align(fmt.fmt.pix_mp.plane_fmt[i].sizeimage);
	return size;
}

/* Bytes MMAP buffer @index holds, its planes as QUERYBUF gives them. */
unsigned long long buffer_size(int fd, uint32_t type, uint32_t index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf = { .type = type, .index = index,
				   .memory = V4L2_MEMORY_MMAP };
	unsigned long long size = 0;
	unsigned int i;

	if (buf_type_is_mplane(type)) {
		buf.m.planes = planes;
		buf.length = VIDEO_MAX_PLANES;
	}
	if (ioctl_errno(fd, VIDIOC_QUERYBUF, &buf))
		return 0;
	if (!buf_type_is_mplane(type))
		return page_align(buf.length);
	for (i = 0; i < buf.length; i++)
		size += page_align(planes[i].length);
	return size;
}

/*
 * Pages all CMA areas have handed out so far. A CMA heap need not be named
 * after its area (7.3's "default_cma_region" hands out the pages of the
 * area "reserved"), so allocations are counted over every area.
 */
unsigned long long cma_pages(void)
{
	unsigned long long pages, total = 0;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir = opendir("/sys/kernel/mm/cma");

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/cma/%s/alloc_pages_success", de->d_name);
		if (!sysfs_number(path, &pages))
			total += pages;
	}
	closedir(dir);
	return total;
}

int system_heaps(char names[MAX_HEAPS][V4L2_HEAP_NAME_SIZE])
{
	struct dirent *de;
	DIR *dir = opendir("/dev/dma_heap");
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < MAX_HEAPS) {
		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) < V4L2_HEAP_NAME_SIZE)
			memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(dir);
	return n;
}

int open_heap(const char *name, int flags)
{
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	return open(path, flags | O_CLOEXEC);
}

int s_heap(int fd, uint32_t type, int heap_fd, struct v4l2_heap *out)
{
	struct v4l2_heap h = { .type = type, .fd = heap_fd };
	int err = ioctl_errno(fd, VIDIOC_S_HEAP, &h);

	if (out)
		*out = h;
	return err;
}

int s_heap_named(int fd, uint32_t type, const char *name,
		 struct v4l2_heap *out)
{
	int heap_fd = open_heap(name, O_RDONLY);
	int err;

	if (heap_fd < 0)
		return errno;
	err = s_heap(fd, type, heap_fd, out);
	close(heap_fd);
	return err;
}

int g_heap(int fd, uint32_t type, struct v4l2_heap *h)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	return ioctl_errno(fd, VIDIOC_G_HEAP, h);
}

int reqbufs(int fd, uint32_t type, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.type = type, .count = count, .memory = V4L2_MEMORY_MMAP,
	};
	int err = ioctl_errno(fd, VIDIOC_REQBUFS, &req);

	return err ? -err : (int)req.count;
}

int stream(int fd, uint32_t type, bool on)
{
	int t = type;

	return ioctl_errno(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &t);
}
