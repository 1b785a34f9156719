// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the videobuf2 dma-heap allocator.
 *
 * They drive vb2_dma_heap_memops the way the videobuf2 core does, against
 * the real "system" heap, a contiguous heap of their own whose budget each
 * test sets, for exhaustion and fallback, and where available a CMA heap:
 * the first heap that reports DMA_HEAP_CAP_CONTIGUOUS, whatever the kernel
 * calls it ("reserved" before Linux 6.17, "default_cma_region" since),
 * which needs cma= on the command line. The CMA heap is never exhausted,
 * so that the suite is safe to run at boot with KUNIT_ALL_TESTS while
 * drivers use the CMA area. Leaks show up in kmemleak, in the test heap's
 * budget and in the CMA area's allocation counters, which the project's VM
 * tests check around this suite.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/uaccess.h>

#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-mem2mem.h>
#include <media/videobuf2-dma-heap.h>
#include <media/videobuf2-v4l2.h>

#define TEST_SIZE	SZ_4M

/* The name of the CMA heap, found by suite_init, or "" if there is none */
static char cma_heap[128];
#define CMA_HEAP	((const char *)cma_heap)

/*
 * The suite's own heap: contiguous memory from the page allocator, as much
 * as test_heap_budget allows, handed out to the kernel only.
 */
#define TEST_HEAP		"vb2-dma-heap-kunit"
#define TEST_HEAP_BUDGET	SZ_16M
#define TEST_CHUNK		SZ_64K

static struct dma_heap *test_heap;
static atomic_long_t test_heap_budget;
static long test_heap_budget_given;
/* An error other than exhaustion for the test heap to fail with, or 0 */
static int test_heap_error;

/* Whether the tests can see the references a heap holds to its owner */
#define OWNER_REFS (IS_MODULE(CONFIG_VIDEOBUF2_DMA_HEAP_KUNIT_TEST) && \
		    IS_ENABLED(CONFIG_MODULE_UNLOAD))

struct test_queue {
	struct vb2_queue q;
	struct vb2_buffer vb;
	struct vb2_dma_heap_policy policy;
};

/*
 * @a plays a capture queue that exports, @b an output queue that imports:
 * two devices writing to one buffer at once is what DMA-API debugging
 * rightly flags, so the tests never set that up.
 */
struct test_ctx {
	struct device *dev;
	struct test_queue a;
	struct test_queue b;
};

static struct device *test_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_parms = kunit_kzalloc(test, sizeof(*dev->dma_parms), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev->dma_parms);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	dma_set_max_seg_size(dev, UINT_MAX);
	return dev;
}

static void test_queue_init(struct test_queue *tq, struct device *dev,
			    enum dma_data_direction dir)
{
	tq->q.dev = dev;
	tq->q.dma_dir = dir;
	tq->q.heap_policy = &tq->policy;
	tq->q.mem_ops = &vb2_dma_heap_memops;
	tq->vb.vb2_queue = &tq->q;
	tq->vb.num_planes = 1;
}

static void set_policy(struct kunit *test, struct test_queue *tq, u32 caps,
		       const char *first, const char *second)
{
	const char * const heaps[] = { first, second };

	KUNIT_ASSERT_EQ(test, vb2_dma_heap_policy_set(&tq->policy, heaps,
						      second ? 2 : 1, caps), 0);
}

static struct dma_buf *test_heap_allocate(struct dma_heap *heap,
					  unsigned long len, u32 fd_flags,
					  u64 heap_flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void test_heap_free_pages(struct page *page, unsigned long len)
{
	unsigned long i;

	for (i = 0; i < 1UL << get_order(len); i++)
		__free_page(page + i);
}

static struct sg_table *test_heap_mem_alloc(struct dma_heap *heap,
					    unsigned long len)
{
	struct sg_table *table;
	struct page *page;

	if (test_heap_error)
		return ERR_PTR(test_heap_error);
	if (atomic_long_sub_return(len, &test_heap_budget) < 0)
		goto err_budget;
	table = kzalloc_obj(*table);
	if (!table)
		goto err_budget;
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(len));
	if (!page)
		goto err_table;
	/* Single pages, as vm_insert_page() and vmap() take them */
	split_page(page, get_order(len));
	if (sg_alloc_table(table, 1, GFP_KERNEL))
		goto err_pages;
	sg_set_page(table->sgl, page, len, 0);
	return table;

err_pages:
	test_heap_free_pages(page, len);
err_table:
	kfree(table);
err_budget:
	atomic_long_add(len, &test_heap_budget);
	return ERR_PTR(-ENOMEM);
}

static void test_heap_mem_free(struct dma_heap *heap, struct sg_table *table)
{
	unsigned long len = table->sgl->length;

	test_heap_free_pages(sg_page(table->sgl), len);
	sg_free_table(table);
	kfree(table);
	atomic_long_add(len, &test_heap_budget);
}

static const struct dma_heap_ops test_heap_ops = {
	.allocate = test_heap_allocate,
	.mem_alloc = test_heap_mem_alloc,
	.mem_free = test_heap_mem_free,
};

/* Lets the test heap hand out @bytes, and no more; nothing may be out. */
static void set_budget(long bytes)
{
	atomic_long_set(&test_heap_budget, bytes);
	test_heap_budget_given = bytes;
}

static int test_init(struct kunit *test)
{
	struct test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->dev = test_device(test, "vb2-dma-heap-test");
	test_queue_init(&ctx->a, ctx->dev, DMA_FROM_DEVICE);
	test_queue_init(&ctx->b, ctx->dev, DMA_TO_DEVICE);
	test->priv = ctx;
	set_budget(TEST_HEAP_BUDGET);
	test_heap_error = 0;
	return 0;
}

static int test_suite_init(struct kunit_suite *suite)
{
	const struct dma_heap_export_info exp_info = {
		.name = TEST_HEAP,
		.ops = &test_heap_ops,
		.caps = DMA_HEAP_CAP_CONTIGUOUS,
	};
	struct dma_heap *heap = NULL;

	cma_heap[0] = '\0';
	while ((heap = dma_heap_get_next(heap))) {
		if (dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS) {
			strscpy(cma_heap, dma_heap_get_name(heap));
			dma_heap_put(heap);
			break;
		}
	}

	test_heap = dma_heap_add(&exp_info);
	return PTR_ERR_OR_ZERO(test_heap);
}

static void test_suite_exit(struct kunit_suite *suite)
{
	dma_heap_remove(test_heap);
}

static void require_cma(struct kunit *test)
{
	struct dma_heap *cma = dma_heap_find_by_name(CMA_HEAP);

	if (!cma)
		kunit_skip(test, "no contiguous heap: boot with cma=");
	dma_heap_put(cma);
}

/*
 * The last dma_buf_put() from a kernel thread defers the release of the
 * buffer, and with it the return of its memory to the heap.
 */
static void release_buffers(void)
{
	flush_delayed_fput();
}

static void test_exit(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	vb2_queue_release_heap(&ctx->a.q);
	vb2_queue_release_heap(&ctx->b.q);
	vb2_dma_heap_policy_release(&ctx->a.policy);
	vb2_dma_heap_policy_release(&ctx->b.policy);
	release_buffers();
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&test_heap_budget),
			    test_heap_budget_given,
			    "memory of the test heap was not returned");
}

