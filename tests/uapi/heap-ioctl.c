// SPDX-License-Identifier: GPL-2.0
/*
 * Exercise VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP on every
 * video queue of a device: each field, each error path, and whether a
 * selection really moves MMAP buffers to another heap, judged by the CMA
 * area's own page counters rather than by what the ioctls claim.
 *
 * Usage:
 *   heap-ioctl [--internal N] DEVICE   all checks, as root; the device
 *       must report exactly N internal buffer groups (default 0), and
 *       allocate them once it streams
 *   heap-ioctl --unsupported DEVICE    every ioctl answers ENOTTY
 *   heap-ioctl --unprivileged DEVICE [--heap-fd FD]
 *       as a user who may open DEVICE but no heap: selecting a heap is
 *       impossible without a heap fd, and works with one handed over (FD)
 *
 * Output is TAP; the exit status is 0 when every check passed, 1 when one
 * failed and 2 when the checks could not run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

/*
 * The layout every ABI must share, so that 32-bit processes on a 64-bit
 * kernel need no translation; this file is also built with -m32.
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
_Static_assert(sizeof(struct v4l2_heap) == 112, "v4l2_heap size");
_Static_assert(offsetof(struct v4l2_heap, reserved) == 76,
	       "v4l2_heap.reserved offset");

#define MAX_ENTRIES	32
#define MAX_HEAPS	8
#define MAX_QUEUES	4
#define PAGE_SIZE_4K	4096ULL
#define UNUSED_FD	1000

struct run {
	const char *device;
	int fd;
	bool m2m;
	unsigned int tests;
	unsigned int failures;
};

struct entries {
	struct v4l2_heapdesc e[MAX_ENTRIES];
	unsigned int n;
};

static bool report(struct run *run, bool ok, const char *fmt, ...)
{
	va_list ap;

	run->tests++;
	if (!ok)
		run->failures++;
	printf("%s %u - ", ok ? "ok" : "not ok", run->tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case V4L2_BUF_TYPE_VIDEO_CAPTURE: return "capture";
	case V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE: return "capture-mplane";
	case V4L2_BUF_TYPE_VIDEO_OUTPUT: return "output";
	case V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE: return "output-mplane";
	case V4L2_BUF_TYPE_META_CAPTURE: return "meta-capture";
	case V4L2_BUF_TYPE_META_OUTPUT: return "meta-output";
	default: return "?";
	}
}

static bool is_mplane(uint32_t type)
{
	return type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ||
	       type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
}

static bool is_meta(uint32_t type)
{
	return type == V4L2_BUF_TYPE_META_CAPTURE ||
	       type == V4L2_BUF_TYPE_META_OUTPUT;
}

/* ioctl() that returns 0 or the errno, so that checks read naturally. */
static int xioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? errno : 0;
}

static bool all_zero(const void *p, size_t size)
{
	const unsigned char *b = p;

	while (size--)
		if (*b++)
			return false;
	return true;
}

static unsigned long long page_align(unsigned long long size)
{
	return (size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
}

static int queue_types(struct run *run, uint32_t types[MAX_QUEUES])
{
	struct v4l2_capability cap;
	uint32_t caps;
	int n = 0;

	if (xioctl(run->fd, VIDIOC_QUERYCAP, &cap))
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

static int enumerate(int fd, uint32_t type, struct entries *list)
{
	int err;

	for (list->n = 0; list->n < MAX_ENTRIES; list->n++) {
		struct v4l2_heapdesc *d = &list->e[list->n];

		memset(d, 0, sizeof(*d));
		d->index = list->n;
		d->type = type;
		err = xioctl(fd, VIDIOC_ENUM_HEAPS, d);
		if (err == EINVAL)
			return 0;
		if (err)
			return err;
	}
	return E2BIG;
}

static const struct v4l2_heapdesc *find(const struct entries *list,
					uint32_t usage, const char *name)
{
	unsigned int i;

	for (i = 0; i < list->n; i++)
		if (list->e[i].usage == usage &&
		    (!name || !strcmp((const char *)list->e[i].name, name)))
			return &list->e[i];
	return NULL;
}

static unsigned int count_usage(const struct entries *list, uint32_t usage)
{
	unsigned int i, n = 0;

	for (i = 0; i < list->n; i++)
		n += list->e[i].usage == usage;
	return n;
}

/* Bytes per buffer of the current format, as videobuf2 allocates them. */
static unsigned long long format_buffer_size(int fd, uint32_t type)
{
	struct v4l2_format fmt = { .type = type };
	unsigned long long size = 0;
	unsigned int i;

	if (xioctl(fd, VIDIOC_G_FMT, &fmt))
		return 0;
	if (is_meta(type))
		return page_align(fmt.fmt.meta.buffersize);
	if (!is_mplane(type))
		return page_align(fmt.fmt.pix.sizeimage);
	for (i = 0; i < fmt.fmt.pix_mp.num_planes; i++)
		size += page_align(fmt.fmt.pix_mp.plane_fmt[i].sizeimage);
	return size;
}

static int read_number(const char *path, unsigned long long *value)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lli", value) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int heap_caps(const char *heap, unsigned long long *caps)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/dma_heap/%s/caps", heap);
	return read_number(path, caps);
}

