// SPDX-License-Identifier: GPL-2.0
/*
 * libv4l2heap by heap fd, the queue entries and the buffer layout helpers:
 * what reaches the kernel and what the caller gets back, including the
 * messages. Built
 * with -Wl,--wrap=ioctl,--wrap=readlink so that each test plays the
 * kernel: no heap or V4L2 device is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/dma-heap.h>
#include <linux/videodev2.h>

#include "v4l2heap.h"

#define HEAP_FD		7
#define DEVICE_FD	8
#define PAGE		4096u

/* The kernel of the current test: an ioctl handler and the fds' nodes. */
static int (*kernel)(int fd, unsigned long request, void *arg);
static const char *heap_node;	/* where HEAP_FD was opened from */
static unsigned int ioctls;

int __wrap_ioctl(int fd, unsigned long request, ...);
ssize_t __wrap_readlink(const char *path, char *buf, size_t size);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list args;
	void *arg;
	int ret;

	va_start(args, request);
	arg = va_arg(args, void *);
	va_end(args);
	ioctls++;
	assert_non_null(kernel);
	ret = kernel(fd, request, arg);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

ssize_t __wrap_readlink(const char *path, char *buf, size_t size)
{
	char want[32];
	size_t len;

	snprintf(want, sizeof(want), "/proc/self/fd/%d", HEAP_FD);
	if (strcmp(path, want) || !heap_node) {
		errno = ENOENT;
		return -1;
	}
	len = strlen(heap_node);
	if (len > size)
		len = size;
	memcpy(buf, heap_node, len);
	return len;
}

static int setup(void **state)
{
	(void)state;
	kernel = NULL;
	heap_node = "/dev/dma_heap/reserved";
	ioctls = 0;
	return 0;
}

/* Heap ALLOC: checks the request, answers with @alloc_result. */
static int alloc_result;
static uint64_t alloc_len;

static int heap_kernel(int fd, unsigned long request, void *arg)
{
	struct dma_heap_allocation_data *data = arg;

	assert_int_equal(fd, HEAP_FD);
	assert_int_equal(request, DMA_HEAP_IOCTL_ALLOC);
	assert_int_equal(data->fd_flags, O_RDWR | O_CLOEXEC);
	alloc_len = data->len;
	if (alloc_result < 0)
		return alloc_result;
	data->fd = alloc_result;
	return 0;
}

static void test_alloc_fd(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = heap_kernel;
	alloc_result = 42;
	assert_int_equal(v4l2heap_alloc_fd(HEAP_FD, 3 * PAGE + 1, &err), 42);
	assert_int_equal(alloc_len, 3 * PAGE + 1);
	assert_int_equal(ioctls, 1);
}

static void test_alloc_fd_exhausted(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = heap_kernel;
	alloc_result = -ENOMEM;
	assert_int_equal(v4l2heap_alloc_fd(HEAP_FD, PAGE, &err), -ENOMEM);
	assert_int_equal(err.code, -ENOMEM);
	assert_string_equal(err.message,
			    "heap 'reserved': no room for a buffer of 4096 bytes");
}

static void test_alloc_fd_not_a_heap(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = heap_kernel;
	alloc_result = -ENOTTY;
	heap_node = "/dev/null";
	assert_int_equal(v4l2heap_alloc_fd(HEAP_FD, PAGE, &err), -ENOTTY);
	assert_string_equal(err.message, "'/dev/null' is not a dma-buf heap");
}

static void test_alloc_fd_zero(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = heap_kernel;
	assert_int_equal(v4l2heap_alloc_fd(HEAP_FD, 0, &err), -EINVAL);
	assert_non_null(strstr(err.message, "heap 'reserved'"));
	assert_int_equal(ioctls, 0);
}

/* S_HEAP: records the fd; G_FMT succeeds (the queue exists). */
static int s_heap_result;
static int s_heap_fd;
static uint32_t s_heap_type;

static int device_kernel(int fd, unsigned long request, void *arg)
{
	assert_int_equal(fd, DEVICE_FD);
	if (request == VIDIOC_G_FMT)
		return 0;
	assert_int_equal(request, VIDIOC_S_HEAP);
	s_heap_fd = ((struct v4l2_heap *)arg)->fd;
	s_heap_type = ((struct v4l2_heap *)arg)->type;
	return s_heap_result;
}

