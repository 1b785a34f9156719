// SPDX-License-Identifier: GPL-2.0
/*
 * What a user of a converted driver sees of its MMAP buffers, which must be
 * what the stock driver shows, on the capture queue of DEVICE:
 *
 *   drop-in expbuf DEVICE
 *	EXPBUF honours the access mode: a read-only export cannot be mapped
 *	writable, and every export is a dma-buf of its own.
 *   drop-in pin DEVICE OTHER BLOCKDEV
 *	An mmapped buffer is ordinary memory: it can be pinned for O_DIRECT
 *	I/O (to BLOCKDEV, which it overwrites) and queued as a USERPTR
 *	buffer on the output queue of the memory-to-memory device OTHER.
 *   drop-in no-pin STOCK DEVICE OTHER
 *	An mmapped buffer of contiguous memory cannot be pinned long-term:
 *	queued as a USERPTR buffer on OTHER, a buffer of DEVICE fails at
 *	once, with the error that one of STOCK, the same kind of queue on
 *	vb2-dma-contig, gets.
 *   drop-in realloc DEVICE COUNT HEAP
 *	REQBUFS(COUNT) on a queue holding COUNT buffers succeeds while the
 *	rest of HEAP is allocated by someone else: the memory freed within
 *	the ioctl is back in the heap before it allocates again.
 *
 * A pin that does not return within PIN_LIMIT_S seconds ends the program.
 *
 * Prints KTAP; exits 0 when every check passed, 1 when one failed, 2 on a
 * usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/videodev2.h>

#include "../lib/ktap.h"
#include "../lib/v4l2-test.h"

#define CAPTURE		V4L2_BUF_TYPE_VIDEO_CAPTURE
#define MAX_HOGS	4096
/* Pinning a buffer takes milliseconds. */
#define PIN_LIMIT_S	60

static struct ktap k;

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		fprintf(stderr, "drop-in: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static int reqbufs(int fd, uint32_t type, uint32_t memory, unsigned int count)
{
	struct v4l2_requestbuffers rb = {
		.count = count, .type = type, .memory = memory,
	};

	/* Drivers may round up to the minimum they need, never down. */
	return ioctl_errno(fd, VIDIOC_REQBUFS, &rb) ?: (rb.count >= count ? 0 : ENOMEM);
}

/* Allocates one MMAP buffer on the capture queue and maps it. */
static void *map_capture_buffer(int fd, size_t *length)
{
	struct v4l2_buffer buf = { .type = CAPTURE, .memory = V4L2_MEMORY_MMAP };
	void *p;
	int err;

	err = reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, 1) ?:
	      ioctl_errno(fd, VIDIOC_QUERYBUF, &buf);
	if (err) {
		fprintf(stderr, "drop-in: REQBUFS/QUERYBUF: %s\n", strerror(err));
		exit(2);
	}
	p = mmap(NULL, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 buf.m.offset);
	if (p == MAP_FAILED) {
		fprintf(stderr, "drop-in: mmap: %s\n", strerror(errno));
		exit(2);
	}
	*length = buf.length;
	return p;
}

static int expbuf(int fd, int flags)
{
	struct v4l2_exportbuffer eb = { .type = CAPTURE, .flags = flags };
	int err = ioctl_errno(fd, VIDIOC_EXPBUF, &eb);

	return err ? -err : eb.fd;
}

static int mmap_error(int fd, size_t length, int prot)
{
	void *p = mmap(NULL, length, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, length);
	return 0;
}

static void check_expbuf(int fd)
{
	struct stat ro_st, rw_st;
	size_t length;
	int ro, rw, err;
	void *p;

	p = map_capture_buffer(fd, &length);
	munmap(p, length);
	ro = expbuf(fd, O_RDONLY | O_CLOEXEC);
	rw = expbuf(fd, O_RDWR | O_CLOEXEC);
	if (!ktap_result(&k, ro >= 0 && rw >= 0, "EXPBUF read-only and read-write: %s, %s",
			 strerror(ro < 0 ? -ro : 0), strerror(rw < 0 ? -rw : 0)))
		return;

	err = mmap_error(ro, length, PROT_READ | PROT_WRITE);
	ktap_result(&k, err == EACCES, "a read-only export cannot be mapped writable: %s",
		    strerror(err));
	err = mmap_error(ro, length, PROT_READ);
	ktap_result(&k, !err, "a read-only export can be mapped for reading: %s",
		    strerror(err));
	err = mmap_error(rw, length, PROT_READ | PROT_WRITE);
	ktap_result(&k, !err, "a read-write export can be mapped writable: %s",
		    strerror(err));
	err = fstat(ro, &ro_st) || fstat(rw, &rw_st) ? errno : 0;
	ktap_result(&k, !err && ro_st.st_ino != rw_st.st_ino,
		    "each export is a dma-buf of its own (inodes %lu and %lu): %s",
		    err ? 0 : (unsigned long)ro_st.st_ino,
		    err ? 0 : (unsigned long)rw_st.st_ino, strerror(err));
	close(ro);
	close(rw);
	reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, 0);
}

/* QBUF of the first @length bytes at @p as a USERPTR output buffer. */
static int qbuf_userptr(int other, void *p, size_t length)
{
	struct v4l2_buffer buf = {
		.type = V4L2_BUF_TYPE_VIDEO_OUTPUT,
		.memory = V4L2_MEMORY_USERPTR,
		.m.userptr = (unsigned long)p,
		.length = length,
		.bytesused = length,
	};

	return ioctl_errno(other, VIDIOC_QBUF, &buf);
}

/*
 * Sets up OTHER's output queue for one USERPTR buffer of its format's size,
 * which *@size returns, no larger than @length.
 */