static struct device *test_dev(struct kunit *test)
{
	return ((struct test_ctx *)test->priv)->dev;
}

static void *alloc_plane_sized(struct kunit *test, struct test_queue *tq,
			       unsigned long size)
{
	void *priv = vb2_dma_heap_memops.alloc(&tq->vb, test_dev(test), size);

	if (!IS_ERR(priv))
		tq->vb.planes[0].mem_priv = priv;
	return priv;
}

static void *alloc_plane(struct kunit *test, struct test_queue *tq)
{
	return alloc_plane_sized(test, tq, TEST_SIZE);
}

/* The heap a plane came from, as the videobuf2 core asks for it. */
static struct dma_heap *plane_heap(struct test_queue *tq)
{
	return vb2_dma_heap_memops.heap(tq->vb.planes[0].mem_priv);
}

/* Allocates a plane, checks which heap it came from and frees it. */
static void expect_alloc_from(struct kunit *test, struct test_queue *tq,
			      const char *heap)
{
	void *priv = alloc_plane(test, tq);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	KUNIT_EXPECT_STREQ(test,
			   dma_heap_get_name(plane_heap(tq)),
			   heap);
	vb2_dma_heap_memops.put(priv);
}

static u32 pattern(size_t i)
{
	return (u32)(i * 2654435761u) ^ 0xa5a55a5au;
}

static void fill(u32 *p, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes / sizeof(u32); i++)
		p[i] = pattern(i);
}

static bool matches(const u32 *p, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes / sizeof(u32); i++)
		if (p[i] != pattern(i))
			return false;
	return true;
}

static size_t sgt_dma_len(struct sg_table *sgt)
{
	struct scatterlist *s;
	size_t len = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, s, i)
		len += sg_dma_len(s);
	return len;
}

/* Physical contiguity, computed independently of the allocator's check. */
static bool pages_contiguous(struct sg_table *sgt)
{
	struct scatterlist *s;
	phys_addr_t next = sg_phys(sgt->sgl);
	unsigned int i;

	for_each_sgtable_sg(sgt, s, i) {
		if (sg_phys(s) != next)
			return false;
		next += s->length;
	}
	return true;
}

static const char * const heap_names[] = { "system", CMA_HEAP };

static void heap_name_desc(const char * const *name, char *desc)
{
	strscpy(desc, *name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(heap, heap_names, heap_name_desc);

static void test_alloc_free(struct kunit *test)
{
	const char * const *name = test->param_value;
	struct test_ctx *ctx = test->priv;
	struct dma_heap *heap;
	struct sg_table *sgt;
	void *priv, *vaddr;

	if (!strcmp(*name, CMA_HEAP))
		require_cma(test);

	set_policy(test, &ctx->a, 0, *name, NULL);
	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);

	heap = plane_heap(&ctx->a);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), *name);

	sgt = vb2_plane_cookie(&ctx->a.vb, 0);
	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_EXPECT_GE(test, sgt_dma_len(sgt), TEST_SIZE);

	if (dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS)
		KUNIT_EXPECT_TRUE(test, pages_contiguous(sgt));

	vaddr = vb2_dma_heap_memops.vaddr(&ctx->a.vb, priv);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	/* The kernel mapping is made once and kept. */
	KUNIT_EXPECT_PTR_EQ(test, vb2_dma_heap_memops.vaddr(&ctx->a.vb, priv), vaddr);
	/* One range of lowmem is used where the linear map has it. */
	if (sgt->orig_nents == 1 && !PageHighMem(sg_page(sgt->sgl)))
		KUNIT_EXPECT_PTR_EQ(test, vaddr, page_address(sg_page(sgt->sgl)));
	else
		KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(vaddr));
	fill(vaddr, TEST_SIZE);
	KUNIT_EXPECT_TRUE(test, matches(vaddr, TEST_SIZE));

	vb2_dma_heap_memops.put(priv);
}

static void test_cma_is_contiguous_system_is_not(struct kunit *test)
{
	struct dma_heap *system, *cma;

	require_cma(test);
	system = dma_heap_find_by_name("system");
	cma = dma_heap_find_by_name(CMA_HEAP);

	KUNIT_ASSERT_NOT_NULL(test, system);
	KUNIT_ASSERT_NOT_NULL(test, cma);
	KUNIT_EXPECT_EQ(test, dma_heap_get_caps(cma) & DMA_HEAP_CAP_CONTIGUOUS,
			DMA_HEAP_CAP_CONTIGUOUS);
	KUNIT_EXPECT_EQ(test, dma_heap_get_caps(system) & DMA_HEAP_CAP_CONTIGUOUS, 0);
	dma_heap_put(system);
	dma_heap_put(cma);
}

static void test_export_reimport(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct device *dev2 = test_device(test, "vb2-dma-heap-test-importer");
	struct dma_buf *dbuf;
	void *exp, *imp;
	u32 *vaddr;

	set_policy(test, &ctx->a, 0, "system", NULL);
	set_policy(test, &ctx->b, 0, "system", NULL);
	exp = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, exp);

	dbuf = vb2_dma_heap_memops.get_dmabuf(&ctx->a.vb, exp, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dbuf);
	KUNIT_EXPECT_EQ(test, vb2_dma_heap_memops.num_users(exp), 2);

	imp = vb2_dma_heap_memops.attach_dmabuf(&ctx->b.vb, dev2, dbuf, TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp);
	KUNIT_ASSERT_EQ(test, vb2_dma_heap_memops.map_dmabuf(imp), 0);
	KUNIT_EXPECT_NOT_NULL(test, vb2_dma_heap_memops.cookie(&ctx->b.vb, imp));

	vaddr = vb2_dma_heap_memops.vaddr(&ctx->a.vb, exp);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	fill(vaddr, TEST_SIZE);
	vaddr = vb2_dma_heap_memops.vaddr(&ctx->b.vb, imp);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	KUNIT_EXPECT_TRUE(test, matches(vaddr, TEST_SIZE));

	vb2_dma_heap_memops.unmap_dmabuf(imp);
	vb2_dma_heap_memops.detach_dmabuf(imp);
	dma_buf_put(dbuf);
	release_buffers();
	KUNIT_EXPECT_EQ(test, vb2_dma_heap_memops.num_users(exp), 1);
	vb2_dma_heap_memops.put(exp);
}

/* kunit_vm_mmap() returns 0 or an error when it could not map. */
static bool mapped(unsigned long uaddr)
{
	return uaddr && !IS_ERR_VALUE(uaddr);
}

/*
 * EXPBUF hands out a dma-buf of its own per call, opened with the access
 * mode asked for: a read-only export cannot be mapped writable.
 */
