// SPDX-License-Identifier: GPL-2.0
/*
 * Allocate, map, fill, re-map and free a buffer from each named dma-buf heap,
 * and check that the heap rejects malformed allocation requests.
 *
 * Usage: dma-heap-test HEAP...   (names as under /dev/dma_heap)
 * Prints KTAP, one subtest per heap; exits 1 if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "../lib/ktap.h"

#define BUF_SIZE (4u << 20)

/* Results of test_heap(), whichever way the allocation goes. */
#define HEAP_CHECKS	6

static void report(struct ktap *k, bool ok, const char *heap,
		   const char *check, const char *why)
{
	ktap_result(k, ok, "%s: %s%s%s", heap, check, ok ? "" : ": ",
		    ok ? "" : why);
}

static int heap_alloc(int heap_fd, uint64_t len, uint64_t heap_flags)
{
	struct dma_heap_allocation_data data = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
		.heap_flags = heap_flags,
	};

	if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return -errno;
	return data.fd;
}

static int buf_sync(int buf_fd, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(buf_fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 ? -errno : 0;
}

static uint32_t pattern(size_t i)
{
	return (uint32_t)(i * 2654435761u) ^ 0x5a5aa5a5u;
}

/* Writes through one mapping and reads back through a fresh one, so the
 * data must really live in the buffer's pages, not in a private copy.
 */
static const char *fill_and_verify(int buf_fd)
{
	const size_t words = BUF_SIZE / sizeof(uint32_t);
	uint32_t *map;
	size_t i;

	map = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	if (map == MAP_FAILED)
		return strerror(errno);
	if (buf_sync(buf_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE)) {
		munmap(map, BUF_SIZE);
		return "DMA_BUF_IOCTL_SYNC start failed";
	}
	for (i = 0; i < words; i++)
		map[i] = pattern(i);
	buf_sync(buf_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	munmap(map, BUF_SIZE);

	map = mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, buf_fd, 0);
	if (map == MAP_FAILED)
		return strerror(errno);
	buf_sync(buf_fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (i = 0; i < words && map[i] == pattern(i); i++)
		;
	buf_sync(buf_fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	munmap(map, BUF_SIZE);
	return i == words ? NULL : "data read back differs from data written";
}

static void test_heap(struct ktap *k, const char *heap)
{
	char path[256];
	const char *why;
	int heap_fd, buf_fd;
	struct ktap sub;

	ktap_subtest(k, &sub);
	ktap_plan(&sub, HEAP_CHECKS);
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	heap_fd = open(path, O_RDONLY | O_CLOEXEC);
	report(&sub, heap_fd >= 0, heap, "open heap node", strerror(errno));
	if (heap_fd < 0)
		goto out;

	buf_fd = heap_alloc(heap_fd, BUF_SIZE, 0);
	report(&sub, buf_fd >= 0, heap, "allocate 4 MiB", strerror(-buf_fd));
	if (buf_fd >= 0) {
		why = fill_and_verify(buf_fd);
		report(&sub, !why, heap, "mmap, write, re-mmap, read back", why);
		report(&sub, close(buf_fd) == 0, heap, "free", strerror(errno));
	}

	buf_fd = heap_alloc(heap_fd, 0, 0);
	report(&sub, buf_fd == -EINVAL, heap, "zero length is rejected",
	       buf_fd >= 0 ? "allocation succeeded" : strerror(-buf_fd));
	if (buf_fd >= 0)
		close(buf_fd);

	buf_fd = heap_alloc(heap_fd, BUF_SIZE, ~0ull);
	report(&sub, buf_fd == -EINVAL, heap, "unknown heap flags are rejected",
	       buf_fd >= 0 ? "allocation succeeded" : strerror(-buf_fd));
	if (buf_fd >= 0)
		close(buf_fd);

	close(heap_fd);
out:
	ktap_subtest_end(k, &sub, "%s", heap);
}

int main(int argc, char **argv)
{
	struct ktap k;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s HEAP...\n", argv[0]);
		return 2;
	}
	ktap_start(&k, argc - 1);
	for (i = 1; i < argc; i++)
		test_heap(&k, argv[i]);
	return ktap_exit(&k);
}
