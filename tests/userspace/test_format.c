// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2-heap's tables and JSON: layout, escaping, and JSON that parses
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/videodev2.h>

#include "format.h"

static const struct v4l2heap_heap heaps[] = {
	{ .name = "reserved", .caps = V4L2HEAP_CAP_CONTIGUOUS },
	{ .name = "system", .caps = 0 },
};

static const struct v4l2heap_entry capture_entries[] = {
	{
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.usage = V4L2HEAP_USAGE_ACTIVE,
		.flags = V4L2HEAP_FL_CONTIGUOUS | V4L2HEAP_FL_SELECTED,
		.heap = "reserved",
		.size = 462848,
		.count = 4,
		/* one of them from VIDIOC_CREATE_BUFS, for a larger format */
		.bytes = 3 * 462848 + 614400,
	}, {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.usage = V4L2HEAP_USAGE_COMPATIBLE,
		.heap = "system",
		.size = 462848,
	}, {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.usage = V4L2HEAP_USAGE_INTERNAL,
		.flags = V4L2HEAP_FL_CONTIGUOUS,
		.heap = "reserved",
		.purpose = "Reference Frames",
		.purpose_id = V4L2HEAP_PURPOSE_REFERENCE,
		.size = 4096,
		.count = 2,
		.bytes = 8192,
	},
};

static const struct v4l2heap_entry output_entries[] = {
	{
		.type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
		.usage = V4L2HEAP_USAGE_ACTIVE,
		.heap = "system",
		.size = 18446744073709551615u,
		.count = 4294967295u,
		.bytes = 18446744073709551615u,
	},
};

static const struct format_queue queues[] = {
	{
		.type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
		.entries = output_entries,
		.num_entries = 1,
	}, {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.entries = capture_entries,
		.num_entries = 3,
	},
};

static char *output;

static int free_output(void **state)
{
	(void)state;
	free(output);
	output = NULL;
	return 0;
}

/* What @print writes for @listing; freed after each test. */
static const char *render(void (*print)(FILE *, const struct format_listing *),
			  const struct format_listing *listing)
{
	size_t size;
	FILE *f;

	free(output);
	f = open_memstream(&output, &size);
	assert_non_null(f);
	print(f, listing);
	assert_int_equal(fclose(f), 0);
	return output;
}

static const char *json_string(const char *s)
{
	size_t size;
	FILE *f;

	free(output);
	f = open_memstream(&output, &size);
	assert_non_null(f);
	format_json_string(f, s);
	assert_int_equal(fclose(f), 0);
	return output;
}

/* Feeds @input to python3 run with @args; returns its exit status. */
static int python(const char *input, char *const args[])
{
	int pipefd[2], status;
	size_t len = strlen(input);
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(pipefd[0], STDIN_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		setenv("PYTHONIOENCODING", "utf-8", 1);
		execvp("python3", args);
		_exit(127);
	}
	close(pipefd[0]);
	assert_int_equal(write(pipefd[1], input, len), (ssize_t)len);
	close(pipefd[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 127)
		fail_msg("cannot run python3");
	return WEXITSTATUS(status);
}

/* @json parses, and the Python expression @check holds for it, as d. */
static void assert_json(const char *json, const char *check)
{
	char script[1024];
	char *tool[] = { "python3", "-m", "json.tool", NULL };
	char *checker[] = { "python3", "-c", script, NULL };

	if (python(json, tool))
		fail_msg("python3 -m json.tool rejects: %s", json);
	snprintf(script, sizeof(script),
		 "import json, sys\n"
		 "d = json.load(sys.stdin.buffer)\n"
		 "sys.exit(0 if (%s) else 1)\n", check);
	if (python(json, checker))
		fail_msg("not (%s) for: %s", check, json);
}

static void assert_no_trailing_blanks(const char *text)
{
	const char *nl;

	for (nl = strchr(text, '\n'); nl; nl = strchr(nl + 1, '\n'))
		if (nl > text && (nl[-1] == ' ' || nl[-1] == '\t'))
			fail_msg("trailing blank before byte %zu of:\n%s",
				 (size_t)(nl - text), text);
}

static void test_heap_table(void **state)
{
	struct format_listing listing = {
		.with_heaps = true,
		.heaps = heaps,
		.num_heaps = 2,
	};

	(void)state;
	assert_string_equal(render(format_tables, &listing),
			    "NAME      CAPS\n"
			    "reserved  contiguous\n"
			    "system    -\n");
}

static void test_heap_table_empty(void **state)
{
	struct format_listing listing = { .with_heaps = true };

	(void)state;
	assert_string_equal(render(format_tables, &listing), "NAME  CAPS\n");
}

/* Numbers align right, text left; the last column has no padding. */
static void test_queue_table(void **state)
{
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/video0",
		.queues = &queues[1],
		.num_queues = 1,
	};
	const char *text;

	(void)state;
	text = render(format_tables, &listing);
	assert_string_equal(text,
		"capture queue:\n"
		"  USAGE       HEAP      FLAGS                BYTES/BUF  COUNT     HELD  PURPOSE\n"
		"  active      reserved  contiguous,selected     462848      4  2002944  -\n"
		"  compatible  system    -                       462848      0        0  -\n"
		"  internal    reserved  contiguous                4096      2     8192  reference\n");
	assert_no_trailing_blanks(text);
}

