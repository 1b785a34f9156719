// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of v4l2-heap
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum {
	OPT_VERSION = 256,	/* long options only: past every character */
	OPT_LIST_HEAPS,
	OPT_SET_HEAP,
	OPT_JSON,
	OPT_STREAM,
	OPT_QUEUE,
	OPT_HEAP,
};

static const struct option long_options[] = {
	{ "device",	required_argument,	NULL, 'd' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ "list-heaps",	no_argument,		NULL, OPT_LIST_HEAPS },
	{ "list",	no_argument,		NULL, 'l' },
	{ "set-heap",	required_argument,	NULL, OPT_SET_HEAP },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "stream",	required_argument,	NULL, OPT_STREAM },
	{ "queue",	required_argument,	NULL, OPT_QUEUE },
	{ "heap",	required_argument,	NULL, OPT_HEAP },
	{ NULL,		0,			NULL, 0 },
};

#define QUEUE_NAMES "capture, output, capture-mplane, output-mplane, " \
		    "meta-capture, meta-output, cap or out"

static int __attribute__((format(printf, 3, 4)))
usage_error(char *msg, size_t msg_size, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, msg_size, fmt, args);
	va_end(args);
	return -1;
}

/* The long name of the option getopt_long() returns as @val, or NULL. */
static const char *option_name(int val)
{
	const struct option *opt;

	for (opt = long_options; opt->name; opt++)
		if (opt->val == val)
			return opt->name;
	return NULL;
}

/*
 * getopt_long() returned '?': getopt sets optopt to the character of an
 * unknown short option, to the option of a long one given an argument it
 * does not take, and to 0 for an unknown or ambiguous long option.
 */
static int bad_option(int opt, const char *arg, char *msg, size_t msg_size)
{
	const char *name = option_name(opt);

	if (name)
		return usage_error(msg, msg_size,
				   "option '--%s' takes no argument", name);
	if (opt)
		return usage_error(msg, msg_size, "unknown option '-%c'", opt);
	return usage_error(msg, msg_size, "unknown or ambiguous option '%s'",
			   arg);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Like v4l2-ctl, a bare number N means /dev/videoN. */
static int parse_device(const char *arg, struct options *opts, char *msg,
			size_t msg_size)
{
	int len;

	if (!*arg)
		return usage_error(msg, msg_size, "empty device name");
	if (all_digits(arg))
		len = snprintf(opts->device, sizeof(opts->device),
			       "/dev/video%s", arg);
	else
		len = snprintf(opts->device, sizeof(opts->device), "%s", arg);
	if (len < 0 || (size_t)len >= sizeof(opts->device))
		return usage_error(msg, msg_size, "device name too long");
	return 0;
}

static int parse_heap(const char *arg, char heap[V4L2HEAP_NAME_MAX],
		      char *msg, size_t msg_size)
{
	if (!*arg)
		return usage_error(msg, msg_size, "empty heap name");
	if (strlen(arg) >= V4L2HEAP_NAME_MAX)
		return usage_error(msg, msg_size,
				   "heap name '%s' is longer than %d bytes",
				   arg, V4L2HEAP_NAME_MAX - 1);
	strcpy(heap, arg);
	return 0;
}

static int parse_queue(const char *name, int len, struct queue_ref *ref,
		       char *msg, size_t msg_size)
{
	char copy[32];		/* longer than any queue name */

	if (len < (int)sizeof(copy)) {
		memcpy(copy, name, len);
		copy[len] = '\0';
		if (!queue_parse(copy, ref))
			return 0;
	}
	return usage_error(msg, msg_size,
			   "unknown queue '%.*s': use " QUEUE_NAMES, len, name);
}

/* QUEUE=HEAP, where HEAP "default" means the driver's default heap */
static int parse_setting(const char *arg, struct options *opts, char *msg,
			 size_t msg_size)
{
	const char *heap = strchr(arg, '=');
	struct heap_setting *setting;

	if (opts->num_settings == OPTIONS_MAX_SETTINGS)
		return usage_error(msg, msg_size,
				   "--set-heap given more than %d times",
				   OPTIONS_MAX_SETTINGS);
	if (!heap || heap == arg || !heap[1])
		return usage_error(msg, msg_size,
				   "--set-heap takes QUEUE=HEAP, not '%s'",
				   arg);
	setting = &opts->settings[opts->num_settings];
	if (parse_queue(arg, heap - arg, &setting->queue, msg, msg_size))
		return -1;
	heap++;
	if (!strcmp(heap, "default"))
		setting->heap[0] = '\0';
	else if (parse_heap(heap, setting->heap, msg, msg_size))
		return -1;
	opts->num_settings++;
	return 0;
}

static int parse_frames(const char *arg, unsigned int *frames, char *msg,
			size_t msg_size)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(arg, &end, 10);
	/* strtoul() takes "-1" and leading blanks; a count does not. */
	if (!isdigit((unsigned char)arg[0]) || *end || errno ||
	    value == 0 || value > UINT_MAX)
		return usage_error(msg, msg_size,
				   "--stream takes a number of frames from 1 to %u, not '%s'",
				   UINT_MAX, arg);
	*frames = value;
	return 0;
}

