// SPDX-License-Identifier: GPL-2.0
/*
 * Races every entry point of a V4L2 queue with heaps against each other:
 * threads share one file handle and others have their own, and for a
 * bounded time each thread picks at random among S_HEAP, G_HEAP,
 * ENUM_HEAPS, S_FMT, REQBUFS, CREATE_BUFS, EXPBUF, mmap, QBUF, DQBUF,
 * STREAMON, STREAMOFF and closing its handle (the shared one is replaced
 * under the others with dup2). The kernel's lock and sleep checkers judge
 * the locking; this program judges that every call failed with an error
 * such a race may cause, that nothing stays allocated once the handles
 * are closed and that the device streams afterwards.
 *
 * Usage: race [--seconds N] [--seed N] DEVICE...
 * Output is KTAP: errors, leftovers, and one result per device.
 * All devices race at once, in one process, so that the accounting at the
 * end covers them all. Exit status 0 when all of that held, 1 when not, 2
 * when the run could not start.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vdev.h"

#define SHARED_THREADS	2
#define OWN_THREADS	2
#define THREADS		(SHARED_THREADS + OWN_THREADS)
#define MAX_HEAPS	8
#define MAX_BUFFERS	3
#define OPS		12
#define MAX_DEVICES	8

struct target {
	const char *path;
	struct vdev shape;	/* the queue types of the device */
	int shared_fd;		/* the same number throughout: dup2 swaps it */
	/* the formats before the race, which vimc's pipeline depends on */
	struct v4l2_format formats[VDEV_MAX_QUEUES];
};

struct race {
	int heap_fds[MAX_HEAPS];
	int nheaps;
	struct timespec end;
	atomic_ulong ops;
	atomic_ulong errnos[256];
	atomic_ulong unexpected;
};

struct worker {
	struct race *race;
	struct target *target;
	pthread_t thread;
	uint64_t state;
	bool shared;
	int own_fd;
};

static const char *const op_names[OPS] = {
	"S_HEAP", "G_HEAP", "ENUM_HEAPS", "S_FMT", "REQBUFS", "CREATE_BUFS",
	"EXPBUF", "mmap", "QBUF", "DQBUF", "STREAMON/OFF", "close",
};

static uint32_t below(struct worker *w, uint32_t n)
{
	w->state ^= w->state >> 12;
	w->state ^= w->state << 25;
	w->state ^= w->state >> 27;
	return (w->state * 0x2545f4914f6cdd1dULL) % n;
}

/*
 * The errors racing callers can cause each other: a queue busy, freed,
 * reformatted or stopped under them, a buffer in the wrong state, no
 * frame yet, the end of a stream, a descriptor closed under them.
 */
static bool race_error(int err)
{
	switch (err) {
	case EINVAL:
	case EBUSY:
	case ENOMEM:
	case EAGAIN:
	case ENODEV:
	case EBADF:
	case EIO:
	case EPIPE:
		return true;
	default:
		return false;
	}
}

static void count(struct worker *w, int op, int ret)
{
	struct race *r = w->race;

	atomic_fetch_add(&r->ops, 1);
	if (ret >= 0)
		return;
	atomic_fetch_add(&r->errnos[-ret & 0xff], 1);
	if (!race_error(-ret) && atomic_fetch_add(&r->unexpected, 1) < 20)
		printf("# %s: %s\n", op_names[op], strerrorname_np(-ret));
}

static int worker_fd(struct worker *w)
{
	return w->shared ? w->target->shared_fd : w->own_fd;
}

static int s_fmt(struct worker *w, int fd, uint32_t type)
{
	struct v4l2_format fmt = { .type = type };
	bool small = below(w, 2);
	int ret = vdev_ioctl(fd, VIDIOC_G_FMT, &fmt);

	if (ret)
		return ret;
	if (buf_type_is_mplane(type)) {
		fmt.fmt.pix_mp.width = small ? 320 : 640;
		fmt.fmt.pix_mp.height = small ? 240 : 480;
	} else {
		fmt.fmt.pix.width = small ? 320 : 640;
		fmt.fmt.pix.height = small ? 240 : 480;
		fmt.fmt.pix.sizeimage = 0;
	}
	return vdev_ioctl(fd, VIDIOC_S_FMT, &fmt);
}

