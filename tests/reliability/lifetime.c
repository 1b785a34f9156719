// SPDX-License-Identifier: GPL-2.0
/*
 * Memory that goes away, or must not, at the worst moment:
 *
 *   lifetime mid-stream DEVICE HEAP
 *       another process exhausts HEAP while DEVICE streams: the stream
 *       goes on with the buffers it has, and a new allocation either
 *       falls back as the queue's policy allows or fails with ENOMEM
 *   lifetime emptied DEVICE HEAP
 *       HEAP runs out between REQBUFS and STREAMON, when a codec
 *       allocates its internal buffers: STREAMON succeeds or fails with
 *       ENOMEM leaving nothing behind, and succeeds once memory is back
 *   lifetime heap-fd-closed DEVICE HEAP
 *       the heap descriptor given to S_HEAP is closed before REQBUFS: the
 *       queue still allocates from HEAP
 *   lifetime hold EXPORTER IMPORTER
 *       exports EXPORTER's buffers, maps them, closes EXPORTER and imports
 *       them into IMPORTER (a mem2mem device), prints "ready" and waits
 *       for SIGUSR1, before which the caller unbinds EXPORTER's driver
 *       and removes its module; then the mappings must still hold what
 *       was written and IMPORTER must stream from them
 *
 * Every mode ends with every handle closed and checks that the kernel's
 * dma-buf list and the CMA page counters are back where they started.
 * Output is KTAP; exit status 0 when every check passed, 1 when one failed,
 * 2 when the checks could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vdev.h"

#define BUFFERS		2
#define FRAMES		10
#define HOG_CHUNK	(1024 * 1024)
#define PATTERN		0x5a

struct hog {
	pid_t pid;
	int release;		/* closing it lets the hog exit */
};

/*
 * Another process takes everything HEAP has, in 1 MiB buffers and then
 * in pages, and holds it until hog_stop().
 */