static void test_select_fd(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = device_kernel;
	s_heap_result = 0;
	assert_int_equal(v4l2heap_select_fd(DEVICE_FD,
					    V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE,
					    HEAP_FD, &err), 0);
	assert_int_equal(s_heap_fd, HEAP_FD);
	assert_int_equal(s_heap_type, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
}

static void test_select_fd_incompatible(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = device_kernel;
	s_heap_result = -EINVAL;
	heap_node = "/dev/dma_heap/system";
	assert_int_equal(v4l2heap_select_fd(DEVICE_FD, V4L2_BUF_TYPE_VIDEO_CAPTURE,
					    HEAP_FD, &err), -EINVAL);
	assert_non_null(strstr(err.message,
			       "heap 'system' is not compatible with the capture queue"));
}

static void test_select_fd_not_a_heap(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = device_kernel;
	s_heap_result = -EINVAL;
	heap_node = "/dev/video0";
	assert_int_equal(v4l2heap_select_fd(DEVICE_FD, V4L2_BUF_TYPE_VIDEO_CAPTURE,
					    HEAP_FD, &err), -EINVAL);
	assert_non_null(strstr(err.message, "'/dev/video0' is not a dma-buf heap"));
}

/* V4L2_HEAP_FD_DEFAULT is v4l2heap_select(NULL)'s, never a heap fd. */
static void test_select_fd_negative(void **state)
{
	struct v4l2heap_err err = { 0 };

	(void)state;
	kernel = device_kernel;
	assert_int_equal(v4l2heap_select_fd(DEVICE_FD, V4L2_BUF_TYPE_VIDEO_CAPTURE,
					    V4L2_HEAP_FD_DEFAULT, &err), -EBADF);
	assert_int_equal(ioctls, 0);
}

/*
 * ENUM_HEAPS: an active queue entry holding buffers of two sizes, then an
 * internal one.
 */
static const struct v4l2_heapdesc heapdescs[] = {
	{
		.usage = V4L2_HEAP_USAGE_ACTIVE,
		.heap_caps = DMA_HEAP_CAP_CONTIGUOUS,
		.name = "reserved",
		.size = 2 * PAGE,
		.count = 3,
		/* two of the format's size, one from CREATE_BUFS of 5 pages */
		.bytes = 2 * 2 * PAGE + 5 * PAGE,
	}, {
		.usage = V4L2_HEAP_USAGE_INTERNAL,
		.name = "system",
		.purpose = "Bitstream",
		.purpose_id = V4L2_HEAP_PURPOSE_BITSTREAM,
		.size = PAGE,
		.count = 1,
		.bytes = PAGE,
	},
};

static int enum_kernel(int fd, unsigned long request, void *arg)
{
	struct v4l2_heapdesc *desc = arg;
	uint32_t index = desc->index, type = desc->type;

	assert_int_equal(fd, DEVICE_FD);
	assert_int_equal(request, VIDIOC_ENUM_HEAPS);
	if (index >= sizeof(heapdescs) / sizeof(heapdescs[0]))
		return -EINVAL;
	*desc = heapdescs[index];
	desc->index = index;
	desc->type = type;
	return 0;
}

/* Every field reaches the caller; bytes as the kernel counts them. */
static void test_query(void **state)
{
	struct v4l2heap_err err = { 0 };
	struct v4l2heap_entry entries[3];
	static const uint32_t zero[sizeof(entries[0].reserved) / 4];

	(void)state;
	kernel = enum_kernel;
	memset(entries, 0xff, sizeof(entries));
	assert_int_equal(v4l2heap_query(DEVICE_FD, V4L2_BUF_TYPE_VIDEO_CAPTURE,
					entries, 3, &err), 2);
	assert_int_equal(entries[0].type, V4L2_BUF_TYPE_VIDEO_CAPTURE);
	assert_int_equal(entries[0].usage, V4L2HEAP_USAGE_ACTIVE);
	assert_int_equal(entries[0].flags, V4L2HEAP_FL_CONTIGUOUS);
	assert_string_equal(entries[0].heap, "reserved");
	assert_string_equal(entries[0].purpose, "");
	assert_int_equal(entries[0].purpose_id, V4L2HEAP_PURPOSE_NONE);
	assert_int_equal(entries[0].size, 2 * PAGE);
	assert_int_equal(entries[0].count, 3);
	assert_int_equal(entries[0].bytes, 9 * PAGE);
	assert_memory_equal(entries[0].reserved, zero, sizeof(zero));
	assert_int_equal(entries[1].usage, V4L2HEAP_USAGE_INTERNAL);
	assert_string_equal(entries[1].heap, "system");
	assert_string_equal(entries[1].purpose, "Bitstream");
	assert_int_equal(entries[1].purpose_id, V4L2HEAP_PURPOSE_BITSTREAM);
	assert_int_equal(entries[1].bytes, PAGE);
	assert_memory_equal(entries[1].reserved, zero, sizeof(zero));
}

/* G_FMT answers with @format, or fails with @g_fmt_result. */
static struct v4l2_format format;
static int g_fmt_result;

static int format_kernel(int fd, unsigned long request, void *arg)
{
	struct v4l2_format *f = arg;

	assert_int_equal(fd, DEVICE_FD);
	assert_int_equal(request, VIDIOC_G_FMT);
	if (g_fmt_result)
		return g_fmt_result;
	assert_int_equal(f->type, format.type);
	*f = format;
	return 0;
}

static void test_layout_single_planar(void **state)
{
	struct v4l2heap_layout layout;
	struct v4l2_pix_format *pix = &format.fmt.pix;

	(void)state;
	kernel = format_kernel;
	memset(&format, 0, sizeof(format));
	format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	pix->pixelformat = V4L2_PIX_FMT_YUV420;
	pix->width = 640;
	pix->height = 480;
	pix->bytesperline = 640;
	pix->sizeimage = 640 * 480 * 3 / 2;
	g_fmt_result = 0;
	memset(&layout, 0xff, sizeof(layout));
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD, format.type, &layout,
						NULL), 0);
	assert_int_equal(layout.type, V4L2_BUF_TYPE_VIDEO_CAPTURE);
	assert_int_equal(layout.pixelformat, V4L2_PIX_FMT_YUV420);
	assert_int_equal(layout.width, 640);
	assert_int_equal(layout.height, 480);
	assert_int_equal(layout.num_planes, 1);
	assert_int_equal(layout.bytesperline[0], 640);
	assert_int_equal(layout.sizeimage[0], 460800);
	/* 112.5 pages: rounded up, as videobuf2 sizes its own buffers */
	assert_int_equal(layout.length[0], 113 * PAGE);
	assert_int_equal(layout.sizeimage[1], 0);
	assert_int_equal(layout.reserved[0], 0);
	assert_int_equal(layout.reserved[15], 0);
}

