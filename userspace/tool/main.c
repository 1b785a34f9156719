// SPDX-License-Identifier: GPL-2.0
/*
 * v4l2-heap - show and change which dma-buf heaps a V4L2 device uses
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "format.h"
#include "options.h"
#include "queue.h"
#include "stream.h"
#include "v4l2heap.h"

/* A device node has at most six video and metadata queues. */
#define MAX_QUEUES	8
/* Room for the heaps or entries usually there; more is retried. */
#define FIRST_GUESS	16

struct device {
	const char *path;
	int fd;
	uint32_t types[MAX_QUEUES];
	size_t num_types;
};

static void print_help(FILE *f)
{
	fputs("Usage: v4l2-heap [OPTION]...\n"
	      "Show and change which dma-buf heaps a V4L2 device uses.\n"
	      "\n"
	      "  -d, --device=DEV       use device DEV (default: /dev/video0);\n"
	      "                         a bare number N means /dev/videoN\n"
	      "      --list-heaps       list the system's dma-buf heaps\n"
	      "  -l, --list             list the heaps each queue of the device\n"
	      "                         uses, could use, and uses internally\n"
	      "      --set-heap=QUEUE=HEAP\n"
	      "                         make QUEUE allocate from HEAP, or with HEAP\n"
	      "                         'default' from the driver's default heap,\n"
	      "                         for --list and --stream: the selection\n"
	      "                         ends when v4l2-heap exits; may be given\n"
	      "                         several times\n"
	      "      --json             print --list-heaps and --list as JSON\n"
	      "      --stream=N         stream N frames through buffers allocated\n"
	      "                         from a heap and check that they carry data\n"
	      "      --queue=QUEUE      the queue to stream (default: cap)\n"
	      "      --heap=HEAP        the heap to stream from (default: the heap\n"
	      "                         the queue allocates from)\n"
	      "  -h, --help             show this help and exit\n"
	      "      --version          show the version and exit\n"
	      "\n"
	      "QUEUE is capture, output, capture-mplane, output-mplane,\n"
	      "meta-capture or meta-output, or cap or out for the device's\n"
	      "video capture or output queue, single- or multi-planar.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  an operation failed: an ioctl error, or streaming failed or\n"
	      "     frames carried no data\n"
	      "  2  usage error: a bad option or QUEUE=HEAP, an unknown queue,\n"
	      "     or a queue the device does not have\n"
	      "  3  the device does not exist or is not a V4L2 device\n"
	      "  4  no heap support: the driver does not allocate this queue from\n"
	      "     dma-buf heaps (a driver without heap support, or a converted\n"
	      "     driver loaded without heap=)\n"
	      "  5  the heap does not exist, may not be opened, or the queue\n"
	      "     refuses it\n", f);
}

static enum tool_status __attribute__((format(printf, 3, 4)))
fail(struct v4l2heap_err *err, enum tool_status status, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	va_end(args);
	return status;
}

static int out_of_memory(struct v4l2heap_err *err)
{
	snprintf(err->message, sizeof(err->message), "out of memory");
	return -ENOMEM;
}

/* Returns how many heaps there are, all of them in *@heaps. */
static int list_heaps(struct v4l2heap_heap **heaps, struct v4l2heap_err *err)
{
	size_t room = FIRST_GUESS;
	int count;

	for (;;) {
		struct v4l2heap_heap *grown;

		grown = realloc(*heaps, room * sizeof(**heaps));
		if (!grown)
			return out_of_memory(err);
		*heaps = grown;
		count = v4l2heap_list_heaps(*heaps, room, err);
		if (count <= (int)room)
			return count;
		room = count;	/* more than guessed: once more, with room */
	}
}

/* Returns how many entries the queue has, all of them in *@entries. */
static int query(const struct device *dev, uint32_t type,
		 struct v4l2heap_entry **entries, struct v4l2heap_err *err)
{
	size_t room = FIRST_GUESS;
	int count;