/*
 * Pages all CMA areas have handed out so far. A CMA heap need not be named
 * after its area (7.3's "default_cma_region" hands out the pages of the
 * area "reserved"), so allocations are counted over every area.
 */
static unsigned long long cma_pages(void)
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
		if (!read_number(path, &pages))
			total += pages;
	}
	closedir(dir);
	return total;
}

/* Only CMA heaps report contiguous memory here. */
static bool is_cma_heap(const char *heap)
{
	unsigned long long caps = 0;

	heap_caps(heap, &caps);
	return caps & V4L2_HEAP_FL_CONTIGUOUS;
}

static int system_heaps(char names[MAX_HEAPS][V4L2_HEAP_NAME_SIZE])
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

static int open_heap(const char *name, int flags)
{
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	return open(path, flags | O_CLOEXEC);
}

static int s_heap(int fd, uint32_t type, int heap_fd, struct v4l2_heap *out)
{
	struct v4l2_heap h = { .type = type, .fd = heap_fd };
	int err = xioctl(fd, VIDIOC_S_HEAP, &h);

	if (out)
		*out = h;
	return err;
}

static int s_heap_named(int fd, uint32_t type, const char *name,
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

static int g_heap(int fd, uint32_t type, struct v4l2_heap *h)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	return xioctl(fd, VIDIOC_G_HEAP, h);
}

static int reqbufs(int fd, uint32_t type, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.type = type, .count = count, .memory = V4L2_MEMORY_MMAP,
	};
	int err = xioctl(fd, VIDIOC_REQBUFS, &req);

	return err ? -err : (int)req.count;
}

static void check_entries(struct run *run, uint32_t type,
			  const struct entries *list)
{
	const char *q = type_name(type);
	unsigned long long size = format_buffer_size(run->fd, type);
	unsigned int i;

	report(run, count_usage(list, V4L2_HEAP_USAGE_ACTIVE) == 1,
	       "%s: one active heap before any allocation (%u entries)", q,
	       list->n);
	report(run, list->n && list->e[0].usage == V4L2_HEAP_USAGE_ACTIVE,
	       "%s: the active heap is the first entry", q);
	for (i = 0; i < list->n; i++) {
		const struct v4l2_heapdesc *d = &list->e[i];
		const char *name = (const char *)d->name;
		bool internal = d->usage == V4L2_HEAP_USAGE_INTERNAL;
		unsigned long long caps = 0;
		char path[256];

		snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
		report(run, d->index == i && d->type == type,
		       "%s[%u]: index and type returned as passed", q, i);
		report(run, d->usage >= V4L2_HEAP_USAGE_ACTIVE &&
			    d->usage <= V4L2_HEAP_USAGE_INTERNAL,
		       "%s[%u]: usage %u is defined", q, i, d->usage);
		report(run, memchr(d->name, 0, sizeof(d->name)) &&
			    access(path, F_OK) == 0,
		       "%s[%u]: heap '%s' is a node under /dev/dma_heap", q, i,
		       name);
		report(run, heap_caps(name, &caps) == 0 &&
			    !!(d->flags & V4L2_HEAP_FL_CONTIGUOUS) == !!(caps & 1),
		       "%s[%u]: CONTIGUOUS flag matches the heap's caps 0x%llx",
		       q, i, caps);
		report(run, !(d->flags & ~(V4L2_HEAP_FL_CONTIGUOUS |
					   V4L2_HEAP_FL_SELECTED)),
		       "%s[%u]: no undefined flags (0x%x)", q, i, d->flags);
		report(run, all_zero(d->reserved, sizeof(d->reserved)),
		       "%s[%u]: reserved fields zeroed", q, i);
		report(run, internal == (d->purpose[0] != 0) &&
			    memchr(d->purpose, 0, sizeof(d->purpose)),
		       "%s[%u]: purpose '%.*s' set exactly for internal buffers",
		       q, i, (int)sizeof(d->purpose), d->purpose);
		report(run, internal ? d->purpose_id > V4L2_HEAP_PURPOSE_NONE &&
					d->purpose_id <= V4L2_HEAP_PURPOSE_METADATA :
				       d->purpose_id == V4L2_HEAP_PURPOSE_NONE,
		       "%s[%u]: purpose_id %u defined, set exactly for internal buffers",
		       q, i, d->purpose_id);
		report(run, d->bytes % PAGE_SIZE_4K == 0 &&
			    (d->bytes == 0) == (d->count == 0) &&
			    d->bytes >= d->count * (unsigned long long)PAGE_SIZE_4K,
		       "%s[%u]: %u buffers hold %llu bytes", q, i, d->count,
		       (unsigned long long)d->bytes);
		if (internal)
			report(run, d->size > 0 && d->size % PAGE_SIZE_4K == 0,
			       "%s[%u]: internal '%s' needs %llu bytes per buffer",
			       q, i, d->purpose, (unsigned long long)d->size);
		else
			report(run, d->size == size && d->count == 0,
			       "%s[%u]: %llu bytes per buffer (format: %llu), %u allocated",
			       q, i, (unsigned long long)d->size, size, d->count);
	}
}

