// SPDX-License-Identifier: GPL-2.0
/*
 * Heaps that follow the configuration: vivid's "Require Contiguous Memory"
 * control switches its queues between the policy of its heap parameter
 * (the system heap here) and one that takes contiguous memory only. What
 * ENUM_HEAPS lists, where MMAP buffers come from and whether the control
 * may change must follow it, in both directions.
 */
#include <errno.h>
#include <string.h>

#include <linux/dma-heap.h>

#include "heap-ioctl.h"

#define CONTROL_NAME	"Require Contiguous Memory"
#define CHECKS		11

static uint32_t find_control(int fd)
{
	struct v4l2_queryctrl qc = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };

	while (!ioctl_errno(fd, VIDIOC_QUERYCTRL, &qc)) {
		if (!strcmp((const char *)qc.name, CONTROL_NAME))
			return qc.id;
		qc.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return 0;
}

static int set_control(int fd, uint32_t id, int value)
{
	struct v4l2_control c = { .id = id, .value = value };

	return ioctl_errno(fd, VIDIOC_S_CTRL, &c);
}

static int get_control(int fd, uint32_t id)
{
	struct v4l2_control c = { .id = id };

	return ioctl_errno(fd, VIDIOC_G_CTRL, &c) ? -1 : c.value;
}

/* Entries of the queue, and how many of them are contiguous. */
static unsigned int contiguous_entries(int fd, uint32_t type,
				       struct entries *list)
{
	unsigned int i, n = 0;

	if (enumerate(fd, type, list))
		list->n = 0;
	for (i = 0; i < list->n; i++)
		n += !!(list->e[i].heap_caps & DMA_HEAP_CAP_CONTIGUOUS);
	return n;
}

/*
 * REQBUFS of two buffers: the active entry must hold them, contiguous or
 * not as @contig says, and the CMA areas must have handed out their pages
 * exactly when they are contiguous.
 */
static void check_allocation(struct ktap *sub, struct run *run,
			     uint32_t type, bool contig)
{
	const char *q = buf_type_name(type);
	const struct v4l2_heapdesc *active;
	unsigned long long before, pages;
	struct entries list;
	int n;

	before = cma_pages();
	n = reqbufs(run->fd, type, 2);
	pages = cma_pages() - before;
	if (enumerate(run->fd, type, &list))
		list.n = 0;
	active = find(&list, V4L2_HEAP_USAGE_ACTIVE, NULL);
	ktap_result(sub, n == 2 && active && active->count == 2 &&
			 !!(active->heap_caps & DMA_HEAP_CAP_CONTIGUOUS) == contig &&
			 (pages > 0) == contig,
		    "%s: %s: 2 buffers in '%s' (heap_caps 0x%x, %u buffers), %llu CMA pages",
		    q, contig ? "contiguous" : "any memory",
		    active ? (const char *)active->name : "", active ?
		    active->heap_caps : 0, active ? active->count : 0, pages);
}

void check_configuration(struct ktap *k, struct run *run, uint32_t type)
{
	const char *q = buf_type_name(type);
	uint32_t id = find_control(run->fd);
	unsigned int contig;
	struct entries list;
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, CHECKS);
	ktap_result(&sub, id, "%s: control '%s' found", q, CONTROL_NAME);

	contig = contiguous_entries(run->fd, type, &list);
	ktap_result(&sub, list.n && contig < list.n,
		    "%s: not required: %u of %u entries contiguous", q, contig,
		    list.n);
	check_allocation(&sub, run, type, false);

	err = set_control(run->fd, id, 1);
	ktap_result(&sub, err == EBUSY,
		    "%s: changing the requirement with buffers: %s, want %s", q,
		    strerror(err), strerror(EBUSY));
	ktap_result(&sub, reqbufs(run->fd, type, 0) == 0 &&
			  !set_control(run->fd, id, 1) &&
			  get_control(run->fd, id) == 1,
		    "%s: required once the buffers are freed", q);
	contig = contiguous_entries(run->fd, type, &list);
	ktap_result(&sub, list.n && contig == list.n &&
			  count_usage(&list, V4L2_HEAP_USAGE_ACTIVE) == 1,
		    "%s: required: %u of %u entries contiguous, one active", q,
		    contig, list.n);
	check_allocation(&sub, run, type, true);

	err = set_control(run->fd, id, 0);
	ktap_result(&sub, err == EBUSY && get_control(run->fd, id) == 1,
		    "%s: dropping the requirement with buffers: %s, want %s", q,
		    strerror(err), strerror(EBUSY));
	ktap_result(&sub, reqbufs(run->fd, type, 0) == 0 &&
			  !set_control(run->fd, id, 0),
		    "%s: not required once the buffers are freed", q);
	contig = contiguous_entries(run->fd, type, &list);
	ktap_result(&sub, list.n && contig < list.n,
		    "%s: not required again: %u of %u entries contiguous", q,
		    contig, list.n);
	check_allocation(&sub, run, type, false);
	reqbufs(run->fd, type, 0);
	ktap_subtest_end(k, &sub, "%s", q);
}
