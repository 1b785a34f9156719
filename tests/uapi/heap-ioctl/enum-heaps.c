// SPDX-License-Identifier: GPL-2.0
/*
 * VIDIOC_ENUM_HEAPS: every field of every entry, the errors, and sizes
 * that follow the buffers and the configuration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heap-ioctl.h"

/* Results per entry in check_entries(). */
#define ENTRY_CHECKS	10

/*
 * What the V4L2 core says for each purpose id, as it describes formats:
 * drivers give the id only.
 */
static const char *const purpose_text[] = {
	[V4L2_HEAP_PURPOSE_NONE] = "",
	[V4L2_HEAP_PURPOSE_OTHER] = "Other",
	[V4L2_HEAP_PURPOSE_REFERENCE] = "Reference Frames",
	[V4L2_HEAP_PURPOSE_BITSTREAM] = "Bitstream",
	[V4L2_HEAP_PURPOSE_SCRATCH] = "Scratch Memory",
	[V4L2_HEAP_PURPOSE_METADATA] = "Metadata",
};

void check_entries(struct ktap *k, uint32_t type, const struct entries *list)
{
	const char *q = buf_type_name(type);
	struct ktap sub;
	unsigned int i;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 2 + ENTRY_CHECKS * list->n);
	ktap_result(&sub, count_usage(list, V4L2_HEAP_USAGE_ACTIVE) == 1,
		    "%s: one active heap before any allocation (%u entries)", q,
		    list->n);
	ktap_result(&sub, list->n && list->e[0].usage == V4L2_HEAP_USAGE_ACTIVE,
		    "%s: the active heap is the first entry", q);
	for (i = 0; i < list->n; i++) {
		const struct v4l2_heapdesc *d = &list->e[i];
		const char *name = (const char *)d->name;
		bool internal = d->usage == V4L2_HEAP_USAGE_INTERNAL;
		unsigned long long caps = 0;
		char path[256];

		snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
		ktap_result(&sub, d->index == i && d->type == type,
			    "%s[%u]: index and type returned as passed", q, i);
		ktap_result(&sub, d->usage >= V4L2_HEAP_USAGE_ACTIVE &&
				  d->usage <= V4L2_HEAP_USAGE_INTERNAL,
			    "%s[%u]: usage %u is defined", q, i, d->usage);
		ktap_result(&sub, memchr(d->name, 0, sizeof(d->name)) &&
				  access(path, F_OK) == 0,
			    "%s[%u]: heap '%s' is a node under /dev/dma_heap",
			    q, i, name);
		ktap_result(&sub, heap_caps(name, &caps) == 0 &&
				  d->heap_caps == caps,
			    "%s[%u]: heap_caps 0x%x are the heap's caps in sysfs, 0x%llx",
			    q, i, d->heap_caps, caps);
		ktap_result(&sub, !(d->flags & ~V4L2_HEAP_FL_SELECTED),
			    "%s[%u]: no undefined flags (0x%x)", q, i, d->flags);
		ktap_result(&sub, all_zero(d->reserved, sizeof(d->reserved)),
			    "%s[%u]: reserved fields zeroed", q, i);
		ktap_result(&sub, internal ?
				  d->purpose_id > V4L2_HEAP_PURPOSE_NONE &&
				  d->purpose_id <= V4L2_HEAP_PURPOSE_METADATA :
				  d->purpose_id == V4L2_HEAP_PURPOSE_NONE,
			    "%s[%u]: purpose_id %u defined, set exactly for internal buffers",
			    q, i, d->purpose_id);
		ktap_result(&sub, d->purpose_id <= V4L2_HEAP_PURPOSE_METADATA &&
				  !strncmp((const char *)d->purpose,
					   purpose_text[d->purpose_id],
					   sizeof(d->purpose)),
			    "%s[%u]: purpose '%.*s' is the V4L2 core's text for purpose_id %u",
			    q, i, (int)sizeof(d->purpose), d->purpose,
			    d->purpose_id);
		ktap_result(&sub, d->bytes % PAGE_SIZE_4K == 0 &&
				  (d->bytes == 0) == (d->count == 0) &&
				  d->bytes >= d->count *
					      (unsigned long long)PAGE_SIZE_4K,
			    "%s[%u]: %u buffers hold %llu bytes", q, i, d->count,
			    (unsigned long long)d->bytes);
		if (internal)
			ktap_result(&sub, d->size > 0 &&
					  d->size % PAGE_SIZE_4K == 0,
				    "%s[%u]: internal '%s' needs %llu bytes per buffer",
				    q, i, d->purpose,
				    (unsigned long long)d->size);
		else
			ktap_result(&sub, d->size == 0 && d->count == 0,
				    "%s[%u]: %llu bytes per buffer, %u allocated, before any allocation",
				    q, i, (unsigned long long)d->size, d->count);
	}
	ktap_subtest_end(k, &sub, "%s: ENUM_HEAPS entries", q);
}