static void test_export_access_mode(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_buf *ro, *rw;
	void *priv;

	set_policy(test, &ctx->a, 0, "system", NULL);
	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);

	ro = vb2_dma_heap_memops.get_dmabuf(&ctx->a.vb, priv, O_RDONLY);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ro);
	rw = vb2_dma_heap_memops.get_dmabuf(&ctx->a.vb, priv, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rw);
	KUNIT_EXPECT_PTR_NE(test, ro->file, rw->file);
	KUNIT_EXPECT_FALSE(test, ro->file->f_mode & FMODE_WRITE);
	KUNIT_EXPECT_TRUE(test, rw->file->f_mode & FMODE_WRITE);

	KUNIT_EXPECT_EQ_MSG(test, (long)kunit_vm_mmap(test, ro->file, 0, TEST_SIZE,
						      PROT_READ | PROT_WRITE,
						      MAP_SHARED, 0), -EACCES,
			    "a read-only export was mapped writable");
	KUNIT_EXPECT_TRUE(test, mapped(kunit_vm_mmap(test, ro->file, 0, TEST_SIZE,
						     PROT_READ, MAP_SHARED, 0)));
	KUNIT_EXPECT_TRUE(test, mapped(kunit_vm_mmap(test, rw->file, 0, TEST_SIZE,
						     PROT_READ | PROT_WRITE,
						     MAP_SHARED, 0)));

	dma_buf_put(ro);
	dma_buf_put(rw);
	vb2_dma_heap_memops.put(priv);
}

static void test_mmap_contents(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_buf *dbuf;
	unsigned long uaddr;
	u32 *vaddr, *copy;
	void *priv;

	set_policy(test, &ctx->a, 0, "system", NULL);
	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	vaddr = vb2_dma_heap_memops.vaddr(&ctx->a.vb, priv);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	fill(vaddr, TEST_SIZE);

	/* What userspace maps after EXPBUF is the very same memory. */
	dbuf = vb2_dma_heap_memops.get_dmabuf(&ctx->a.vb, priv, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dbuf);
	uaddr = kunit_vm_mmap(test, dbuf->file, 0, TEST_SIZE, PROT_READ,
			      MAP_SHARED, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "mmap of the exported buffer failed");

	copy = kunit_kmalloc(test, TEST_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, copy_from_user(copy, (void __user *)uaddr, TEST_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, matches(copy, TEST_SIZE));

	dma_buf_put(dbuf);
	vb2_dma_heap_memops.put(priv);
}

/*
 * REQBUFS frees a queue's buffers and allocates new ones within one ioctl:
 * a freed buffer that nothing else holds must be back in its heap at once,
 * even in a kernel thread, where the release of a dma-buf is deferred.
 */
static void test_free_returns_at_once(struct kunit *test)
{
	const unsigned int max_planes = 4;
	struct test_ctx *ctx = test->priv;
	void *planes[4], *priv;
	unsigned int n = 0;

	set_policy(test, &ctx->a, DMA_HEAP_CAP_CONTIGUOUS, TEST_HEAP, NULL);
	set_budget(max_planes * TEST_CHUNK);

	while (n < max_planes) {
		priv = alloc_plane_sized(test, &ctx->a, TEST_CHUNK);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
		planes[n++] = priv;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane_sized(test, &ctx->a, TEST_CHUNK)),
			-ENOMEM);

	vb2_dma_heap_memops.put(planes[--n]);
	priv = alloc_plane_sized(test, &ctx->a, TEST_CHUNK);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(priv),
			       "the freed buffer's memory is still held: %pe",
			       priv);
	if (!IS_ERR(priv))
		planes[n++] = priv;

	while (n)
		vb2_dma_heap_memops.put(planes[--n]);
}

static void test_fallback_when_exhausted(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");
	expect_alloc_from(test, &ctx->a, TEST_HEAP);
	set_budget(0);
	expect_alloc_from(test, &ctx->a, "system");
}

static void test_contiguous_requirement(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	void *priv;

	/* The system heap is never a candidate for a contiguous queue... */
	set_policy(test, &ctx->a, DMA_HEAP_CAP_CONTIGUOUS, "system", NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -ENODEV);

	/* ...nor a fallback: an exhausted contiguous heap means -ENOMEM. */
	set_policy(test, &ctx->a, DMA_HEAP_CAP_CONTIGUOUS, TEST_HEAP, "system");
	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	vb2_dma_heap_memops.put(priv);

	set_budget(0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -ENOMEM);
}

static void test_contiguous_import(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_heap *system;
	struct dma_buf *dbuf;
	void *imp, *priv;

	require_cma(test);
	system = dma_heap_find_by_name("system");

	KUNIT_ASSERT_NOT_NULL(test, system);
	dbuf = dma_heap_buffer_alloc(system, TEST_SIZE, O_RDWR, 0);
	dma_heap_put(system);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dbuf);

	set_policy(test, &ctx->b, DMA_HEAP_CAP_CONTIGUOUS, CMA_HEAP, NULL);
	imp = vb2_dma_heap_memops.attach_dmabuf(&ctx->b.vb, test_dev(test), dbuf, TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp);

	/* Map once without the requirement to look at the pages. */
	ctx->b.policy.caps = 0;
	priv = vb2_dma_heap_memops.attach_dmabuf(&ctx->b.vb, test_dev(test), dbuf, TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	KUNIT_ASSERT_EQ(test, vb2_dma_heap_memops.map_dmabuf(priv), 0);
	if (pages_contiguous(vb2_dma_heap_memops.cookie(&ctx->b.vb, priv))) {
		vb2_dma_heap_memops.unmap_dmabuf(priv);
		vb2_dma_heap_memops.detach_dmabuf(priv);
		vb2_dma_heap_memops.detach_dmabuf(imp);
		dma_buf_put(dbuf);
		kunit_skip(test, "the system heap happened to return contiguous pages");
	}
	vb2_dma_heap_memops.unmap_dmabuf(priv);
	vb2_dma_heap_memops.detach_dmabuf(priv);

	KUNIT_EXPECT_EQ(test, vb2_dma_heap_memops.map_dmabuf(imp), -EINVAL);
	vb2_dma_heap_memops.detach_dmabuf(imp);
	dma_buf_put(dbuf);
}

static void test_internal_buffers(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_dma_heap_internal internal;
	struct vb2_dma_heap_ibuf *ref, *scratch, *ibuf;
	unsigned int n = 0;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");
	vb2_dma_heap_internal_init(&internal, test_dev(test));

	ref = vb2_dma_heap_ibuf_alloc(&internal, &ctx->a.policy, SZ_1M + 1,
				      V4L2_HEAP_PURPOSE_REFERENCE, DMA_NONE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref);
	scratch = vb2_dma_heap_ibuf_alloc(&internal, &ctx->a.policy, SZ_64K,
					  V4L2_HEAP_PURPOSE_SCRATCH,
					  DMA_TO_DEVICE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, scratch);

	KUNIT_EXPECT_EQ(test, ref->size, SZ_1M + PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(ref->heap), TEST_HEAP);

	/* The CPU's buffer is mapped into the kernel and for no device. */
	KUNIT_EXPECT_EQ(test, sgt_dma_len(ref->sgt), 0);
	KUNIT_ASSERT_NOT_NULL(test, vb2_dma_heap_ibuf_vaddr(ref));
	fill(vb2_dma_heap_ibuf_vaddr(ref), ref->size);
	KUNIT_EXPECT_TRUE(test, matches(vb2_dma_heap_ibuf_vaddr(ref), ref->size));

	/*
	 * The device's is the device's alone; DMA-API debugging checks its
	 * unmap against the mapping.
	 */
	KUNIT_EXPECT_GE(test, sgt_dma_len(scratch->sgt), SZ_64K);
	KUNIT_EXPECT_NULL(test, vb2_dma_heap_ibuf_vaddr(scratch));

	list_for_each_entry(ibuf, &internal.bufs, list)
		n++;
	KUNIT_EXPECT_EQ(test, n, 2);

	vb2_dma_heap_ibuf_free(scratch);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&internal.bufs));
	vb2_dma_heap_ibuf_free(ref);
	KUNIT_EXPECT_TRUE(test, list_empty(&internal.bufs));
}