static int userptr_output(int other, size_t length, unsigned int *size)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
	int err = ioctl_errno(other, VIDIOC_G_FMT, &fmt);

	*size = fmt.fmt.pix.sizeimage;
	if (!err && *size > length)
		err = EFBIG;
	return err ?: reqbufs(other, V4L2_BUF_TYPE_VIDEO_OUTPUT,
			      V4L2_MEMORY_USERPTR, 1);
}

static void check_pin(int fd, const char *other_path, const char *blockdev)
{
	unsigned int size;
	int other, blk, err;
	size_t length;
	ssize_t n;
	void *p;

	p = map_capture_buffer(fd, &length);
	memset(p, 0x5a, length);
	/* SIGALRM's default action ends the process, in the kernel too. */
	alarm(PIN_LIMIT_S);

	/* Direct I/O pins the pages it writes from. */
	blk = open_or_die(blockdev, O_RDWR | O_DIRECT);
	n = pwrite(blk, p, length & ~4095UL, 0);
	ktap_result(&k, n == (ssize_t)(length & ~4095UL),
		    "O_DIRECT write of %zu bytes from the mapped buffer: %s",
		    length & ~4095UL, n < 0 ? strerror(errno) : "done");
	close(blk);

	other = open_or_die(other_path, O_RDWR);
	err = userptr_output(other, length, &size);
	if (!ktap_result(&k, !err, "%s takes USERPTR buffers of %u bytes: %s",
			 other_path, size, strerror(err)))
		goto out;
	err = qbuf_userptr(other, p, size);
	ktap_result(&k, !err, "the mapped buffer is queued as USERPTR on %s: %s",
		    other_path, strerror(err));
	reqbufs(other, V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_MEMORY_USERPTR, 0);
out:
	alarm(0);
	close(other);
	munmap(p, length);
	reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, 0);
}

static void check_no_pin(int stock, int fd, const char *other_path)
{
	size_t stock_length, length;
	int other, err, want;
	void *stock_p, *p;
	unsigned int size;

	stock_p = map_capture_buffer(stock, &stock_length);
	p = map_capture_buffer(fd, &length);
	other = open_or_die(other_path, O_RDWR);
	err = userptr_output(other, length < stock_length ? length : stock_length,
			     &size);
	if (err) {
		fprintf(stderr, "drop-in: USERPTR buffers on %s: %s\n",
			other_path, strerror(err));
		exit(2);
	}

	alarm(PIN_LIMIT_S);
	want = qbuf_userptr(other, stock_p, size);
	ktap_result(&k, want, "QBUF of a vb2-dma-contig mapping as USERPTR fails: %s",
		    strerror(want));
	err = qbuf_userptr(other, p, size);
	ktap_result(&k, err == want, "QBUF of the mapped buffer as USERPTR fails the same way: %s",
		    strerror(err));
	alarm(0);

	reqbufs(other, V4L2_BUF_TYPE_VIDEO_OUTPUT, V4L2_MEMORY_USERPTR, 0);
	close(other);
	munmap(p, length);
	munmap(stock_p, stock_length);
	reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, 0);
	reqbufs(stock, CAPTURE, V4L2_MEMORY_MMAP, 0);
}

/* Allocates from the heap until it is exhausted; returns how many. */
static unsigned int hog(int heap, int *fds)
{
	unsigned long long size = 64ULL << 20;
	unsigned int n = 0;

	while (size >= 4096 && n < MAX_HOGS) {
		struct dma_heap_allocation_data data = {
			.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data))
			size /= 2;
		else
			fds[n++] = data.fd;
	}
	return n;
}

static void check_realloc(int fd, unsigned int count, const char *heap_name)
{
	char path[128];
	int heap, err, *fds;
	unsigned int n;

	fds = calloc(MAX_HOGS, sizeof(*fds));
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap_name);
	heap = open_or_die(path, O_RDONLY | O_CLOEXEC);
	if (!fds)
		exit(2);

	err = reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, count);
	if (!ktap_result(&k, !err, "REQBUFS(%u): %s", count, strerror(err)))
		return;
	n = hog(heap, fds);
	printf("# %u allocations took the rest of %s\n", n, heap_name);

	err = reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, count);
	ktap_result(&k, !err, "REQBUFS(%u) again, with only the queue's own memory left in %s: %s",
		    count, heap_name, strerror(err));

	while (n)
		close(fds[--n]);
	close(heap);
	free(fds);
	reqbufs(fd, CAPTURE, V4L2_MEMORY_MMAP, 0);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: drop-in expbuf DEVICE\n"
		"       drop-in pin DEVICE OTHER BLOCKDEV\n"
		"       drop-in no-pin STOCK DEVICE OTHER\n"
		"       drop-in realloc DEVICE COUNT HEAP\n");
	return 2;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		return usage();
	fd = open_or_die(argv[2], O_RDWR);
	if (!strcmp(argv[1], "expbuf") && argc == 3) {
		ktap_start(&k, 5);
		check_expbuf(fd);
	} else if (!strcmp(argv[1], "pin") && argc == 5) {
		ktap_start(&k, 3);
		check_pin(fd, argv[3], argv[4]);
	} else if (!strcmp(argv[1], "no-pin") && argc == 5) {
		ktap_start(&k, 2);
		check_no_pin(fd, open_or_die(argv[3], O_RDWR), argv[4]);
	} else if (!strcmp(argv[1], "realloc") && argc == 5) {
		ktap_start(&k, 2);
		check_realloc(fd, strtoul(argv[3], NULL, 0), argv[4]);
	} else {
		return usage();
	}
	close(fd);
	return ktap_exit(&k);
}
