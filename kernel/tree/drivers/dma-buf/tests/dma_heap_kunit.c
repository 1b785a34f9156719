// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the in-kernel DMA-BUF heap API
 *
 * The tests register heaps of their own, owned by this module, and remove
 * them when they end. Built as a module, they also check the references
 * to the owner module that a heap holds: delete_module() refuses to unload
 * a module for as long as module_refcount() is not zero, so a reference
 * that shows there keeps the heap's ops and private data loaded.
 */

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-map-ops.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "../dma-heap-internal.h"

#define HEAP_A "kunit-dma-heap-a"
#define HEAP_B "kunit-dma-heap-b"

/* Whether the tests can see the references to their own module */
#define OWNER_REFS (IS_MODULE(CONFIG_DMABUF_HEAPS_KUNIT_TEST) && \
		    IS_ENABLED(CONFIG_MODULE_UNLOAD))

struct test_heap {
	struct dma_heap *heap;
	unsigned int allocs;
	unsigned int frees;
	struct sg_table *table;
	unsigned long len;
	u32 fd_flags;
};

static int owner_refs(void)
{
#if OWNER_REFS
	return module_refcount(THIS_MODULE);
#else
	return 0;
#endif
}

static struct sg_table *test_buf_map(struct dma_buf_attachment *attach,
				     enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void test_buf_unmap(struct dma_buf_attachment *attach,
			   struct sg_table *sgt, enum dma_data_direction dir)
{
}

static void test_buf_release(struct dma_buf *dmabuf)
{
}

static const struct dma_buf_ops test_buf_ops = {
	.map_dma_buf = test_buf_map,
	.unmap_dma_buf = test_buf_unmap,
	.release = test_buf_release,
};

static struct dma_buf *test_heap_allocate(struct dma_heap *heap,
					  unsigned long len, u32 fd_flags,
					  u64 heap_flags)
{
	struct test_heap *th = dma_heap_get_drvdata(heap);
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	th->allocs++;
	th->len = len;
	th->fd_flags = fd_flags;

	exp_info.ops = &test_buf_ops;
	exp_info.size = len;
	exp_info.flags = fd_flags;
	exp_info.priv = th;
	return dma_buf_export(&exp_info);
}

static const struct dma_heap_ops test_heap_ops = {
	.allocate = test_heap_allocate,
};

static void test_heap_remove(void *heap)
{
	dma_heap_remove(heap);
}

static struct test_heap *test_heap_add(struct kunit *test, const char *name,
				       u32 caps)
{
	struct dma_heap_export_info exp_info = {
		.name = name,
		.ops = &test_heap_ops,
		.caps = caps,
	};
	struct test_heap *th;
	int ret;

	th = kunit_kzalloc(test, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	exp_info.priv = th;

	th->heap = dma_heap_add(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, th->heap);
	ret = kunit_add_action_or_reset(test, test_heap_remove, th->heap);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return th;
}

/* Drops a dma-buf and waits for its release, which a kthread defers. */
static void test_buf_put(struct dma_buf *dmabuf)
{
	dma_buf_put(dmabuf);
	flush_delayed_fput();
}

static void dma_heap_test_find_by_name(struct kunit *test)
{
	struct test_heap *th = test_heap_add(test, HEAP_A, 0);
	struct dma_heap *heap, *again;

	heap = dma_heap_find_by_name(HEAP_A);
	KUNIT_EXPECT_PTR_EQ(test, heap, th->heap);
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), HEAP_A);
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_get_drvdata(heap), th);

	/* As written to a sysfs attribute or module parameter */
	again = dma_heap_find_by_name(HEAP_A "\n");
	KUNIT_EXPECT_PTR_EQ(test, again, th->heap);
	dma_heap_put(again);
	dma_heap_put(heap);

	KUNIT_EXPECT_NULL(test, dma_heap_find_by_name("kunit-dma-heap"));
	KUNIT_EXPECT_NULL(test, dma_heap_find_by_name(HEAP_A "-"));
	KUNIT_EXPECT_NULL(test, dma_heap_find_by_name(""));
	dma_heap_put(NULL);
}