	for (;;) {
		struct v4l2heap_entry *grown;

		grown = realloc(*entries, room * sizeof(**entries));
		if (!grown)
			return out_of_memory(err);
		*entries = grown;
		count = v4l2heap_query(dev->fd, type, *entries, room, err);
		if (count <= (int)room)
			return count;
		room = count;
	}
}

static enum tool_status open_device(struct device *dev,
				    struct v4l2heap_err *err)
{
	int ret;

	/* Non-blocking: --stream waits in poll() alone, which times out. */
	dev->fd = open(dev->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (dev->fd < 0)
		return fail(err, status_from_error(-errno, OP_DEVICE), "%s: %s",
			    dev->path, strerror(errno));
	ret = v4l2heap_queues(dev->fd, dev->types, MAX_QUEUES, err);
	if (ret < 0)
		return status_from_error(ret, OP_DEVICE);
	if (!ret)
		return fail(err, STATUS_NO_DEVICE,
			    "%s has no video or metadata queue", dev->path);
	dev->num_types = ret < MAX_QUEUES ? ret : MAX_QUEUES;
	return STATUS_OK;
}

static enum tool_status resolve(const struct device *dev,
				const struct queue_ref *ref, uint32_t *type,
				struct v4l2heap_err *err)
{
	*type = queue_resolve(ref, dev->types, dev->num_types);
	if (!*type)
		return fail(err, STATUS_USAGE, "%s has no %s queue", dev->path,
			    queue_ref_name(ref));
	return STATUS_OK;
}

static enum tool_status set_heaps(const struct device *dev,
				  const struct options *opts,
				  struct v4l2heap_err *err)
{
	char heap[V4L2HEAP_NAME_MAX];
	enum tool_status status;
	uint32_t type;
	size_t i;
	int ret;

	for (i = 0; i < opts->num_settings; i++) {
		const struct heap_setting *setting = &opts->settings[i];

		status = resolve(dev, &setting->queue, &type, err);
		if (status)
			return status;
		ret = v4l2heap_select(dev->fd, type,
				      setting->heap[0] ? setting->heap : NULL,
				      err);
		if (ret < 0)
			return status_from_error(ret, OP_SELECT);
		ret = v4l2heap_get(dev->fd, type, heap, NULL, err);
		if (ret < 0)
			return status_from_error(ret, OP_QUERY);
		/* With --json, standard output is the JSON document alone. */
		if (!opts->json)
			printf("%s: %s\n", v4l2heap_type_name(type), heap);
	}
	return STATUS_OK;
}

/* Fills @queues, one per queue; the caller frees their entries. */
static enum tool_status query_queues(const struct device *dev,
				     struct format_queue *queues,
				     struct v4l2heap_err *err)
{
	size_t i;
	int ret;

	for (i = 0; i < dev->num_types; i++) {
		struct v4l2heap_entry *entries = NULL;

		ret = query(dev, dev->types[i], &entries, err);
		queues[i] = (struct format_queue){
			.type = dev->types[i],
			.entries = entries,
			.num_entries = ret > 0 ? ret : 0,
		};
		if (ret < 0)
			return status_from_error(ret, OP_QUERY);
	}
	return STATUS_OK;
}

static enum tool_status stream(const struct device *dev,
			       const struct options *opts,
			       struct v4l2heap_err *err)
{
	struct stream_config config = {
		.device = dev->path,
		.frames = opts->stream_frames,
	};
	char heap[V4L2HEAP_NAME_MAX];
	struct stream_report report;
	enum tool_status status;
	uint32_t type;
	int ret;

