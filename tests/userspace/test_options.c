// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2-heap's command line: every option, every usage error
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <linux/videodev2.h>

#include "options.h"

static struct options opts;
static char msg[256];

static int parse_argv(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	strcpy(msg, "(untouched)");
	return options_parse(argc, argv, &opts, msg, sizeof(msg));
}

#define parse(...)	parse_argv((char *[]){ "v4l2-heap", __VA_ARGS__, NULL })

/* The command line is a usage error whose message contains @what. */
#define assert_usage_error(what, ...) do {				\
	assert_int_equal(parse(__VA_ARGS__), -1);			\
	if (!strstr(msg, what))						\
		fail_msg("message \"%s\" lacks \"%s\"", msg, what);	\
} while (0)

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("--list"), 0);
	assert_string_equal(opts.device, "/dev/video0");
	assert_true(opts.list);
	assert_false(opts.list_heaps || opts.json || opts.help ||
		     opts.version);
	assert_int_equal(opts.num_settings, 0);
	assert_int_equal(opts.stream_frames, 0);
	assert_int_equal(opts.stream_queue.kind, QUEUE_CAPTURE);
	assert_string_equal(opts.stream_heap, "");
	assert_true(options_need_device(&opts));
}

static void test_device_number(void **state)
{
	(void)state;
	assert_int_equal(parse("-d", "3", "-l"), 0);
	assert_string_equal(opts.device, "/dev/video3");
	assert_int_equal(parse("-d12", "-l"), 0);
	assert_string_equal(opts.device, "/dev/video12");
	assert_int_equal(parse("--device=0", "-l"), 0);
	assert_string_equal(opts.device, "/dev/video0");
	assert_int_equal(parse("--device", "42", "-l"), 0);
	assert_string_equal(opts.device, "/dev/video42");
}

static void test_device_path(void **state)
{
	(void)state;
	assert_int_equal(parse("-d", "/dev/video7", "--list"), 0);
	assert_string_equal(opts.device, "/dev/video7");
	/* Not all digits: a path, as given */
	assert_int_equal(parse("-d", "1a", "--list"), 0);
	assert_string_equal(opts.device, "1a");
	assert_int_equal(parse("-d", "/dev/video1", "-d", "2", "--list"), 0);
	assert_string_equal(opts.device, "/dev/video2");
}

static void test_device_errors(void **state)
{
	char long_path[PATH_MAX + 1];

	(void)state;
	assert_usage_error("empty device name", "-d", "", "--list");
	memset(long_path, 'x', PATH_MAX);
	long_path[PATH_MAX] = '\0';
	assert_usage_error("too long", "-d", long_path, "--list");
}

static void test_commands(void **state)
{
	(void)state;
	assert_int_equal(parse("--list-heaps"), 0);
	assert_true(opts.list_heaps);
	assert_false(options_need_device(&opts));
	assert_int_equal(parse("-l"), 0);
	assert_true(opts.list);
	assert_int_equal(parse("--list-heaps", "--list", "--json"), 0);
	assert_true(opts.list_heaps && opts.list && opts.json);
	assert_int_equal(parse("--json", "--list-heaps"), 0);
	assert_true(opts.json);
}

static void test_help_version(void **state)
{
	(void)state;
	assert_int_equal(parse("-h"), 0);
	assert_true(opts.help);
	assert_int_equal(parse("--help"), 0);
	assert_true(opts.help);
	assert_int_equal(parse("--version"), 0);
	assert_true(opts.version);
	/* Asking for help is never "nothing to do"... */
	assert_int_equal(parse("--help", "--json"), 0);
	/* ...but a bad option is still an error. */
	assert_usage_error("unknown or ambiguous option", "--help", "--bogus");
}