static void test_policy(struct kunit *test)
{
	static const char * const too_many[] = { "a", "b", "c", "d", "e" };
	static const char * const heaps[] = { "system", VB2_DMA_HEAP_DEVICE_CMA,
					      TEST_HEAP };
	static const char * const unknown[] = { "no-such-heap", "system" };
	struct vb2_dma_heap_policy policy = { .any_heap = true };
	struct dma_heap *system = dma_heap_find_by_name("system");

	KUNIT_ASSERT_NOT_NULL(test, system);
	KUNIT_EXPECT_EQ(test, vb2_dma_heap_policy_set(&policy, too_many,
						      ARRAY_SIZE(too_many), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vb2_dma_heap_policy_set(&policy, heaps, 0, 0), -EINVAL);

	KUNIT_ASSERT_EQ(test, vb2_dma_heap_policy_set(&policy, heaps,
						      ARRAY_SIZE(heaps), 0), 0);
	KUNIT_EXPECT_EQ(test, policy.num_heaps, ARRAY_SIZE(heaps));
	KUNIT_EXPECT_PTR_EQ(test, policy.heaps[0], system);
	KUNIT_EXPECT_NULL(test, policy.heaps[1]);
	KUNIT_EXPECT_PTR_EQ(test, policy.heaps[2], test_heap);
	/* Setting the heaps leaves the driver's widening alone. */
	KUNIT_EXPECT_TRUE(test, policy.any_heap);

	/* A heap not registered is refused at once, and nothing changes. */
	KUNIT_EXPECT_EQ(test, vb2_dma_heap_policy_set(&policy, unknown,
						      ARRAY_SIZE(unknown), 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, policy.num_heaps, ARRAY_SIZE(heaps));
	KUNIT_EXPECT_PTR_EQ(test, policy.heaps[2], test_heap);

	vb2_dma_heap_policy_release(&policy);
	KUNIT_EXPECT_EQ(test, policy.num_heaps, 0);
	dma_heap_put(system);
}

/*
 * A policy looks its heaps up when it is set, not at each allocation: it
 * keeps allocating from a heap that no lookup finds any longer.
 */
static void test_policy_holds_heaps(struct kunit *test)
{
	const struct dma_heap_export_info exp_info = {
		.name = "vb2-kunit-held-heap",
		.ops = &test_heap_ops,
	};
	struct test_ctx *ctx = test->priv;
	struct dma_heap *heap;
	void *priv;

	heap = dma_heap_add(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	set_policy(test, &ctx->a, 0, exp_info.name, NULL);
	dma_heap_remove(heap);
	KUNIT_EXPECT_NULL(test, dma_heap_find_by_name(exp_info.name));

	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	KUNIT_EXPECT_PTR_EQ(test, plane_heap(&ctx->a), heap);
	vb2_dma_heap_memops.put(priv);
}

static void test_selected_heap(struct kunit *test)
{
	struct v4l2_heap h = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;
	void *priv;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");

	/* A selected heap takes precedence over the policy... */
	q->selected_heap = dma_heap_find_by_name("system");
	KUNIT_ASSERT_NOT_NULL(test, q->selected_heap);
	KUNIT_ASSERT_EQ(test, vb2_g_heap(q, &h), 0);
	KUNIT_EXPECT_STREQ(test, (char *)h.name, "system");
	KUNIT_EXPECT_EQ(test, h.flags, V4L2_HEAP_FL_SELECTED);
	KUNIT_EXPECT_EQ(test, h.heap_caps, 0);
	KUNIT_EXPECT_EQ(test, h.fd, V4L2_HEAP_FD_DEFAULT);

	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	KUNIT_EXPECT_STREQ(test,
			   dma_heap_get_name(plane_heap(&ctx->a)),
			   "system");
	vb2_dma_heap_memops.put(priv);

	vb2_queue_release_heap(q);
	KUNIT_EXPECT_NULL(test, q->selected_heap);
	KUNIT_ASSERT_EQ(test, vb2_g_heap(q, &h), 0);
	KUNIT_EXPECT_STREQ(test, (char *)h.name, TEST_HEAP);
	KUNIT_EXPECT_EQ(test, h.flags, 0);
	KUNIT_EXPECT_EQ(test, h.heap_caps, DMA_HEAP_CAP_CONTIGUOUS);

	/* ...and is never fallen back from: userspace asked for it. */
	q->selected_heap = dma_heap_get(test_heap);
	set_budget(0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -ENOMEM);
}

/*
 * VIDIOC_ENUM_HEAPS as a driver with internal buffers implements it: the
 * allocator describes the groups, vb2_enum_heaps() reports them.
 */
static int enum_heaps(struct test_queue *tq,
		      struct vb2_dma_heap_internal *internal,
		      struct vb2_heap_group *groups, unsigned int num_groups,
		      struct v4l2_heapdesc *d)
{
	unsigned int i;

	for (i = 0; i < num_groups; i++)
		vb2_dma_heap_internal_usage(internal, &tq->policy, &groups[i]);
	return vb2_enum_heaps(&tq->q, groups, num_groups, d);
}

static void test_enum_heaps(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_heap_group groups[] = {
		{ V4L2_HEAP_PURPOSE_SCRATCH, SZ_64K + 1 },
	};
	struct vb2_dma_heap_internal internal;
	struct vb2_dma_heap_ibuf *ibuf;
	unsigned int i, queue_entries = 0;
	struct v4l2_heapdesc d;
	bool test_heap_active = false;
	int ret;

	set_policy(test, &ctx->a, DMA_HEAP_CAP_CONTIGUOUS, TEST_HEAP, "system");
	vb2_dma_heap_internal_init(&internal, test_dev(test));

	for (i = 0; ; i++) {
		memset(&d, 0, sizeof(d));
		d.index = i;
		ret = enum_heaps(&ctx->a, &internal, groups, ARRAY_SIZE(groups),
				 &d);
		if (ret)
			break;
		if (d.usage == V4L2_HEAP_USAGE_INTERNAL) {
			KUNIT_EXPECT_STREQ(test, (char *)d.name, TEST_HEAP);
			KUNIT_EXPECT_EQ(test, d.purpose_id, V4L2_HEAP_PURPOSE_SCRATCH);
			KUNIT_EXPECT_EQ(test, d.size, SZ_64K + PAGE_SIZE);
			KUNIT_EXPECT_EQ(test, d.count, 0);
			KUNIT_EXPECT_EQ(test, d.bytes, 0);
			continue;
		}
		/* Only contiguous heaps can serve this queue. */
		queue_entries++;
		KUNIT_EXPECT_TRUE(test, d.heap_caps & DMA_HEAP_CAP_CONTIGUOUS);
		if (!strcmp((char *)d.name, TEST_HEAP)) {
			KUNIT_EXPECT_EQ(test, d.usage, V4L2_HEAP_USAGE_ACTIVE);
			test_heap_active = true;
		} else {
			KUNIT_EXPECT_EQ(test, d.usage, V4L2_HEAP_USAGE_COMPATIBLE);
		}
	}
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_TRUE(test, test_heap_active);
	KUNIT_ASSERT_EQ(test, i, queue_entries + 1);

	ibuf = vb2_dma_heap_ibuf_alloc(&internal, &ctx->a.policy, SZ_64K + 1,
				       V4L2_HEAP_PURPOSE_SCRATCH,
				       DMA_TO_DEVICE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ibuf);
	d.index = queue_entries;
	KUNIT_EXPECT_EQ(test, enum_heaps(&ctx->a, &internal, groups,
					 ARRAY_SIZE(groups), &d), 0);
	KUNIT_EXPECT_EQ(test, d.count, 1);
	KUNIT_EXPECT_EQ(test, d.bytes, SZ_64K + PAGE_SIZE);
	vb2_dma_heap_ibuf_free(ibuf);

	/* A queue that does not allocate from heaps has nothing to report. */
	ctx->a.q.mem_ops = NULL;
	d.index = 0;
	KUNIT_EXPECT_EQ(test, vb2_enum_heaps(&ctx->a.q, NULL, 0, &d),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, vb2_g_heap(&ctx->a.q, &(struct v4l2_heap){}),
			-ENOTTY);
}

/* Exports @exp of queue a and imports it into queue b, mapped. */
static void *export_to_b(struct kunit *test, struct test_ctx *ctx, void *exp,
			 struct dma_buf **dbuf)
{
	void *imp;

	*dbuf = vb2_dma_heap_memops.get_dmabuf(&ctx->a.vb, exp, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *dbuf);
	imp = vb2_dma_heap_memops.attach_dmabuf(&ctx->b.vb, test_dev(test),
						*dbuf, TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp);
	KUNIT_ASSERT_EQ(test, vb2_dma_heap_memops.map_dmabuf(imp), 0);
	return imp;
}

/*
 * vb2-vmalloc users fill buffers from interrupt handlers and under spinlocks
 * through vb2_plane_vaddr(), so it must neither sleep nor map on demand,
 * for every kind of memory. DEBUG_ATOMIC_SLEEP reports any sleep here.
 */
static void expect_vaddr_atomic(struct kunit *test, struct vb2_buffer *vb,
				void *priv)
{
	unsigned long flags;
	void *first, *again;

	local_irq_save(flags);
	first = vb2_dma_heap_memops.vaddr(vb, priv);
	again = vb2_dma_heap_memops.vaddr(vb, priv);
	local_irq_restore(flags);

	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_EXPECT_PTR_EQ(test, again, first);
	fill(first, TEST_SIZE);
	KUNIT_EXPECT_TRUE(test, matches(first, TEST_SIZE));
}

static void test_vaddr_atomic(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_buf *dbuf;
	unsigned long uaddr;
	void *exp, *imp, *user;

	set_policy(test, &ctx->a, 0, "system", NULL);
	set_policy(test, &ctx->b, 0, "system", NULL);

	exp = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, exp);
	expect_vaddr_atomic(test, &ctx->a.vb, exp);

	imp = export_to_b(test, ctx, exp, &dbuf);
	expect_vaddr_atomic(test, &ctx->b.vb, imp);
	vb2_dma_heap_memops.unmap_dmabuf(imp);
	vb2_dma_heap_memops.detach_dmabuf(imp);
	dma_buf_put(dbuf);
	vb2_dma_heap_memops.put(exp);

	uaddr = kunit_vm_mmap(test, NULL, 0, TEST_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "anonymous mmap failed");
	/* Pinned for writing, so that these are the process's own pages. */
	user = vb2_dma_heap_memops.get_userptr(&ctx->a.vb, test_dev(test),
					       uaddr, TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, user);
	expect_vaddr_atomic(test, &ctx->a.vb, user);
	vb2_dma_heap_memops.put_userptr(user);
}

/*
 * USERPTR memory is vb2-dma-sg's, mapped for the device, and into the
 * kernel when it is set up or, on a queue without kernel mappings, when
 * vb2_plane_vaddr() asks: what the kernel writes there is in the user pages.
 */
static void expect_userptr_written(struct kunit *test, struct test_queue *tq)
{
	unsigned long uaddr;
	u32 first;
	void *priv;

	uaddr = kunit_vm_mmap(test, NULL, 0, TEST_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_TRUE(test, mapped(uaddr));
	KUNIT_ASSERT_EQ(test, clear_user((void __user *)uaddr, TEST_SIZE), 0);

	priv = vb2_dma_heap_memops.get_userptr(&tq->vb, test_dev(test), uaddr,
					       TEST_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	KUNIT_EXPECT_GE(test, sgt_dma_len(vb2_dma_heap_memops.cookie(&tq->vb, priv)),
			TEST_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vb2_dma_heap_memops.vaddr(&tq->vb, priv));
	fill(vb2_dma_heap_memops.vaddr(&tq->vb, priv), TEST_SIZE);
	vb2_dma_heap_memops.put_userptr(priv);

	KUNIT_EXPECT_EQ(test, get_user(first, (u32 __user *)uaddr), 0);
	KUNIT_EXPECT_EQ(test, first, pattern(0));
}

static void test_userptr(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	set_policy(test, &ctx->a, 0, "system", NULL);
	expect_userptr_written(test, &ctx->a);
}

/*
 * A queue that asks for no kernel mapping gets none of its MMAP buffers, as
 * with dma-contig, and its imported and USERPTR memory is mapped only when
 * vb2_plane_vaddr() asks, as both stock allocators map it.
 */
static void test_no_kernel_mapping(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_buf *dbuf;
	void *exp, *imp;

	set_policy(test, &ctx->a, 0, "system", NULL);
	set_policy(test, &ctx->b, 0, "system", NULL);
	ctx->a.q.dma_attrs = DMA_ATTR_NO_KERNEL_MAPPING;
	ctx->b.q.dma_attrs = DMA_ATTR_NO_KERNEL_MAPPING;

	exp = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, exp);
	KUNIT_EXPECT_NULL(test, vb2_dma_heap_memops.vaddr(&ctx->a.vb, exp));
	KUNIT_EXPECT_GE(test, sgt_dma_len(vb2_plane_cookie(&ctx->a.vb, 0)),
			TEST_SIZE);

	imp = export_to_b(test, ctx, exp, &dbuf);
	KUNIT_EXPECT_EQ_MSG(test, dbuf->vmapping_counter, 0,
			    "the import was vmapped before anyone asked");
	KUNIT_EXPECT_NOT_NULL(test, vb2_dma_heap_memops.vaddr(&ctx->b.vb, imp));
	KUNIT_EXPECT_EQ(test, dbuf->vmapping_counter, 1);
	vb2_dma_heap_memops.unmap_dmabuf(imp);
	KUNIT_EXPECT_EQ(test, dbuf->vmapping_counter, 0);
	vb2_dma_heap_memops.detach_dmabuf(imp);
	dma_buf_put(dbuf);
	release_buffers();
	vb2_dma_heap_memops.put(exp);

	expect_userptr_written(test, &ctx->a);
}

/*
 * A heap selected while the queue accepted any memory must not serve it
 * once the driver requires contiguous memory, e.g. after a format change.
 */
static void test_selection_rechecked(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");
	q->selected_heap = dma_heap_find_by_name("system");
	KUNIT_ASSERT_NOT_NULL(test, q->selected_heap);

	ctx->a.policy.caps = DMA_HEAP_CAP_CONTIGUOUS;
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -EINVAL);
}

/*
 * "device-cma" resolves to the heap of the device's CMA area (here the
 * default area, as the test device has none of its own): on Linux 7.3,
 * which exports that area twice, the heap registered first, the one the
 * contiguous heap of these tests is.
 */
static void test_device_cma(struct kunit *test)
{
	static const char * const heaps[] = { VB2_DMA_HEAP_DEVICE_CMA, "system" };
	struct v4l2_heap h = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct test_ctx *ctx = test->priv;
	struct dma_heap *heap;
	void *priv;

	require_cma(test);
	KUNIT_ASSERT_EQ(test, vb2_dma_heap_policy_set(&ctx->a.policy, heaps,
						      ARRAY_SIZE(heaps), 0), 0);

	priv = alloc_plane(test, &ctx->a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	heap = plane_heap(&ctx->a);
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), CMA_HEAP);
	KUNIT_EXPECT_TRUE(test, dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS);
	vb2_dma_heap_memops.put(priv);

	KUNIT_ASSERT_EQ(test, vb2_g_heap(&ctx->a.q, &h), 0);
	KUNIT_EXPECT_STREQ(test, (char *)h.name, CMA_HEAP);
}

/* Fills @d with the queue's ENUM_HEAPS entry @index. */
static int queue_entry(struct test_queue *tq, unsigned int index,
		       struct v4l2_heapdesc *d)
{
	memset(d, 0, sizeof(*d));
	d->index = index;
	return vb2_enum_heaps(&tq->q, NULL, 0, d);
}

/*
 * Internal entries are per group and heap: after a fallback a group's
 * buffers are reported in each heap that holds them, and a group none of
 * whose heaps is usable has no entry and does not end the enumeration.
 */
static void test_enum_internal_heaps(struct kunit *test)
{
	static const char * const system[] = { "system" };
	static const char * const want[] = { TEST_HEAP, "system" };
	struct test_ctx *ctx = test->priv;
	struct vb2_heap_group groups[] = {
		{ V4L2_HEAP_PURPOSE_REFERENCE, SZ_64K },
		{ V4L2_HEAP_PURPOSE_SCRATCH, SZ_64K },
	};
	struct vb2_dma_heap_policy unusable = {};
	struct vb2_dma_heap_ibuf *ibufs[ARRAY_SIZE(want)];
	struct vb2_dma_heap_internal internal;
	struct v4l2_heapdesc d;
	unsigned int i, first;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");
	/* The system heap's memory is not contiguous. */
	KUNIT_ASSERT_EQ(test, vb2_dma_heap_policy_set(&unusable, system, 1,
						      DMA_HEAP_CAP_CONTIGUOUS), 0);
	vb2_dma_heap_internal_init(&internal, test_dev(test));
	for (first = 0; !queue_entry(&ctx->a, first, &d); first++)
		;

	/* The second scratch buffer falls back to the system heap. */
	set_budget(SZ_64K);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ibufs[i] = vb2_dma_heap_ibuf_alloc(&internal, &ctx->a.policy,
						   SZ_64K,
						   V4L2_HEAP_PURPOSE_SCRATCH,
						   DMA_TO_DEVICE);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ibufs[i]);
		KUNIT_EXPECT_STREQ(test, dma_heap_get_name(ibufs[i]->heap),
				   want[i]);
	}

	vb2_dma_heap_internal_usage(&internal, &unusable, &groups[0]);
	vb2_dma_heap_internal_usage(&internal, &ctx->a.policy, &groups[1]);
	KUNIT_EXPECT_EQ(test, groups[0].num_entries, 0);
	KUNIT_EXPECT_EQ(test, groups[1].num_entries, ARRAY_SIZE(want));

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		memset(&d, 0, sizeof(d));
		d.index = first + i;
		KUNIT_ASSERT_EQ(test, vb2_enum_heaps(&ctx->a.q, groups,
						     ARRAY_SIZE(groups), &d), 0);
		KUNIT_EXPECT_EQ(test, d.usage, V4L2_HEAP_USAGE_INTERNAL);
		KUNIT_EXPECT_EQ(test, d.purpose_id, V4L2_HEAP_PURPOSE_SCRATCH);
		KUNIT_EXPECT_STREQ(test, (char *)d.name, want[i]);
		KUNIT_EXPECT_EQ(test, d.count, 1);
		KUNIT_EXPECT_EQ(test, d.bytes, SZ_64K);
	}
	d.index = first + i;
	KUNIT_EXPECT_EQ(test, vb2_enum_heaps(&ctx->a.q, groups,
					     ARRAY_SIZE(groups), &d), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		vb2_dma_heap_ibuf_free(ibufs[i]);
	vb2_dma_heap_policy_release(&unusable);
}