static void check_enum_errors(struct run *run, uint32_t type,
			      const struct entries *list)
{
	const char *q = type_name(type);
	struct v4l2_heapdesc d;
	/* ... and the single/multi-planar counterpart of the queue's type */
	const uint32_t bad_types[] = {
		0, V4L2_BUF_TYPE_VBI_CAPTURE, V4L2_BUF_TYPE_SDR_OUTPUT,
		V4L2_BUF_TYPE_PRIVATE, is_mplane(type) ? type - 8 : type + 8,
	};
	unsigned int i;
	int err;

	memset(&d, 0, sizeof(d));
	d.type = type;
	d.index = list->n;
	err = xioctl(run->fd, VIDIOC_ENUM_HEAPS, &d);
	report(run, err == EINVAL, "%s: index %u past the end: %s", q, list->n,
	       strerror(err));
	d.index = UINT32_MAX;
	err = xioctl(run->fd, VIDIOC_ENUM_HEAPS, &d);
	report(run, err == EINVAL, "%s: index 0xffffffff: %s", q,
	       strerror(err));

	for (i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		memset(&d, 0, sizeof(d));
		d.type = bad_types[i];
		err = xioctl(run->fd, VIDIOC_ENUM_HEAPS, &d);
		report(run, err == EINVAL, "%s: ENUM_HEAPS with type %u: %s", q,
		       bad_types[i], strerror(err));
	}

	/* Applications must zero them, but garbage must not leak back. */
	memset(&d, 0xa5, sizeof(d));
	d.index = 0;
	d.type = type;
	err = xioctl(run->fd, VIDIOC_ENUM_HEAPS, &d);
	report(run, !err && all_zero(d.reserved, sizeof(d.reserved)) &&
		    !memcmp(&d, &list->e[0], sizeof(d)),
	       "%s: garbage in output and reserved fields is ignored and cleared",
	       q);
}

static void check_g_heap(struct run *run, uint32_t type,
			 const struct entries *list)
{
	const struct v4l2_heapdesc *active = find(list, V4L2_HEAP_USAGE_ACTIVE,
						  NULL);
	const char *q = type_name(type);
	struct v4l2_heap h;
	int err;

	memset(&h, 0x5a, sizeof(h));
	h.type = type;
	err = xioctl(run->fd, VIDIOC_G_HEAP, &h);
	report(run, !err && active &&
		    !strcmp((const char *)h.name, (const char *)active->name) &&
		    h.fd == V4L2_HEAP_FD_DEFAULT &&
		    h.flags == (active->flags & ~V4L2_HEAP_FL_SELECTED) &&
		    !(h.flags & V4L2_HEAP_FL_SELECTED) &&
		    all_zero(h.reserved, sizeof(h.reserved)),
	       "%s: G_HEAP names the active heap '%s', default, reserved cleared",
	       q, err ? strerror(err) : (const char *)h.name);

	memset(&h, 0, sizeof(h));
	h.type = V4L2_BUF_TYPE_VBI_CAPTURE;
	err = xioctl(run->fd, VIDIOC_G_HEAP, &h);
	report(run, err == EINVAL, "%s: G_HEAP with a VBI type: %s", q,
	       strerror(err));
}

