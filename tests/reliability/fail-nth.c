// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection into the ioctls that allocate on a V4L2
 * queue: for every scenario (one system call on a prepared file handle),
 * fail the 1st, 2nd, 3rd ... slab or page allocation that call makes,
 * through the kernel's per-task /proc/thread-self/fail-nth, until the call
 * completes without reaching the fault. After every injected failure:
 *
 *   - the call failed with ENOMEM, or succeeded with everything it
 *     reports actually in place (vb2 may hand out fewer buffers);
 *   - the queue holds exactly what the answer says (buffers, queued
 *     state, selected heap, internal buffers);
 *   - once the file handle is closed, the kernel's dma-buf list and the
 *     CMA areas' page counters are back where they were;
 *   - a fresh file handle still streams a frame, after the first fault at
 *     each site of the call (the allocators fail page by page, and a
 *     repeat of the same site adds time, not coverage).
 *
 * The stack the kernel prints for each injected failure (failslab and
 * fail_page_alloc with verbose=2, set up by the suite) names the code
 * whose allocation failed; its first frame outside the allocators is the
 * fault site, and the distinct sites go to the file given with --sites.
 * Allocations made with __GFP_NOWARN fail silently: those faults are
 * counted apart.
 *
 * Usage: fail-nth [--sites FILE] [--size WxH] DEVICE [SCENARIO...]
 * --size sets each queue's format to about that size before every call:
 * the allocators take memory page by page, and fewer pages mean fewer
 * faults that only repeat one site.
 * Output is KTAP, one result per scenario and queue; exit status 0 when
 * every check passed, 1 when one failed,
 * 2 when the checks could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdev.h"

#define MAX_NTH		5000
#define MAX_SITES	4096
#define BUFFERS		2
#define IMPORT_HEAP	"system"

struct sites {
	char *name[MAX_SITES];
	unsigned int n;
};

struct attempt {
	struct vdev dev;
	unsigned int width, height;	/* 0: the format as it is */
	uint32_t type;
	uint32_t memory;
	int before;		/* buffers on the queue before the call */
	int extra_fd;		/* imported or exported dma-buf, or heap fd */
	void *user;		/* USERPTR memory */
	unsigned int size;
	char heap[V4L2_HEAP_NAME_SIZE];	/* heap active before the call */
	char target[V4L2_HEAP_NAME_SIZE];	/* heap S_HEAP selects */
};

struct scenario {
	const char *name;
	uint32_t memory;
	uint32_t needs;		/* V4L2_BUF_CAP_SUPPORTS_* of the queue */
	int (*prepare)(struct attempt *a);
	int (*call)(struct attempt *a);
	/* 0 when the queue's state agrees with what the call returned */
	int (*judge)(struct attempt *a, int ret, char *why, size_t len);
};

struct run {
	const char *path;
	unsigned int width, height;
	int fail_nth;
	int kmsg;
	struct sites sites;
	struct ktap tap;
	unsigned int injections;
	unsigned int silent;	/* faults the kernel printed no stack for */
	unsigned int errnos[256];
};

/* fail-nth: N fails the Nth allocation from now on in this task. */
static int arm(struct run *run, int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", nth);

	return pwrite(run->fail_nth, buf, len, 0) == len ? 0 : -errno;
}

/* Disarms; true when the armed allocation was reached and failed. */
static bool disarm(struct run *run)
{
	char buf[16] = "";
	ssize_t len = pread(run->fail_nth, buf, sizeof(buf) - 1, 0);

	if (pwrite(run->fail_nth, "0", 1, 0) != 1 || len <= 0) {
		perror("fail-nth");
		exit(2);
	}
	return atoi(buf) == 0;
}

/*
 * Frames of the allocators themselves and of the generic containers that
 * allocate for their callers: the site is the first frame past these.
 */
