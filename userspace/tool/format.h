/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heap lists and queue entries as aligned tables or as JSON
 */
#ifndef V4L2HEAP_TOOL_FORMAT_H
#define V4L2HEAP_TOOL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "v4l2heap.h"

/* The entries of one queue of the device */
struct format_queue {
	uint32_t type;
	const struct v4l2heap_entry *entries;
	size_t num_entries;
};

/* What the user asked to list: the system's heaps, a device, or both */
struct format_listing {
	bool with_heaps;
	const struct v4l2heap_heap *heaps;
	size_t num_heaps;
	bool with_device;
	const char *device;
	const struct format_queue *queues;
	size_t num_queues;
};

void format_tables(FILE *f, const struct format_listing *listing);
/* Writes one JSON object, so that both listings form one document. */
void format_json(FILE *f, const struct format_listing *listing);
/* Writes @s as a JSON string, quoted and escaped. */
void format_json_string(FILE *f, const char *s);

#endif /* V4L2HEAP_TOOL_FORMAT_H */