static void check_s_heap_errors(struct run *run, uint32_t type,
				const struct entries *list)
{
	char heaps[MAX_HEAPS][V4L2_HEAP_NAME_SIZE];
	const char *q = type_name(type);
	struct v4l2_heap before, after;
	int n = system_heaps(heaps);
	int fd, err, i;

	g_heap(run->fd, type, &before);

	fd = open("/dev/null", O_RDWR);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	report(run, err == EINVAL, "%s: S_HEAP with /dev/null: %s", q,
	       strerror(err));

	fd = open(run->device, O_RDWR);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	report(run, err == EINVAL, "%s: S_HEAP with the video device itself: %s",
	       q, strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_RDONLY);
	close(fd);
	err = s_heap(run->fd, type, fd, NULL);
	report(run, err == EBADF, "%s: S_HEAP with a closed fd: %s", q,
	       strerror(err));

	err = s_heap(run->fd, type, UNUSED_FD, NULL);
	report(run, err == EBADF, "%s: S_HEAP with fd %d never opened: %s", q,
	       UNUSED_FD, strerror(err));

	err = s_heap(run->fd, type, -2, NULL);
	report(run, err == EBADF, "%s: S_HEAP with fd -2: %s", q,
	       strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_PATH);
	err = s_heap(run->fd, type, fd, NULL);
	close(fd);
	report(run, err == EBADF, "%s: S_HEAP with an O_PATH heap fd: %s", q,
	       strerror(err));

	fd = open_heap((const char *)list->e[0].name, O_RDONLY);
	{
		struct v4l2_heap h = { .type = V4L2_BUF_TYPE_VBI_CAPTURE,
				       .fd = fd };

		err = xioctl(run->fd, VIDIOC_S_HEAP, &h);
	}
	close(fd);
	report(run, err == EINVAL, "%s: S_HEAP with a VBI type: %s", q,
	       strerror(err));

	/* Every heap the queue does not list is one it cannot use. */
	for (i = 0; i < n; i++) {
		if (find(list, V4L2_HEAP_USAGE_ACTIVE, heaps[i]) ||
		    find(list, V4L2_HEAP_USAGE_COMPATIBLE, heaps[i]))
			continue;
		err = s_heap_named(run->fd, type, heaps[i], NULL);
		report(run, err == EINVAL, "%s: S_HEAP with incompatible heap '%s': %s",
		       q, heaps[i], strerror(err));
	}

	g_heap(run->fd, type, &after);
	report(run, !memcmp(&before, &after, sizeof(before)),
	       "%s: failed selections left the queue's heap alone", q);
}

/*
 * A buffer added with CREATE_BUFS for a larger image holds more than the
 * format's size: ENUM_HEAPS reports the bytes actually held, not count
 * times size. Single-planar queues only, where sizeimage is one field.
 */
static void check_other_size(struct run *run, uint32_t type, const char *heap,
			     unsigned long long held)
{
	struct v4l2_create_buffers create = { .count = 1,
					      .memory = V4L2_MEMORY_MMAP };
	const char *q = type_name(type);
	const struct v4l2_heapdesc *d;
	unsigned long long extra;
	struct entries list;
	int err;

	if (is_mplane(type) || is_meta(type))
		return;
	create.format.type = type;
	err = xioctl(run->fd, VIDIOC_G_FMT, &create.format);
	create.format.fmt.pix.sizeimage = 2 * create.format.fmt.pix.sizeimage +
					  PAGE_SIZE_4K;
	extra = page_align(create.format.fmt.pix.sizeimage);
	if (!err)
		err = xioctl(run->fd, VIDIOC_CREATE_BUFS, &create);
	if (!report(run, !err, "%s: CREATE_BUFS of a %llu-byte buffer: %s", q,
		    extra, strerror(err)))
		return;

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	report(run, d && d->bytes == held + extra,
	       "%s: '%s' holds %llu bytes with the larger buffer (expected %llu)",
	       q, heap, d ? (unsigned long long)d->bytes : 0, held + extra);
}

/*
 * Selects @heap, allocates MMAP buffers and checks what the heap's own
 * accounting saw: a CMA heap must have handed out the pages, any other
 * heap must have left every CMA area untouched.
 */