static void dma_heap_test_owner_refs(struct kunit *test)
{
	struct dma_heap *heap, *again;
	struct test_heap *th;
	int refs;

	if (!OWNER_REFS)
		kunit_skip(test, "needs the tests built as a module and CONFIG_MODULE_UNLOAD");

	refs = owner_refs();
	th = test_heap_add(test, HEAP_A, 0);
	/* The registry's reference */
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	heap = dma_heap_find_by_name(HEAP_A);
	KUNIT_EXPECT_PTR_EQ(test, heap, th->heap);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 2);
	again = dma_heap_get(heap);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 3);
	dma_heap_put(again);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 2);
	dma_heap_put(heap);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	kunit_release_action(test, test_heap_remove, th->heap);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

/*
 * A heap that goes away while a user holds it stays valid for that user,
 * and so does the module that registered it.
 */
static void dma_heap_test_held_across_removal(struct kunit *test)
{
	struct dma_heap *heap, *h = NULL;
	struct dma_buf *dmabuf;
	struct test_heap *th;
	int refs = owner_refs();

	th = test_heap_add(test, HEAP_A, 0);
	heap = dma_heap_find_by_name(HEAP_A);
	KUNIT_ASSERT_PTR_EQ(test, heap, th->heap);

	kunit_release_action(test, test_heap_remove, th->heap);
	KUNIT_EXPECT_NULL(test, dma_heap_find_by_name(HEAP_A));
	while ((h = dma_heap_get_next(h)))
		KUNIT_EXPECT_PTR_NE(test, h, heap);

	/* The module cannot be unloaded: the holder's reference remains */
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	/* ... and the heap and what its owner provided remain usable */
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), HEAP_A);
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_get_drvdata(heap), th);
	dmabuf = dma_heap_buffer_alloc(heap, PAGE_SIZE, O_RDWR, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(dmabuf));
	if (!IS_ERR(dmabuf))
		test_buf_put(dmabuf);

	dma_heap_put(heap);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

static void dma_heap_test_buffer_alloc(struct kunit *test)
{
	struct test_heap *th = test_heap_add(test, HEAP_A, 0);
	struct dma_buf *dmabuf;
	int refs = owner_refs();

	dmabuf = dma_heap_buffer_alloc(th->heap, 1, O_RDWR | O_CLOEXEC, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_EXPECT_EQ(test, th->allocs, 1);
	KUNIT_EXPECT_EQ(test, th->len, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, th->fd_flags, O_RDWR | O_CLOEXEC);
	KUNIT_EXPECT_EQ(test, dmabuf->size, PAGE_SIZE);
	/* A buffer holds the module that exported it */
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);
	test_buf_put(dmabuf);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs);

	/* Arguments the ioctl would refuse never reach the heap */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_buffer_alloc(th->heap, 0, O_RDWR, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_buffer_alloc(th->heap, PAGE_SIZE,
							    O_RDWR | O_APPEND, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_buffer_alloc(th->heap, PAGE_SIZE,
							    O_RDWR, 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, th->allocs, 1);
}

static void dma_heap_test_for_each(struct kunit *test)
{
	struct test_heap *a = test_heap_add(test, HEAP_A, 0);
	struct test_heap *b = test_heap_add(test, HEAP_B, 0);
	bool seen_a = false, seen_b = false, b_after_a = false;
	struct dma_heap *heap = NULL;
	int refs = owner_refs();

	while ((heap = dma_heap_get_next(heap))) {
		/* The current heap is referenced */
		if (OWNER_REFS && (heap == a->heap || heap == b->heap))
			KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);
		if (heap == a->heap)
			seen_a = true;
		if (heap == b->heap) {
			seen_b = true;
			b_after_a = seen_a;
		}
	}
	KUNIT_EXPECT_TRUE(test, seen_a);
	KUNIT_EXPECT_TRUE(test, seen_b);
	/* Registration order */
	KUNIT_EXPECT_TRUE(test, b_after_a);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs);

	/* A walk ends with NULL, ready for the next one */
	KUNIT_EXPECT_NULL(test, heap);

	/* Leaving early keeps the reference to the current heap */
	while ((heap = dma_heap_get_next(heap))) {
		if (heap == a->heap)
			break;
	}
	KUNIT_EXPECT_PTR_EQ(test, heap, a->heap);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);
	dma_heap_put(heap);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