static void test_tables_together(void **state)
{
	struct format_listing listing = {
		.with_heaps = true,
		.heaps = heaps,
		.num_heaps = 1,
		.with_device = true,
		.device = "/dev/video0",
		.queues = queues,
		.num_queues = 2,
	};
	const char *text;

	(void)state;
	text = render(format_tables, &listing);
	assert_string_equal(text,
		"NAME      CAPS\n"
		"reserved  contiguous\n"
		"\n"
		"output queue:\n"
		"  USAGE   HEAP    FLAGS             BYTES/BUF       COUNT                  HELD  PURPOSE\n"
		"  active  system  -      18446744073709551615  4294967295  18446744073709551615  -\n"
		"\n"
		"capture queue:\n"
		"  USAGE       HEAP      FLAGS                BYTES/BUF  COUNT     HELD  PURPOSE\n"
		"  active      reserved  contiguous,selected     462848      4  2002944  -\n"
		"  compatible  system    -                       462848      0        0  -\n"
		"  internal    reserved  contiguous                4096      2     8192  reference\n");
	assert_no_trailing_blanks(text);
}

static void test_queue_without_entries(void **state)
{
	const struct format_queue queue = {
		.type = V4L2_BUF_TYPE_META_CAPTURE,
	};
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/video0",
		.queues = &queue,
		.num_queues = 1,
	};

	(void)state;
	assert_string_equal(render(format_tables, &listing),
		"meta-capture queue:\n"
		"  USAGE  HEAP  FLAGS  BYTES/BUF  COUNT  HELD  PURPOSE\n");
}

/*
 * The purpose id's name; the kernel's text, which describes the id, for an
 * id newer than the tool.
 */
static void test_purpose_column(void **state)
{
	static const struct v4l2heap_entry entries[] = {
		{ .usage = V4L2HEAP_USAGE_INTERNAL, .heap = "a",
		  .purpose_id = V4L2HEAP_PURPOSE_BITSTREAM,
		  .purpose = "Bitstream" },
		{ .usage = V4L2HEAP_USAGE_INTERNAL, .heap = "b",
		  .purpose_id = V4L2HEAP_PURPOSE_SCRATCH,
		  .purpose = "Scratch Memory" },
		{ .usage = V4L2HEAP_USAGE_INTERNAL, .heap = "c",
		  .purpose_id = V4L2HEAP_PURPOSE_METADATA },
		{ .usage = V4L2HEAP_USAGE_INTERNAL, .heap = "d",
		  .purpose_id = V4L2HEAP_PURPOSE_OTHER, .purpose = "Other" },
		{ .usage = V4L2HEAP_USAGE_INTERNAL, .heap = "e",
		  .purpose_id = 99, .purpose = "Frobnication" },
	};
	const struct format_queue queue = {
		.type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
		.entries = entries,
		.num_entries = 5,
	};
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/video0",
		.queues = &queue,
		.num_queues = 1,
	};

	(void)state;
	assert_string_equal(render(format_tables, &listing),
		"output queue:\n"
		"  USAGE     HEAP  FLAGS  BYTES/BUF  COUNT  HELD  PURPOSE\n"
		"  internal  a     -              0      0     0  bitstream\n"
		"  internal  b     -              0      0     0  scratch\n"
		"  internal  c     -              0      0     0  metadata\n"
		"  internal  d     -              0      0     0  other\n"
		"  internal  e     -              0      0     0  Frobnication\n");
	assert_json(render(format_json, &listing),
		    "[e['purpose_id'] for e in d['queues'][0]['entries']] == "
		    "['bitstream', 'scratch', 'metadata', 'other', 'unknown']");
}

