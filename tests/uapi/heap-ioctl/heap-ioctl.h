/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heap-ioctl: VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP on every
 * video and metadata queue of a device, split as v4l2-compliance splits
 * its tests: one file per ioctl (enum-heaps.c, g-heap.c, s-heap.c), per
 * caller (unsupported.c: a driver without heaps; unusable.c: a queue none
 * of whose heaps is usable; unprivileged.c: a user without heap nodes;
 * configuration.c: a driver whose heaps follow a control)
 * and for the buffers behind them (buffers.c), with
 * the helpers they share in common.c and the driver in heap-ioctl.c.
 *
 * Every check function reports one subtest (struct ktap): it prints its
 * plan once it knows how many results it will give, then the results.
 */
#ifndef VB2HEAP_HEAP_IOCTL_H
#define VB2HEAP_HEAP_IOCTL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/videodev2.h>

#include "../../lib/dma-heap-test.h"
#include "../../lib/ktap.h"
#include "../../lib/v4l2-test.h"

#define MAX_ENTRIES	32
#define MAX_HEAPS	8
#define MAX_QUEUES	4
#define PAGE_SIZE_4K	4096ULL
#define UNUSED_FD	1000

/* The device under test. */
struct run {
	const char *device;
	int fd;
	bool m2m;
};

/* What ENUM_HEAPS lists for one queue. */
struct entries {
	struct v4l2_heapdesc e[MAX_ENTRIES];
	unsigned int n;
};

/* common.c */
bool all_zero(const void *p, size_t size);
unsigned long long page_align(unsigned long long size);
int queue_types(struct run *run, uint32_t types[MAX_QUEUES]);
int enumerate(int fd, uint32_t type, struct entries *list);
const struct v4l2_heapdesc *find(const struct entries *list, uint32_t usage,
				 const char *name);
unsigned int count_usage(const struct entries *list, uint32_t usage);
unsigned long long format_buffer_size(int fd, uint32_t type);
unsigned long long buffer_size(int fd, uint32_t type, uint32_t index);
unsigned long long cma_pages(void);
int system_heaps(char names[MAX_HEAPS][V4L2_HEAP_NAME_SIZE]);
int open_heap(const char *name, int flags);
int s_heap(int fd, uint32_t type, int heap_fd, struct v4l2_heap *out);
int s_heap_named(int fd, uint32_t type, const char *name,
		 struct v4l2_heap *out);
int g_heap(int fd, uint32_t type, struct v4l2_heap *h);
int reqbufs(int fd, uint32_t type, unsigned int count);
int stream(int fd, uint32_t type, bool on);

/* enum-heaps.c */
void check_entries(struct ktap *k, uint32_t type, const struct entries *list);
void check_enum_errors(struct ktap *k, struct run *run, uint32_t type,
		       const struct entries *list);
void check_format_tracking(struct ktap *k, struct run *run, uint32_t type,
			   const struct entries *before);

/* g-heap.c */
void check_g_heap(struct ktap *k, struct run *run, uint32_t type,
		  const struct entries *list);

/* s-heap.c */
void check_s_heap_errors(struct ktap *k, struct run *run, uint32_t type,
			 const struct entries *list);
void check_selection(struct ktap *k, struct run *run, uint32_t type,
		     const char *heap);
void check_selection_ends(struct ktap *k, struct run *run, uint32_t type,
			  const char *heap);
void check_reset(struct ktap *k, struct run *run, uint32_t type,
		 const char *dflt);
void check_ownership(struct ktap *k, struct run *run, uint32_t type,
		     const char *heap);

/* buffers.c */
void check_caps(struct ktap *k, struct run *run, uint32_t type, bool heaps);
void check_internal_allocation(struct ktap *k, struct run *run,
			       const uint32_t *types, int num_types,
			       unsigned int want_groups);

/* configuration.c */
void check_configuration(struct ktap *k, struct run *run, uint32_t type);

/* unsupported.c */
void check_unsupported(struct ktap *k, struct run *run, uint32_t type);

/* unusable.c */
void check_unusable(struct ktap *k, struct run *run, uint32_t type);

/* unprivileged.c */
void check_unprivileged(struct ktap *k, struct run *run, uint32_t type,
			int heap_fd);

#endif
