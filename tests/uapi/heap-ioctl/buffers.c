// SPDX-License-Identifier: GPL-2.0
/*
 * The buffers behind the heap ioctls: the capability flag REQBUFS and
 * CREATE_BUFS report, and the driver-internal buffers a codec allocates
 * once it streams.
 */
#include <stdio.h>

#include "heap-ioctl.h"

/* What REQBUFS and CREATE_BUFS, both with a count of 0, report. */
static void buf_caps(int fd, uint32_t type, uint32_t *reqbufs,
		     uint32_t *create_bufs)
{
	struct v4l2_requestbuffers rb = { .type = type,
					  .memory = V4L2_MEMORY_MMAP };
	struct v4l2_create_buffers cb = { .memory = V4L2_MEMORY_MMAP };

	*reqbufs = ioctl_errno(fd, VIDIOC_REQBUFS, &rb) ? 0 : rb.capabilities;
	cb.format.type = type;
	*create_bufs = ioctl_errno(fd, VIDIOC_G_FMT, &cb.format) ||
		       ioctl_errno(fd, VIDIOC_CREATE_BUFS, &cb) ? 0 : cb.capabilities;
}

void check_caps(struct ktap *k, struct run *run, uint32_t type, bool heaps)
{
	const char *q = buf_type_name(type);
	struct ktap sub;
	uint32_t rb, cb;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 2);
	buf_caps(run->fd, type, &rb, &cb);
	ktap_result(&sub, (rb & V4L2_BUF_CAP_SUPPORTS_MMAP) &&
			  !(rb & V4L2_BUF_CAP_SUPPORTS_HEAPS) == !heaps,
		    "%s: REQBUFS capabilities 0x%x %s V4L2_BUF_CAP_SUPPORTS_HEAPS",
		    q, rb, heaps ? "include" : "lack");
	ktap_result(&sub, (cb & V4L2_BUF_CAP_SUPPORTS_MMAP) &&
			  !(cb & V4L2_BUF_CAP_SUPPORTS_HEAPS) == !heaps,
		    "%s: CREATE_BUFS capabilities 0x%x %s V4L2_BUF_CAP_SUPPORTS_HEAPS",
		    q, cb, heaps ? "include" : "lack");
	ktap_subtest_end(k, &sub, "%s: buffer capabilities", q);
}

/*
 * Internal buffers exist while the codec runs: stream both queues and the
 * internal entries must count them, in the heap they claim, which the CMA
 * area's counters must confirm when that heap is a CMA heap.
 */
void check_internal_allocation(struct ktap *k, struct run *run,
			       const uint32_t *types, int num_types,
			       unsigned int want_groups)
{
	unsigned long long before[2], need = 0, delta;
	struct entries list[MAX_QUEUES];
	const char *heap = NULL;
	unsigned int i, groups = 0, planned = 1;
	bool counted = true;
	struct ktap sub;
	int t;

	for (t = 0; t < num_types; t++) {
		enumerate(run->fd, types[t], &list[t]);
		for (i = 0; i < list[t].n; i++) {
			if (list[t].e[i].usage != V4L2_HEAP_USAGE_INTERNAL)
				continue;
			heap = (const char *)list[t].e[i].name;
			need += list[t].e[i].size;
			groups++;
		}
	}
	/* Streaming (STREAMON per queue, counts, CMA) only with groups. */
	if (groups)
		planned += 1 + (num_types == 2 ? num_types + 2 : 0);
	ktap_subtest(k, &sub);
	ktap_plan(&sub, planned);
	ktap_result(&sub, groups == want_groups,
		    "%u internal buffer groups reported, want %u", groups,
		    want_groups);
	if (!groups)
		goto out;
	if (!ktap_result(&sub, num_types == 2,
			 "internal buffers on a device with %d queues, want 2",
			 num_types))
		goto out;

	before[0] = cma_pages();
	for (t = 0; t < num_types; t++)
		reqbufs(run->fd, types[t], 1);
	for (t = 0; t < num_types; t++)
		ktap_result(&sub, stream(run->fd, types[t], true) == 0,
			    "%s: STREAMON", buf_type_name(types[t]));
	before[1] = cma_pages();

	for (t = 0; t < num_types; t++) {
		enumerate(run->fd, types[t], &list[t]);
		for (i = 0; i < list[t].n; i++) {
			const struct v4l2_heapdesc *d = &list[t].e[i];

			if (d->usage != V4L2_HEAP_USAGE_INTERNAL)
				continue;
			counted &= d->count == 1;
			ktap_print(&sub, "%s: internal '%s' in %s: %u x %llu bytes",
				   buf_type_name(types[t]), d->purpose, d->name,
				   d->count, (unsigned long long)d->size);
		}
	}
	ktap_result(&sub, counted, "internal buffers counted once streaming");

	delta = before[1] - before[0];
	if (is_cma_heap(heap))
		ktap_result(&sub, delta * PAGE_SIZE_4K >= need,
			    "CMA areas handed out %llu bytes for %llu bytes of buffers from '%s'",
			    delta * PAGE_SIZE_4K, need, heap);
	else
		ktap_result(&sub, delta == 0,
			    "CMA areas handed out %llu bytes for buffers from '%s'",
			    delta * PAGE_SIZE_4K, heap);

	for (t = 0; t < num_types; t++) {
		stream(run->fd, types[t], false);
		reqbufs(run->fd, types[t], 0);
	}
out:
	ktap_subtest_end(k, &sub, "internal buffers");
}
