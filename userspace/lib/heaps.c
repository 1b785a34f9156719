// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The system's dma-buf heaps: listing them, opening their nodes and
 * allocating dma-bufs from them.
 */
#include <dirent.h>
#include <stdbool.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/videodev2.h>

#include "internal.h"

#define HEAP_DEV_DIR	"/dev/dma_heap"
#define HEAP_SYSFS_DIR	"/sys/class/dma_heap"

/* v4l2heap.h mirrors these so that it need not include linux/videodev2.h. */
_Static_assert(V4L2HEAP_NAME_MAX == V4L2_HEAP_NAME_SIZE,
	       "heap name size differs from the uAPI");
_Static_assert(V4L2HEAP_CAP_CONTIGUOUS == DMA_HEAP_CAP_CONTIGUOUS,
	       "contiguous capability differs from the uAPI");

static int compare_heaps(const void *a, const void *b)
{
	const struct v4l2heap_heap *heap_a = a, *heap_b = b;

	return strcmp(heap_a->name, heap_b->name);
}

/* Kernels without the caps attribute know no capabilities: 0. */
static uint32_t read_caps(const char *name)
{
	char path[sizeof(HEAP_SYSFS_DIR) + V4L2HEAP_NAME_MAX + 8];
	char text[32];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), HEAP_SYSFS_DIR "/%s/caps", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	text[len] = '\0';
	return strtoul(text, NULL, 0);
}

/* Appends @name to the growing array *@heaps of *@count entries. */
static int add_heap(struct v4l2heap_heap **heaps, size_t *count,
		    size_t *capacity, const char *name)
{
	struct v4l2heap_heap *grown;

	if (*count == *capacity) {
		*capacity = *capacity ? 2 * *capacity : 8;
		grown = realloc(*heaps, *capacity * sizeof(**heaps));
		if (!grown)
			return -ENOMEM;
		*heaps = grown;
	}
	memset(&(*heaps)[*count], 0, sizeof(**heaps));
	strcpy((*heaps)[*count].name, name);
	(*count)++;
	return 0;
}

/* Reads the heap names of @dir into a new array; returns their number. */
static int read_heap_names(DIR *dir, struct v4l2heap_heap **heaps,
			   struct v4l2heap_err *err)
{
	size_t count = 0, capacity = 0;
	struct dirent *entry;
	int ret;

	*heaps = NULL;
	for (;;) {
		errno = 0;
		entry = readdir(dir);
		if (!entry)
			break;
		/*
		 * V4L2 cannot name a heap whose name does not fit its 64
		 * bytes, so such a heap is of no use with this library.
		 */
		if (entry->d_name[0] == '.' ||
		    strlen(entry->d_name) >= V4L2HEAP_NAME_MAX)
			continue;
		ret = add_heap(heaps, &count, &capacity, entry->d_name);
		if (ret) {
			lv2h_fail(err, ret, "out of memory listing the heaps");
			goto fail;
		}
	}
	if (errno) {
		ret = -errno;
		lv2h_fail(err, ret, HEAP_DEV_DIR ": cannot read: %s",
			  strerror(-ret));
		goto fail;
	}
	return count;

fail:
	free(*heaps);
	*heaps = NULL;
	return ret;
}

V4L2HEAP_EXPORT int v4l2heap_list_heaps(struct v4l2heap_heap *heaps,
					size_t max, struct v4l2heap_err *err)
{
	struct v4l2heap_heap *all;
	DIR *dir;
	int count, i;

	dir = opendir(HEAP_DEV_DIR);
	if (!dir) {
		int ret = -errno;

		/* A kernel without dma-buf heaps has no heaps to list. */
		if (ret == -ENOENT)
			return 0;
		return lv2h_fail(err, ret, HEAP_DEV_DIR ": %s",
				 strerror(-ret));
	}
	count = read_heap_names(dir, &all, err);
	closedir(dir);
	if (count < 0)
		return count;

	/* qsort() must not see the NULL array of an empty directory. */
	if (count)
		qsort(all, count, sizeof(*all), compare_heaps);
	for (i = 0; i < count && (size_t)i < max; i++) {
		heaps[i] = all[i];
		heaps[i].caps = read_caps(all[i].name);
	}
	free(all);
	return count;
}

