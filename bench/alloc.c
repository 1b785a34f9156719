// SPDX-License-Identifier: GPL-2.0
/*
 * What a client pays to get COUNT buffers of a format and give them back,
 * from V4L2 queues and straight from dma-buf heaps, the targets taken in
 * turn within every repetition so that a slow moment of the machine hits
 * them all alike.
 *
 * Usage: alloc MODE FORMAT COUNT REPS TARGET...
 *   MODE    reqbufs  REQBUFS(COUNT) of MMAP buffers, each mapped and every
 *                    page touched, then unmapped and REQBUFS(0)
 *           realloc  REQBUFS(COUNT) on a queue that holds COUNT buffers:
 *                    unmap, reallocate, map and touch
 *           create   CREATE_BUFS of one buffer at a time up to COUNT
 *           mem      kernel memory per buffer: /proc/meminfo before and
 *                    while COUNT mapped, touched buffers are held
 *   FORMAT  WIDTHxHEIGHT:FOURCC (e.g. 1920x1080:YUYV, 3840x2160:NM12)
 *   TARGET  a V4L2 capture device, or heap:NAME for DMA_HEAP_IOCTL_ALLOC
 *           from /dev/dma_heap/NAME of the planes the first device's
 *           format needs, one allocation per plane and buffer
 *
 * Prints "TARGET PHASE VALUE" lines: alloc, its allocating ioctls alone
 * (ioctl) and free in nanoseconds for the timed modes, bytes per buffer of
 * each meminfo counter for mem.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

enum mode { REQBUFS, REALLOC, CREATE, MEM };

struct target {
	const char *name;
	int heap;		/* heap fd, or -1 for a V4L2 queue */
	struct queue q;
	struct planes bufs[MAX_BUFS];
};

/*
 * Kernel memory that is not the buffers themselves: bookkeeping in slab
 * (vb2 and dma-buf structures, the dma-buf's file, VMAs, scatterlists,
 * page arrays), the page tables that map the buffers, and vmalloc, where
 * vb2-vmalloc's buffers and their page arrays live.
 */
static const char *const counters[] = { "Slab", "PageTables", "VmallocUsed" };
#define NUM_COUNTERS (sizeof(counters) / sizeof(counters[0]))

static void write_one(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs("1", f) < 0 || fclose(f))
		die("%s: %s", path, strerror(errno));
}

/*
 * Slab caches keep empty slabs and per-CPU slabs for the next allocation,
 * so that what a buffer takes would not show as pages: give them back.
 */
static void shrink_slabs(void)
{
	DIR *dir = opendir("/sys/kernel/slab");
	struct dirent *d;
	char path[300];

	if (!dir)
		die("/sys/kernel/slab: %s", strerror(errno));
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || d->d_name[0] == ':')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		write_one(path);
	}
	closedir(dir);
}

static void meminfo(long long kb[NUM_COUNTERS])
{
	char line[256], name[64];
	long long value;
	unsigned int i;
	FILE *f;

	shrink_slabs();
	/* Without it, each CPU keeps up to a threshold of changes to itself. */
	write_one("/proc/sys/vm/stat_refresh");
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", name, &value) == 2)
			for (i = 0; i < NUM_COUNTERS; i++)
				if (!strcmp(name, counters[i]))
					kb[i] = value;
	fclose(f);
}

/* The allocating ioctls' share of the current measurement. */
static int64_t ioctl_ns;

static void reqbufs(struct target *t, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = t->q.type, .memory = V4L2_MEMORY_MMAP,
	};
	int64_t start = now_ns();

	if (ioctl(t->q.fd, VIDIOC_REQBUFS, &req))
		die("%s: REQBUFS(%u): %s", t->name, count, strerror(errno));
	ioctl_ns += now_ns() - start;
	if (req.count != count)
		die("%s: REQBUFS(%u) granted %u", t->name, count, req.count);
}

static void create_one(struct target *t, unsigned int index)
{
	struct v4l2_create_buffers create = {
		.count = 1, .memory = V4L2_MEMORY_MMAP, .format = t->q.fmt,
	};
	int64_t start = now_ns();

	if (ioctl(t->q.fd, VIDIOC_CREATE_BUFS, &create))
		die("%s: CREATE_BUFS: %s", t->name, strerror(errno));
	ioctl_ns += now_ns() - start;
	if (create.count != 1 || create.index != index)
		die("%s: CREATE_BUFS gave %u at %u", t->name, create.count, create.index);
}

static void heap_one(struct target *t, unsigned int index)
{
	int64_t start = now_ns();

	heap_alloc(t->heap, &t->q, &t->bufs[index]);
	ioctl_ns += now_ns() - start;
}

static void map_all(struct target *t, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		map_buffer(&t->q, i, &t->bufs[i]);
		touch(&t->bufs[i], t->q.num_planes);
	}
}

static void unmap_all(struct target *t, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		unmap(&t->bufs[i], t->q.num_planes);
}

