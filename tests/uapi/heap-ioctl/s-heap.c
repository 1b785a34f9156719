// SPDX-License-Identifier: GPL-2.0
/*
 * VIDIOC_S_HEAP: the errors; a selection that really moves MMAP buffers
 * to another heap, judged by the CMA areas' own page counters rather than
 * by what the ioctls claim; who may select and allocate; how long a
 * selection lasts; and the return to the default.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heap-ioctl.h"

/*
 * Whether @selected, what S_HEAP answered for the unlisted CMA heap @name,
 * names another heap of the list, one of contiguous memory.
 */
static bool is_alias_of(const struct entries *list, const char *name,
			const struct v4l2_heap *selected)
{
	const char *listed = (const char *)selected->name;

	return strcmp(listed, name) && is_cma_heap(listed) &&
	       (selected->flags & V4L2_HEAP_FL_SELECTED) &&
	       (find(list, V4L2_HEAP_USAGE_ACTIVE, listed) ||
		find(list, V4L2_HEAP_USAGE_COMPATIBLE, listed));
}

/* Returns the queue to the selection G_HEAP reported as @before. */
static void restore_heap(struct run *run, uint32_t type,
			 const struct v4l2_heap *before)
{
	if (before->flags & V4L2_HEAP_FL_SELECTED)
		s_heap_named(run->fd, type, (const char *)before->name, NULL);
	else
		s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
}

void check_s_heap_errors(struct ktap *k, struct run *run, uint32_t type,
			 const struct entries *list)
{
	char heaps[MAX_HEAPS][V4L2_HEAP_NAME_SIZE];
	const char *q = buf_type_name(type);
	struct v4l2_heap before, after;
	int n = system_heaps(heaps);
	bool incompatible[MAX_HEAPS];
	unsigned int planned = 8;
	struct ktap sub;
	int fd, err, i;

	/* Every heap the queue does not list is one it cannot use. */
	for (i = 0; i < n; i++) {
		incompatible[i] = !find(list, V4L2_HEAP_USAGE_ACTIVE, heaps[i]) &&
				  !find(list, V4L2_HEAP_USAGE_COMPATIBLE,
					heaps[i]);
		planned += incompatible[i];
	}
	ktap_subtest(k, &sub);
	ktap_plan(&sub, planned);
	g_heap(run->fd, type, &before);

	fd = open("/dev/null", O_RDWR);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	ktap_result(&sub, err == EINVAL, "%s: S_HEAP with /dev/null: %s", q,
		    strerror(err));

	fd = open(run->device, O_RDWR);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	ktap_result(&sub, err == EINVAL,
		    "%s: S_HEAP with the video device itself: %s", q,
		    strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_RDONLY);
	close(fd);
	err = s_heap(run->fd, type, fd, NULL);
	ktap_result(&sub, err == EBADF, "%s: S_HEAP with a closed fd: %s", q,
		    strerror(err));

	err = s_heap(run->fd, type, UNUSED_FD, NULL);
	ktap_result(&sub, err == EBADF, "%s: S_HEAP with fd %d never opened: %s",
		    q, UNUSED_FD, strerror(err));

	err = s_heap(run->fd, type, -2, NULL);
	ktap_result(&sub, err == EBADF, "%s: S_HEAP with fd -2: %s", q,
		    strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_PATH);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	ktap_result(&sub, err == EBADF, "%s: S_HEAP with an O_PATH heap fd: %s",
		    q, strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_RDONLY);
	{
		struct v4l2_heap h = { .type = V4L2_BUF_TYPE_VBI_CAPTURE,
				       .fd = fd };

		err = ioctl_errno(run->fd, VIDIOC_S_HEAP, &h);
	}
	close(fd);
	ktap_result(&sub, err == EINVAL, "%s: S_HEAP with a VBI type: %s", q,
		    strerror(err));

	for (i = 0; i < n; i++) {
		if (!incompatible[i])
			continue;
		err = s_heap_named(run->fd, type, heaps[i], &after);
		if (err || !is_cma_heap(heaps[i])) {
			ktap_result(&sub, err == EINVAL,
				    "%s: S_HEAP with incompatible heap '%s': %s",
				    q, heaps[i], strerror(err));
			continue;
		}
		/*
		 * A CMA area registered under a second name is one heap to
		 * the kernel, listed under its first name: selecting it by
		 * the other selects that heap.
		 */
		ktap_result(&sub, is_alias_of(list, heaps[i], &after),
			    "%s: S_HEAP with '%s', not listed, selects the listed heap '%s' of the same area",
			    q, heaps[i], (const char *)after.name);
		restore_heap(run, type, &before);
	}

	g_heap(run->fd, type, &after);
	ktap_result(&sub, !memcmp(&before, &after, sizeof(before)),
		    "%s: failed selections left the queue's heap alone", q);
	ktap_subtest_end(k, &sub, "%s: S_HEAP errors", q);
}