static void dma_heap_test_from_other_file(struct kunit *test)
{
	struct test_heap *th = test_heap_add(test, HEAP_A, 0);
	struct dma_buf *dmabuf;

	dmabuf = dma_heap_buffer_alloc(th->heap, PAGE_SIZE, O_RDWR, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_from_file(dmabuf->file)), -EINVAL);
	test_buf_put(dmabuf);
}

static void dma_heap_test_from_file(struct kunit *test)
{
	struct test_heap *th = test_heap_add(test, HEAP_A, 0);
	int refs = owner_refs();
	struct dma_heap *heap;
	struct file *file;

	file = dma_heap_open_file(th->heap);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	/* An open file holds the heap */
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);

	heap = dma_heap_from_file(file);
	KUNIT_EXPECT_PTR_EQ(test, heap, th->heap);
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 2);

	/* The reference outlives the file */
	fput(file);
	flush_delayed_fput();
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs + 1);
	if (!IS_ERR(heap)) {
		KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), HEAP_A);
		dma_heap_put(heap);
	}
	if (OWNER_REFS)
		KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

static void dma_heap_test_caps(struct kunit *test)
{
	struct test_heap *a = test_heap_add(test, HEAP_A, DMA_HEAP_CAP_CONTIGUOUS);
	struct test_heap *b = test_heap_add(test, HEAP_B, 0);
	struct dma_heap_export_info exp_info = {
		.name = "kunit-dma-heap-unknown-caps",
		.ops = &test_heap_ops,
		.priv = a,
		.caps = BIT(31),
	};
	int refs = owner_refs();

	KUNIT_EXPECT_EQ(test, dma_heap_get_caps(a->heap), DMA_HEAP_CAP_CONTIGUOUS);
	KUNIT_EXPECT_EQ(test, dma_heap_get_caps(b->heap), 0);

	/* A bit nobody defined yet cannot be reported */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_add(&exp_info)), -EINVAL);
	KUNIT_EXPECT_EQ(test, owner_refs(), refs);
}

#if IS_REACHABLE(CONFIG_DMABUF_HEAPS_SYSTEM)
/*
 * The system heap's pages for confidential computing are shared with the
 * host, which only a dma-buf tells its importers: no in-kernel user gets
 * them without one.
 */
static void dma_heap_test_cc_shared_mem_unsupported(struct kunit *test)
{
	struct dma_heap *heap = system_heap_add_cc_shared(HEAP_A);
	struct sg_table *table;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_heap_remove, heap), 0);
	KUNIT_EXPECT_FALSE(test, dma_heap_can_mem_alloc(heap));
	table = dma_heap_mem_alloc(heap, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(table), -EOPNOTSUPP);
	if (!IS_ERR(table))
		dma_heap_mem_free(heap, table);
}
#endif