/*
 * A device that cannot address all RAM and has no IOMMU gets no memory it
 * cannot reach, as from dma_alloc_attrs(): with a 24-bit DMA mask neither
 * the system heap nor a CMA area above 16 MiB will do, so nothing is
 * allocated, listed or selectable.
 */
static void test_dma_mask(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;
	struct v4l2_heapdesc d;
	struct dma_heap *cma;

	require_cma(test);
	cma = dma_heap_find_by_name(CMA_HEAP);
	if (dma_heap_get_max_phys(cma) < SZ_16M) {
		dma_heap_put(cma);
		kunit_skip(test, "the CMA area lies within 16 MiB");
	}
	dma_heap_put(cma);
	if (dma_set_mask_and_coherent(test_dev(test), DMA_BIT_MASK(24)))
		kunit_skip(test, "no 24-bit DMA on this machine");

	set_policy(test, &ctx->a, 0, CMA_HEAP, "system");
	ctx->a.policy.any_heap = true;
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -ENODEV);
	KUNIT_EXPECT_EQ(test, queue_entry(&ctx->a, 0, &d), -EINVAL);

	q->selected_heap = dma_heap_find_by_name("system");
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -EINVAL);
}

/*
 * A queue asking for GFP_DMA32 memory gets it below 4 GiB, as vb2-vmalloc
 * and vb2-dma-sg give it: from the system heap only if all RAM is there.
 */