static void check_selection(struct run *run, uint32_t type, const char *heap)
{
	unsigned long long cma_before, delta;
	const char *q = type_name(type);
	const struct v4l2_heapdesc *d;
	int count, err, heap_fd;
	struct entries list;
	struct v4l2_heap h;

	heap_fd = open_heap(heap, O_RDONLY);
	err = s_heap(run->fd, type, heap_fd, &h);
	close(heap_fd);
	report(run, !err && !strcmp((const char *)h.name, heap) &&
		    (h.flags & V4L2_HEAP_FL_SELECTED) && h.fd == heap_fd,
	       "%s: S_HEAP '%s' answers with the selected heap: %s", q, heap,
	       err ? strerror(err) : (const char *)h.name);
	err = g_heap(run->fd, type, &h);
	report(run, !err && !strcmp((const char *)h.name, heap) &&
		    (h.flags & V4L2_HEAP_FL_SELECTED),
	       "%s: G_HEAP reports '%s' as selected", q, heap);

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	report(run, d && (d->flags & V4L2_HEAP_FL_SELECTED) &&
		    count_usage(&list, V4L2_HEAP_USAGE_ACTIVE) == 1,
	       "%s: ENUM_HEAPS lists '%s' as the only active heap, selected",
	       q, heap);

	cma_before = cma_pages();
	count = reqbufs(run->fd, type, 2);
	if (!report(run, count > 0, "%s: REQBUFS from '%s': %d buffers", q,
		    heap, count))
		return;

	enumerate(run->fd, type, &list);
	d = find(&list, V4L2_HEAP_USAGE_ACTIVE, heap);
	report(run, d && d->count == (uint32_t)count &&
		    d->bytes == d->size * count,
	       "%s: ENUM_HEAPS counts %u buffers, %llu bytes in '%s'", q,
	       d ? d->count : 0, d ? (unsigned long long)d->bytes : 0, heap);

	delta = cma_pages() - cma_before;
	printf("# CMA areas: %llu pages allocated\n", delta);
	report(run, is_cma_heap(heap) ?
		    d && delta * PAGE_SIZE_4K >= d->size * count : delta == 0,
	       "%s: the CMA areas' counters show the buffers came from '%s'",
	       q, heap);

	check_other_size(run, type, heap, d->bytes);

	err = s_heap_named(run->fd, type, heap, NULL);
	report(run, err == EBUSY, "%s: S_HEAP while buffers exist: %s", q,
	       strerror(err));
	err = s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
	report(run, err == EBUSY, "%s: reset while buffers exist: %s", q,
	       strerror(err));

	if (!run->m2m) {
		int other = open(run->device, O_RDWR);

		err = s_heap_named(other, type, heap, NULL);
		close(other);
		report(run, err == EBUSY,
		       "%s: S_HEAP from another file handle while buffers exist: %s",
		       q, strerror(err));
	}

	report(run, reqbufs(run->fd, type, 0) == 0, "%s: buffers freed", q);
}

/* What REQBUFS and CREATE_BUFS, both with a count of 0, report. */
static void buf_caps(int fd, uint32_t type, uint32_t *reqbufs,
		     uint32_t *create_bufs)
{
	struct v4l2_requestbuffers rb = { .type = type,
					  .memory = V4L2_MEMORY_MMAP };
	struct v4l2_create_buffers cb = { .memory = V4L2_MEMORY_MMAP };

	*reqbufs = xioctl(fd, VIDIOC_REQBUFS, &rb) ? 0 : rb.capabilities;
	cb.format.type = type;
	*create_bufs = xioctl(fd, VIDIOC_G_FMT, &cb.format) ||
		       xioctl(fd, VIDIOC_CREATE_BUFS, &cb) ? 0 : cb.capabilities;
}

static void check_caps(struct run *run, uint32_t type, bool heaps)
{
	const char *q = type_name(type);
	uint32_t rb, cb;

	buf_caps(run->fd, type, &rb, &cb);
	report(run, (rb & V4L2_BUF_CAP_SUPPORTS_MMAP) &&
		    !(rb & V4L2_BUF_CAP_SUPPORTS_HEAPS) == !heaps,
	       "%s: REQBUFS capabilities 0x%x %s V4L2_BUF_CAP_SUPPORTS_HEAPS",
	       q, rb, heaps ? "include" : "lack");
	report(run, (cb & V4L2_BUF_CAP_SUPPORTS_MMAP) &&
		    !(cb & V4L2_BUF_CAP_SUPPORTS_HEAPS) == !heaps,
	       "%s: CREATE_BUFS capabilities 0x%x %s V4L2_BUF_CAP_SUPPORTS_HEAPS",
	       q, cb, heaps ? "include" : "lack");
}

/*
 * A queue stays in use, and its heap cannot change, from the allocation of
 * buffers until REQBUFS(0), as the RST says: removing every buffer with
 * REMOVE_BUFS leaves it to its owner, and even the owner cannot select.
 */