void check_enum_errors(struct ktap *k, struct run *run, uint32_t type,
		       const struct entries *list)
{
	const char *q = buf_type_name(type);
	struct v4l2_heapdesc d;
	/* ... and the single/multi-planar counterpart of the queue's type */
	const uint32_t bad_types[] = {
		0, V4L2_BUF_TYPE_VBI_CAPTURE, V4L2_BUF_TYPE_SDR_OUTPUT,
		V4L2_BUF_TYPE_PRIVATE, buf_type_is_mplane(type) ? type - 8 : type + 8,
	};
	const unsigned int num_bad = sizeof(bad_types) / sizeof(bad_types[0]);
	struct ktap sub;
	unsigned int i;
	int err;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, 2 + num_bad + 1);
	memset(&d, 0, sizeof(d));
	d.type = type;
	d.index = list->n;
	err = ioctl_errno(run->fd, VIDIOC_ENUM_HEAPS, &d);
	ktap_result(&sub, err == EINVAL, "%s: index %u past the end: %s", q,
		    list->n, strerror(err));
	d.index = UINT32_MAX;
	err = ioctl_errno(run->fd, VIDIOC_ENUM_HEAPS, &d);
	ktap_result(&sub, err == EINVAL, "%s: index 0xffffffff: %s", q,
		    strerror(err));

	for (i = 0; i < num_bad; i++) {
		memset(&d, 0, sizeof(d));
		d.type = bad_types[i];
		err = ioctl_errno(run->fd, VIDIOC_ENUM_HEAPS, &d);
		ktap_result(&sub, err == EINVAL, "%s: ENUM_HEAPS with type %u: %s",
			    q, bad_types[i], strerror(err));
	}

	/* Applications must zero them, but garbage must not leak back. */
	memset(&d, 0xa5, sizeof(d));
	d.index = 0;
	d.type = type;
	err = ioctl_errno(run->fd, VIDIOC_ENUM_HEAPS, &d);
	ktap_result(&sub, !err && all_zero(d.reserved, sizeof(d.reserved)) &&
			  !memcmp(&d, &list->e[0], sizeof(d)),
		    "%s: garbage in output and reserved fields is ignored and cleared",
		    q);
	ktap_subtest_end(k, &sub, "%s: ENUM_HEAPS errors", q);
}

/*
 * A different resolution must show at once in the size of the internal
 * buffers reported with the queue, and not in the queue's own entries,
 * which have no buffers to size. The caller plans this subtest only for
 * queues with an image format that G_FMT reads.
 */
void check_format_tracking(struct ktap *k, struct run *run, uint32_t type,
			   const struct entries *before)
{
	unsigned long long old_size = format_buffer_size(run->fd, type);
	unsigned long long new_size = 0;
	struct v4l2_format fmt = { .type = type }, saved;
	const char *q = buf_type_name(type);
	struct entries after = { .n = 0 };
	unsigned int i, planned = 1;
	struct ktap sub;
	int err;

	ktap_subtest(k, &sub);
	err = ioctl_errno(run->fd, VIDIOC_G_FMT, &fmt);
	saved = fmt;
	/* Both fit every converted driver: vicodec needs at least 640x360. */
	fmt.fmt.pix.width = fmt.fmt.pix.width >= 1280 ? 640 : 1920;
	fmt.fmt.pix.height = fmt.fmt.pix.height >= 720 ? 480 : 1080;
	if (buf_type_is_mplane(type)) {
		fmt.fmt.pix_mp.width = fmt.fmt.pix.width;
		fmt.fmt.pix_mp.height = fmt.fmt.pix.height;
	}
	if (!err)
		err = ioctl_errno(run->fd, VIDIOC_S_FMT, &fmt);
	/* What follows depends on what the new format changed. */
	if (!err) {
		enumerate(run->fd, type, &after);
		new_size = format_buffer_size(run->fd, type);
		planned++;
		for (i = 0; i < after.n && i < before->n; i++)
			planned += after.e[i].usage != V4L2_HEAP_USAGE_INTERNAL ||
				   new_size != old_size;
	}
	ktap_plan(&sub, planned);
	if (!ktap_result(&sub, !err, "%s: S_FMT to another resolution", q))
		goto out;

	ktap_result(&sub, after.n == before->n, "%s: same entries after S_FMT",
		    q);
	for (i = 0; i < after.n && i < before->n; i++) {
		const struct v4l2_heapdesc *was = &before->e[i], *is = &after.e[i];

		if (is->usage != V4L2_HEAP_USAGE_INTERNAL)
			ktap_result(&sub, is->size == 0,
				    "%s[%u]: without buffers, size stays 0 after S_FMT (%llu bytes a buffer): %llu",
				    q, i, new_size,
				    (unsigned long long)is->size);
		else if (new_size != old_size)
			ktap_result(&sub, (is->size > was->size) ==
					  (new_size > old_size) &&
					  is->size != was->size,
				    "%s[%u]: internal '%s' follows the resolution: %llu -> %llu",
				    q, i, is->purpose,
				    (unsigned long long)was->size,
				    (unsigned long long)is->size);
	}

	ioctl_errno(run->fd, VIDIOC_S_FMT, &saved);
out:
	ktap_subtest_end(k, &sub, "%s: sizes after S_FMT", q);
}