static void test_gfp_dma32(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct dma_heap *system = dma_heap_find_by_name("system");
	bool low = dma_heap_get_max_phys(system) <= DMA_BIT_MASK(32);
	struct scatterlist *s;
	struct sg_table *sgt;
	unsigned int i;
	void *priv;

	dma_heap_put(system);
	set_policy(test, &ctx->a, 0, "system", NULL);
	ctx->a.q.gfp_flags = GFP_DMA32;
	priv = alloc_plane(test, &ctx->a);
	if (!low) {
		KUNIT_EXPECT_EQ(test, PTR_ERR(priv), -ENODEV);
		return;
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	sgt = vb2_plane_cookie(&ctx->a.vb, 0);
	for_each_sgtable_sg(sgt, s, i)
		KUNIT_EXPECT_LE(test, sg_phys(s) + s->length - 1, DMA_BIT_MASK(32));
	vb2_dma_heap_memops.put(priv);
}

/*
 * The heaps a queue may use are the heaps its driver named, not whatever
 * is registered with the right capabilities, unless the driver says its
 * device can use any memory.
 */
static void test_compatible_heaps(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;
	struct v4l2_heapdesc d;
	unsigned int i;
	bool cma_listed = false;

	require_cma(test);
	set_policy(test, &ctx->a, 0, "system", NULL);
	KUNIT_ASSERT_EQ(test, queue_entry(&ctx->a, 0, &d), 0);
	KUNIT_EXPECT_STREQ(test, (char *)d.name, "system");
	KUNIT_EXPECT_EQ(test, d.usage, V4L2_HEAP_USAGE_ACTIVE);
	KUNIT_EXPECT_EQ(test, queue_entry(&ctx->a, 1, &d), -EINVAL);

	q->selected_heap = dma_heap_find_by_name(CMA_HEAP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane(test, &ctx->a)), -EINVAL);

	ctx->a.policy.any_heap = true;
	expect_alloc_from(test, &ctx->a, CMA_HEAP);
	KUNIT_ASSERT_EQ(test, queue_entry(&ctx->a, 0, &d), 0);
	KUNIT_EXPECT_STREQ(test, (char *)d.name, CMA_HEAP);
	KUNIT_EXPECT_EQ(test, d.flags, V4L2_HEAP_FL_SELECTED);
	KUNIT_EXPECT_EQ(test, d.heap_caps, DMA_HEAP_CAP_CONTIGUOUS);
	for (i = 1; !queue_entry(&ctx->a, i, &d); i++) {
		KUNIT_EXPECT_EQ(test, d.usage, V4L2_HEAP_USAGE_COMPATIBLE);
		cma_listed |= !strcmp((char *)d.name, CMA_HEAP);
	}
	KUNIT_EXPECT_FALSE(test, cma_listed);
	KUNIT_EXPECT_GE(test, i, 2);
}