static void check_in_use(struct run *run, uint32_t type, const char *heap)
{
	struct v4l2_create_buffers create = { .count = 1,
					      .memory = V4L2_MEMORY_MMAP };
	struct v4l2_remove_buffers remove = { .type = type, .count = 1 };
	const char *q = type_name(type);
	int other, err;

	create.format.type = type;
	err = xioctl(run->fd, VIDIOC_G_FMT, &create.format);
	if (!err)
		err = xioctl(run->fd, VIDIOC_CREATE_BUFS, &create);
	remove.index = create.index;
	if (!err)
		err = xioctl(run->fd, VIDIOC_REMOVE_BUFS, &remove);
	if (!report(run, !err,
		    "%s: the owner created and removed a buffer: %s", q,
		    strerror(err)))
		return;

	other = open(run->device, O_RDWR);
	err = s_heap_named(other, type, heap, NULL);
	report(run, err == EBUSY,
	       "%s: S_HEAP from a file handle that does not own the queue: %s",
	       q, strerror(err));
	err = s_heap_named(run->fd, type, heap, NULL);
	report(run, err == EBUSY,
	       "%s: S_HEAP from the owner of a queue without buffers: %s", q,
	       strerror(err));

	reqbufs(run->fd, type, 0);
	err = s_heap_named(other, type, heap, NULL);
	report(run, !err,
	       "%s: S_HEAP from another file handle once the queue has no owner: %s",
	       q, strerror(err));
	s_heap(other, type, V4L2_HEAP_FD_DEFAULT, NULL);
	close(other);
}

/*
 * On a device node the selection, like the format, outlives the file
 * handle that made it and the file handle that owned the queue's buffers.
 */
static void check_persistence(struct run *run, uint32_t type, const char *heap)
{
	const char *q = type_name(type);
	struct v4l2_heap h;
	int other, err;

	other = open(run->device, O_RDWR);
	err = s_heap_named(other, type, heap, NULL);
	if (!err)
		err = reqbufs(other, type, 1) > 0 ? 0 : EIO;
	close(other);
	if (!err)
		err = g_heap(run->fd, type, &h);
	report(run, !err && (h.flags & V4L2_HEAP_FL_SELECTED) &&
		    !strcmp((const char *)h.name, heap),
	       "%s: the selection outlives the owner of the buffers: %s", q,
	       err ? strerror(err) : (const char *)h.name);
}

static void check_reset(struct run *run, uint32_t type, const char *dflt)
{
	const char *q = type_name(type);
	struct v4l2_heap h;
	int err;

	err = s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, &h);
	report(run, !err && !strcmp((const char *)h.name, dflt) &&
		    !(h.flags & V4L2_HEAP_FL_SELECTED),
	       "%s: V4L2_HEAP_FD_DEFAULT returns to the default '%s': %s", q,
	       dflt, err ? strerror(err) : (const char *)h.name);
}

/*
 * A different resolution must show in the sizes at once, for the queue's
 * buffers and for the internal buffers reported with the queue.
 */
static void check_format_tracking(struct run *run, uint32_t type,
				  const struct entries *before)
{
	unsigned long long old_size = before->e[0].size, new_size;
	struct v4l2_format fmt = { .type = type }, saved;
	const char *q = type_name(type);
	struct entries after;
	unsigned int i;

	if (is_meta(type) || xioctl(run->fd, VIDIOC_G_FMT, &fmt))
		return;
	saved = fmt;
	/* Both fit every converted driver: vicodec needs at least 640x360. */
	fmt.fmt.pix.width = fmt.fmt.pix.width >= 1280 ? 640 : 1920;
	fmt.fmt.pix.height = fmt.fmt.pix.height >= 720 ? 480 : 1080;
	if (is_mplane(type)) {
		fmt.fmt.pix_mp.width = fmt.fmt.pix.width;
		fmt.fmt.pix_mp.height = fmt.fmt.pix.height;
	}
	if (!report(run, xioctl(run->fd, VIDIOC_S_FMT, &fmt) == 0,
		    "%s: S_FMT to another resolution", q))
		return;

	enumerate(run->fd, type, &after);
	new_size = format_buffer_size(run->fd, type);
	report(run, after.n == before->n, "%s: same entries after S_FMT", q);
	for (i = 0; i < after.n && i < before->n; i++) {
		const struct v4l2_heapdesc *was = &before->e[i], *is = &after.e[i];

		if (is->usage != V4L2_HEAP_USAGE_INTERNAL)
			report(run, is->size == new_size,
			       "%s[%u]: size follows S_FMT: %llu -> %llu", q, i,
			       (unsigned long long)was->size,
			       (unsigned long long)is->size);
		else if (new_size != old_size)
			report(run, (is->size > was->size) == (new_size > old_size) &&
				    is->size != was->size,
			       "%s[%u]: internal '%s' follows the resolution: %llu -> %llu",
			       q, i, is->purpose, (unsigned long long)was->size,
			       (unsigned long long)is->size);
	}

	xioctl(run->fd, VIDIOC_S_FMT, &saved);
}