/* What the options say together, once each of them is known to be valid */
static int check_combination(const struct options *opts, bool queue_given,
			     bool heap_given, char *msg, size_t msg_size)
{
	if (!opts->list_heaps && !opts->list && !opts->num_settings &&
	    !opts->stream_frames)
		return usage_error(msg, msg_size,
				   "nothing to do: give --list-heaps, --list, --set-heap or --stream");
	if ((queue_given || heap_given) && !opts->stream_frames)
		return usage_error(msg, msg_size, "--%s needs --stream",
				   queue_given ? "queue" : "heap");
	if (opts->json && !opts->list_heaps && !opts->list)
		return usage_error(msg, msg_size,
				   "--json needs --list-heaps or --list");
	/* Standard output holds exactly one JSON document. */
	if (opts->json && opts->stream_frames)
		return usage_error(msg, msg_size,
				   "--json cannot be combined with --stream");
	return 0;
}

int options_parse(int argc, char *const argv[], struct options *opts,
		  char *msg, size_t msg_size)
{
	bool queue_given = false, heap_given = false;
	int c;

	*opts = (struct options){
		.device = "/dev/video0",
		.stream_queue = { .kind = QUEUE_CAPTURE },
	};
	/*
	 * getopt keeps its state in globals: optind 0 starts it afresh. The
	 * leading '+' keeps argv unpermuted, ':' reports missing arguments.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:d:hl", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_device(optarg, opts, msg, msg_size))
				return -1;
			break;
		case 'h':
			opts->help = true;
			break;
		case OPT_VERSION:
			opts->version = true;
			break;
		case OPT_LIST_HEAPS:
			opts->list_heaps = true;
			break;
		case 'l':
			opts->list = true;
			break;
		case OPT_SET_HEAP:
			if (parse_setting(optarg, opts, msg, msg_size))
				return -1;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_STREAM:
			if (parse_frames(optarg, &opts->stream_frames, msg,
					 msg_size))
				return -1;
			break;
		case OPT_QUEUE:
			if (parse_queue(optarg, strlen(optarg),
					&opts->stream_queue, msg, msg_size))
				return -1;
			queue_given = true;
			break;
		case OPT_HEAP:
			if (parse_heap(optarg, opts->stream_heap, msg,
				       msg_size))
				return -1;
			heap_given = true;
			break;
		case ':':
			return usage_error(msg, msg_size,
					   "option '--%s' needs an argument",
					   option_name(optopt));
		default:
			return bad_option(optopt, argv[optind - 1], msg,
					  msg_size);
		}
	}
	if (optind < argc)
		return usage_error(msg, msg_size, "unexpected argument '%s'",
				   argv[optind]);
	if (opts->help || opts->version)
		return 0;
	return check_combination(opts, queue_given, heap_given, msg,
				 msg_size);
}

bool options_need_device(const struct options *opts)
{
	return opts->list || opts->num_settings || opts->stream_frames;
}