/* One page more than asked for, of the zero page: nobody maps it. */
static struct sg_table *test_heap_mem_alloc_long(struct dma_heap *heap,
						 unsigned long len)
{
	struct test_heap *th = dma_heap_get_drvdata(heap);
	struct sg_table *table = th->table;
	struct scatterlist *sg;
	unsigned int i;

	th->allocs++;
	if (sg_alloc_table(table, (len >> PAGE_SHIFT) + 1, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	for_each_sgtable_sg(table, sg, i)
		sg_set_page(sg, ZERO_PAGE(0), PAGE_SIZE, 0);
	return table;
}

static void test_heap_mem_free(struct dma_heap *heap, struct sg_table *table)
{
	struct test_heap *th = dma_heap_get_drvdata(heap);

	th->frees++;
	sg_free_table(table);
}

static const struct dma_heap_ops test_heap_long_ops = {
	.allocate = test_heap_allocate,
	.mem_alloc = test_heap_mem_alloc_long,
	.mem_free = test_heap_mem_free,
};

/*
 * Memory of another length than asked for never reaches the caller, which
 * sizes its page arrays and mappings by what it asked for, and goes back
 * to the heap.
 */
static void dma_heap_test_mem_wrong_length(struct kunit *test)
{
	struct test_heap *th = kunit_kzalloc(test, sizeof(*th), GFP_KERNEL);
	struct dma_heap_export_info exp_info = {
		.name = HEAP_A,
		.ops = &test_heap_long_ops,
		.priv = th,
	};

	KUNIT_ASSERT_NOT_NULL(test, th);
	th->table = kunit_kzalloc(test, sizeof(*th->table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th->table);
	th->heap = dma_heap_add(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, th->heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_heap_remove,
							th->heap), 0);

	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_mem_alloc(th->heap, SZ_64K)),
			-EIO);
	KUNIT_EXPECT_EQ(test, th->allocs, 1);
	KUNIT_EXPECT_EQ(test, th->frees, 1);
}

/* A heap without mem_alloc hands out dma-bufs only. */
static void dma_heap_test_mem_unsupported(struct kunit *test)
{
	struct test_heap *a = test_heap_add(test, HEAP_A, 0);

	KUNIT_EXPECT_FALSE(test, dma_heap_can_mem_alloc(a->heap));
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_mem_alloc(a->heap, SZ_64K)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_mem_alloc(a->heap, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, a->allocs, 0);
}

static bool table_zeroed(struct sg_table *table)
{
	struct sg_page_iter piter;
	bool zeroed = true;
	void *p;

	for_each_sgtable_page(table, &piter, 0) {
		p = kmap_local_page(sg_page_iter_page(&piter));
		zeroed = !memchr_inv(p, 0, PAGE_SIZE);
		kunmap_local(p);
		if (!zeroed)
			break;
	}
	return zeroed;
}

static bool table_contiguous(struct sg_table *table)
{
	phys_addr_t next = sg_phys(table->sgl);
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(table, sg, i) {
		if (sg_phys(sg) != next)
			return false;
		next += sg->length;
	}
	return true;
}

static size_t table_length(struct sg_table *table)
{
	struct scatterlist *sg;
	size_t len = 0;
	unsigned int i;

	for_each_sgtable_sg(table, sg, i)
		len += sg->length;
	return len;
}

/*
 * Every registered heap that hands out memory without a dma-buf: whole
 * pages, zeroed, and contiguous when the heap says it is.
 */
static void dma_heap_test_mem_alloc(struct kunit *test)
{
	struct dma_heap *heap = NULL;
	struct sg_table *table;
	unsigned int tested = 0;

	while ((heap = dma_heap_get_next(heap))) {
		table = dma_heap_mem_alloc(heap, SZ_1M + 1);
		KUNIT_EXPECT_EQ_MSG(test, dma_heap_can_mem_alloc(heap),
				    PTR_ERR(table) != -EOPNOTSUPP, "heap %s",
				    dma_heap_get_name(heap));
		if (PTR_ERR(table) == -EOPNOTSUPP)
			continue;
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(table), "heap %s: %pe",
				       dma_heap_get_name(heap), table);
		if (IS_ERR(table))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, table_length(table), SZ_1M + PAGE_SIZE,
				    "heap %s", dma_heap_get_name(heap));
		KUNIT_EXPECT_TRUE_MSG(test, table_zeroed(table), "heap %s",
				      dma_heap_get_name(heap));
		if (dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS)
			KUNIT_EXPECT_TRUE_MSG(test, table_contiguous(table),
					      "heap %s", dma_heap_get_name(heap));
		dma_heap_mem_free(heap, table);
		tested++;
	}
	/* The system heap at least */
	KUNIT_EXPECT_GE(test, tested, 1);
}

