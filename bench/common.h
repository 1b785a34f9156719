/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark programs share: a clock, V4L2 queues with a format
 * set the same way on every device, and buffers straight from a dma-buf
 * heap, so that every program compares like with like.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stddef.h>

#include <linux/videodev2.h>

#define MAX_BUFS 32

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int64_t now_ns(void);

/*
 * A V4L2 queue: the device's capture queue, or an m2m device's output
 * queue when queue_init() is told out.
 */
struct queue {
	int fd;
	uint32_t type;
	int mplane;
	struct v4l2_format fmt;
	unsigned int num_planes;
	uint32_t plane_size[VIDEO_MAX_PLANES];
};

/* The heap buffers or mappings of one V4L2 or heap buffer, one per plane. */
struct planes {
	int fd[VIDEO_MAX_PLANES];
	void *map[VIDEO_MAX_PLANES];
	size_t len[VIDEO_MAX_PLANES];
};

int open_device(const char *path);
/* "WIDTHxHEIGHT:FOURCC"; dies unless the driver takes it as it is. */
void queue_init(struct queue *q, int fd, int out, const char *format);
uint32_t queue_bytes(const struct queue *q);

/* Maps every plane of buffer index of q's MMAP buffers. */
void map_buffer(const struct queue *q, unsigned int index, struct planes *p);
void unmap(struct planes *p, unsigned int num_planes);
/* Writes one byte in every page, as a client's first use faults them in. */
void touch(const struct planes *p, unsigned int num_planes);

int open_heap(const char *name);
/* One dma-buf of each of q's plane sizes from the heap. */
void heap_alloc(int heap, const struct queue *q, struct planes *p);
void map_dmabuf(struct planes *p, unsigned int num_planes);
/* Unmaps what is mapped and closes the dma-bufs. */
void heap_free(struct planes *p, unsigned int num_planes);

#endif
