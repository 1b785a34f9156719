// SPDX-License-Identifier: GPL-2.0
/*
 * Exercise VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP on every
 * video queue of a device: each field, each error path, and whether a
 * selection really moves MMAP buffers to another heap (heap-ioctl.h says
 * which file checks what).
 *
 * Usage:
 *   heap-ioctl [--internal N] DEVICE   all checks, as root; the device
 *       must report exactly N internal buffer groups (default 0), and
 *       allocate them once it streams
 *   heap-ioctl --unsupported DEVICE    every ioctl answers ENOTTY
 *   heap-ioctl --unusable DEVICE       the queues use heaps, none of
 *       which is usable
 *   heap-ioctl --unprivileged DEVICE [--heap-fd FD]
 *       as a user who may open DEVICE but no heap: the buffers come from
 *       the driver's default, whatever heap another process selected
 *       before; selecting a heap is impossible without a heap fd, and
 *       works with one handed over (FD)
 *   heap-ioctl --configuration DEVICE  a vivid node with heap=system: the
 *       heaps follow its "Require Contiguous Memory" control
 *
 * Output is KTAP, one subtest per queue (and one for the internal
 * buffers); the exit status is 0 when every check passed, 1 when one
 * failed and 2 when the checks could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap-ioctl.h"

/* All checks of one queue, as root, on a driver with heap support. */
static void check_queue(struct ktap *k, struct run *run, uint32_t type)
{
	struct v4l2_format fmt = { .type = type };
	const struct v4l2_heapdesc *active;
	char dflt[V4L2_HEAP_NAME_SIZE];
	unsigned int i, planned = 1;
	struct entries list;
	bool has_format;
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	err = enumerate(run->fd, type, &list);
	active = err ? NULL : find(&list, V4L2_HEAP_USAGE_ACTIVE, NULL);
	has_format = !buf_type_is_meta(type) && !ioctl_errno(run->fd, VIDIOC_G_FMT, &fmt);
	if (!err && list.n > 0) {
		/* caps, entries, ENUM errors, G_HEAP, S_HEAP errors */
		planned += 5 + has_format;
		/* one selection per heap, its end, reset, ownership */
		if (active)
			planned += list.n - count_usage(&list, V4L2_HEAP_USAGE_INTERNAL) +
				   !run->m2m + 1 + !run->m2m;
	}
	ktap_plan(&sub, planned);
	if (!ktap_result(&sub, !err && list.n > 0,
			 "%s: ENUM_HEAPS lists %u entries: %s", buf_type_name(type),
			 list.n, strerror(err)))
		goto out;
	for (i = 0; i < list.n; i++)
		ktap_print(&sub, "%s[%u]: usage %u flags 0x%x heap %s purpose '%s' size %llu count %u",
			   buf_type_name(type), i, list.e[i].usage, list.e[i].flags,
			   list.e[i].name, list.e[i].purpose,
			   (unsigned long long)list.e[i].size, list.e[i].count);

	check_caps(&sub, run, type, true);
	check_entries(&sub, type, &list);
	check_enum_errors(&sub, run, type, &list);
	check_g_heap(&sub, run, type, &list);
	check_s_heap_errors(&sub, run, type, &list);
	if (has_format)
		check_format_tracking(&sub, run, type, &list);

	if (!active)
		goto out;
	snprintf(dflt, sizeof(dflt), "%s", active->name);
	for (i = 0; i < list.n; i++)
		if (list.e[i].usage != V4L2_HEAP_USAGE_INTERNAL)
			check_selection(&sub, run, type,
					(const char *)list.e[i].name);
	/* The last selection is run->fd's, which owns the queue until then. */
	check_reset(&sub, run, type, dflt);
	if (!run->m2m) {
		check_selection_ends(&sub, run, type, dflt);
		check_ownership(&sub, run, type, dflt);
	}
out:
	ktap_subtest_end(k, &sub, "%s", buf_type_name(type));
}

static int usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--internal N] DEVICE\n"
		"       %s --unsupported DEVICE\n"
		"       %s --unusable DEVICE\n"
		"       %s --unprivileged DEVICE [--heap-fd FD]\n"
		"       %s --configuration DEVICE\n",
		argv0, argv0, argv0, argv0, argv0);
	return 2;
}

int main(int argc, char **argv)
{
	enum { FULL, UNSUPPORTED, UNUSABLE, UNPRIVILEGED, CONFIGURATION } mode = FULL;
	struct run run = { 0 };
	uint32_t types[MAX_QUEUES];
	int heap_fd = -1, n, t, arg = 1;
	unsigned int internal_groups = 0;
	struct ktap k;

	if (arg + 1 < argc && !strcmp(argv[arg], "--internal")) {
		internal_groups = strtoul(argv[arg + 1], NULL, 0);
		arg += 2;
	} else if (arg < argc && !strcmp(argv[arg], "--unsupported")) {
		mode = UNSUPPORTED;
		arg++;
	} else if (arg < argc && !strcmp(argv[arg], "--unusable")) {
		mode = UNUSABLE;
		arg++;
	} else if (arg < argc && !strcmp(argv[arg], "--unprivileged")) {
		mode = UNPRIVILEGED;
		arg++;
	} else if (arg < argc && !strcmp(argv[arg], "--configuration")) {
		mode = CONFIGURATION;
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

	/* One subtest per queue, and the internal buffers of a full run. */
	ktap_start(&k, n + (mode == FULL));
	for (t = 0; t < n; t++) {
		switch (mode) {
		case FULL:
			check_queue(&k, &run, types[t]);
			break;
		case UNSUPPORTED:
			check_unsupported(&k, &run, types[t]);
			break;
		case UNUSABLE:
			check_unusable(&k, &run, types[t]);
			break;
		case UNPRIVILEGED:
			check_unprivileged(&k, &run, types[t], heap_fd);
			break;
		case CONFIGURATION:
			check_configuration(&k, &run, types[t]);
			break;
		}
	}
	if (mode == FULL)
		check_internal_allocation(&k, &run, types, n, internal_groups);

	close(run.fd);
	return ktap_exit(&k);
}