static void test_layout_multi_planar(void **state)
{
	struct v4l2_pix_format_mplane *mp = &format.fmt.pix_mp;
	struct v4l2heap_layout layout;

	(void)state;
	kernel = format_kernel;
	memset(&format, 0, sizeof(format));
	format.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
	mp->pixelformat = V4L2_PIX_FMT_NV12M;
	mp->width = 1280;
	mp->height = 720;
	mp->num_planes = 2;
	mp->plane_fmt[0].bytesperline = 1344;
	mp->plane_fmt[0].sizeimage = 1344 * 720;
	mp->plane_fmt[1].bytesperline = 1344;
	mp->plane_fmt[1].sizeimage = 1344 * 360;
	g_fmt_result = 0;
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD, format.type, &layout,
						NULL), 0);
	assert_int_equal(layout.pixelformat, V4L2_PIX_FMT_NV12M);
	assert_int_equal(layout.num_planes, 2);
	assert_int_equal(layout.bytesperline[0], 1344);
	assert_int_equal(layout.bytesperline[1], 1344);
	assert_int_equal(layout.sizeimage[0], 967680);
	assert_int_equal(layout.sizeimage[1], 483840);
	assert_int_equal(layout.length[0], 237 * PAGE);
	assert_int_equal(layout.length[1], 119 * PAGE);
}

static void test_layout_meta(void **state)
{
	struct v4l2heap_layout layout;

	(void)state;
	kernel = format_kernel;
	memset(&format, 0, sizeof(format));
	format.type = V4L2_BUF_TYPE_META_CAPTURE;
	format.fmt.meta.dataformat = V4L2_META_FMT_VSP1_HGO;
	format.fmt.meta.buffersize = 100;
	g_fmt_result = 0;
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD, format.type, &layout,
						NULL), 0);
	assert_int_equal(layout.pixelformat, V4L2_META_FMT_VSP1_HGO);
	assert_int_equal(layout.num_planes, 1);
	assert_int_equal(layout.bytesperline[0], 0);
	assert_int_equal(layout.sizeimage[0], 100);
	assert_int_equal(layout.length[0], PAGE);
}

static void test_layout_no_queue(void **state)
{
	struct v4l2heap_err err = { 0 };
	struct v4l2heap_layout layout;

	(void)state;
	kernel = format_kernel;
	g_fmt_result = -EINVAL;
	memset(&layout, 0xff, sizeof(layout));
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD,
						V4L2_BUF_TYPE_VIDEO_CAPTURE,
						&layout, &err), -EINVAL);
	assert_non_null(strstr(err.message, "the device has no capture queue"));
	assert_int_equal(layout.num_planes, 0);
}

