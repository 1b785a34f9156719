// SPDX-License-Identifier: GPL-2.0
/*
 * Run by a user who may open the device but no heap node: a heap another
 * process selected is not where this user's buffers come from, selecting
 * a heap is impossible without a heap fd, and works with one handed over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "heap-ioctl.h"

void check_unprivileged(struct ktap *k, struct run *run, uint32_t type,
			int heap_fd)
{
	const char *q = buf_type_name(type);
	unsigned long long cma_before, cma_delta;
	struct v4l2_heap before, after;
	struct entries list;
	const char *name;
	struct ktap sub;
	int fd, err, count;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 5 + (heap_fd >= 0));
	err = enumerate(run->fd, type, &list);
	if (!ktap_result(&sub, !err && list.n > 0,
			 "%s: an unprivileged user may enumerate (%u entries)",
			 q, list.n))
		goto out;
	g_heap(run->fd, type, &before);
	name = (const char *)list.e[list.n - 1].name;

	/*
	 * The suite had root select a CMA heap with a process that has
	 * ended; this user may not open that heap, nor allocate from it.
	 */
	cma_before = cma_pages();
	count = reqbufs(run->fd, type, 2);
	cma_delta = cma_pages() - cma_before;
	reqbufs(run->fd, type, 0);
	ktap_result(&sub, count > 0 && !cma_delta &&
			  !(before.flags & V4L2_HEAP_FL_SELECTED),
		    "%s: no selection left behind by another process: G_HEAP '%s'%s, REQBUFS %d, %llu CMA pages allocated",
		    q, (const char *)before.name,
		    before.flags & V4L2_HEAP_FL_SELECTED ? " (selected)" : "",
		    count, cma_delta);

	fd = open_heap(name, O_RDONLY);
	ktap_result(&sub, fd < 0 && errno == EACCES,
		    "%s: opening heap '%s' is not permitted: %s", q, name,
		    fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);

	fd = open_heap(name, O_PATH);
	err = s_heap(run->fd, type, fd, NULL);
	if (fd >= 0)
		close(fd);
	ktap_result(&sub, err == EBADF,
		    "%s: an O_PATH descriptor of '%s' cannot select it: %s", q,
		    name, strerror(err));

	g_heap(run->fd, type, &after);
	ktap_result(&sub, !memcmp(&before, &after, sizeof(before)),
		    "%s: the queue still allocates from '%s'", q, after.name);

	if (heap_fd < 0)
		goto out;
	err = s_heap(run->fd, type, heap_fd, &after);
	ktap_result(&sub, !err && (after.flags & V4L2_HEAP_FL_SELECTED),
		    "%s: a heap fd handed over by root selects '%s': %s", q,
		    err ? "" : (const char *)after.name, strerror(err));
	s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
out:
	ktap_subtest_end(k, &sub, "%s", q);
}