/*
 * Every plane counts, and a buffer whose planes came from two heaps after
 * a fallback is reported in both, with the bytes each heap holds.
 */
static void test_enum_planes(struct kunit *test)
{
	const unsigned long lengths[] = { TEST_SIZE, SZ_64K + 1 };
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;
	struct vb2_buffer *vb = &ctx->a.vb;
	struct vb2_buffer *bufs[1] = { vb };
	unsigned long bitmap = BIT(0);
	struct v4l2_heapdesc active, other;
	unsigned int p;
	void *priv;

	require_cma(test);
	set_policy(test, &ctx->a, 0, "system", NULL);
	ctx->a.policy.any_heap = true;
	q->bufs = bufs;
	q->bufs_bitmap = &bitmap;
	q->max_num_buffers = 1;
	vb->memory = VB2_MEMORY_MMAP;
	vb->num_planes = ARRAY_SIZE(lengths);

	for (p = 0; p < ARRAY_SIZE(lengths); p++) {
		q->selected_heap = p ? NULL : dma_heap_find_by_name(CMA_HEAP);
		vb->planes[p].length = lengths[p];
		priv = vb2_dma_heap_memops.alloc(vb, test_dev(test),
						 PAGE_ALIGN(lengths[p]));
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
		vb->planes[p].mem_priv = priv;
		dma_heap_put(q->selected_heap);
	}
	q->selected_heap = NULL;

	KUNIT_ASSERT_EQ(test, queue_entry(&ctx->a, 0, &active), 0);
	KUNIT_EXPECT_STREQ(test, (char *)active.name, "system");
	KUNIT_EXPECT_EQ(test, active.count, 1);
	KUNIT_EXPECT_EQ(test, active.bytes, SZ_64K + PAGE_SIZE);
	for (p = 1; !queue_entry(&ctx->a, p, &other); p++)
		if (!strcmp((char *)other.name, CMA_HEAP))
			break;
	KUNIT_ASSERT_STREQ(test, (char *)other.name, CMA_HEAP);
	KUNIT_EXPECT_EQ(test, other.usage, V4L2_HEAP_USAGE_ACTIVE);
	KUNIT_EXPECT_EQ(test, other.count, 1);
	KUNIT_EXPECT_EQ(test, other.bytes, TEST_SIZE);

	for (p = 0; p < ARRAY_SIZE(lengths); p++)
		vb2_dma_heap_memops.put(vb->planes[p].mem_priv);
	q->bufs = NULL;
}

/* A heap reference holds one to its owner module, this one for test_heap. */
static int owner_refs(void)
{
	return OWNER_REFS ? module_refcount(THIS_MODULE) : 0;
}

/*
 * VIDIOC_S_HEAP without the file descriptor: a selection takes the heap's
 * reference, is accepted while the queue holds buffers, for those it
 * allocates next, is refused for a heap the queue may not use, and a
 * failure leaves the previous selection and every reference as they were.
 */
static void test_select(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;
	struct vb2_queue *q = &ctx->a.q;
	struct vb2_heap_entry e;
	int refs = owner_refs();

	set_policy(test, &ctx->a, 0, "system", NULL);
	ctx->a.policy.any_heap = true;

	KUNIT_ASSERT_EQ(test, vb2_queue_select_heap(q, dma_heap_get(test_heap), &e), 0);
	KUNIT_EXPECT_PTR_EQ(test, q->selected_heap, test_heap);
	KUNIT_EXPECT_STREQ(test, e.name, TEST_HEAP);
	KUNIT_EXPECT_TRUE(test, e.selected);
	KUNIT_EXPECT_TRUE(test, e.caps & DMA_HEAP_CAP_CONTIGUOUS);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	q->is_busy = 1;
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, NULL, &e), 0);
	KUNIT_EXPECT_NULL(test, q->selected_heap);
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, dma_heap_get(test_heap), &e), 0);
	q->is_busy = 0;
	KUNIT_EXPECT_PTR_EQ(test, q->selected_heap, test_heap);

	/* Not contiguous, for a queue that now needs it */
	ctx->a.policy.caps = DMA_HEAP_CAP_CONTIGUOUS;
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, dma_heap_find_by_name("system"), &e),
			-EINVAL);
	/* No usable heap to return to */
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, NULL, &e), -ENODEV);
	KUNIT_EXPECT_PTR_EQ(test, q->selected_heap, test_heap);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	ctx->a.policy.caps = 0;
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, NULL, &e), 0);
	KUNIT_EXPECT_NULL(test, q->selected_heap);
	KUNIT_EXPECT_STREQ(test, e.name, "system");
	KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

static int test_queue_setup(struct vb2_queue *q, unsigned int *num_buffers,
			    unsigned int *num_planes, unsigned int sizes[],
			    struct device *alloc_devs[])
{
	*num_planes = 1;
	sizes[0] = SZ_64K;
	return 0;
}

