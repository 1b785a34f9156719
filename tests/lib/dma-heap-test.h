/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What test programs read about a dma-buf heap from sysfs, read where the
 * kernel publishes it rather than through libv4l2heap, which is under test
 * itself.
 *
 * Header only, like ktap.h: programs include it by relative path.
 */
#ifndef VB2HEAP_TESTS_DMA_HEAP_TEST_H
#define VB2HEAP_TESTS_DMA_HEAP_TEST_H

#include <stdbool.h>
#include <stdio.h>

/* DMA_HEAP_CAP_CONTIGUOUS in Documentation/ABI/testing/sysfs-class-dma_heap */
#define TEST_HEAP_CAP_CONTIGUOUS	0x1

/* 0 with the number the sysfs file @path holds in @value, -1 without one. */
static inline int sysfs_number(const char *path, unsigned long long *value)
{
	FILE *file = fopen(path, "r");
	int ok;

	if (!file)
		return -1;
	ok = fscanf(file, "%lli", value) == 1;
	fclose(file);
	return ok ? 0 : -1;
}

/* 0 with the heap's capability bits in @caps, -1 if it publishes none. */
static inline int heap_caps(const char *heap, unsigned long long *caps)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/dma_heap/%s/caps", heap);
	return sysfs_number(path, caps);
}

/*
 * Only CMA heaps report contiguous memory. They are also the only heaps
 * that can be registered twice for one area, which the kernel then selects
 * under the name it lists.
 */
static inline bool is_cma_heap(const char *heap)
{
	unsigned long long caps = 0;

	heap_caps(heap, &caps);
	return caps & TEST_HEAP_CAP_CONTIGUOUS;
}

#endif
