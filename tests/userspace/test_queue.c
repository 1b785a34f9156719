// SPDX-License-Identifier: GPL-2.0
/*
 * Queue names and the queues of a device they mean
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <linux/videodev2.h>

#include "queue.h"

#define CAP		V4L2_BUF_TYPE_VIDEO_CAPTURE
#define OUT		V4L2_BUF_TYPE_VIDEO_OUTPUT
#define CAP_MPLANE	V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE
#define OUT_MPLANE	V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
#define META_CAP	V4L2_BUF_TYPE_META_CAPTURE
#define META_OUT	V4L2_BUF_TYPE_META_OUTPUT

/* vivid's capture node, vim2m, vicodec multiplanar, vivid's output node */
static const uint32_t capture_node[] = { CAP };
static const uint32_t m2m[] = { CAP, OUT };
static const uint32_t m2m_mplane[] = { OUT_MPLANE, CAP_MPLANE };
static const uint32_t output_node[] = { OUT };
static const uint32_t meta_node[] = { META_CAP };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void test_parse(void **state)
{
	static const struct {
		const char *name;
		enum queue_kind kind;
		uint32_t type;
	} names[] = {
		{ "cap", QUEUE_CAPTURE, 0 },
		{ "out", QUEUE_OUTPUT, 0 },
		{ "capture", QUEUE_TYPE, CAP },
		{ "output", QUEUE_TYPE, OUT },
		{ "capture-mplane", QUEUE_TYPE, CAP_MPLANE },
		{ "output-mplane", QUEUE_TYPE, OUT_MPLANE },
		{ "meta-capture", QUEUE_TYPE, META_CAP },
		{ "meta-output", QUEUE_TYPE, META_OUT },
	};
	struct queue_ref ref;
	size_t i;

	(void)state;
	for (i = 0; i < N(names); i++) {
		assert_int_equal(queue_parse(names[i].name, &ref), 0);
		assert_int_equal(ref.kind, names[i].kind);
		if (ref.kind == QUEUE_TYPE)
			assert_int_equal(ref.type, names[i].type);
	}
	assert_int_equal(queue_parse("", &ref), -EINVAL);
	assert_int_equal(queue_parse("vid-cap", &ref), -EINVAL);
	assert_int_equal(queue_parse("CAP", &ref), -EINVAL);
	assert_int_equal(queue_parse("capture ", &ref), -EINVAL);
}

static void test_ref_name(void **state)
{
	struct queue_ref ref;

	(void)state;
	assert_int_equal(queue_parse("cap", &ref), 0);
	assert_string_equal(queue_ref_name(&ref), "video capture");
	assert_int_equal(queue_parse("out", &ref), 0);
	assert_string_equal(queue_ref_name(&ref), "video output");
	assert_int_equal(queue_parse("meta-output", &ref), 0);
	assert_string_equal(queue_ref_name(&ref), "meta-output");
}

static uint32_t resolve(const char *name, const uint32_t *types, size_t n)
{
	struct queue_ref ref;

	assert_int_equal(queue_parse(name, &ref), 0);
	return queue_resolve(&ref, types, n);
}

static void test_resolve(void **state)
{
	(void)state;
	assert_int_equal(resolve("cap", m2m, N(m2m)), CAP);
	assert_int_equal(resolve("out", m2m, N(m2m)), OUT);
	assert_int_equal(resolve("cap", m2m_mplane, N(m2m_mplane)),
			 CAP_MPLANE);
	assert_int_equal(resolve("out", m2m_mplane, N(m2m_mplane)),
			 OUT_MPLANE);
	assert_int_equal(resolve("capture", m2m, N(m2m)), CAP);
	/* The other planarity is another queue type: not there */
	assert_int_equal(resolve("capture-mplane", m2m, N(m2m)), 0);
	assert_int_equal(resolve("capture", m2m_mplane, N(m2m_mplane)), 0);
	assert_int_equal(resolve("out", capture_node, N(capture_node)), 0);
	assert_int_equal(resolve("cap", meta_node, N(meta_node)), 0);
	assert_int_equal(resolve("meta-capture", meta_node, N(meta_node)),
			 META_CAP);
	assert_int_equal(resolve("cap", m2m, 0), 0);
}

static void assert_pair(uint32_t type, const uint32_t *types, size_t n,
			uint32_t capture, uint32_t output)
{
	uint32_t cap = 0xdead, out = 0xdead;

	queue_stream_pair(type, types, n, &cap, &out);
	assert_int_equal(cap, capture);
	assert_int_equal(out, output);
}

static void test_stream_pair(void **state)
{
	(void)state;
	/* capture only */
	assert_pair(CAP, capture_node, N(capture_node), CAP, 0);
	assert_pair(META_CAP, meta_node, N(meta_node), META_CAP, 0);
	/* mem2mem, whichever queue is asked for */
	assert_pair(CAP, m2m, N(m2m), CAP, OUT);
	assert_pair(OUT, m2m, N(m2m), CAP, OUT);
	assert_pair(CAP_MPLANE, m2m_mplane, N(m2m_mplane), CAP_MPLANE,
		    OUT_MPLANE);
	assert_pair(OUT_MPLANE, m2m_mplane, N(m2m_mplane), CAP_MPLANE,
		    OUT_MPLANE);
	/* nothing to check frames on */
	assert_pair(OUT, output_node, N(output_node), 0, OUT);
	assert_pair(META_OUT, m2m, N(m2m), 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_ref_name),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_stream_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