static bool allocator_frame(const char *fn)
{
	static const char *const prefixes[] = {
		"dump_stack", "should_fail", "fail_dump", "prepare_alloc_pages",
		"alloc_pages", "alloc_frozen_pages", "folio_alloc", "alloc_slab",
		"allocate_slab", "new_slab", "slab_", "kmem_cache_alloc",
		"kmalloc", "kzalloc", "kcalloc", "kvmalloc", "kvzalloc",
		"kvcalloc", "vmalloc", "vzalloc", "get_vm_area",
		"alloc_vmap_area", "vm_area_alloc_pages", "get_free_pages",
		"get_zeroed_page", "kmemdup", "kstrdup", "kvasprintf",
		"kasprintf", "krealloc", "mempool_alloc", "xas_", "xa_",
		"idr_", "ida_", "radix_tree_", "sg_kmalloc", "sg_alloc",
	};
	size_t i;

	while (*fn == '_')
		fn++;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(fn, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Adds SITE to SITES; false when it was there already. */
static bool add_site(struct sites *sites, const char *site)
{
	unsigned int i;

	for (i = 0; i < sites->n; i++)
		if (!strcmp(sites->name[i], site))
			return false;
	if (sites->n < MAX_SITES)
		sites->name[sites->n++] = strdup(site);
	return true;
}

static void free_sites(struct sites *sites)
{
	while (sites->n)
		free(sites->name[--sites->n]);
}

/*
 * Reads the kernel log since the last call and returns, in SITE, the fault
 * site of the last injected failure in it ("function [module]"). The kernel
 * prints nothing for a fault in an allocation made with __GFP_NOWARN: then
 * it returns false.
 */
static bool read_site(struct run *run, char *site, size_t len)
{
	enum { IDLE, INJECTED, TRACE } state = IDLE;
	char rec[2048], fn[256], mod[64];
	bool found = false;
	char *msg, *end;
	ssize_t n;

	snprintf(site, len, "(an allocation with __GFP_NOWARN)");
	for (;;) {
		n = read(run->kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		if (strstr(msg, "FAULT_INJECTION: forcing a failure")) {
			state = INJECTED;
		} else if (state == INJECTED && strstr(msg, "Call Trace:")) {
			state = TRACE;
		} else if (state == TRACE && msg[0] == ' ' && msg[1] != '?' &&
			   msg[1] != '<') {
			mod[0] = '\0';
			if (sscanf(msg, " %255[^+ ]+%*s [%63[^]]]", fn, mod) < 1 ||
			    allocator_frame(fn))
				continue;
			snprintf(site, len, mod[0] ? "%s [%s]" : "%s", fn, mod);
			found = true;
			state = IDLE;
		}
	}
	return found;
}

static void drain_kmsg(struct run *run)
{
	char site[8];

	read_site(run, site, sizeof(site));
}

/* Every MMAP buffer the queue reports can be mapped and written. */
static bool buffers_usable(struct attempt *a, int count)
{
	volatile unsigned char *p;
	size_t len;
	int i;

	if (a->memory != V4L2_MEMORY_MMAP)
		return true;
	for (i = 0; i < count; i++) {
		p = vdev_map_plane(a->dev.fd, a->type, i, &len);
		if (!p)
			return false;
		p[0] = 1;
		p[len - 1] = p[0];
		munmap((void *)p, len);
	}
	return true;
}

/* Formats are best effort: a driver may adjust or refuse the size. */
static void set_size(struct attempt *a)
{
	struct v4l2_format fmt;
	int t;

	for (t = 0; a->width && t < a->dev.ntypes; t++) {
		memset(&fmt, 0, sizeof(fmt));
		fmt.type = a->dev.types[t];
		if (vdev_ioctl(a->dev.fd, VIDIOC_G_FMT, &fmt))
			continue;
		if (buf_type_is_mplane(fmt.type)) {
			fmt.fmt.pix_mp.width = a->width;
			fmt.fmt.pix_mp.height = a->height;
		} else {
			fmt.fmt.pix.width = a->width;
			fmt.fmt.pix.height = a->height;
			fmt.fmt.pix.sizeimage = 0;
		}
		vdev_ioctl(a->dev.fd, VIDIOC_S_FMT, &fmt);
	}
}

static int prepare_open(struct attempt *a)
{
	uint32_t type = a->type;
	int ret = vdev_open(&a->dev, a->dev.path);

	a->type = type;
	if (!ret)
		set_size(a);
	return ret;
}

static int prepare_one_buffer(struct attempt *a)
{
	int ret = prepare_open(a);

	if (ret)
		return ret;
	/* the driver may round the count up to its minimum */
	a->before = vdev_reqbufs(a->dev.fd, a->type, a->memory, 1);
	if (a->before < 0)
		return a->before;
	return a->before ? 0 : -EIO;
}

static int call_reqbufs(struct attempt *a)
{
	return vdev_reqbufs(a->dev.fd, a->type, a->memory, BUFFERS);
}

static int call_create_bufs(struct attempt *a)
{
	return vdev_create_bufs(a->dev.fd, a->type, a->memory, BUFFERS);
}

/* Buffers: what the call reported added, or nothing on failure. */
static int judge_buffers(struct attempt *a, int ret, char *why, size_t len)
{
	int n = vdev_buffers(a->dev.fd, a->type);
	int want = a->before + (ret > 0 ? ret : 0);

	if (n != want) {
		snprintf(why, len, "the queue has %d buffers, the call said %d",
			 n, want);
		return -1;
	}
	if (ret == 0 && a->before == 0) {
		snprintf(why, len, "REQBUFS succeeded with no buffers");
		return -1;
	}
	if (!buffers_usable(a, n)) {
		snprintf(why, len, "a buffer cannot be mapped");
		return -1;
	}
	return 0;
}

static int call_expbuf(struct attempt *a)
{
	int fd = vdev_expbuf(a->dev.fd, a->type, 0);

	if (fd >= 0)
		a->extra_fd = fd;
	return fd < 0 ? fd : 0;
}

static int judge_expbuf(struct attempt *a, int ret, char *why, size_t len)
{
	size_t size = vdev_plane_size(a->dev.fd, a->type);
	void *p;

	if (ret)
		return judge_buffers(a, ret, why, len);
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, a->extra_fd, 0);
	if (p == MAP_FAILED) {
		snprintf(why, len, "the exported dma-buf cannot be mapped: %s",
			 strerror(errno));
		return -1;
	}
	munmap(p, size);
	return 0;
}

static int prepare_import(struct attempt *a)
{
	int ret = prepare_one_buffer(a);

	if (ret)
		return ret;
	a->size = (vdev_plane_size(a->dev.fd, a->type) + 4095) & ~4095u;
	if (a->memory == V4L2_MEMORY_DMABUF) {
		a->extra_fd = heap_alloc(IMPORT_HEAP, a->size);
		return a->extra_fd < 0 ? a->extra_fd : 0;
	}
	a->user = aligned_alloc(4096, a->size);
	if (!a->user)
		return -ENOMEM;
	memset(a->user, 0, a->size);
	return 0;
}

static int call_qbuf(struct attempt *a)
{
	unsigned long handle = a->memory == V4L2_MEMORY_DMABUF ?
			       (unsigned long)a->extra_fd :
			       (unsigned long)a->user;

	return vdev_qbuf(a->dev.fd, a->type, a->memory, 0, handle, a->size);
}

static int judge_queued(struct attempt *a, int ret, char *why, size_t len)
{
	uint32_t flags = 0;

	if (vdev_querybuf_flags(a->dev.fd, a->type, 0, &flags)) {
		snprintf(why, len, "QUERYBUF failed");
		return -1;
	}
	if (!!(flags & V4L2_BUF_FLAG_QUEUED) != (ret == 0)) {
		snprintf(why, len, "the buffer is %squeued after QBUF %s",
			 flags & V4L2_BUF_FLAG_QUEUED ? "" : "not ",
			 ret ? "failed" : "succeeded");
		return -1;
	}
	return 0;
}

/*
 * STREAMON of the queue under test after its partner queues (an m2m
 * device's output queue is turned on first), with buffers queued on all
 * of them, so that start_streaming runs and a codec allocates its
 * internal buffers within the call.
 */
static int prepare_streaming(struct attempt *a)
{
	int i, ret = prepare_open(a);

	for (i = 0; !ret && i < a->dev.ntypes; i++) {
		ret = vdev_queue_all_mmap(a->dev.fd, a->dev.types[i], BUFFERS);
		ret = ret < 0 ? ret : 0;
	}
	for (i = 0; !ret && a->dev.types[i] != a->type; i++)
		ret = vdev_stream(a->dev.fd, a->dev.types[i], true);
	return ret;
}

static int call_streamon(struct attempt *a)
{
	return vdev_stream(a->dev.fd, a->type, true);
}

/*
 * A failed STREAMON leaves the queue stopped with its buffers still
 * queued and no internal buffer behind; a successful one a queue that
 * accepts STREAMOFF.
 */
static int judge_streamon(struct attempt *a, int ret, char *why, size_t len)
{
	uint32_t flags = 0;
	unsigned int internal;
	int i;

	if (ret == 0)
		return 0;
	if (vdev_querybuf_flags(a->dev.fd, a->type, 0, &flags) ||
	    !(flags & V4L2_BUF_FLAG_QUEUED)) {
		snprintf(why, len, "buffer 0 is not queued after STREAMON failed");
		return -1;
	}
	for (i = 0; a->dev.types[i] != a->type; i++)
		vdev_stream(a->dev.fd, a->dev.types[i], false);
	internal = vdev_internal_buffers(&a->dev);
	if (internal) {
		snprintf(why, len, "%u internal buffers left after STREAMON failed",
			 internal);
		return -1;
	}
	return 0;
}

/* Selecting a compatible heap other than the active one, if there is one. */
static int prepare_select(struct attempt *a)
{
	struct v4l2_heapdesc d;
	char path[128];
	unsigned int i;
	int ret = prepare_open(a);

	if (ret || (ret = vdev_g_heap(a->dev.fd, a->type, a->heap)))
		return ret;
	strcpy(a->target, a->heap);
	for (i = 0; !vdev_enum_heap(a->dev.fd, a->type, i, &d); i++)
		if (d.usage == V4L2_HEAP_USAGE_COMPATIBLE) {
			memcpy(a->target, d.name, sizeof(a->target));
			break;
		}
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", a->target);
	a->extra_fd = open(path, O_RDONLY | O_CLOEXEC);
	return a->extra_fd < 0 ? -errno : 0;
}

static int call_s_heap(struct attempt *a)
{
	return vdev_s_heap(a->dev.fd, a->type, a->extra_fd);
}

static int judge_selection(struct attempt *a, int ret, char *why, size_t len)
{
	char name[V4L2_HEAP_NAME_SIZE];
	const char *want = ret ? a->heap : a->target;

	if (vdev_g_heap(a->dev.fd, a->type, name) || strcmp(name, want)) {
		snprintf(why, len, "G_HEAP says '%s' after S_HEAP %s, want '%s'",
			 name, ret ? "failed" : "succeeded", want);
		return -1;
	}
	return 0;
}

static int call_enum_heaps(struct attempt *a)
{
	struct v4l2_heapdesc d;

	return vdev_enum_heap(a->dev.fd, a->type, 0, &d);
}

/* Closing a streaming file handle whose buffer 0 is exported. */
static int prepare_close(struct attempt *a)
{
	int i, ret = prepare_open(a);

	for (i = 0; !ret && i < a->dev.ntypes; i++) {
		ret = vdev_queue_all_mmap(a->dev.fd, a->dev.types[i], BUFFERS);
		ret = ret < 0 ? ret : vdev_stream(a->dev.fd, a->dev.types[i], true);
	}
	if (ret)
		return ret;
	a->extra_fd = vdev_expbuf(a->dev.fd, a->type, 0);
	a->size = vdev_plane_size(a->dev.fd, a->type);
	return a->extra_fd < 0 ? a->extra_fd : 0;
}

static int call_close(struct attempt *a)
{
	int ret = close(a->dev.fd) ? -errno : 0;

	a->dev.fd = -1;
	return ret;
}

/* The exported buffer outlives the file handle. */
static int judge_export_survives(struct attempt *a, int ret, char *why,
				 size_t len)
{
	volatile unsigned char *p;

	if (ret) {
		snprintf(why, len, "close failed");
		return -1;
	}
	p = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 a->extra_fd, 0);
	if (p == MAP_FAILED) {
		snprintf(why, len, "the exported buffer cannot be mapped after close: %s",
			 strerror(errno));
		return -1;
	}
	p[0] = p[a->size - 1];
	munmap((void *)p, a->size);
	return 0;
}

static int judge_nothing(struct attempt *a, int ret, char *why, size_t len)
{
	(void)a;
	(void)ret;
	(void)why;
	(void)len;
	return 0;
}

static const struct scenario scenarios[] = {
	{ "reqbufs-mmap", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_open, call_reqbufs, judge_buffers },
	{ "create-bufs-mmap", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_one_buffer, call_create_bufs, judge_buffers },
	{ "reqbufs-dmabuf", V4L2_MEMORY_DMABUF, V4L2_BUF_CAP_SUPPORTS_DMABUF,
	  prepare_open, call_reqbufs, judge_buffers },
	{ "create-bufs-dmabuf", V4L2_MEMORY_DMABUF,
	  V4L2_BUF_CAP_SUPPORTS_DMABUF,
	  prepare_one_buffer, call_create_bufs, judge_buffers },
	{ "reqbufs-userptr", V4L2_MEMORY_USERPTR,
	  V4L2_BUF_CAP_SUPPORTS_USERPTR,
	  prepare_open, call_reqbufs, judge_buffers },
	{ "create-bufs-userptr", V4L2_MEMORY_USERPTR,
	  V4L2_BUF_CAP_SUPPORTS_USERPTR,
	  prepare_one_buffer, call_create_bufs, judge_buffers },
	{ "expbuf", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_one_buffer, call_expbuf, judge_expbuf },
	{ "qbuf-dmabuf", V4L2_MEMORY_DMABUF, V4L2_BUF_CAP_SUPPORTS_DMABUF,
	  prepare_import, call_qbuf, judge_queued },
	{ "qbuf-userptr", V4L2_MEMORY_USERPTR, V4L2_BUF_CAP_SUPPORTS_USERPTR,
	  prepare_import, call_qbuf, judge_queued },
	{ "streamon", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_streaming, call_streamon, judge_streamon },
	{ "s-heap", V4L2_MEMORY_MMAP, 0,
	  prepare_select, call_s_heap, judge_selection },
	{ "enum-heaps", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_one_buffer, call_enum_heaps, judge_nothing },
	{ "close", V4L2_MEMORY_MMAP, V4L2_BUF_CAP_SUPPORTS_MMAP,
	  prepare_close, call_close, judge_export_survives },
};

static void finish(struct attempt *a, const struct scenario *s)
{
	/* a device node's queue keeps its selection after close */
	if (s->call == call_s_heap && a->dev.fd >= 0)
		vdev_s_heap(a->dev.fd, a->type, V4L2_HEAP_FD_DEFAULT);
	vdev_close(&a->dev);
	if (a->extra_fd >= 0)
		close(a->extra_fd);
	free(a->user);
}

/*
 * One injection: returns 1 when the Nth allocation failed, 0 when the call
 * completed without reaching it, -1 when a check failed.
 */
static int inject(struct run *run, const struct scenario *s, uint32_t type,
		  int nth, const struct accounting *base, struct sites *seen,
		  const char *label)
{
	struct attempt a = {
		.dev = { .path = run->path, .fd = -1 },
		.type = type, .memory = s->memory, .extra_fd = -1,
		.width = run->width, .height = run->height,
	};
	char why[256] = "", site[320];
	struct accounting now;
	bool injected;
	int ret, err;

	ret = s->prepare(&a);
	if (ret) {
		finish(&a, s);
		ktap_result(&run->tap, false, "%s: preparing: %s", label, strerror(-ret));
		return -1;
	}
	drain_kmsg(run);
	if (arm(run, nth)) {
		finish(&a, s);
		ktap_result(&run->tap, false, "%s: fail-nth: %s", label, strerror(errno));
		return -1;
	}
	ret = s->call(&a);
	injected = disarm(run);
	err = ret < 0 ? -ret : 0;
	if (s->judge(&a, ret, why, sizeof(why))) {
		finish(&a, s);
		ktap_result(&run->tap, false, "%s: fault %d (%s): %s", label, nth,
		       err ? strerror(err) : "success", why);
		return -1;
	}
	finish(&a, s);

	if (!injected) {
		if (!ktap_result(&run->tap, !err, "%s: completes after %d injected failures%s%s",
			    label, nth - 1, err ? ": " : "",
			    err ? strerror(err) : ""))
			return -1;
		return 0;
	}
	run->injections++;
	if (read_site(run, site, sizeof(site)))
		add_site(&run->sites, site);
	else
		run->silent++;
	run->errnos[err & 0xff]++;
	if (err && err != ENOMEM) {
		ktap_result(&run->tap, false, "%s: fault %d at %s: %s, want ENOMEM", label,
		       nth, site, strerror(err));
		return -1;
	}
	if (accounting_settle(base, &now)) {
		ktap_result(&run->tap, false, "%s: fault %d at %s: left %lld dma-bufs and %lld CMA pages behind",
		       label, nth, site,
		       now.dmabufs - base->dmabufs,
		       now.cma_pages - base->cma_pages);
		return -1;
	}
	if (add_site(seen, site) &&
	    vdev_stream_one_frame(run->path, why, sizeof(why))) {
		ktap_result(&run->tap, false, "%s: fault %d at %s: the device no longer streams: %s",
		       label, nth, site, why);
		return -1;
	}
	return 1;
}

static void run_scenario(struct run *run, const struct scenario *s,
			 uint32_t type)
{
	struct sites seen = {};
	struct accounting base;
	char label[128];
	unsigned int first = run->injections;
	struct vdev dev;
	uint32_t caps;
	int nth, ret;

	snprintf(label, sizeof(label), "%s/%s", buf_type_name(type), s->name);
	if (vdev_open(&dev, run->path)) {
		ktap_result(&run->tap, false, "%s: cannot open %s", label, run->path);
		return;
	}
	caps = vdev_memory_caps(dev.fd, type);
	vdev_close(&dev);
	if ((caps & s->needs) != s->needs) {
		ktap_skip(&run->tap, "the queue does not support it", "%s", label);
		return;
	}
	if (accounting_read(&base)) {
		ktap_result(&run->tap, false, "%s: cannot read the dma-buf and CMA accounting",
		       label);
		return;
	}
	for (nth = 1; nth <= MAX_NTH; nth++) {
		ret = inject(run, s, type, nth, &base, &seen, label);
		if (ret <= 0)
			break;
	}
	free_sites(&seen);
	if (nth > MAX_NTH)
		ktap_result(&run->tap, false, "%s: still failing after %d faults", label,
		       MAX_NTH);
	ktap_print(&run->tap, "%s: %u faults injected", label,
		   run->injections - first);
}

/* Whether the command line (@names, none: every scenario) asks for @s. */
static bool wanted(const struct scenario *s, char **names, int n)
{
	int a;

	for (a = 0; a < n; a++)
		if (!strcmp(names[a], s->name))
			return true;
	return !n;
}

static int usage(const char *argv0)
{
	unsigned int i;

	fprintf(stderr, "usage: %s [--sites FILE] [--size WxH] DEVICE [SCENARIO...]\nscenarios:",
		argv0);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(stderr, " %s", scenarios[i].name);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct run run = { .kmsg = -1 };
	const char *sites_file = NULL;
	unsigned int i, e, planned = 0;
	struct vdev dev;
	int arg = 1, t;
	FILE *f;

	while (arg + 1 < argc && argv[arg][0] == '-') {
		if (!strcmp(argv[arg], "--sites"))
			sites_file = argv[arg + 1];
		else if (strcmp(argv[arg], "--size") ||
			 sscanf(argv[arg + 1], "%ux%u", &run.width,
				&run.height) != 2)
			return usage(argv[0]);
		arg += 2;
	}
	if (arg >= argc || argv[arg][0] == '-')
		return usage(argv[0]);
	run.path = argv[arg++];
	run.fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (run.fail_nth < 0) {
		perror("/proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)");
		return 2;
	}
	run.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (run.kmsg < 0 || lseek(run.kmsg, 0, SEEK_END) < 0) {
		perror("/dev/kmsg");
		return 2;
	}
	if (vdev_open(&dev, run.path)) {
		perror(run.path);
		return 2;
	}
	vdev_close(&dev);

	/* One result per scenario and queue. */
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		planned += wanted(&scenarios[i], argv + arg, argc - arg) *
			   dev.ntypes;
	ktap_start(&run.tap, planned);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		for (t = 0; wanted(&scenarios[i], argv + arg, argc - arg) &&
			    t < dev.ntypes; t++)
			run_scenario(&run, &scenarios[i], dev.types[t]);

	printf("# %u faults injected at %u distinct sites (%u of them in __GFP_NOWARN allocations, whose site the kernel does not print); errnos:",
	       run.injections, run.sites.n, run.silent);
	for (e = 0; e < 256; e++)
		if (run.errnos[e])
			printf(" %s %u", e ? strerrorname_np(e) : "none",
			       run.errnos[e]);
	putchar('\n');
	if (sites_file) {
		f = fopen(sites_file, "ae");
		if (!f) {
			perror(sites_file);
			return 2;
		}
		for (i = 0; i < run.sites.n; i++)
			fprintf(f, "%s\n", run.sites.name[i]);
		fclose(f);
	}
	return ktap_exit(&run.tap);
}
