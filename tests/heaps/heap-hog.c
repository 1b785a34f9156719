// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaust a dma-buf heap, run a command while it is exhausted, then give
 * the memory back.
 *
 * Usage: heap-hog HEAP COMMAND [ARG...]
 * Exits with the command's status, or 125 if the heap could not be
 * exhausted or the command not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#define MAX_BUFFERS 4096

static int heap_alloc(int heap_fd, size_t len)
{
	struct dma_heap_allocation_data data = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	return ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0 ? -errno : (int)data.fd;
}

/* Halves the request on every -ENOMEM until even one page fails. */
static int exhaust(int heap_fd, int *fds, size_t *held)
{
	size_t len = 64u << 20;
	int n = 0, fd;

	*held = 0;
	while (len >= 4096 && n < MAX_BUFFERS) {
		fd = heap_alloc(heap_fd, len);
		if (fd == -ENOMEM) {
			len /= 2;
			continue;
		}
		if (fd < 0) {
			fprintf(stderr, "heap-hog: allocation failed: %s\n", strerror(-fd));
			return -1;
		}
		fds[n++] = fd;
		*held += len;
	}
	return n;
}

int main(int argc, char **argv)
{
	static int fds[MAX_BUFFERS];
	char path[256];
	int heap_fd, n, status;
	size_t held;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s HEAP COMMAND [ARG...]\n", argv[0]);
		return 125;
	}
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", argv[1]);
	heap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (heap_fd < 0) {
		fprintf(stderr, "heap-hog: %s: %s\n", path, strerror(errno));
		return 125;
	}
	n = exhaust(heap_fd, fds, &held);
	if (n < 0)
		return 125;
	fprintf(stderr, "heap-hog: holding %zu KiB of %s in %d buffers\n",
		held >> 10, argv[1], n);

	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "heap-hog: %s: %s\n", argv[2], strerror(errno));
		_exit(125);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 125;
	while (n)
		close(fds[--n]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