	status = resolve(dev, &opts->stream_queue, &type, err);
	if (status)
		return status;
	queue_stream_pair(type, dev->types, dev->num_types, &config.capture,
			  &config.output);
	if (!config.capture)
		return fail(err, STATUS_USAGE,
			    "%s: streaming the %s queue needs a capture queue to check the frames on, and there is none",
			    dev->path, v4l2heap_type_name(type));
	if (opts->stream_heap[0]) {
		config.heap = opts->stream_heap;
	} else {
		ret = v4l2heap_recommend(dev->fd, type, heap, err);
		if (ret < 0)
			return status_from_error(ret, OP_QUERY);
		config.heap = heap;
	}

	status = stream_run(dev->fd, &config, &report, err);
	if (status)
		return status;
	printf("streamed %u frames from heap %s: %.1f fps, ", report.frames,
	       config.heap, report.frames / report.seconds);
	if (report.with_data == report.frames) {
		printf("all %u carried data\n", report.frames);
		return STATUS_OK;
	}
	printf("only %u carried data\n", report.with_data);
	return fail(err, STATUS_FAILED,
		    "%s: %u of %u frames carried no data: all zero, or marked erroneous by the driver",
		    dev->path, report.frames - report.with_data, report.frames);
}

static enum tool_status run(const struct options *opts,
			    struct v4l2heap_err *err)
{
	struct format_queue queues[MAX_QUEUES] = { 0 };
	struct device dev = { .path = opts->device, .fd = -1 };
	struct format_listing listing = {
		.device = opts->device,
		.queues = queues,
	};
	struct v4l2heap_heap *heaps = NULL;
	enum tool_status status = STATUS_OK;
	size_t i;
	int ret;

	if (opts->list_heaps) {
		ret = list_heaps(&heaps, err);
		status = status_from_error(ret, OP_LIST_HEAPS);
		listing.with_heaps = true;
		listing.heaps = heaps;
		listing.num_heaps = ret > 0 ? ret : 0;
	}
	if (!status && options_need_device(opts))
		status = open_device(&dev, err);
	/* Before listing, so that the listing shows the selection. */
	if (!status)
		status = set_heaps(&dev, opts, err);
	if (!status && opts->list) {
		status = query_queues(&dev, queues, err);
		listing.with_device = true;
		listing.num_queues = dev.num_types;
	}
	if (!status && opts->json)
		format_json(stdout, &listing);
	else if (!status && (opts->list_heaps || opts->list))
		format_tables(stdout, &listing);
	if (!status && opts->stream_frames)
		status = stream(&dev, opts, err);

	for (i = 0; i < MAX_QUEUES; i++)
		free((void *)queues[i].entries);
	free(heaps);
	if (dev.fd >= 0)
		close(dev.fd);
	return status;
}

int main(int argc, char *argv[])
{
	struct v4l2heap_err err = { 0 };
	enum tool_status status;
	struct options opts;

	if (options_parse(argc, argv, &opts, err.message,
			  sizeof(err.message))) {
		fprintf(stderr, "v4l2-heap: %s\n"
			"Try 'v4l2-heap --help' for more information.\n",
			err.message);
		return STATUS_USAGE;
	}
	if (opts.help) {
		print_help(stdout);
		return STATUS_OK;
	}
	if (opts.version) {
		uint32_t lib = v4l2heap_version();

		/* The tool ships with the library: its version is the header's. */
		printf("v4l2-heap %d.%d.%d (libv4l2heap %u.%u.%u)\n",
		       V4L2HEAP_VERSION_MAJOR, V4L2HEAP_VERSION_MINOR,
		       V4L2HEAP_VERSION_MICRO, lib >> 16, (lib >> 8) & 0xff,
		       lib & 0xff);
		return STATUS_OK;
	}
	status = run(&opts, &err);
	if (status)
		fprintf(stderr, "v4l2-heap: %s\n", err.message);
	/* Output that never reached its reader is a failure too. */
	if (fflush(stdout) && !status) {
		fprintf(stderr, "v4l2-heap: standard output: %s\n",
			strerror(errno));
		status = STATUS_FAILED;
	}
	return status;
}