static void test_set_heap(void **state)
{
	(void)state;
	assert_int_equal(parse("--set-heap", "capture=reserved"), 0);
	assert_int_equal(opts.num_settings, 1);
	assert_int_equal(opts.settings[0].queue.kind, QUEUE_TYPE);
	assert_int_equal(opts.settings[0].queue.type,
			 V4L2_BUF_TYPE_VIDEO_CAPTURE);
	assert_string_equal(opts.settings[0].heap, "reserved");
	assert_true(options_need_device(&opts));

	assert_int_equal(parse("--set-heap=cap=system", "--set-heap",
			       "out=default", "--set-heap",
			       "meta-capture=cma", "--set-heap",
			       "output-mplane=a=b"), 0);
	assert_int_equal(opts.num_settings, 4);
	assert_int_equal(opts.settings[0].queue.kind, QUEUE_CAPTURE);
	assert_string_equal(opts.settings[0].heap, "system");
	assert_int_equal(opts.settings[1].queue.kind, QUEUE_OUTPUT);
	assert_string_equal(opts.settings[1].heap, "");
	assert_int_equal(opts.settings[2].queue.type,
			 V4L2_BUF_TYPE_META_CAPTURE);
	assert_string_equal(opts.settings[2].heap, "cma");
	/* The first '=' separates; the rest is the heap's (odd) name. */
	assert_int_equal(opts.settings[3].queue.type,
			 V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
	assert_string_equal(opts.settings[3].heap, "a=b");
}

static void test_set_heap_errors(void **state)
{
	char heap[V4L2HEAP_NAME_MAX + 16];
	char *argv[2 * OPTIONS_MAX_SETTINGS + 4];
	int i;

	(void)state;
	assert_usage_error("QUEUE=HEAP", "--set-heap", "capture");
	assert_usage_error("QUEUE=HEAP", "--set-heap", "=reserved");
	assert_usage_error("QUEUE=HEAP", "--set-heap", "capture=");
	assert_usage_error("QUEUE=HEAP", "--set-heap", "");
	assert_usage_error("unknown queue 'bogus'", "--set-heap",
			   "bogus=reserved");
	assert_usage_error("unknown queue 'Capture'", "--set-heap",
			   "Capture=reserved");
	assert_usage_error("unknown queue 'capture-mplane-but-a-lot-longer-than-any'",
			   "--set-heap",
			   "capture-mplane-but-a-lot-longer-than-any=x");

	/* 63 bytes fit V4L2's 64 with the NUL, 64 do not. */
	memset(heap, 0, sizeof(heap));
	strcpy(heap, "cap=");
	memset(heap + 4, 'h', V4L2HEAP_NAME_MAX - 1);
	assert_int_equal(parse("--set-heap", heap), 0);
	assert_int_equal(strlen(opts.settings[0].heap), V4L2HEAP_NAME_MAX - 1);
	heap[4 + V4L2HEAP_NAME_MAX - 1] = 'h';
	assert_usage_error("longer than 63 bytes", "--set-heap", heap);

	argv[0] = "v4l2-heap";
	for (i = 0; i <= OPTIONS_MAX_SETTINGS; i++) {
		argv[1 + 2 * i] = "--set-heap";
		argv[2 + 2 * i] = "cap=system";
	}
	argv[1 + 2 * i] = NULL;
	assert_int_equal(parse_argv(argv), -1);
	assert_non_null(strstr(msg, "more than 16 times"));
	argv[1 + 2 * (i - 1)] = NULL;
	assert_int_equal(parse_argv(argv), 0);
	assert_int_equal(opts.num_settings, OPTIONS_MAX_SETTINGS);
}

static void test_stream(void **state)
{
	(void)state;
	assert_int_equal(parse("--stream", "30"), 0);
	assert_int_equal(opts.stream_frames, 30);
	assert_int_equal(opts.stream_queue.kind, QUEUE_CAPTURE);
	assert_string_equal(opts.stream_heap, "");
	assert_true(options_need_device(&opts));

	assert_int_equal(parse("-d", "1", "--stream=4294967295", "--queue",
			       "output-mplane", "--heap", "reserved"), 0);
	assert_string_equal(opts.device, "/dev/video1");
	assert_int_equal(opts.stream_frames, 4294967295u);
	assert_int_equal(opts.stream_queue.kind, QUEUE_TYPE);
	assert_int_equal(opts.stream_queue.type,
			 V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
	assert_string_equal(opts.stream_heap, "reserved");

	assert_int_equal(parse("--stream", "1", "--queue=out"), 0);
	assert_int_equal(opts.stream_queue.kind, QUEUE_OUTPUT);
}

static void test_stream_errors(void **state)
{
	(void)state;
	assert_usage_error("not '0'", "--stream", "0");
	assert_usage_error("not '-1'", "--stream", "-1");
	assert_usage_error("not '+1'", "--stream", "+1");
	assert_usage_error("not ' 5'", "--stream", " 5");
	assert_usage_error("not '5x'", "--stream", "5x");
	assert_usage_error("not 'abc'", "--stream", "abc");
	assert_usage_error("not ''", "--stream=");
	assert_usage_error("not '4294967296'", "--stream", "4294967296");
	assert_usage_error("not '99999999999999999999999'", "--stream",
			   "99999999999999999999999");
	assert_usage_error("unknown queue 'bogus'", "--stream", "1",
			   "--queue", "bogus");
	assert_usage_error("empty heap name", "--stream", "1", "--heap", "");
	assert_usage_error("--queue needs --stream", "--list", "--queue",
			   "cap");
	assert_usage_error("--heap needs --stream", "--list", "--heap",
			   "system");
}

static void test_json_errors(void **state)
{
	(void)state;
	assert_usage_error("--json needs --list-heaps or --list", "--json",
			   "--set-heap", "cap=system");
	assert_usage_error("nothing to do", "--json");
	assert_usage_error("--json cannot be combined with --stream",
			   "--list", "--json", "--stream", "5");
}

static void test_nothing_to_do(void **state)
{
	(void)state;
	assert_int_equal(parse_argv((char *[]){ "v4l2-heap", NULL }), -1);
	assert_non_null(strstr(msg, "nothing to do"));
	assert_usage_error("nothing to do", "-d", "1");
}

static void test_bad_options(void **state)
{
	(void)state;
	assert_usage_error("unknown or ambiguous option '--bogus'",
			   "--bogus");
	/* --list or --list-heaps */
	assert_usage_error("unknown or ambiguous option '--lis'", "--lis");
	assert_usage_error("unknown option '-x'", "-x");
	assert_usage_error("unknown option '-x'", "-lx");
	assert_usage_error("unknown option '-x'", "--list", "-lx");
	assert_usage_error("option '--json' takes no argument", "--list",
			   "--json=yes");
	assert_usage_error("option '--list' takes no argument", "--list=x");
	assert_usage_error("option '--help' takes no argument", "--help=1");
	assert_usage_error("option '--stream' needs an argument", "--stream");
	assert_usage_error("option '--device' needs an argument", "--list",
			   "-d");
	assert_usage_error("option '--set-heap' needs an argument",
			   "--set-heap");
	assert_usage_error("unexpected argument 'foo'", "--list", "foo");
	assert_usage_error("unexpected argument '-l'", "--list", "--", "-l");
	assert_usage_error("unexpected argument '-'", "-");
}

/* Long options may be abbreviated while they stay unambiguous. */
static void test_abbreviations(void **state)
{
	(void)state;
	assert_int_equal(parse("--list-h"), 0);
	assert_true(opts.list_heaps);
	assert_int_equal(parse("--dev=2", "--li"), -1);
	assert_int_equal(parse("--dev=2", "--list"), 0);
	assert_string_equal(opts.device, "/dev/video2");
}

/* getopt keeps state in globals; a parse must not see the last one's. */
static void test_parses_are_independent(void **state)
{
	(void)state;
	assert_int_equal(parse("--list", "-lx"), -1);
	assert_int_equal(parse("--list-heaps"), 0);
	assert_false(opts.list);
	assert_int_equal(parse("--list", "--set-heap", "cap=x", "--json"), 0);
	assert_int_equal(parse("--list-heaps"), 0);
	assert_int_equal(opts.num_settings, 0);
	assert_false(opts.json);
}

static void test_argv_untouched(void **state)
{
	char *argv[] = { "v4l2-heap", "extra", "--list", NULL };

	(void)state;
	assert_int_equal(parse_argv(argv), -1);
	assert_string_equal(argv[1], "extra");
	assert_string_equal(argv[2], "--list");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_device_number),
		cmocka_unit_test(test_device_path),
		cmocka_unit_test(test_device_errors),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_set_heap),
		cmocka_unit_test(test_set_heap_errors),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_stream_errors),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_nothing_to_do),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_parses_are_independent),
		cmocka_unit_test(test_argv_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