static int hog_start(struct hog *hog, const char *heap)
{
	int ready[2], release[2];
	unsigned long long size;
	char c = 0;

	if (pipe(ready) || pipe(release))
		return -errno;
	hog->pid = fork();
	if (hog->pid < 0)
		return -errno;
	if (hog->pid == 0) {
		close(ready[0]);
		close(release[1]);
		for (size = HOG_CHUNK; size >= 4096; size /= 16)
			while (heap_alloc(heap, size) >= 0)
				;
		if (write(ready[1], &c, 1) != 1 || read(release[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	hog->release = release[1];
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -EIO;
	}
	close(ready[0]);
	return 0;
}

static int hog_stop(struct hog *hog)
{
	int status;

	close(hog->release);
	if (waitpid(hog->pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int dqbuf(int fd, uint32_t type, unsigned int *index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;
	int ret = vdev_dqbuf(fd, type, true, &buf, planes);

	*index = buf.index;
	return ret;
}

/* Cycles FRAMES buffers through every queue of a streaming device. */
static int cycle_frames(struct vdev *dev)
{
	unsigned int index;
	int i, t, ret;

	for (i = 0; i < FRAMES; i++)
		for (t = dev->ntypes - 1; t >= 0; t--) {
			ret = dqbuf(dev->fd, dev->types[t], &index);
			if (ret)
				return ret;
			ret = vdev_qbuf(dev->fd, dev->types[t], V4L2_MEMORY_MMAP,
					index, 0, 0);
			if (ret)
				return ret;
		}
	return 0;
}

static int start_streaming(struct vdev *dev)
{
	int t, ret = 0;

	for (t = 0; !ret && t < dev->ntypes; t++) {
		ret = vdev_queue_all_mmap(dev->fd, dev->types[t], BUFFERS);
		ret = ret < 0 ? ret : 0;
	}
	for (t = 0; !ret && t < dev->ntypes; t++)
		ret = vdev_stream(dev->fd, dev->types[t], true);
	return ret;
}

static void stop_streaming(struct vdev *dev)
{
	int t;

	for (t = 0; t < dev->ntypes; t++) {
		vdev_stream(dev->fd, dev->types[t], false);
		vdev_reqbufs(dev->fd, dev->types[t], V4L2_MEMORY_MMAP, 0);
	}
}

static void mid_stream(struct ktap *tap, const char *path, const char *heap)
{
	struct vdev dev;
	struct hog hog;
	int t, ret;

	if (!ktap_result(tap, !vdev_open(&dev, path) && !start_streaming(&dev),
		    "%s streams", path))
		return;
	ktap_result(tap, !cycle_frames(&dev), "frames before %s runs out", heap);
	if (!ktap_result(tap, !hog_start(&hog, heap), "another process exhausts %s",
		    heap)) {
		vdev_close(&dev);
		return;
	}
	ret = cycle_frames(&dev);
	ktap_result(tap, !ret, "frames go on while %s is exhausted%s%s", heap,
	       ret ? ": " : "", ret ? strerror(-ret) : "");
	stop_streaming(&dev);
	for (t = 0; t < dev.ntypes; t++) {
		ret = vdev_reqbufs(dev.fd, dev.types[t], V4L2_MEMORY_MMAP,
				   BUFFERS);
		ktap_result(tap, ret > 0 || ret == -ENOMEM,
		       "%s: REQBUFS while %s is exhausted: %s",
		       buf_type_name(dev.types[t]), heap,
		       ret > 0 ? "allocated" : strerror(-ret));
	}
	stop_streaming(&dev);
	ktap_result(tap, !hog_stop(&hog), "the other process gives %s back", heap);
	ktap_result(tap, !start_streaming(&dev) && !cycle_frames(&dev),
	       "streams again with %s back", heap);
	vdev_close(&dev);
}

static void emptied(struct ktap *tap, const char *path, const char *heap)
{
	unsigned int internal;
	struct vdev dev;
	struct hog hog;
	int t, ret = 0;

	if (!ktap_result(tap, !vdev_open(&dev, path), "%s opens", path))
		return;
	for (t = 0; !ret && t < dev.ntypes; t++) {
		ret = vdev_queue_all_mmap(dev.fd, dev.types[t], BUFFERS);
		ret = ret < 0 ? ret : 0;
	}
	if (!ktap_result(tap, !ret, "buffers queued") ||
	    !ktap_result(tap, !hog_start(&hog, heap), "another process exhausts %s",
		    heap)) {
		vdev_close(&dev);
		return;
	}
	for (t = 0; !ret && t < dev.ntypes; t++)
		ret = vdev_stream(dev.fd, dev.types[t], true);
	internal = vdev_internal_buffers(&dev);
	if (ret)
		ktap_result(tap, ret == -ENOMEM && internal == 0,
		       "STREAMON with %s exhausted: %s, %u internal buffers left",
		       heap, strerror(-ret), internal);
	else
		ktap_result(tap, true,
		       "STREAMON with %s exhausted: succeeded, %u internal buffers",
		       heap, internal);
	for (t = 0; t < dev.ntypes; t++)
		vdev_stream(dev.fd, dev.types[t], false);
	ktap_result(tap, !hog_stop(&hog), "the other process gives %s back", heap);
	for (t = 0, ret = 0; !ret && t < dev.ntypes; t++)
		ret = vdev_stream(dev.fd, dev.types[t], true);
	ktap_result(tap, !ret, "STREAMON with %s back%s%s", heap, ret ? ": " : "",
	       ret ? strerror(-ret) : "");
	vdev_close(&dev);
}

static void heap_fd_closed(struct ktap *tap, const char *path,
			   const char *heap)
{
	char node[128];
	struct v4l2_heapdesc d;
	struct vdev dev;
	int heap_fd, ret;

	snprintf(node, sizeof(node), "/dev/dma_heap/%s", heap);
	heap_fd = open(node, O_RDONLY | O_CLOEXEC);
	if (!ktap_result(tap, heap_fd >= 0 && !vdev_open(&dev, path),
		    "%s and %s open", path, node))
		return;
	ret = vdev_s_heap(dev.fd, dev.types[0], heap_fd);
	close(heap_fd);
	if (ktap_result(tap, !ret, "S_HEAP %s%s%s", heap, ret ? ": " : "",
		   ret ? strerror(-ret) : "")) {
		ret = vdev_reqbufs(dev.fd, dev.types[0], V4L2_MEMORY_MMAP,
				   BUFFERS);
		ktap_result(tap, ret > 0, "REQBUFS after the heap fd was closed: %s",
		       ret > 0 ? "allocated" : strerror(-ret));
		ktap_result(tap, !vdev_enum_heap(dev.fd, dev.types[0], 0, &d) &&
			     !strcmp((char *)d.name, heap) && d.count == (unsigned int)ret,
		       "the %d buffers are in %s: ENUM_HEAPS says %u in '%s'",
		       ret, heap, d.count, d.name);
		vdev_reqbufs(dev.fd, dev.types[0], V4L2_MEMORY_MMAP, 0);
		vdev_s_heap(dev.fd, dev.types[0], V4L2_HEAP_FD_DEFAULT);
	}
	vdev_close(&dev);
}

/*
 * A format for the importer's output queue whose frames fit in the
 * exported buffers of SIZE bytes.
 */
static int fit_format(struct vdev *imp, unsigned int size)
{
	struct v4l2_format fmt = { .type = imp->types[0] };
	int ret = vdev_ioctl(imp->fd, VIDIOC_G_FMT, &fmt);

	if (ret)
		return ret;
	if (buf_type_is_mplane(fmt.type)) {
		fmt.fmt.pix_mp.width = 320;
		fmt.fmt.pix_mp.height = 240;
	} else {
		fmt.fmt.pix.width = 320;
		fmt.fmt.pix.height = 240;
		fmt.fmt.pix.sizeimage = 0;
	}
	ret = vdev_ioctl(imp->fd, VIDIOC_S_FMT, &fmt);
	if (ret)
		return ret;
	return vdev_plane_size(imp->fd, fmt.type) <= size ? 0 : -ENOSPC;
}

static void hold(struct ktap *tap, const char *exporter, const char *importer)
{
	unsigned char *map[BUFFERS];
	int fds[BUFFERS], i, ret, n = 0;
	struct vdev exp, imp = { .fd = -1 };
	unsigned int size = 0, index;
	sigset_t usr1;
	bool intact = true;
	int sig;

	if (!ktap_result(tap, !vdev_open(&exp, exporter), "%s opens", exporter))
		return;
	size = vdev_plane_size(exp.fd, exp.types[0]);
	if (vdev_reqbufs(exp.fd, exp.types[0], V4L2_MEMORY_MMAP, BUFFERS) >= BUFFERS)
		for (; n < BUFFERS; n++) {
			fds[n] = vdev_expbuf(exp.fd, exp.types[0], n);
			if (fds[n] < 0)
				break;
			map[n] = mmap(NULL, size, PROT_READ | PROT_WRITE,
				      MAP_SHARED, fds[n], 0);
			if (map[n] == MAP_FAILED) {
				close(fds[n]);
				break;
			}
			memset(map[n], PATTERN + n, size);
		}
	vdev_close(&exp);
	if (!ktap_result(tap, n == BUFFERS, "%d buffers of %s exported and mapped",
		    BUFFERS, exporter))
		goto out;
	ret = vdev_open(&imp, importer);
	if (!ret)
		ret = imp.m2m ? fit_format(&imp, size) : -ENOTTY;
	if (!ret)
		ret = vdev_reqbufs(imp.fd, imp.types[0], V4L2_MEMORY_DMABUF, BUFFERS);
	if (!ktap_result(tap, ret >= BUFFERS, "the mem2mem device %s takes imported buffers%s%s",
		    importer, ret < 0 ? ": " : "", ret < 0 ? strerror(-ret) : ""))
		goto out;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("ready\n");
	fflush(stdout);
	if (sigwait(&usr1, &sig))
		goto out;

	for (i = 0; i < BUFFERS; i++)
		intact &= map[i][0] == PATTERN + i && map[i][size - 1] == PATTERN + i;
	ktap_result(tap, intact, "the mappings kept what was written after %s went away",
	       exporter);
	for (i = 0, ret = 0; !ret && i < BUFFERS; i++)
		ret = vdev_qbuf(imp.fd, imp.types[0], V4L2_MEMORY_DMABUF, i,
				fds[i], size);
	if (!ret) {
		ret = vdev_queue_all_mmap(imp.fd, imp.types[1], BUFFERS);
		ret = ret < 0 ? ret : 0;
	}
	for (i = 0; !ret && i < imp.ntypes; i++)
		ret = vdev_stream(imp.fd, imp.types[i], true);
	if (!ret)
		ret = dqbuf(imp.fd, imp.types[1], &index);
	ktap_result(tap, !ret, "%s streams from the buffers of the removed device%s%s",
	       importer, ret ? ": " : "", ret ? strerror(-ret) : "");
out:
	vdev_close(&imp);
	for (i = 0; i < n; i++) {
		munmap(map[i], size);
		close(fds[i]);
	}
}

int main(int argc, char **argv)
{
	struct accounting base, now;
	struct ktap tap;
	struct vdev dev;
	int ntypes = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s mid-stream|emptied|heap-fd-closed DEVICE HEAP\n"
			"       %s hold EXPORTER IMPORTER\n", argv[0], argv[0]);
		return 2;
	}
	if (accounting_read(&base)) {
		fprintf(stderr, "cannot read the dma-buf and CMA accounting\n");
		return 2;
	}
	/*
	 * Each mode's results, and one for the accounting; mid-stream
	 * reports REQBUFS once per queue.
	 */
	if (!strcmp(argv[1], "mid-stream")) {
		if (!vdev_open(&dev, argv[2])) {
			ntypes = dev.ntypes;
			vdev_close(&dev);
		}
		ktap_start(&tap, 6 + ntypes + 1);
		mid_stream(&tap, argv[2], argv[3]);
	} else if (!strcmp(argv[1], "emptied")) {
		ktap_start(&tap, 6 + 1);
		emptied(&tap, argv[2], argv[3]);
	} else if (!strcmp(argv[1], "heap-fd-closed")) {
		ktap_start(&tap, 4 + 1);
		heap_fd_closed(&tap, argv[2], argv[3]);
	} else if (!strcmp(argv[1], "hold")) {
		ktap_start(&tap, 5 + 1);
		hold(&tap, argv[2], argv[3]);
	} else {
		return 2;
	}
	if (accounting_settle(&base, &now))
		ktap_result(&tap, false, "%lld dma-bufs and %lld CMA pages left behind",
		       now.dmabufs - base.dmabufs, now.cma_pages - base.cma_pages);
	else
		ktap_result(&tap, true, "every dma-buf and CMA page came back");
	return ktap_exit(&tap);
}