static int map_buffer(int fd, uint32_t type, unsigned int index)
{
	volatile unsigned char *p;
	size_t len;

	p = vdev_map_plane(fd, type, index, &len);
	if (!p)
		return -errno;
	p[0] = p[len - 1];
	munmap((void *)p, len);
	return 0;
}

static int export_buffer(int fd, uint32_t type, unsigned int index)
{
	int dmabuf = vdev_expbuf(fd, type, index);
	size_t len = 4096;
	void *p;

	if (dmabuf < 0)
		return dmabuf;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, dmabuf, 0);
	if (p != MAP_FAILED)
		munmap(p, len);
	close(dmabuf);
	return 0;
}

static int dqbuf(int fd, uint32_t type)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buf;

	return vdev_dqbuf(fd, type, false, &buf, planes);
}

/* A fresh handle; the shared one is swapped in under the other threads. */
static int reopen(struct worker *w)
{
	int fd = open(w->target->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (!w->shared) {
		close(w->own_fd);
		w->own_fd = fd;
		return 0;
	}
	if (dup2(fd, w->target->shared_fd) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

static int one_op(struct worker *w, int op)
{
	struct race *r = w->race;
	const struct vdev *shape = &w->target->shape;
	uint32_t type = shape->types[below(w, shape->ntypes)];
	unsigned int index = below(w, MAX_BUFFERS);
	int fd = worker_fd(w);
	struct v4l2_heapdesc desc = { .index = below(w, 4), .type = type };
	struct v4l2_heap h = { .type = type, .fd = V4L2_HEAP_FD_DEFAULT };

	switch (op) {
	case 0:
		if (r->nheaps && below(w, 4))
			h.fd = r->heap_fds[below(w, r->nheaps)];
		return vdev_ioctl(fd, VIDIOC_S_HEAP, &h);
	case 1:
		return vdev_ioctl(fd, VIDIOC_G_HEAP, &h);
	case 2:
		return vdev_ioctl(fd, VIDIOC_ENUM_HEAPS, &desc);
	case 3:
		return s_fmt(w, fd, type);
	case 4:
		return vdev_reqbufs(fd, type, V4L2_MEMORY_MMAP,
				    below(w, MAX_BUFFERS + 1));
	case 5:
		return vdev_create_bufs(fd, type, V4L2_MEMORY_MMAP, 1);
	case 6:
		return export_buffer(fd, type, index);
	case 7:
		return map_buffer(fd, type, index);
	case 8:
		return vdev_qbuf(fd, type, V4L2_MEMORY_MMAP, index, 0, 0);
	case 9:
		return dqbuf(fd, type);
	case 10:
		return vdev_stream(fd, type, below(w, 2));
	default:
		/* closing is rarer, or nothing would ever stream */
		return below(w, 8) ? 0 : reopen(w);
	}
}

static bool before_end(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < end->tv_sec ||
	       (now.tv_sec == end->tv_sec && now.tv_nsec < end->tv_nsec);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int op;

	while (before_end(&w->race->end)) {
		op = below(w, OPS);
		count(w, op, one_op(w, op));
	}
	return NULL;
}

static void open_heaps(struct race *r)
{
	struct dirent *de;
	char path[300];
	DIR *dir = opendir("/dev/dma_heap");
	int fd;

	while (dir && (de = readdir(dir)) && r->nheaps < MAX_HEAPS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			r->heap_fds[r->nheaps++] = fd;
	}
	if (dir)
		closedir(dir);
}

/*
 * A device node's queues keep their selection and format: return them to
 * what they were.
 */
static void restore(struct target *t)
{
	struct vdev dev;
	int i;

	if (vdev_open(&dev, t->path))
		return;
	for (i = 0; i < dev.ntypes; i++) {
		vdev_s_heap(dev.fd, dev.types[i], V4L2_HEAP_FD_DEFAULT);
		vdev_ioctl(dev.fd, VIDIOC_S_FMT, &t->formats[i]);
	}
	vdev_close(&dev);
}

int main(int argc, char **argv)
{
	unsigned long long seed = time(NULL);
	struct worker workers[MAX_DEVICES * THREADS] = {};
	struct target targets[MAX_DEVICES] = {};
	struct race r = { 0 };
	struct accounting base, now;
	int seconds = 10, arg = 1, ntargets = 0, nworkers, i, e;
	struct ktap k;
	bool settled;
	char why[256];

	while (arg + 1 < argc && argv[arg][0] == '-') {
		if (!strcmp(argv[arg], "--seconds"))
			seconds = atoi(argv[arg + 1]);
		else if (!strcmp(argv[arg], "--seed"))
			seed = strtoull(argv[arg + 1], NULL, 0);
		else
			break;
		arg += 2;
	}
	if (arg >= argc || argc - arg > MAX_DEVICES || argv[arg][0] == '-') {
		fprintf(stderr, "usage: %s [--seconds N] [--seed N] DEVICE...\n",
			argv[0]);
		return 2;
	}
	if (accounting_read(&base)) {
		fprintf(stderr, "cannot read the dma-buf and CMA accounting\n");
		return 2;
	}
	for (; arg < argc; arg++, ntargets++) {
		targets[ntargets].path = argv[arg];
		if (vdev_open(&targets[ntargets].shape, argv[arg])) {
			perror(argv[arg]);
			return 2;
		}
		targets[ntargets].shared_fd = targets[ntargets].shape.fd;
		for (i = 0; i < targets[ntargets].shape.ntypes; i++) {
			targets[ntargets].formats[i].type =
				targets[ntargets].shape.types[i];
			vdev_ioctl(targets[ntargets].shape.fd, VIDIOC_G_FMT,
				   &targets[ntargets].formats[i]);
		}
	}
	open_heaps(&r);
	nworkers = ntargets * THREADS;
	/* No unexplained errors, nothing left behind, each device streams. */
	ktap_start(&k, 2 + ntargets);
	printf("# seed %llu (repeat with --seed %llu), %d devices, %d threads each, %d s\n",
	       seed, seed, ntargets, THREADS, seconds);
	clock_gettime(CLOCK_MONOTONIC, &r.end);
	r.end.tv_sec += seconds;
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->race = &r;
		w->target = &targets[i / THREADS];
		w->state = (seed + i) * 2 + 1;
		w->shared = i % THREADS < SHARED_THREADS;
		w->own_fd = w->shared ? -1 :
			    open(w->target->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (pthread_create(&w->thread, NULL, work, w)) {
			fprintf(stderr, "cannot start a thread\n");
			return 2;
		}
	}
	for (i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		if (!workers[i].shared)
			close(workers[i].own_fd);
	}
	for (i = 0; i < ntargets; i++) {
		close(targets[i].shared_fd);
		restore(&targets[i]);
	}
	for (i = 0; i < r.nheaps; i++)
		close(r.heap_fds[i]);

	printf("# %lu calls; errors:", atomic_load(&r.ops));
	for (e = 1; e < 256; e++)
		if (atomic_load(&r.errnos[e]))
			printf(" %s %lu", strerrorname_np(e),
			       atomic_load(&r.errnos[e]));
	putchar('\n');
	ktap_result(&k, !atomic_load(&r.unexpected),
		    "%lu of %lu racing calls failed with an error no race explains",
		    atomic_load(&r.unexpected), atomic_load(&r.ops));
	settled = !accounting_settle(&base, &now);
	ktap_result(&k, settled, "%lld dma-bufs and %lld CMA pages left behind",
		    settled ? 0 : now.dmabufs - base.dmabufs,
		    settled ? 0 : now.cma_pages - base.cma_pages);
	for (i = 0; i < ntargets; i++) {
		bool streams = !vdev_stream_one_frame(targets[i].path, why,
						      sizeof(why));

		ktap_result(&k, streams, "%s still streams%s%s",
			    targets[i].path, streams ? "" : ": ",
			    streams ? "" : why);
	}
	return ktap_exit(&k);
}
