/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the reliability programs need from a V4L2 device and from the
 * kernel's accounting of dma-bufs and CMA pages: opening a node with the
 * queues it streams on, buffer bookkeeping, one streamed frame as proof
 * that the device still works, and the counters that show leaks.
 */
#ifndef VB2HEAP_RELIABILITY_VDEV_H
#define VB2HEAP_RELIABILITY_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

#include "../lib/ktap.h"
#include "../lib/v4l2-test.h"

#define VDEV_MAX_QUEUES	2

struct vdev {
	const char *path;
	int fd;
	bool m2m;
	/* the queues, the one that produces frames last */
	uint32_t types[VDEV_MAX_QUEUES];
	int ntypes;
};

/* The kernel's view of what is allocated, for leak checks. */
struct accounting {
	long long dmabufs;
	long long cma_pages;
};

int vdev_open(struct vdev *dev, const char *path);
void vdev_close(struct vdev *dev);

int vdev_ioctl(int fd, unsigned long request, void *arg);
int vdev_reqbufs(int fd, uint32_t type, uint32_t memory, unsigned int count);
int vdev_create_bufs(int fd, uint32_t type, uint32_t memory,
		     unsigned int count);
int vdev_buffers(int fd, uint32_t type);
uint32_t vdev_memory_caps(int fd, uint32_t type);
unsigned int vdev_plane_size(int fd, uint32_t type);
int vdev_qbuf(int fd, uint32_t type, uint32_t memory, unsigned int index,
	      unsigned long handle, unsigned int length);
int vdev_querybuf_flags(int fd, uint32_t type, unsigned int index,
			uint32_t *flags);
int vdev_expbuf(int fd, uint32_t type, unsigned int index);
void *vdev_map_plane(int fd, uint32_t type, unsigned int index, size_t *len);
int vdev_dqbuf(int fd, uint32_t type, bool wait, struct v4l2_buffer *buf,
	       struct v4l2_plane *planes);
int vdev_stream(int fd, uint32_t type, bool on);
int vdev_queue_all_mmap(int fd, uint32_t type, unsigned int count);

int vdev_enum_heap(int fd, uint32_t type, unsigned int index,
		   struct v4l2_heapdesc *desc);
unsigned int vdev_internal_buffers(const struct vdev *dev);
int vdev_g_heap(int fd, uint32_t type, char *name);
int vdev_s_heap(int fd, uint32_t type, int heap_fd);

int vdev_stream_one_frame(const char *path, char *why, size_t len);

int heap_alloc(const char *heap, unsigned long long size);
int accounting_read(struct accounting *acct);
int accounting_settle(const struct accounting *want, struct accounting *got);

#endif