/* Keeps a name from reaching outside /dev/dma_heap or past uAPI limits. */
static int check_heap_name(const char *name, struct v4l2heap_err *err)
{
	if (!name || !*name)
		return lv2h_fail(err, -EINVAL, "no heap name given");
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return lv2h_fail(err, -EINVAL,
				 "'%s' is not a heap name: heaps are named as under "
				 HEAP_DEV_DIR, name);
	if (strlen(name) >= V4L2HEAP_NAME_MAX)
		return lv2h_fail(err, -ENAMETOOLONG,
				 "heap name '%.32s...' is longer than %d characters",
				 name, V4L2HEAP_NAME_MAX - 1);
	return 0;
}

static int open_heap_error(const char *name, int code, struct v4l2heap_err *err)
{
	switch (code) {
	case -ENOENT:
		return lv2h_fail(err, code,
				 "no dma-buf heap named '%s' (see " HEAP_DEV_DIR ")",
				 name);
	case -EACCES:
	case -EPERM:
		return lv2h_fail(err, code,
				 "heap '%s': permission denied: only a process that may open "
				 HEAP_DEV_DIR "/%s can allocate from it or select it",
				 name, name);
	default:
		return lv2h_fail(err, code, "heap '%s': " HEAP_DEV_DIR "/%s: %s",
				 name, name, strerror(-code));
	}
}

V4L2HEAP_EXPORT int v4l2heap_open_heap(const char *name,
				       struct v4l2heap_err *err)
{
	char path[sizeof(HEAP_DEV_DIR) + V4L2HEAP_NAME_MAX];
	int ret, fd;

	ret = check_heap_name(name, err);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), HEAP_DEV_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return open_heap_error(name, -errno, err);
	return fd;
}

/* Allocates from the open heap node @heap_fd; @name is for messages. */
int lv2h_alloc_from(int heap_fd, const char *name, uint64_t size,
		    struct v4l2heap_err *err)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int ret;

	if (!size)
		return lv2h_fail(err, -EINVAL,
				 "heap '%s': cannot allocate a buffer of 0 bytes",
				 name);
	ret = lv2h_ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data);
	if (ret == -ENOTTY)
		return lv2h_fail(err, ret, "'%s' is not a dma-buf heap",
				 name);
	if (ret == -ENOMEM)
		return lv2h_fail(err, ret,
				 "heap '%s': no room for a buffer of %llu bytes",
				 name, (unsigned long long)size);
	if (ret)
		return lv2h_fail(err, ret,
				 "heap '%s': cannot allocate %llu bytes: %s",
				 name, (unsigned long long)size,
				 strerror(-ret));
	return data.fd;
}

/*
 * The name of the heap open as @heap_fd, for messages: the fd may come
 * from another process, so only the node it was opened from tells which
 * heap it is. Another node is named by its path, an fd without one by
 * its number. Returns whether the fd was opened from a heap node.
 */
bool lv2h_heap_fd_name(int heap_fd, char *name, size_t size)
{
	static const char prefix[] = HEAP_DEV_DIR "/";
	char path[PATH_MAX];
	char link[32];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", heap_fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len <= 0) {
		snprintf(name, size, "fd %d", heap_fd);
		return false;
	}
	path[len] = '\0';
	if (!strncmp(path, prefix, sizeof(prefix) - 1) &&
	    path[sizeof(prefix) - 1] && !strchr(path + sizeof(prefix) - 1, '/')) {
		snprintf(name, size, "%s", path + sizeof(prefix) - 1);
		return true;
	}
	snprintf(name, size, "%s", path);
	return false;
}

V4L2HEAP_EXPORT int v4l2heap_alloc_fd(int heap_fd, uint64_t size,
				      struct v4l2heap_err *err)
{
	char name[V4L2HEAP_ERR_MAX / 2];

	lv2h_heap_fd_name(heap_fd, name, sizeof(name));
	return lv2h_alloc_from(heap_fd, name, size, err);
}

V4L2HEAP_EXPORT int v4l2heap_alloc(const char *name, uint64_t size,
				   struct v4l2heap_err *err)
{
	int heap_fd, ret;

	heap_fd = v4l2heap_open_heap(name, err);
	if (heap_fd < 0)
		return heap_fd;
	ret = lv2h_alloc_from(heap_fd, name, size, err);
	close(heap_fd);
	return ret;
}