/* Where check_other_size() applies: sizeimage is one field. */
static bool single_planar(uint32_t type)
{
	return !buf_type_is_mplane(type) && !buf_type_is_meta(type);
}

/*
 * A buffer added with CREATE_BUFS for a larger image holds more than the
 * format's size: ENUM_HEAPS reports the bytes actually held, not count
 * times size, and the size of that largest buffer, not the format's.
 * Single-planar queues only; two results.
 */
static void check_other_size(struct ktap *k, struct run *run, uint32_t type,
			     const char *heap, unsigned long long held)
{
	struct v4l2_create_buffers create = { .count = 1,
					      .memory = V4L2_MEMORY_MMAP };
	const char *q = buf_type_name(type);
	const struct v4l2_heapdesc *d;
	unsigned long long extra;
	struct entries list;
	int err;

	create.format.type = type;
	err = ioctl_errno(run->fd, VIDIOC_G_FMT, &create.format);
	create.format.fmt.pix.sizeimage = 2 * create.format.fmt.pix.sizeimage +
					  PAGE_SIZE_4K;
	extra = page_align(create.format.fmt.pix.sizeimage);
	if (!err)
		err = ioctl_errno(run->fd, VIDIOC_CREATE_BUFS, &create);
	if (!ktap_result(k, !err, "%s: CREATE_BUFS of a %llu-byte buffer: %s", q,
			 extra, strerror(err)))
		return;

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	ktap_result(k, d && d->bytes == held + extra && d->size == extra,
		    "%s: '%s' holds %llu bytes with the larger buffer, %llu a buffer (expected %llu, %llu)",
		    q, heap, d ? (unsigned long long)d->bytes : 0,
		    d ? (unsigned long long)d->size : 0, held + extra, extra);
}

/*
 * Selects @heap, allocates MMAP buffers and checks what the heap's own
 * accounting saw: a CMA heap must have handed out the pages, any other
 * heap must have left every CMA area untouched.
 */
void check_selection(struct ktap *k, struct run *run, uint32_t type,
		     const char *heap)
{
	unsigned long long cma_before, delta, size;
	const char *q = buf_type_name(type);
	const struct v4l2_heapdesc *d;
	int count, err, heap_fd;
	uint32_t held;
	struct entries list;
	struct v4l2_heap h;
	struct ktap sub;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 9 + 2 * single_planar(type) + !run->m2m);
	heap_fd = open_heap(heap, O_RDONLY);
	err = s_heap(run->fd, type, heap_fd, &h);
	close(heap_fd);
	ktap_result(&sub, !err && !strcmp((const char *)h.name, heap) &&
			  (h.flags & V4L2_HEAP_FL_SELECTED) && h.fd == heap_fd,
		    "%s: S_HEAP '%s' answers with the selected heap: %s", q,
		    heap, err ? strerror(err) : (const char *)h.name);
	err = g_heap(run->fd, type, &h);
	ktap_result(&sub, !err && !strcmp((const char *)h.name, heap) &&
			  (h.flags & V4L2_HEAP_FL_SELECTED),
		    "%s: G_HEAP reports '%s' as selected", q, heap);

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	ktap_result(&sub, d && (d->flags & V4L2_HEAP_FL_SELECTED) &&
			  count_usage(&list, V4L2_HEAP_USAGE_ACTIVE) == 1,
		    "%s: ENUM_HEAPS lists '%s' as the only active heap, selected",
		    q, heap);

	cma_before = cma_pages();
	count = reqbufs(run->fd, type, 2);
	if (!ktap_result(&sub, count > 0, "%s: REQBUFS from '%s': %d buffers", q,
			 heap, count))
		goto out;

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	size = buffer_size(run->fd, type, 0);
	ktap_result(&sub, d && d->count == (uint32_t)count && size &&
			  d->size == size && d->bytes == size * count,
		    "%s: ENUM_HEAPS counts %u buffers of %llu bytes, %llu bytes in '%s' (QUERYBUF: %llu bytes a buffer)",
		    q, d ? d->count : 0, d ? (unsigned long long)d->size : 0,
		    d ? (unsigned long long)d->bytes : 0, heap, size);

	delta = cma_pages() - cma_before;
	ktap_print(&sub, "CMA areas: %llu pages allocated", delta);
	ktap_result(&sub, is_cma_heap(heap) ?
			  d && delta * PAGE_SIZE_4K >= d->size * count :
			  delta == 0,
		    "%s: the CMA areas' counters show the buffers came from '%s'",
		    q, heap);

	if (single_planar(type))
		check_other_size(&sub, run, type, heap, d->bytes);

	/* A selection is for the buffers allocated after it. */
	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	held = d ? d->count : 0;
	err = s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	ktap_result(&sub, !err && held && d && d->count == held,
		    "%s: the owner returns to the default while buffers exist, and the %u buffers stay in '%s': %s",
		    q, held, heap, strerror(err));
	err = s_heap_named(run->fd, type, heap, NULL);
	ktap_result(&sub, !err,
		    "%s: the owner selects '%s' again while buffers exist: %s", q,
		    heap, strerror(err));

	if (!run->m2m) {
		int other = open(run->device, O_RDWR);

		err = s_heap_named(other, type, heap, NULL);
		close(other);
		ktap_result(&sub, err == EBUSY,
			    "%s: S_HEAP from another file handle while buffers exist: %s",
			    q, strerror(err));
	}

	ktap_result(&sub, reqbufs(run->fd, type, 0) == 0, "%s: buffers freed",
		    q);
