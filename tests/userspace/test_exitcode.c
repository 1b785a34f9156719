// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2-heap's exit status for each error of each operation
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exitcode.h"

static const enum tool_op all_ops[] = {
	OP_DEVICE, OP_LIST_HEAPS, OP_QUERY, OP_SELECT, OP_ALLOC, OP_STREAM,
};

#define NUM_OPS	(sizeof(all_ops) / sizeof(all_ops[0]))

/* The documented numbers are an interface: scripts test them. */
static void test_values(void **state)
{
	(void)state;
	assert_int_equal(STATUS_OK, 0);
	assert_int_equal(STATUS_FAILED, 1);
	assert_int_equal(STATUS_USAGE, 2);
	assert_int_equal(STATUS_NO_DEVICE, 3);
	assert_int_equal(STATUS_NO_HEAP_SUPPORT, 4);
	assert_int_equal(STATUS_HEAP, 5);
}

static void test_success(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NUM_OPS; i++) {
		assert_int_equal(status_from_error(0, all_ops[i]), STATUS_OK);
		/* counts and file descriptors */
		assert_int_equal(status_from_error(3, all_ops[i]), STATUS_OK);
	}
}

/* Errors no operation gives a meaning of its own */
static void test_plain_failures(void **state)
{
	static const int errors[] = { -EBUSY, -ENOMEM, -EIO, -EFAULT,
				      -ETIMEDOUT, -EAGAIN };
	size_t i, e;

	(void)state;
	for (i = 0; i < NUM_OPS; i++)
		for (e = 0; e < sizeof(errors) / sizeof(errors[0]); e++)
			assert_int_equal(status_from_error(errors[e],
							   all_ops[i]),
					 STATUS_FAILED);
}

static void test_device(void **state)
{
	(void)state;
	assert_int_equal(status_from_error(-ENOENT, OP_DEVICE),
			 STATUS_NO_DEVICE);
	assert_int_equal(status_from_error(-ENODEV, OP_DEVICE),
			 STATUS_NO_DEVICE);
	assert_int_equal(status_from_error(-ENXIO, OP_DEVICE),
			 STATUS_NO_DEVICE);
	assert_int_equal(status_from_error(-ENOTDIR, OP_DEVICE),
			 STATUS_NO_DEVICE);
	/* VIDIOC_QUERYCAP refused: not a V4L2 device, not a heap matter */
	assert_int_equal(status_from_error(-ENOTTY, OP_DEVICE),
			 STATUS_NO_DEVICE);
	/* There, but not ours to open */
	assert_int_equal(status_from_error(-EACCES, OP_DEVICE),
			 STATUS_FAILED);
	assert_int_equal(status_from_error(-EINVAL, OP_DEVICE),
			 STATUS_FAILED);
}

static void test_list_heaps(void **state)
{
	(void)state;
	assert_int_equal(status_from_error(-ENOENT, OP_LIST_HEAPS),
			 STATUS_HEAP);
	assert_int_equal(status_from_error(-EACCES, OP_LIST_HEAPS),
			 STATUS_HEAP);
	assert_int_equal(status_from_error(-ENOTTY, OP_LIST_HEAPS),
			 STATUS_FAILED);
}

static void test_query(void **state)
{
	(void)state;
	assert_int_equal(status_from_error(-ENOTTY, OP_QUERY),
			 STATUS_NO_HEAP_SUPPORT);
	assert_int_equal(status_from_error(-ENODEV, OP_QUERY), STATUS_HEAP);
	assert_int_equal(status_from_error(-EINVAL, OP_QUERY), STATUS_FAILED);
	assert_int_equal(status_from_error(-ENOENT, OP_QUERY), STATUS_FAILED);
}

static void test_select(void **state)
{
	(void)state;
	assert_int_equal(status_from_error(-ENOTTY, OP_SELECT),
			 STATUS_NO_HEAP_SUPPORT);
	assert_int_equal(status_from_error(-ENOENT, OP_SELECT), STATUS_HEAP);
	assert_int_equal(status_from_error(-EACCES, OP_SELECT), STATUS_HEAP);
	assert_int_equal(status_from_error(-EPERM, OP_SELECT), STATUS_HEAP);
	/* an incompatible heap */
	assert_int_equal(status_from_error(-EINVAL, OP_SELECT), STATUS_HEAP);
	/* back to a default heap that is not registered */
	assert_int_equal(status_from_error(-ENODEV, OP_SELECT), STATUS_HEAP);
	/* buffers allocated, or a higher priority elsewhere */
	assert_int_equal(status_from_error(-EBUSY, OP_SELECT), STATUS_FAILED);
}

static void test_alloc(void **state)
{
	(void)state;
	assert_int_equal(status_from_error(-ENOENT, OP_ALLOC), STATUS_HEAP);
	assert_int_equal(status_from_error(-EACCES, OP_ALLOC), STATUS_HEAP);
	assert_int_equal(status_from_error(-EPERM, OP_ALLOC), STATUS_HEAP);
	/* the heap is full */
	assert_int_equal(status_from_error(-ENOMEM, OP_ALLOC), STATUS_FAILED);
	assert_int_equal(status_from_error(-EINVAL, OP_ALLOC), STATUS_FAILED);
}

static void test_stream(void **state)
{
	static const int errors[] = { -ENOTTY, -ENOENT, -EACCES, -EINVAL,
				      -ENODEV, -EPERM };
	size_t e;

	(void)state;
	for (e = 0; e < sizeof(errors) / sizeof(errors[0]); e++)
		assert_int_equal(status_from_error(errors[e], OP_STREAM),
				 STATUS_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_plain_failures),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_list_heaps),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