static int stream(int fd, uint32_t type, bool on)
{
	int t = type;

	return xioctl(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &t);
}

/*
 * Internal buffers exist while the codec runs: stream both queues and the
 * internal entries must count them, in the heap they claim, which the CMA
 * area's counters must confirm when that heap is a CMA heap.
 */
static void check_internal_allocation(struct run *run, const uint32_t *types,
				      int num_types, unsigned int want_groups)
{
	unsigned long long before[2], need = 0, delta;
	struct entries list[MAX_QUEUES];
	const char *heap = NULL;
	unsigned int i, groups = 0;
	bool counted = true;
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
	report(run, groups == want_groups,
	       "%u internal buffer groups reported, want %u", groups,
	       want_groups);
	if (!groups)
		return;
	if (!report(run, num_types == 2,
		    "internal buffers on a device with %d queues, want 2",
		    num_types))
		return;

	before[0] = cma_pages();
	for (t = 0; t < num_types; t++)
		reqbufs(run->fd, types[t], 1);
	for (t = 0; t < num_types; t++)
		report(run, stream(run->fd, types[t], true) == 0,
		       "%s: STREAMON", type_name(types[t]));
	before[1] = cma_pages();

	for (t = 0; t < num_types; t++) {
		enumerate(run->fd, types[t], &list[t]);
		for (i = 0; i < list[t].n; i++) {
			const struct v4l2_heapdesc *d = &list[t].e[i];

			if (d->usage != V4L2_HEAP_USAGE_INTERNAL)
				continue;
			counted &= d->count == 1;
			printf("# %s: internal '%s' in %s: %u x %llu bytes\n",
			       type_name(types[t]), d->purpose, d->name,
			       d->count, (unsigned long long)d->size);
		}
	}
	report(run, counted, "internal buffers counted once streaming");

	delta = before[1] - before[0];
	if (is_cma_heap(heap))
		report(run, delta * PAGE_SIZE_4K >= need,
		       "CMA areas handed out %llu bytes for %llu bytes of buffers from '%s'",
		       delta * PAGE_SIZE_4K, need, heap);
	else
		report(run, delta == 0,
		       "CMA areas handed out %llu bytes for buffers from '%s'",
		       delta * PAGE_SIZE_4K, heap);

	for (t = 0; t < num_types; t++) {
		stream(run->fd, types[t], false);
		reqbufs(run->fd, types[t], 0);
	}
}

static void check_queue(struct run *run, uint32_t type)
{
	const struct v4l2_heapdesc *active;
	char dflt[V4L2_HEAP_NAME_SIZE];
	struct entries list;
	unsigned int i;
	int err;

	err = enumerate(run->fd, type, &list);
	if (!report(run, !err && list.n > 0, "%s: ENUM_HEAPS lists %u entries: %s",
		    type_name(type), list.n, strerror(err)))
		return;
	for (i = 0; i < list.n; i++)
		printf("# %s[%u]: usage %u flags 0x%x heap %s purpose '%s' size %llu count %u\n",
		       type_name(type), i, list.e[i].usage, list.e[i].flags,
		       list.e[i].name, list.e[i].purpose,
		       (unsigned long long)list.e[i].size, list.e[i].count);

	check_caps(run, type, true);
	check_entries(run, type, &list);
	check_enum_errors(run, type, &list);
	check_g_heap(run, type, &list);
	check_s_heap_errors(run, type, &list);
	check_format_tracking(run, type, &list);

	active = find(&list, V4L2_HEAP_USAGE_ACTIVE, NULL);
	if (!active)
		return;
	snprintf(dflt, sizeof(dflt), "%s", active->name);
	for (i = 0; i < list.n; i++)
		if (list.e[i].usage != V4L2_HEAP_USAGE_INTERNAL)
			check_selection(run, type, (const char *)list.e[i].name);
	if (!run->m2m)
		check_persistence(run, type, dflt);
	check_reset(run, type, dflt);
	if (!run->m2m)
		check_in_use(run, type, dflt);
}

