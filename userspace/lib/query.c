// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A device's queues and the heaps they use: VIDIOC_QUERYCAP,
 * VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "internal.h"

/* v4l2heap.h mirrors these so that it need not include linux/videodev2.h. */
_Static_assert(V4L2HEAP_PURPOSE_MAX == V4L2_HEAP_PURPOSE_SIZE,
	       "purpose size differs from the uAPI");

/*
 * struct v4l2heap_entry as 0.2 released it. Callers index arrays of
 * entries, so later fields must fit into its reserved space: the size
 * and the offsets of the fields before it stay as they were.
 */
struct entry_0_2 {
	uint32_t type;
	uint32_t usage;
	uint32_t flags;
	char heap[V4L2HEAP_NAME_MAX];
	char purpose[V4L2HEAP_PURPOSE_MAX];
	uint64_t size;
	uint32_t count;
	uint32_t reserved[8];
};
_Static_assert(sizeof(struct v4l2heap_entry) == sizeof(struct entry_0_2) &&
	       offsetof(struct v4l2heap_entry, size) ==
	       offsetof(struct entry_0_2, size) &&
	       offsetof(struct v4l2heap_entry, count) ==
	       offsetof(struct entry_0_2, count) &&
	       offsetof(struct v4l2heap_entry, purpose_id) ==
	       offsetof(struct entry_0_2, reserved),
	       "struct v4l2heap_entry changed its size or layout");