/* A newer kernel or library may know more than this tool. */
static void test_unknown_values(void **state)
{
	const struct v4l2heap_entry entry = {
		.usage = 9,
		.flags = V4L2HEAP_FL_SELECTED | 0x4 | 0x80000000,
		.heap = "h",
		.purpose = "p",
		.purpose_id = 99,
		.size = 1,
		.count = 1,
		.bytes = 1,
	};
	const struct v4l2heap_heap heap = { .name = "new", .caps = 0x6 };
	const struct format_queue queue = {
		.type = 99,
		.entries = &entry,
		.num_entries = 1,
	};
	struct format_listing listing = {
		.with_heaps = true,
		.heaps = &heap,
		.num_heaps = 1,
		.with_device = true,
		.device = "/dev/video0",
		.queues = &queue,
		.num_queues = 1,
	};
	const char *json;

	(void)state;
	assert_string_equal(render(format_tables, &listing),
		"NAME  CAPS\n"
		"new   0x6\n"
		"\n"
		"type-99 queue:\n"
		"  USAGE    HEAP  FLAGS                BYTES/BUF  COUNT  HELD  PURPOSE\n"
		"  unknown  h     selected,0x80000004          1      1     1  p\n");
	json = render(format_json, &listing);
	assert_string_equal(json,
		"{\"heaps\":[{\"name\":\"new\",\"caps\":[\"0x6\"]}],"
		"\"device\":\"/dev/video0\",\"queues\":[{\"type\":\"type-99\","
		"\"entries\":[{\"usage\":\"unknown\",\"heap\":\"h\","
		"\"flags\":[\"selected\",\"0x80000004\"],"
		"\"bytes_per_buffer\":1,\"count\":1,\"bytes\":1,"
		"\"purpose\":\"p\",\"purpose_id\":\"unknown\"}]}]}\n");
	assert_json(json, "d['queues'][0]['entries'][0]['flags'] == "
			  "['selected', '0x80000004']");
}

static void test_json_heaps(void **state)
{
	struct format_listing listing = {
		.with_heaps = true,
		.heaps = heaps,
		.num_heaps = 2,
	};
	const char *json;

	(void)state;
	json = render(format_json, &listing);
	assert_string_equal(json,
		"{\"heaps\":[{\"name\":\"reserved\",\"caps\":[\"contiguous\"]},"
		"{\"name\":\"system\",\"caps\":[]}]}\n");
	assert_json(json, "d == {'heaps': ["
			  "{'name': 'reserved', 'caps': ['contiguous']}, "
			  "{'name': 'system', 'caps': []}]}");
}

static void test_json_no_heaps(void **state)
{
	struct format_listing listing = { .with_heaps = true };
	const char *json;

	(void)state;
	json = render(format_json, &listing);
	assert_string_equal(json, "{\"heaps\":[]}\n");
	assert_json(json, "d == {'heaps': []}");
}

static void test_json_device(void **state)
{
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/video0",
		.queues = &queues[1],
		.num_queues = 1,
	};
	const char *json;

	(void)state;
	json = render(format_json, &listing);
	assert_string_equal(json,
		"{\"device\":\"/dev/video0\",\"queues\":[{\"type\":\"capture\",\"entries\":["
		"{\"usage\":\"active\",\"heap\":\"reserved\","
		"\"flags\":[\"contiguous\",\"selected\"],"
		"\"bytes_per_buffer\":462848,\"count\":4,\"bytes\":2002944,"
		"\"purpose\":\"\",\"purpose_id\":null},"
		"{\"usage\":\"compatible\",\"heap\":\"system\",\"flags\":[],"
		"\"bytes_per_buffer\":462848,\"count\":0,\"bytes\":0,"
		"\"purpose\":\"\",\"purpose_id\":null},"
		"{\"usage\":\"internal\",\"heap\":\"reserved\","
		"\"flags\":[\"contiguous\"],"
		"\"bytes_per_buffer\":4096,\"count\":2,\"bytes\":8192,"
		"\"purpose\":\"Reference Frames\",\"purpose_id\":\"reference\"}"
		"]}]}\n");
	assert_json(json,
		    "d['device'] == '/dev/video0' and "
		    "[q['type'] for q in d['queues']] == ['capture'] and "
		    "d['queues'][0]['entries'][0]['purpose_id'] is None and "
		    "d['queues'][0]['entries'][2] == {'usage': 'internal', "
		    "'heap': 'reserved', 'flags': ['contiguous'], "
		    "'bytes_per_buffer': 4096, 'count': 2, 'bytes': 8192, "
		    "'purpose': 'Reference Frames', 'purpose_id': 'reference'}");
}