static void check_unsupported(struct run *run, uint32_t type)
{
	struct v4l2_heapdesc d = { .type = type };
	struct v4l2_heap h = { .type = type, .fd = V4L2_HEAP_FD_DEFAULT };
	const char *q = type_name(type);
	int err;

	err = xioctl(run->fd, VIDIOC_ENUM_HEAPS, &d);
	report(run, err == ENOTTY, "%s: ENUM_HEAPS: %s", q, strerror(err));
	err = xioctl(run->fd, VIDIOC_G_HEAP, &h);
	report(run, err == ENOTTY, "%s: G_HEAP: %s", q, strerror(err));
	err = xioctl(run->fd, VIDIOC_S_HEAP, &h);
	report(run, err == ENOTTY, "%s: S_HEAP: %s", q, strerror(err));
	check_caps(run, type, false);
}

/* Run by a user who may open the device but no heap node. */
static void check_unprivileged(struct run *run, uint32_t type, int heap_fd)
{
	const char *q = type_name(type);
	struct v4l2_heap before, after;
	struct entries list;
	const char *name;
	int fd, err;

	err = enumerate(run->fd, type, &list);
	if (!report(run, !err && list.n > 0,
		    "%s: an unprivileged user may enumerate (%u entries)", q,
		    list.n))
		return;
	g_heap(run->fd, type, &before);
	name = (const char *)list.e[list.n - 1].name;

	fd = open_heap(name, O_RDONLY);
	report(run, fd < 0 && errno == EACCES,
	       "%s: opening heap '%s' is not permitted: %s", q, name,
	       fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);

	fd = open_heap(name, O_PATH);
	err = s_heap(run->fd, type, fd, NULL);
	if (fd >= 0)
		close(fd);
	report(run, err == EBADF,
	       "%s: an O_PATH descriptor of '%s' cannot select it: %s", q, name,
	       strerror(err));

	g_heap(run->fd, type, &after);
	report(run, !memcmp(&before, &after, sizeof(before)),
	       "%s: the queue still allocates from '%s'", q, after.name);

	if (heap_fd < 0)
		return;
	err = s_heap(run->fd, type, heap_fd, &after);
	report(run, !err && (after.flags & V4L2_HEAP_FL_SELECTED),
	       "%s: a heap fd handed over by root selects '%s': %s", q,
	       err ? "" : (const char *)after.name, strerror(err));
	s_heap(run->fd, type, V4L2_HEAP_FD_DEFAULT, NULL);
}

static int usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--internal N] DEVICE\n"
		"       %s --unsupported DEVICE\n"
		"       %s --unprivileged DEVICE [--heap-fd FD]\n",
		argv0, argv0, argv0);
	return 2;
}

int main(int argc, char **argv)
{
	enum { FULL, UNSUPPORTED, UNPRIVILEGED } mode = FULL;
	struct run run = { 0 };
	uint32_t types[MAX_QUEUES];
	int heap_fd = -1, n, t, arg = 1;
	unsigned int internal_groups = 0;

	if (arg + 1 < argc && !strcmp(argv[arg], "--internal")) {
		internal_groups = strtoul(argv[arg + 1], NULL, 0);
		arg += 2;
	} else if (arg < argc && !strcmp(argv[arg], "--unsupported")) {
		mode = UNSUPPORTED;
		arg++;
	} else if (arg < argc && !strcmp(argv[arg], "--unprivileged")) {
		mode = UNPRIVILEGED;
		arg++;
	}
	if (arg >= argc)
		return usage(argv[0]);
	run.device = argv[arg++];
	if (mode == UNPRIVILEGED && arg + 1 < argc &&
	    !strcmp(argv[arg], "--heap-fd")) {
		heap_fd = atoi(argv[arg + 1]);
		arg += 2;
	}
	if (arg != argc)
		return usage(argv[0]);

	run.fd = open(run.device, O_RDWR);
	if (run.fd < 0) {
		fprintf(stderr, "heap-ioctl: %s: %s\n", run.device,
			strerror(errno));
		return 2;
	}
	n = queue_types(&run, types);
	if (n <= 0) {
		fprintf(stderr, "heap-ioctl: %s: no video or metadata queue\n",
			run.device);
		return 2;
	}

	for (t = 0; t < n; t++) {
		switch (mode) {
		case FULL:
			check_queue(&run, types[t]);
			break;
		case UNSUPPORTED:
			check_unsupported(&run, types[t]);
			break;
		case UNPRIVILEGED:
			check_unprivileged(&run, types[t], heap_fd);
			break;
		}
	}
	if (mode == FULL)
		check_internal_allocation(&run, types, n, internal_groups);

	close(run.fd);
	printf("1..%u\n", run.tests);
	return run.failures ? 1 : 0;
}