/* Raw heap buffers come one at a time, as CREATE_BUFS gives them. */
static void get(struct target *t, enum mode mode, unsigned int count)
{
	unsigned int i;

	if (t->heap >= 0) {
		for (i = 0; i < count; i++) {
			heap_one(t, i);
			map_dmabuf(&t->bufs[i], t->q.num_planes);
			touch(&t->bufs[i], t->q.num_planes);
		}
	} else if (mode == CREATE) {
		for (i = 0; i < count; i++) {
			create_one(t, i);
			map_buffer(&t->q, i, &t->bufs[i]);
			touch(&t->bufs[i], t->q.num_planes);
		}
	} else {
		reqbufs(t, count);
		map_all(t, count);
	}
}

static void put(struct target *t, unsigned int count)
{
	unsigned int i;

	if (t->heap >= 0) {
		for (i = 0; i < count; i++)
			heap_free(&t->bufs[i], t->q.num_planes);
	} else {
		unmap_all(t, count);
		reqbufs(t, 0);
	}
}

/* REQBUFS frees what the queue holds and allocates anew in one ioctl. */
static void regrow(struct target *t, unsigned int count)
{
	if (t->heap >= 0) {
		put(t, count);
		get(t, REQBUFS, count);
		return;
	}
	unmap_all(t, count);
	reqbufs(t, count);
	map_all(t, count);
}

static void timed(struct target *t, enum mode mode, unsigned int count)
{
	int64_t start;

	if (mode == REALLOC) {
		get(t, mode, count);
		ioctl_ns = 0;
		start = now_ns();
		regrow(t, count);
		printf("%s alloc %lld\n", t->name, (long long)(now_ns() - start));
		printf("%s ioctl %lld\n", t->name, (long long)ioctl_ns);
		put(t, count);
		return;
	}
	ioctl_ns = 0;
	start = now_ns();
	get(t, mode, count);
	printf("%s alloc %lld\n", t->name, (long long)(now_ns() - start));
	printf("%s ioctl %lld\n", t->name, (long long)ioctl_ns);
	start = now_ns();
	put(t, count);
	printf("%s free %lld\n", t->name, (long long)(now_ns() - start));
}

/*
 * In a child process, whose new mappings need page tables of their own
 * rather than those an earlier measurement left behind.
 */
static void memory(struct target *t, unsigned int count)
{
	long long before[NUM_COUNTERS] = {}, held[NUM_COUNTERS] = {};
	unsigned int i;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid) {
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			exit(2);
		return;
	}
	meminfo(before);
	get(t, REQBUFS, count);
	meminfo(held);
	put(t, count);
	for (i = 0; i < NUM_COUNTERS; i++)
		printf("%s %s %lld\n", t->name, counters[i],
		       (held[i] - before[i]) * 1024 / count);
	exit(0);
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "reqbufs", "realloc", "create", "mem" };
	struct queue *fmt = NULL;
	struct target *targets;
	unsigned int count, reps, ntargets, i, rep;
	enum mode mode;

	if (argc < 6)
		die("usage: %s reqbufs|realloc|create|mem FORMAT COUNT REPS TARGET...", argv[0]);
	for (mode = 0; mode < 4 && strcmp(argv[1], modes[mode]); mode++)
		;
	if (mode == 4)
		die("unknown mode '%s'", argv[1]);
	count = strtoul(argv[3], NULL, 0);
	reps = strtoul(argv[4], NULL, 0);
	if (!count || count > MAX_BUFS)
		die("COUNT must be 1 to %d", MAX_BUFS);
	ntargets = argc - 5;
	targets = calloc(ntargets, sizeof(*targets));
	if (!targets)
		die("out of memory");

	for (i = 0; i < ntargets; i++) {
		struct target *t = &targets[i];

		t->name = argv[5 + i];
		t->heap = -1;
		if (!strncmp(t->name, "heap:", 5)) {
			t->heap = open_heap(t->name + 5);
			continue;
		}
		queue_init(&t->q, open_device(t->name), 0, argv[2]);
		if (!fmt)
			fmt = &t->q;
	}
	if (!fmt)
		die("no V4L2 device among the targets to take the planes from");
	for (i = 0; i < ntargets; i++) {
		if (targets[i].heap < 0)
			continue;
		targets[i].q.num_planes = fmt->num_planes;
		memcpy(targets[i].q.plane_size, fmt->plane_size, sizeof(fmt->plane_size));
	}

	printf("# bytes_per_buffer %u\n", queue_bytes(fmt));
	/*
	 * Each repetition starts one target further on, so that no target
	 * always follows the same one: what an allocator leaves behind (CMA
	 * pages refilled with movable pages, cold caches) falls on all.
	 */
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < ntargets; i++) {
			struct target *t = &targets[(rep + i) % ntargets];

			if (mode == MEM)
				memory(t, count);
			else
				timed(t, mode, count);
		}
		fflush(stdout);
	}
	return 0;
}
