// SPDX-License-Identifier: GPL-2.0
/*
 * Random VIDIOC_ENUM_HEAPS, VIDIOC_G_HEAP and VIDIOC_S_HEAP calls on the
 * given device nodes: random buffer types (valid, the wrong planarity, any
 * 32-bit value), indices, reserved fields and heap descriptors of every
 * kind (heaps, O_PATH heaps, other dma-bufs, the video node itself, pipes,
 * memfds, sockets, closed and impossible numbers), from two file handles
 * per node, between which queues are randomly allocated and freed so that
 * the ownership rules come into play. Every error must be one that the
 * RST documents for the ioctl, every success must answer with a consistent
 * structure, and afterwards nothing may be left allocated.
 *
 * Usage: fuzz-heap [--seed N] [--calls N] DEVICE...
 * Output is KTAP: one result for the whole run, after a diagnostic line
 * for each of the first answers not as documented.
 * The seed is printed, so that a failing run can be repeated. Exit status
 * 0 when every call was answered as documented, 1 when one was not, 2 when
 * the run could not start.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/dma-heap-test.h"
#include "vdev.h"

#define MAX_DEVICES	8
#define HANDLES		2
#define MAX_FDS		32
#define MAX_REPORTS	20
#define CLOSED_FD	999

struct fuzz {
	uint64_t state;
	struct vdev dev[MAX_DEVICES][HANDLES];
	int ndev;
	int fds[MAX_FDS];	/* candidates for S_HEAP's fd */
	int nfds;
	char heaps[MAX_FDS][V4L2_HEAP_NAME_SIZE];	/* heap of fds[i], or "" */
	unsigned long calls, enums, gets, sets, successes, failures;
	unsigned long errnos[256];
};