static void test_buf_queue(struct vb2_buffer *vb)
{
}

static const struct vb2_ops test_vb2_ops = {
	.queue_setup	= test_queue_setup,
	.buf_queue	= test_buf_queue,
};

static DEFINE_MUTEX(test_vb2_lock);

/* A V4L2 queue of @type whose buffers would come from @tq's policy */
static int test_v4l2_queue_init(struct test_queue *tq, struct vb2_queue *q,
				u32 type)
{
	q->type = type;
	q->lock = &test_vb2_lock;
	q->io_modes = VB2_MMAP;
	q->ops = &test_vb2_ops;
	q->mem_ops = &vb2_dma_heap_memops;
	q->heap_policy = &tq->policy;
	q->dev = tq->q.dev;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_COPY;
	return vb2_queue_init(q);
}

static int test_m2m_queue_init(void *priv, struct vb2_queue *src_vq,
			       struct vb2_queue *dst_vq)
{
	int ret = test_v4l2_queue_init(priv, src_vq, V4L2_BUF_TYPE_VIDEO_OUTPUT);

	return ret ?: test_v4l2_queue_init(priv, dst_vq,
					   V4L2_BUF_TYPE_VIDEO_CAPTURE);
}

static void test_device_run(void *priv)
{
}

static const struct v4l2_m2m_ops test_m2m_ops = {
	.device_run	= test_device_run,
};

/*
 * A selection holds its heap until the queue goes away for good, and the
 * V4L2 helpers that tear queues down drop it, so that drivers need not: a
 * mem2mem context's queues, and a device node's queue.
 */
static void test_teardown_drops_selection(struct kunit *test)
{
	static const struct v4l2_file_operations fops = {
		.owner		= THIS_MODULE,
		.open		= v4l2_fh_open,
		.release	= vb2_fop_release,
	};
	struct test_ctx *ctx = test->priv;
	struct v4l2_m2m_dev *m2m_dev;
	struct v4l2_m2m_ctx *m2m_ctx;
	struct v4l2_device *v4l2_dev;
	struct video_device *vdev;
	struct vb2_heap_entry e;
	int refs = owner_refs();
	struct vb2_queue *q;

	if (!OWNER_REFS)
		kunit_skip(test, "heap references are counted on a module");
	set_policy(test, &ctx->a, 0, "system", NULL);
	ctx->a.policy.any_heap = true;

	m2m_dev = v4l2_m2m_init(&test_m2m_ops);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m2m_dev));
	m2m_ctx = v4l2_m2m_ctx_init(m2m_dev, &ctx->a, test_m2m_queue_init);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m2m_ctx));
	mutex_lock(&test_vb2_lock);
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(v4l2_m2m_get_src_vq(m2m_ctx),
						    dma_heap_get(test_heap), &e), 0);
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(v4l2_m2m_get_dst_vq(m2m_ctx),
						    dma_heap_get(test_heap), &e), 0);
	mutex_unlock(&test_vb2_lock);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 2);
	v4l2_m2m_ctx_release(m2m_ctx);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs);
	v4l2_m2m_release(m2m_dev);

	v4l2_dev = kunit_kzalloc(test, sizeof(*v4l2_dev), GFP_KERNEL);
	vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);
	q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, v4l2_dev && vdev && q);
	KUNIT_ASSERT_EQ(test, test_v4l2_queue_init(&ctx->a, q,
						   V4L2_BUF_TYPE_VIDEO_CAPTURE), 0);
	KUNIT_ASSERT_EQ(test, v4l2_device_register(ctx->dev, v4l2_dev), 0);
	strscpy(vdev->name, "vb2-dma-heap-test");
	vdev->v4l2_dev = v4l2_dev;
	vdev->fops = &fops;
	vdev->release = video_device_release_empty;
	vdev->queue = q;
	vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
	KUNIT_ASSERT_EQ(test, video_register_device(vdev, VFL_TYPE_VIDEO, -1), 0);
	mutex_lock(&test_vb2_lock);
	KUNIT_EXPECT_EQ(test, vb2_queue_select_heap(q, dma_heap_get(test_heap), &e), 0);
	/* Closing a file handle releases the queue but not the selection. */
	vb2_queue_release(q);
	mutex_unlock(&test_vb2_lock);
	KUNIT_EXPECT_PTR_EQ(test, q->selected_heap, test_heap);
	vb2_video_unregister_device(vdev);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs);
	v4l2_device_unregister(v4l2_dev);
}

/*
 * Only exhaustion moves on to the next heap: any other error of a heap is
 * returned as it is, rather than hidden behind a fallback.
 */
static void test_error_stops_fallback(struct kunit *test)
{
	struct test_ctx *ctx = test->priv;

	set_policy(test, &ctx->a, 0, TEST_HEAP, "system");
	test_heap_error = -EIO;
	KUNIT_EXPECT_EQ(test, PTR_ERR(alloc_plane_sized(test, &ctx->a, TEST_CHUNK)),
			-EIO);
}

static struct kunit_case vb2_dma_heap_test_cases[] = {
	KUNIT_CASE_PARAM(test_alloc_free, heap_gen_params),
	KUNIT_CASE(test_cma_is_contiguous_system_is_not),
	KUNIT_CASE(test_export_reimport),
	KUNIT_CASE(test_export_access_mode),
	KUNIT_CASE(test_free_returns_at_once),
	KUNIT_CASE(test_mmap_contents),
	KUNIT_CASE(test_fallback_when_exhausted),
	KUNIT_CASE(test_contiguous_requirement),
	KUNIT_CASE(test_contiguous_import),
	KUNIT_CASE(test_internal_buffers),
	KUNIT_CASE(test_policy),
	KUNIT_CASE(test_policy_holds_heaps),
	KUNIT_CASE(test_selected_heap),
	KUNIT_CASE(test_enum_heaps),
	KUNIT_CASE(test_enum_internal_heaps),
	KUNIT_CASE(test_vaddr_atomic),
	KUNIT_CASE(test_no_kernel_mapping),
	KUNIT_CASE(test_selection_rechecked),
	KUNIT_CASE(test_device_cma),
	KUNIT_CASE(test_dma_mask),
	KUNIT_CASE(test_gfp_dma32),
	KUNIT_CASE(test_compatible_heaps),
	KUNIT_CASE(test_enum_planes),
	KUNIT_CASE(test_select),
	KUNIT_CASE(test_teardown_drops_selection),
	KUNIT_CASE(test_userptr),
	KUNIT_CASE(test_error_stops_fallback),
	{}
};

static struct kunit_suite vb2_dma_heap_test_suite = {
	.name = "vb2-dma-heap",
	.suite_init = test_suite_init,
	.suite_exit = test_suite_exit,
	.init = test_init,
	.exit = test_exit,
	.test_cases = vb2_dma_heap_test_cases,
};

kunit_test_suite(vb2_dma_heap_test_suite);

MODULE_DESCRIPTION("KUnit tests for the videobuf2 dma-heap allocator");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");
MODULE_IMPORT_NS("DMA_BUF_HEAP");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