/*
 * Memory handed out without a dma-buf is back in its heap as soon as it is
 * freed, even from a kernel thread, where a dma-buf's release is deferred:
 * with a contiguous heap full, freeing one chunk lets the same allocation
 * succeed again at once.
 */
static void dma_heap_test_mem_free_returns_at_once(struct kunit *test)
{
	const unsigned int max_chunks = 256;
	struct sg_table **chunks, *table;
	struct dma_heap *heap = NULL;
	unsigned int n = 0;
	long err = 0;

	chunks = kunit_kcalloc(test, max_chunks, sizeof(*chunks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chunks);

	while ((heap = dma_heap_get_next(heap)))
		if (dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS)
			break;
	if (!heap)
		kunit_skip(test, "no contiguous heap: boot with cma=");

	while (n < max_chunks) {
		table = dma_heap_mem_alloc(heap, SZ_4M);
		if (IS_ERR(table)) {
			err = PTR_ERR(table);
			break;
		}
		chunks[n++] = table;
	}
	KUNIT_EXPECT_EQ_MSG(test, err, -ENOMEM, "heap %s",
			    dma_heap_get_name(heap));
	KUNIT_EXPECT_GT(test, n, 0);

	if (n) {
		dma_heap_mem_free(heap, chunks[--n]);
		table = dma_heap_mem_alloc(heap, SZ_4M);
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(table), "%pe", table);
		if (!IS_ERR(table))
			chunks[n++] = table;
	}
	while (n)
		dma_heap_mem_free(heap, chunks[--n]);
	dma_heap_put(heap);
}

/*
 * A heap registered for a region reports the region's end, any other the
 * end of RAM; no heap hands out a page beyond what it reports.
 */
static void dma_heap_test_max_phys(struct kunit *test)
{
	struct test_heap *a = test_heap_add(test, HEAP_A, 0);
	struct dma_heap_export_info exp_info = {
		.name = HEAP_B,
		.ops = &test_heap_ops,
		.priv = a,
		.max_phys = SZ_16M - 1,
	};
	struct dma_heap *b, *heap = NULL;
	struct sg_table *table;
	struct scatterlist *sg;
	unsigned int i;

	b = dma_heap_add(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_heap_remove, b), 0);
	KUNIT_EXPECT_EQ(test, dma_heap_get_max_phys(b), SZ_16M - 1);
	KUNIT_EXPECT_GT(test, dma_heap_get_max_phys(a->heap), SZ_16M - 1);

	while ((heap = dma_heap_get_next(heap))) {
		table = dma_heap_mem_alloc(heap, SZ_1M);
		if (IS_ERR(table))
			continue;
		for_each_sgtable_sg(table, sg, i)
			KUNIT_EXPECT_LE_MSG(test, sg_phys(sg) + sg->length - 1,
					    dma_heap_get_max_phys(heap), "heap %s",
					    dma_heap_get_name(heap));
		dma_heap_mem_free(heap, table);
	}
}

/*
 * A device's CMA area is found as the heap registered first for it, which
 * is the CMA heap's where it exports the area; a heap registered later for
 * the same area is never found, by its name, its node or a walk, and
 * neither is a removed one.
 */