/* Both listings in one document: standard output stays one JSON value. */
static void test_json_together(void **state)
{
	struct format_listing listing = {
		.with_heaps = true,
		.heaps = heaps,
		.num_heaps = 2,
		.with_device = true,
		.device = "/dev/video1",
		.queues = queues,
		.num_queues = 2,
	};

	(void)state;
	assert_json(render(format_json, &listing),
		    "sorted(d) == ['device', 'heaps', 'queues'] and "
		    "len(d['heaps']) == 2 and "
		    "[q['type'] for q in d['queues']] == ['output', 'capture'] and "
		    "d['queues'][0]['entries'][0]['bytes_per_buffer'] == 2**64 - 1 and "
		    "d['queues'][0]['entries'][0]['count'] == 2**32 - 1 and "
		    "d['queues'][0]['entries'][0]['bytes'] == 2**64 - 1");
}

static void test_json_device_without_queues(void **state)
{
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/video0",
	};
	const char *json;

	(void)state;
	json = render(format_json, &listing);
	assert_string_equal(json, "{\"device\":\"/dev/video0\",\"queues\":[]}\n");
	assert_json(json, "d == {'device': '/dev/video0', 'queues': []}");
}

struct escape_case {
	const char *in;
	const char *want;
};

/* Each of @cases as format_json_string() writes it. */
static void assert_escapes(const struct escape_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *got = json_string(cases[i].in);

		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got %s, want %s", i, got,
				 cases[i].want);
	}
}

static void test_json_escaping(void **state)
{
	static const struct escape_case cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "/", "\"/\"" },
		{ "\n\t\r\b\f", "\"\\u000a\\u0009\\u000d\\u0008\\u000c\"" },
		{ "\x01\x1f\x20\x7f", "\"\\u0001\\u001f \x7f\"" },
	};

	(void)state;
	assert_escapes(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Well-formed UTF-8 passes; anything else becomes U+FFFD. */
static void test_json_utf8(void **state)
{
	static const struct escape_case cases[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
		{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },
		/* a Latin-1 byte */
		{ "caf\xe9", "\"caf\\ufffd\"" },
		{ "\xff", "\"\\ufffd\"" },
		/* a lone continuation byte */
		{ "\x80x", "\"\\ufffdx\"" },
		/* cut short, at the end and before other text */
		{ "\xc3", "\"\\ufffd\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },
		{ "\xe2\x82\"", "\"\\ufffd\\ufffd\\\"\"" },
		/* overlong "/" */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
		/* a UTF-16 surrogate, U+D800 */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		/* past U+10FFFF */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	};

	(void)state;
	assert_escapes(cases, sizeof(cases) / sizeof(cases[0]));
}

/* What Python makes of the escaped strings is what went in. */
static void test_json_escaping_parses(void **state)
{
	const struct format_queue queue = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct format_listing listing = {
		.with_device = true,
		.device = "/dev/\"odd\"\\\n\x01\x1f caf\xc3\xa9 \xff",
		.queues = &queue,
		.num_queues = 1,
	};

	(void)state;
	assert_json(render(format_json, &listing),
		    "d['device'] == '/dev/\"odd\"\\\\\\n\\x01\\x1f caf\\u00e9 \\ufffd'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_heap_table, free_output),
		cmocka_unit_test_teardown(test_heap_table_empty, free_output),
		cmocka_unit_test_teardown(test_queue_table, free_output),
		cmocka_unit_test_teardown(test_tables_together, free_output),
		cmocka_unit_test_teardown(test_queue_without_entries,
					  free_output),
		cmocka_unit_test_teardown(test_purpose_column, free_output),
		cmocka_unit_test_teardown(test_unknown_values, free_output),
		cmocka_unit_test_teardown(test_json_heaps, free_output),
		cmocka_unit_test_teardown(test_json_no_heaps, free_output),
		cmocka_unit_test_teardown(test_json_device, free_output),
		cmocka_unit_test_teardown(test_json_together, free_output),
		cmocka_unit_test_teardown(test_json_device_without_queues,
					  free_output),
		cmocka_unit_test_teardown(test_json_escaping, free_output),
		cmocka_unit_test_teardown(test_json_utf8, free_output),
		cmocka_unit_test_teardown(test_json_escaping_parses,
					  free_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