/* xorshift64*: small, and the same sequence for a seed everywhere. */
static uint64_t rnd(struct fuzz *f)
{
	f->state ^= f->state >> 12;
	f->state ^= f->state << 25;
	f->state ^= f->state >> 27;
	return f->state * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(struct fuzz *f, uint32_t n)
{
	return rnd(f) % n;
}

static void fail(struct fuzz *f, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct fuzz *f, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (++f->failures > MAX_REPORTS)
		return;
	printf("# not as documented: call %lu, %s: ", f->calls, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void add_fd(struct fuzz *f, int fd, const char *heap)
{
	if (fd < 0 || f->nfds == MAX_FDS)
		return;
	snprintf(f->heaps[f->nfds], V4L2_HEAP_NAME_SIZE, "%.*s",
		 V4L2_HEAP_NAME_SIZE - 1, heap);
	f->fds[f->nfds++] = fd;
}

/* Every kind of descriptor S_HEAP might be handed. */
static void open_fds(struct fuzz *f)
{
	struct dirent *de;
	char path[300];
	int pipefd[2], sv[2];
	DIR *dir = opendir("/dev/dma_heap");

	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", de->d_name);
		add_fd(f, open(path, O_RDONLY | O_CLOEXEC), de->d_name);
		add_fd(f, open(path, O_RDWR | O_CLOEXEC), de->d_name);
		add_fd(f, open(path, O_PATH | O_CLOEXEC), "");
		add_fd(f, heap_alloc(de->d_name, 4096), "");
	}
	if (dir)
		closedir(dir);
	add_fd(f, open("/dev/null", O_RDWR | O_CLOEXEC), "");
	add_fd(f, open("/dev/dma_heap", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "");
	add_fd(f, memfd_create("fuzz-heap", MFD_CLOEXEC), "");
	add_fd(f, eventfd(0, EFD_CLOEXEC), "");
	if (!pipe2(pipefd, O_CLOEXEC)) {
		add_fd(f, pipefd[0], "");
		add_fd(f, pipefd[1], "");
	}
	if (!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		add_fd(f, sv[0], "");
		add_fd(f, sv[1], "");
	}
}

static int random_fd(struct fuzz *f, int video_fd)
{
	static const int odd[] = {
		V4L2_HEAP_FD_DEFAULT, -2, INT_MIN, INT_MAX, CLOSED_FD,
	};

	switch (below(f, 8)) {
	case 0:
		return odd[below(f, sizeof(odd) / sizeof(odd[0]))];
	case 1:
		return video_fd;
	case 2:
		return (int)rnd(f);
	default:
		return f->fds[below(f, f->nfds)];
	}
}

static uint32_t random_type(struct fuzz *f, const struct vdev *d)
{
	uint32_t t = d->types[below(f, d->ntypes)];

	switch (below(f, 8)) {
	case 0:
		return below(f, 16);
	case 1:
		return (uint32_t)rnd(f);
	case 2:
		/* the other planarity of a valid type */
		return buf_type_is_mplane(t) ? t - 8 : t + 8;
	default:
		return t;
	}
}

static void random_bytes(struct fuzz *f, void *p, size_t len)
{
	unsigned char *b = p;
	size_t i;

	if (below(f, 2))
		return;
	for (i = 0; i < len; i++)
		b[i] = rnd(f);
}

static bool terminated(const uint8_t *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static bool zeroed(const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

/*
 * The error is one the RST documents for the ioctl, or one of the
 * generic errors a caller can provoke with these arguments.
 */
static bool documented(unsigned long request, int err)
{
	switch (err) {
	case EINVAL:
	case ENOTTY:
	case EFAULT:
		return true;
	case ENODEV:
		return request != VIDIOC_ENUM_HEAPS;
	case EBADF:
	case EBUSY:
		return request == VIDIOC_S_HEAP;
	default:
		return false;
	}
}

/* Sometimes a pointer the kernel cannot read or write. */
static void *random_arg(struct fuzz *f, void *arg)
{
	static void *const bad[] = { NULL, (void *)16, (void *)-4096L };

	return below(f, 64) ? arg : bad[below(f, 3)];
}

static void check_errno(struct fuzz *f, const char *what,
			unsigned long request, int ret)
{
	f->calls++;
	if (ret == 0) {
		f->successes++;
		return;
	}
	f->errnos[-ret & 0xff]++;
	if (!documented(request, -ret))
		fail(f, what, "undocumented error %s", strerrorname_np(-ret));
}

static void fuzz_enum(struct fuzz *f, struct vdev *d)
{
	struct v4l2_heapdesc desc;
	uint32_t index, type;
	int ret;

	random_bytes(f, &desc, sizeof(desc));
	index = below(f, 4) ? below(f, 6) : (uint32_t)rnd(f);
	type = random_type(f, d);
	desc.index = index;
	desc.type = type;
	f->enums++;
	ret = vdev_ioctl(d->fd, VIDIOC_ENUM_HEAPS, random_arg(f, &desc));
	check_errno(f, "ENUM_HEAPS", VIDIOC_ENUM_HEAPS, ret);
	if (ret)
		return;
	if (desc.index != index || desc.type != type)
		fail(f, "ENUM_HEAPS", "index or type changed");
	if (!zeroed(desc.reserved, sizeof(desc.reserved)))
		fail(f, "ENUM_HEAPS", "reserved not zeroed");
	if (!terminated(desc.name, sizeof(desc.name)) || !desc.name[0] ||
	    !terminated(desc.purpose, sizeof(desc.purpose)))
		fail(f, "ENUM_HEAPS", "name or purpose not a string");
	if (desc.usage < V4L2_HEAP_USAGE_ACTIVE ||
	    desc.usage > V4L2_HEAP_USAGE_INTERNAL)
		fail(f, "ENUM_HEAPS", "usage %u", desc.usage);
	if ((desc.usage == V4L2_HEAP_USAGE_INTERNAL) !=
	    (desc.purpose_id != V4L2_HEAP_PURPOSE_NONE))
		fail(f, "ENUM_HEAPS", "purpose_id %u on usage %u",
		     desc.purpose_id, desc.usage);
	if (desc.count == 0 && desc.bytes)
		fail(f, "ENUM_HEAPS", "%llu bytes in no buffer",
		     (unsigned long long)desc.bytes);
}

static void check_answer(struct fuzz *f, const char *what,
			 const struct v4l2_heap *h, uint32_t type)
{
	if (h->type != type)
		fail(f, what, "type changed");
	if (!zeroed(h->reserved, sizeof(h->reserved)))
		fail(f, what, "reserved not zeroed");
	if (!terminated(h->name, sizeof(h->name)) || !h->name[0])
		fail(f, what, "name is not a heap name");
}

static void fuzz_g_heap(struct fuzz *f, struct vdev *d)
{
	struct v4l2_heap h;
	uint32_t type;
	int ret;

	random_bytes(f, &h, sizeof(h));
	type = random_type(f, d);
	h.type = type;
	f->gets++;
	ret = vdev_ioctl(d->fd, VIDIOC_G_HEAP, random_arg(f, &h));
	check_errno(f, "G_HEAP", VIDIOC_G_HEAP, ret);
	if (!ret)
		check_answer(f, "G_HEAP", &h, type);
}

static void fuzz_s_heap(struct fuzz *f, struct vdev *d)
{
	struct v4l2_heap h;
	uint32_t type;
	int ret, fd, i;

	random_bytes(f, &h, sizeof(h));
	type = random_type(f, d);
	fd = random_fd(f, d->fd);
	h.type = type;
	h.fd = fd;
	f->sets++;
	ret = vdev_ioctl(d->fd, VIDIOC_S_HEAP, random_arg(f, &h));
	check_errno(f, "S_HEAP", VIDIOC_S_HEAP, ret);
	if (ret)
		return;
	check_answer(f, "S_HEAP", &h, type);
	if (h.fd != fd)
		fail(f, "S_HEAP", "fd changed");
	/*
	 * A CMA area registered under two names is one heap, which the
	 * kernel selects under the name it lists.
	 */
	for (i = 0; i < f->nfds; i++)
		if (f->fds[i] == fd && f->heaps[i][0] &&
		    strcmp(f->heaps[i], (char *)h.name) &&
		    !(is_cma_heap(f->heaps[i]) && is_cma_heap((char *)h.name)))
			fail(f, "S_HEAP", "selected '%s' through a descriptor of '%s'",
			     h.name, f->heaps[i]);
	if (fd != V4L2_HEAP_FD_DEFAULT)
		for (i = 0; i < f->nfds; i++)
			if (f->fds[i] == fd && !f->heaps[i][0])
				fail(f, "S_HEAP", "accepted a descriptor that is no heap");
}

/* Allocating or freeing changes who owns the queue and whether it is busy. */
static void shuffle_buffers(struct fuzz *f, struct vdev *d)
{
	uint32_t type = d->types[below(f, d->ntypes)];

	vdev_reqbufs(d->fd, type, V4L2_MEMORY_MMAP, below(f, 2));
}

static void reset(struct fuzz *f)
{
	int i, h, t;

	for (i = 0; i < f->ndev; i++)
		for (h = 0; h < HANDLES; h++)
			for (t = 0; t < f->dev[i][h].ntypes; t++)
				vdev_reqbufs(f->dev[i][h].fd, f->dev[i][h].types[t],
					     V4L2_MEMORY_MMAP, 0);
	/* A selection is its file handle's: each one drops its own. */
	for (i = 0; i < f->ndev; i++)
		for (h = 0; h < HANDLES; h++)
			for (t = 0; t < f->dev[i][h].ntypes; t++)
				vdev_s_heap(f->dev[i][h].fd, f->dev[i][h].types[t],
					    V4L2_HEAP_FD_DEFAULT);
}

int main(int argc, char **argv)
{
	struct fuzz f = { 0 };
	struct ktap k;
	unsigned long long seed = time(NULL), calls = 100000;
	struct accounting base, now;
	struct vdev *d;
	int arg = 1, i, h, e;

	while (arg + 1 < argc && argv[arg][0] == '-') {
		if (!strcmp(argv[arg], "--seed"))
			seed = strtoull(argv[arg + 1], NULL, 0);
		else if (!strcmp(argv[arg], "--calls"))
			calls = strtoull(argv[arg + 1], NULL, 0);
		else
			break;
		arg += 2;
	}
	if (arg >= argc || argc - arg > MAX_DEVICES || argv[arg][0] == '-') {
		fprintf(stderr, "usage: %s [--seed N] [--calls N] DEVICE...\n",
			argv[0]);
		return 2;
	}
	/* One result, for all calls: the answers not as documented say why. */
	ktap_start(&k, 1);
	printf("# seed %llu (repeat with --seed %llu), %llu calls, %zu-bit\n",
	       seed, seed, calls, sizeof(long) * 8);
	f.state = seed * 2 + 1;
	if (accounting_read(&base)) {
		fprintf(stderr, "cannot read the dma-buf and CMA accounting\n");
		return 2;
	}
	for (; arg < argc; arg++, f.ndev++)
		for (h = 0; h < HANDLES; h++)
			if (vdev_open(&f.dev[f.ndev][h], argv[arg])) {
				perror(argv[arg]);
				return 2;
			}
	open_fds(&f);

	while (f.calls < calls) {
		d = &f.dev[below(&f, f.ndev)][below(&f, HANDLES)];
		switch (below(&f, 64)) {
		case 0:
			shuffle_buffers(&f, d);
			break;
		case 1 ... 21:
			fuzz_enum(&f, d);
			break;
		case 22 ... 42:
			fuzz_g_heap(&f, d);
			break;
		default:
			fuzz_s_heap(&f, d);
			break;
		}
	}

	reset(&f);
	for (i = 0; i < f.ndev; i++)
		for (h = 0; h < HANDLES; h++)
			vdev_close(&f.dev[i][h]);
	for (i = 0; i < f.nfds; i++)
		close(f.fds[i]);
	if (accounting_settle(&base, &now))
		fail(&f, "the end", "%lld dma-bufs and %lld CMA pages left behind",
		     now.dmabufs - base.dmabufs, now.cma_pages - base.cma_pages);

	printf("# %lu calls (ENUM_HEAPS %lu, G_HEAP %lu, S_HEAP %lu): %lu succeeded; errors:",
	       f.calls, f.enums, f.gets, f.sets, f.successes);
	for (e = 1; e < 256; e++)
		if (f.errnos[e])
			printf(" %s %lu", strerrorname_np(e), f.errnos[e]);
	putchar('\n');
	ktap_result(&k, !f.failures, "%lu calls, %lu answers not as documented",
		    f.calls, f.failures);
	return ktap_exit(&k);
}