static void dma_heap_test_find_device_cma(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "dma-heap-test");
	struct dma_heap_export_info exp_info = { .ops = &test_heap_ops };
	static const char * const names[] = { HEAP_A, HEAP_B };
	struct dma_heap *heaps[ARRAY_SIZE(names)], *found, *heap = NULL;
	struct file *file;
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	exp_info.cma = dev_get_cma_area(dev);
	if (!exp_info.cma)
		kunit_skip(test, "no default CMA area: boot with cma=");

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		exp_info.name = names[i];
		heaps[i] = dma_heap_add(&exp_info);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heaps[i]);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, test_heap_remove,
								heaps[i]), 0);
	}

	/* The CMA heap exports the area unless it is a module not loaded */
	found = dma_heap_find_device_cma(dev);
	KUNIT_ASSERT_NOT_NULL(test, found);
	KUNIT_EXPECT_PTR_NE(test, found, heaps[1]);
	if (found == heaps[0])
		KUNIT_EXPECT_FALSE(test, IS_BUILTIN(CONFIG_DMABUF_HEAPS_CMA));
	else
		KUNIT_EXPECT_TRUE(test, dma_heap_get_caps(found) & DMA_HEAP_CAP_CONTIGUOUS);

	heap = dma_heap_find_by_name(HEAP_B);
	KUNIT_EXPECT_PTR_EQ(test, heap, found);
	dma_heap_put(heap);

	file = dma_heap_open_file(heaps[1]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	heap = dma_heap_from_file(file);
	KUNIT_EXPECT_PTR_EQ(test, heap, found);
	if (!IS_ERR(heap))
		dma_heap_put(heap);
	fput(file);
	flush_delayed_fput();

	heap = NULL;
	while ((heap = dma_heap_get_next(heap))) {
		KUNIT_EXPECT_PTR_NE(test, heap, heaps[1]);
		if (heap != found)
			KUNIT_EXPECT_PTR_NE(test, heap, heaps[0]);
	}
	dma_heap_put(found);

	for (i = 0; i < ARRAY_SIZE(names); i++)
		kunit_release_action(test, test_heap_remove, heaps[i]);
	found = dma_heap_find_device_cma(dev);
	if (found)
		KUNIT_EXPECT_TRUE(test, dma_heap_get_caps(found) & DMA_HEAP_CAP_CONTIGUOUS);
	else
		KUNIT_EXPECT_FALSE(test, IS_BUILTIN(CONFIG_DMABUF_HEAPS_CMA));
	dma_heap_put(found);
}

static struct kunit_case dma_heap_test_cases[] = {
	KUNIT_CASE(dma_heap_test_find_by_name),
	KUNIT_CASE(dma_heap_test_owner_refs),
	KUNIT_CASE(dma_heap_test_held_across_removal),
	KUNIT_CASE(dma_heap_test_buffer_alloc),
	KUNIT_CASE(dma_heap_test_for_each),
	KUNIT_CASE(dma_heap_test_from_other_file),
	KUNIT_CASE(dma_heap_test_from_file),
	KUNIT_CASE(dma_heap_test_caps),
#if IS_REACHABLE(CONFIG_DMABUF_HEAPS_SYSTEM)
	KUNIT_CASE(dma_heap_test_cc_shared_mem_unsupported),
#endif
	KUNIT_CASE(dma_heap_test_mem_wrong_length),
	KUNIT_CASE(dma_heap_test_mem_unsupported),
	KUNIT_CASE(dma_heap_test_mem_alloc),
	KUNIT_CASE(dma_heap_test_mem_free_returns_at_once),
	KUNIT_CASE(dma_heap_test_max_phys),
	KUNIT_CASE(dma_heap_test_find_device_cma),
	{}
};

static struct kunit_suite dma_heap_test_suite = {
	.name = "dma_heap",
	.test_cases = dma_heap_test_cases,
};

kunit_test_suite(dma_heap_test_suite);

MODULE_DESCRIPTION("KUnit tests of the in-kernel DMA-BUF heap API");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");
MODULE_IMPORT_NS("DMA_BUF_HEAP");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