/* Output queues first: data flows from them to the capture queues. */
static const struct {
	uint32_t caps;
	uint32_t type;
} queue_caps[] = {
	{ V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_M2M,
	  V4L2_BUF_TYPE_VIDEO_OUTPUT },
	{ V4L2_CAP_VIDEO_OUTPUT_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE,
	  V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE },
	{ V4L2_CAP_META_OUTPUT, V4L2_BUF_TYPE_META_OUTPUT },
	{ V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_M2M,
	  V4L2_BUF_TYPE_VIDEO_CAPTURE },
	{ V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE,
	  V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE },
	{ V4L2_CAP_META_CAPTURE, V4L2_BUF_TYPE_META_CAPTURE },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Copies a NUL-terminated uAPI name without trusting the terminator. */
static void copy_name(char *dst, const __u8 *src, size_t size)
{
	memcpy(dst, src, size);
	dst[size - 1] = '\0';
}

static int querycap_error(int device_fd, int code, struct v4l2heap_err *err)
{
	if (code == -ENOTTY)
		return lv2h_fail_device(err, code, device_fd,
					"not a V4L2 device");
	return lv2h_fail_device(err, code, device_fd,
				"VIDIOC_QUERYCAP failed: %s",
				strerror(-code));
}

V4L2HEAP_EXPORT int v4l2heap_queues(int device_fd, uint32_t *types,
				    size_t max, struct v4l2heap_err *err)
{
	struct v4l2_capability cap;
	uint32_t caps;
	size_t count = 0, i;
	int ret;

	memset(&cap, 0, sizeof(cap));
	ret = lv2h_ioctl(device_fd, VIDIOC_QUERYCAP, &cap);
	if (ret)
		return querycap_error(device_fd, ret, err);
	/* capabilities covers every node of the device, not just this one. */
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
							   cap.capabilities;
	for (i = 0; i < ARRAY_SIZE(queue_caps); i++) {
		if (!(caps & queue_caps[i].caps))
			continue;
		if (count < max)
			types[count] = queue_caps[i].type;
		count++;
	}
	return count;
}

/* Tells a device without heap support from a file that is no device. */
static bool is_v4l2(int device_fd)
{
	struct v4l2_capability cap;

	memset(&cap, 0, sizeof(cap));
	return lv2h_ioctl(device_fd, VIDIOC_QUERYCAP, &cap) == 0;
}

/* Tells an unknown queue from another EINVAL cause: G_FMT knows queues. */
static bool has_queue(int device_fd, uint32_t type)
{
	struct v4l2_format format;

	memset(&format, 0, sizeof(format));
	format.type = type;
	return lv2h_ioctl(device_fd, VIDIOC_G_FMT, &format) == 0;
}

/* Explains the errors all heap ioctls share. */
static int heap_ioctl_error(int device_fd, uint32_t type,
			    const char *ioctl_name, int code,
			    struct v4l2heap_err *err)
{
	const char *queue = v4l2heap_type_name(type);

	switch (code) {
	case -ENOTTY:
		if (!is_v4l2(device_fd))
			return lv2h_fail_device(err, code, device_fd,
						"not a V4L2 device");
		return lv2h_fail_device(err, code, device_fd,
					"the driver does not allocate its %s queue from dma-buf heaps (a driver without heap support, or one loaded without heap=)",
					queue);
	case -EINVAL:
		return lv2h_fail_no_queue(err, device_fd, type);
	default:
		return lv2h_fail_device(err, code, device_fd,
					"%s on the %s queue failed: %s",
					ioctl_name, queue, strerror(-code));
	}
}

typedef void (*heapdesc_fn)(const struct v4l2_heapdesc *desc, void *data);

/* Calls @fn for each entry of the queue; returns how many there are. */
static int for_each_heapdesc(int device_fd, uint32_t type, heapdesc_fn fn,
			     void *data, struct v4l2heap_err *err)
{
	struct v4l2_heapdesc desc;
	uint32_t index;
	int ret;

	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	for (index = 0; ; index++) {
		memset(&desc, 0, sizeof(desc));
		desc.index = index;
		desc.type = type;
		ret = lv2h_ioctl(device_fd, VIDIOC_ENUM_HEAPS, &desc);
		if (ret == -EINVAL)
			break;
		if (ret)
			return heap_ioctl_error(device_fd, type,
						"VIDIOC_ENUM_HEAPS", ret, err);
		fn(&desc, data);
	}
	/* EINVAL at index 0 is either no entries or no such queue. */
	if (index == 0 && !has_queue(device_fd, type))
		return lv2h_fail_no_queue(err, device_fd, type);
	return index;
}

struct entry_array {
	struct v4l2heap_entry *entries;
	size_t max;
};
/*
 * The uAPI reports a heap's capabilities as DMA_HEAP_CAP_* values apart
 * from its V4L2 flags; the library keeps the one set of flags its
 * entries always had.
 */
static uint32_t entry_flags(uint32_t v4l2_flags, uint32_t heap_caps)
{
	uint32_t flags = 0;

	if (heap_caps & V4L2HEAP_CAP_CONTIGUOUS)
		flags |= V4L2HEAP_FL_CONTIGUOUS;
	if (v4l2_flags & V4L2_HEAP_FL_SELECTED)
		flags |= V4L2HEAP_FL_SELECTED;
	return flags;
}

static void store_entry(const struct v4l2_heapdesc *desc, void *data)
{
	struct entry_array *array = data;
	struct v4l2heap_entry *entry;

	if (desc->index >= array->max)
		return;
	entry = &array->entries[desc->index];
	memset(entry, 0, sizeof(*entry));
	entry->type = desc->type;
	entry->usage = desc->usage;
	entry->flags = entry_flags(desc->flags, desc->heap_caps);
	copy_name(entry->heap, desc->name, sizeof(entry->heap));
	copy_name(entry->purpose, desc->purpose, sizeof(entry->purpose));
	entry->size = desc->size;
	entry->count = desc->count;
	entry->purpose_id = desc->purpose_id;
	entry->bytes = desc->bytes;
}

V4L2HEAP_EXPORT int v4l2heap_query(int device_fd, uint32_t type,
				   struct v4l2heap_entry *entries, size_t max,
				   struct v4l2heap_err *err)
{
	struct entry_array array = { .entries = entries, .max = max };

	return for_each_heapdesc(device_fd, type, store_entry, &array, err);
}

V4L2HEAP_EXPORT int v4l2heap_get(int device_fd, uint32_t type,
				 char heap[V4L2HEAP_NAME_MAX], uint32_t *flags,
				 struct v4l2heap_err *err)
{
	struct v4l2_heap arg;
	int ret;

	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	memset(&arg, 0, sizeof(arg));
	arg.type = type;
	ret = lv2h_ioctl(device_fd, VIDIOC_G_HEAP, &arg);
	if (ret == -ENODEV)
		return lv2h_fail_device(err, ret, device_fd,
					"no heap the driver may allocate its %s queue from is registered",
					v4l2heap_type_name(type));
	if (ret)
		return heap_ioctl_error(device_fd, type, "VIDIOC_G_HEAP", ret,
					err);
	copy_name(heap, arg.name, V4L2HEAP_NAME_MAX);
	if (flags)
		*flags = entry_flags(arg.flags, arg.heap_caps);
	return 0;
}

/*
 * @heap names the heap given to S_HEAP for messages; @is_heap says it was
 * opened from a heap node, so EINVAL means the queue refuses it.
 */
static int s_heap_error(int device_fd, uint32_t type, const char *heap,
			bool is_heap, int code, struct v4l2heap_err *err)
{
	const char *queue = v4l2heap_type_name(type);

	switch (code) {
	case -EBUSY:
		return lv2h_fail_device(err, code, device_fd,
					"cannot change the heap of the %s queue: another file handle owns it (it has buffers or selected a heap) or holds a higher priority",
					queue);
	case -EINVAL:
		if (!heap || !has_queue(device_fd, type))
			break;
		if (is_heap)
			return lv2h_fail_device(err, code, device_fd,
						"heap '%s' is not compatible with the %s queue (see the COMPATIBLE entries)",
						heap, queue);
		return lv2h_fail_device(err, code, device_fd,
					"'%s' is not a dma-buf heap", heap);
	case -EBADF:
		if (!heap)
			break;
		return lv2h_fail_device(err, code, device_fd,
					"'%s' is not an open file descriptor of a heap",
					heap);
	case -ENODEV:
		return lv2h_fail_device(err, code, device_fd,
					"cannot return the %s queue to the driver's default: no heap of the driver's choice is registered; the queue keeps its heap",
					queue);
	}
	return heap_ioctl_error(device_fd, type, "VIDIOC_S_HEAP", code, err);
}

/* VIDIOC_S_HEAP with @heap_fd, V4L2_HEAP_FD_DEFAULT or a heap named @heap. */
static int set_heap(int device_fd, uint32_t type, int heap_fd,
		    const char *heap, bool is_heap, struct v4l2heap_err *err)
{
	struct v4l2_heap arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	arg.type = type;
	arg.fd = heap_fd;
	ret = lv2h_ioctl(device_fd, VIDIOC_S_HEAP, &arg);
	if (ret)
		return s_heap_error(device_fd, type, heap, is_heap, ret, err);
	return 0;
}

V4L2HEAP_EXPORT int v4l2heap_select(int device_fd, uint32_t type,
				    const char *heap, struct v4l2heap_err *err)
{
	int heap_fd, ret;

	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	if (!heap)
		return set_heap(device_fd, type, V4L2_HEAP_FD_DEFAULT, NULL,
				false, err);
	heap_fd = v4l2heap_open_heap(heap, err);
	if (heap_fd < 0)
		return heap_fd;
	ret = set_heap(device_fd, type, heap_fd, heap, true, err);
	/* The queue holds its own reference to the heap. */
	close(heap_fd);
	return ret;
}

V4L2HEAP_EXPORT int v4l2heap_select_fd(int device_fd, uint32_t type,
				       int heap_fd, struct v4l2heap_err *err)
{
	char heap[V4L2HEAP_ERR_MAX / 2];
	bool is_heap;
	int ret;

	ret = lv2h_check_type(type, err);
	if (ret)
		return ret;
	/*
	 * Negative fds include V4L2_HEAP_FD_DEFAULT, which v4l2heap_select()
	 * with no heap stands for.
	 */
	if (heap_fd < 0)
		return lv2h_fail(err, -EBADF,
				 "%d is not a file descriptor of a heap", heap_fd);
	is_heap = lv2h_heap_fd_name(heap_fd, heap, sizeof(heap));
	return set_heap(device_fd, type, heap_fd, heap, is_heap, err);
}

/*
 * DMABUF buffers are best allocated where the queue's own buffers would
 * be: that heap has the capabilities the queue requires.
 */
V4L2HEAP_EXPORT int v4l2heap_recommend(int device_fd, uint32_t type,
				       char heap[V4L2HEAP_NAME_MAX],
				       struct v4l2heap_err *err)
{
	return v4l2heap_get(device_fd, type, heap, NULL, err);
}