out:
	ktap_subtest_end(k, &sub, "%s: selecting '%s'", q, heap);
}

/*
 * A heap is selected for its owner's buffers: the file handle that
 * selects one owns the queue, also without buffers, and other file
 * handles can neither select nor allocate until it returns to the
 * default. REMOVE_BUFS does not keep the owner from selecting.
 */
void check_ownership(struct ktap *k, struct run *run, uint32_t type,
		     const char *heap)
{
	struct v4l2_create_buffers create = { .count = 1,
					      .memory = V4L2_MEMORY_MMAP };
	struct v4l2_remove_buffers remove = { .type = type, .count = 1 };
	const char *q = buf_type_name(type);
	struct ktap sub;
	int other, err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 6);
	create.format.type = type;
	err = ioctl_errno(run->fd, VIDIOC_G_FMT, &create.format);
	if (!err)
		err = ioctl_errno(run->fd, VIDIOC_CREATE_BUFS, &create);
	remove.index = create.index;
	if (!err)
		err = ioctl_errno(run->fd, VIDIOC_REMOVE_BUFS, &remove);
	if (!ktap_result(&sub, !err,
			 "%s: the owner created and removed a buffer: %s", q,
			 strerror(err)))
		goto out;

	other = open(run->device, O_RDWR);
	err = s_heap_named(other, type, heap, NULL);
	ktap_result(&sub, err == EBUSY,
		    "%s: S_HEAP from a file handle that does not own the queue: %s",
		    q, strerror(err));
	err = s_heap_named(run->fd, type, heap, NULL);
	ktap_result(&sub, !err,
		    "%s: S_HEAP from the owner of a queue without buffers: %s",
		    q, strerror(err));

	reqbufs(run->fd, type, 0);
	err = -reqbufs(other, type, 1);
	ktap_result(&sub, err == EBUSY,
		    "%s: REQBUFS from another file handle while the owner's selection lasts: %s",
		    q, strerror(err));
	err = s_heap_named(other, type, heap, NULL);
	ktap_result(&sub, err == EBUSY,
		    "%s: S_HEAP from another file handle while the owner's selection lasts: %s",
		    q, strerror(err));

	s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
	err = s_heap_named(other, type, heap, NULL);
	ktap_result(&sub, !err,
		    "%s: S_HEAP from another file handle once the owner returned to the default: %s",
		    q, strerror(err));
	s_heap(other, type, V4L2_HEAP_FD_DEFAULT, NULL);
	close(other);
out:
	ktap_subtest_end(k, &sub, "%s: a selection belongs to its file handle", q);
}

/*
 * Even on a device node, whose format outlives every file handle, a
 * selection ends with the file handle that made it, and with it the
 * ownership of the queue. One result of @k.
 */
void check_selection_ends(struct ktap *k, struct run *run, uint32_t type,
			  const char *heap)
{
	const char *q = buf_type_name(type);
	struct v4l2_heap h;
	int other, err;

	other = open(run->device, O_RDWR);
	err = s_heap_named(other, type, heap, NULL);
	if (!err)
		err = reqbufs(other, type, 1) > 0 ? 0 : EIO;
	close(other);
	if (!err)
		err = g_heap(run->fd, type, &h);
	if (!err)
		err = -reqbufs(run->fd, type, 0);
	ktap_result(k, !err && !(h.flags & V4L2_HEAP_FL_SELECTED),
		    "%s: closing the file handle that selected '%s' ends the selection and the ownership: %s",
		    q, heap, err ? strerror(err) : (const char *)h.name);
}

/* One result of @k. */
void check_reset(struct ktap *k, struct run *run, uint32_t type,
		 const char *dflt)
{
	const char *q = buf_type_name(type);
	struct v4l2_heap h;
	int err;

	err = s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, &h);
	ktap_result(k, !err && !strcmp((const char *)h.name, dflt) &&
			  !(h.flags & V4L2_HEAP_FL_SELECTED),
		    "%s: V4L2_HEAP_FD_DEFAULT returns to the default '%s': %s",
		    q, dflt, err ? strerror(err) : (const char *)h.name);
}