/* A plane count the layout cannot hold leaves no half-filled layout. */
static void test_layout_bad_planes(void **state)
{
	struct v4l2heap_err err = { 0 };
	struct v4l2heap_layout layout;

	(void)state;
	kernel = format_kernel;
	memset(&format, 0, sizeof(format));
	format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	format.fmt.pix_mp.num_planes = V4L2HEAP_MAX_PLANES + 1;
	g_fmt_result = 0;
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD, format.type, &layout,
						&err), -EINVAL);
	assert_non_null(strstr(err.message, "format has 9 planes"));
	assert_int_equal(layout.num_planes, 0);

	format.fmt.pix_mp.num_planes = 1;
	format.fmt.pix_mp.plane_fmt[0].sizeimage = 0;
	assert_int_equal(v4l2heap_buffer_layout(DEVICE_FD, format.type, &layout,
						&err), -EINVAL);
	assert_non_null(strstr(err.message, "unusable size of 0 bytes"));
	assert_int_equal(layout.num_planes, 0);
}

/*
 * TRY_FMT answers for a format the device is not set to: the driver's
 * adjustment of the width; any other request fails the test.
 */
static int try_fmt_kernel(int fd, unsigned long request, void *arg)
{
	struct v4l2_pix_format *pix = &((struct v4l2_format *)arg)->fmt.pix;

	assert_int_equal(fd, DEVICE_FD);
	assert_int_equal(request, VIDIOC_TRY_FMT);
	if (g_fmt_result)
		return g_fmt_result;
	pix->width &= ~15u;
	pix->bytesperline = pix->width * 2;
	pix->sizeimage = pix->bytesperline * pix->height;
	return 0;
}

static void test_format_layout(void **state)
{
	struct v4l2heap_layout layout;
	struct v4l2_format try = {
		.type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
		.fmt.pix = { .pixelformat = V4L2_PIX_FMT_YUYV, .width = 1925,
			     .height = 1080 },
	};

	(void)state;
	kernel = try_fmt_kernel;
	g_fmt_result = 0;
	ioctls = 0;
	memset(&layout, 0xff, sizeof(layout));
	assert_int_equal(v4l2heap_format_layout(DEVICE_FD, &try, &layout, NULL),
			 0);
	assert_int_equal(ioctls, 1);
	assert_int_equal(try.fmt.pix.width, 1920);
	assert_int_equal(layout.type, V4L2_BUF_TYPE_VIDEO_OUTPUT);
	assert_int_equal(layout.pixelformat, V4L2_PIX_FMT_YUYV);
	assert_int_equal(layout.width, 1920);
	assert_int_equal(layout.height, 1080);
	assert_int_equal(layout.num_planes, 1);
	assert_int_equal(layout.bytesperline[0], 3840);
	assert_int_equal(layout.sizeimage[0], 3840 * 1080);
	assert_int_equal(layout.length[0], 1013 * PAGE);
	assert_int_equal(layout.reserved[0], 0);
}

static void test_format_layout_refused(void **state)
{
	struct v4l2heap_err err = { 0 };
	struct v4l2heap_layout layout;
	struct v4l2_format try = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };

	(void)state;
	kernel = try_fmt_kernel;
	g_fmt_result = -EINVAL;
	memset(&layout, 0xff, sizeof(layout));
	assert_int_equal(v4l2heap_format_layout(DEVICE_FD, &try, &layout, &err),
			 -EINVAL);
	assert_non_null(strstr(err.message,
			       "the output queue takes no such format"));
	assert_int_equal(layout.num_planes, 0);

	try.type = 0;
	assert_int_equal(v4l2heap_format_layout(DEVICE_FD, &try, &layout, &err),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alloc_fd, setup),
		cmocka_unit_test_setup(test_alloc_fd_exhausted, setup),
		cmocka_unit_test_setup(test_alloc_fd_not_a_heap, setup),
		cmocka_unit_test_setup(test_alloc_fd_zero, setup),
		cmocka_unit_test_setup(test_select_fd, setup),
		cmocka_unit_test_setup(test_select_fd_incompatible, setup),
		cmocka_unit_test_setup(test_select_fd_not_a_heap, setup),
		cmocka_unit_test_setup(test_select_fd_negative, setup),
		cmocka_unit_test_setup(test_query, setup),
		cmocka_unit_test_setup(test_layout_single_planar, setup),
		cmocka_unit_test_setup(test_layout_multi_planar, setup),
		cmocka_unit_test_setup(test_layout_meta, setup),
		cmocka_unit_test_setup(test_layout_no_queue, setup),
		cmocka_unit_test_setup(test_layout_bad_planes, setup),
		cmocka_unit_test_setup(test_format_layout, setup),
		cmocka_unit_test_setup(test_format_layout_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
