// SPDX-License-Identifier: GPL-2.0
/*
 * videobuf2-heap.c - the dma-buf heaps a videobuf2 queue's buffers come from
 *
 * A queue whose allocator takes memory from dma-buf heaps has a policy,
 * set by its driver, and possibly a heap userspace selected. This is where
 * both are interpreted, for the allocator and for the ioctls that report
 * and select heaps, and where the queue's reference to the selected heap
 * is dropped when the queue is released.
 */

#include <linux/dma-heap.h>
#include <linux/dma-mapping.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/string.h>

#include <kunit/visibility.h>
#include <media/videobuf2-core.h>
#include <media/videobuf2-heap.h>

static bool vb2_heap_has_caps(struct dma_heap *heap, u32 caps)
{
	return (dma_heap_get_caps(heap) & caps) == caps;
}

/*
 * Whether @dev can reach every page @heap may hand out, as it can the
 * memory the stock allocators take for it: through an IOMMU or a DMA mask
 * that covers all RAM, or because the heap's memory lies within the mask.
 * A queue that asks for GFP_DMA32 memory gets it from vb2-vmalloc and
 * vb2-dma-sg, so only heaps below 4 GiB will do for it.
 */
static bool vb2_heap_reachable(struct dma_heap *heap, struct device *dev,
			       gfp_t gfp)
{
	phys_addr_t max_phys = dma_heap_get_max_phys(heap);

	if ((gfp & GFP_DMA32) && max_phys > DMA_BIT_MASK(32))
		return false;
	return dma_phys_reachable(dev, max_phys);
}

/*
 * Whether an allocator can take memory for @dev from @heap and meet
 * @policy's requirements: the heap hands out pages to the kernel, has the
 * capabilities and the device can reach them.
 */
static bool vb2_heap_usable(const struct vb2_dma_heap_policy *policy,
			    struct dma_heap *heap, struct device *dev,
			    gfp_t gfp)
{
	return vb2_heap_has_caps(heap, policy->caps) &&
	       dma_heap_can_mem_alloc(heap) &&
	       vb2_heap_reachable(heap, dev, gfp);
}

/* The heap of @policy's entry @i for @dev, referenced, or NULL. */
static struct dma_heap *vb2_heap_policy_get(const struct vb2_dma_heap_policy *policy,
					    unsigned int i, struct device *dev)
{
	if (policy->heaps[i])
		return dma_heap_get(policy->heaps[i]);
	return dma_heap_find_device_cma(dev);
}

/**
 * vb2_heap_policy_next() - the next heap of a policy an allocation may use
 * @policy:	the policy
 * @dev:	the device the memory is for
 * @gfp:	the queue's &vb2_queue.gfp_flags, or 0
 * @i:		index into @policy's heaps to start at, 0 at first; moved
 *		past the heap returned
 *
 * Return: the first heap of @policy from index *@i on that is registered
 * and meets the policy's and the device's requirements, referenced, or
 * NULL if there is none.
 */
struct dma_heap *vb2_heap_policy_next(const struct vb2_dma_heap_policy *policy,
				      struct device *dev, gfp_t gfp,
				      unsigned int *i)
{
	struct dma_heap *heap;

	while (*i < policy->num_heaps) {
		heap = vb2_heap_policy_get(policy, (*i)++, dev);
		if (heap && vb2_heap_usable(policy, heap, dev, gfp))
			return heap;
		dma_heap_put(heap);
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(vb2_heap_policy_next);

static bool vb2_heap_in_policy(const struct vb2_dma_heap_policy *policy,
			       struct dma_heap *heap, struct device *dev)
{
	struct dma_heap *device_cma;
	unsigned int i;

	for (i = 0; i < policy->num_heaps; i++) {
		if (policy->heaps[i] == heap)
			return true;
		if (policy->heaps[i])
			continue;
		device_cma = dma_heap_find_device_cma(dev);
		dma_heap_put(device_cma);
		if (device_cma == heap)
			return true;
	}
	return false;
}

/**
 * vb2_heap_compatible() - whether a queue may allocate from a heap
 * @q:		the queue, with a &vb2_queue.heap_policy
 * @heap:	the heap
 * @dev:	the device the memory is for
 *
 * These are the heaps userspace may select: the heaps the queue's policy
 * names, or every registered heap if the driver says its device can work
 * with any memory, that meet the policy's and the device's requirements.
 *
 * Return: true if @q may allocate from @heap.
 */
bool vb2_heap_compatible(struct vb2_queue *q, struct dma_heap *heap,
			 struct device *dev)
{
	const struct vb2_dma_heap_policy *policy = q->heap_policy;

	return vb2_heap_usable(policy, heap, dev, q->gfp_flags) &&
	       (policy->any_heap || vb2_heap_in_policy(policy, heap, dev));
}
EXPORT_SYMBOL_GPL(vb2_heap_compatible);

/**
 * vb2_dma_heap_policy_release() - drop the heaps of a heap policy
 * @policy: a policy vb2_dma_heap_policy_set() set, or a zeroed one
 *
 * For when no queue or internal buffer uses the policy any longer; the
 * policy is left empty. Buffers hold their heaps themselves, so they may
 * outlive it.
 */
void vb2_dma_heap_policy_release(struct vb2_dma_heap_policy *policy)
{
	while (policy->num_heaps)
		dma_heap_put(policy->heaps[--policy->num_heaps]);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_policy_release);

/**
 * vb2_dma_heap_policy_set() - fill in a heap policy
 * @policy:	the policy to set, with &vb2_dma_heap_policy.any_heap as the
 *		driver wants it; heaps it held before are dropped
 * @heaps:	heap names as under /dev/dma_heap, or
 *		%VB2_DMA_HEAP_DEVICE_CMA, most preferred first
 * @num_heaps:	number of entries in @heaps
 * @caps:	DMA_HEAP_CAP_* flags every heap used must have
 *
 * Looks the named heaps up, once: heaps stay registered, so the policy
 * holds them until vb2_dma_heap_policy_release(). A name that matches no
 * heap is an error, reported at once, rather than a fallback the user
 * would not notice. The heap of %VB2_DMA_HEAP_DEVICE_CMA is found when the
 * policy is used, for the device memory is taken for, and may be missing
 * until the CMA heap is loaded.
 *
 * Context: Process context.
 *
 * Return: 0; -EINVAL when @num_heaps is 0 or more than
 * %VB2_DMA_HEAP_MAX_HEAPS; -ENODEV, logged, if a heap is not registered.
 * On failure @policy is left as it was.
 */
int vb2_dma_heap_policy_set(struct vb2_dma_heap_policy *policy,
			    const char * const *heaps, unsigned int num_heaps,
			    u32 caps)
{
	struct vb2_dma_heap_policy new = {
		.caps = caps,
		.any_heap = policy->any_heap,
	};

	if (!num_heaps || num_heaps > VB2_DMA_HEAP_MAX_HEAPS)
		return -EINVAL;

	for (; new.num_heaps < num_heaps; new.num_heaps++) {
		const char *name = heaps[new.num_heaps];
		struct dma_heap *heap = NULL;

		if (strcmp(name, VB2_DMA_HEAP_DEVICE_CMA)) {
			heap = dma_heap_find_by_name(name);
			if (!heap) {
				pr_err("videobuf2: no dma-buf heap named '%s' (see /dev/dma_heap)\n",
				       name);
				vb2_dma_heap_policy_release(&new);
				return -ENODEV;
			}
		}
		new.heaps[new.num_heaps] = heap;
	}

	vb2_dma_heap_policy_release(policy);
	*policy = new;
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_policy_set);

/**
 * vb2_heap_fill_entry() - describe a heap
 * @heap:	the heap, or NULL
 * @entry:	filled in with @heap's name and capabilities, or cleared
 *		without a heap; the other fields are left to the caller
 */
void vb2_heap_fill_entry(struct dma_heap *heap, struct vb2_heap_entry *entry)
{
	entry->name[0] = '\0';
	entry->caps = 0;
	if (!heap)
		return;
	strscpy(entry->name, dma_heap_get_name(heap), sizeof(entry->name));
	entry->caps = dma_heap_get_caps(heap);
}
EXPORT_SYMBOL_GPL(vb2_heap_fill_entry);

/**
 * vb2_queue_uses_heaps() - whether a queue's buffers come from heaps
 * @q: the queue
 *
 * Its allocator must report heaps (&vb2_mem_ops.heap) and its driver must
 * have given it a policy; the heaps it may use depend on its device, so it
 * must have one.
 *
 * Return: true if the heap helpers apply to @q.
 */
bool vb2_queue_uses_heaps(struct vb2_queue *q)
{
	return q->heap_policy && q->dev && q->mem_ops && q->mem_ops->heap;
}
EXPORT_SYMBOL_GPL(vb2_queue_uses_heaps);

/* The heap the queue's next MMAP buffer comes from, referenced, or NULL. */
static struct dma_heap *vb2_queue_next_heap(struct vb2_queue *q)
{
	unsigned int i = 0;

	if (q->selected_heap)
		return dma_heap_get(q->selected_heap);
	return vb2_heap_policy_next(q->heap_policy, q->dev, q->gfp_flags, &i);
}

/*
 * The number of the queue's MMAP buffers with a plane from @heap, and in
 * *@bytes the size of all those planes: with a fallback between heaps, the
 * planes of one buffer can come from different heaps.
 */
static unsigned int vb2_queue_heap_usage(struct vb2_queue *q,
					 struct dma_heap *heap, u64 *bytes)
{
	unsigned int i, plane, count = 0;
	struct vb2_buffer *vb;
	bool held;

	*bytes = 0;
	for (i = 0; i < q->max_num_buffers; i++) {
		vb = vb2_get_buffer(q, i);
		if (!vb || vb->memory != VB2_MEMORY_MMAP)
			continue;
		held = false;
		for (plane = 0; plane < vb->num_planes; plane++) {
			if (!vb->planes[plane].mem_priv ||
			    q->mem_ops->heap(vb->planes[plane].mem_priv) != heap)
				continue;
			*bytes += PAGE_ALIGN(vb->planes[plane].length);
			held = true;
		}
		count += held;
	}
	return count;
}

static void vb2_queue_fill_entry(struct vb2_queue *q, struct dma_heap *heap,
				 struct dma_heap *next,
				 struct vb2_heap_entry *entry)
{
	vb2_heap_fill_entry(heap, entry);
	entry->selected = heap == q->selected_heap;
	entry->count = vb2_queue_heap_usage(q, heap, &entry->bytes);
	entry->active = heap == next || entry->count;
}

/**
 * vb2_queue_heap_entry() - describe a heap of a queue
 * @q:		the queue
 * @index:	which heap
 * @entry:	filled in with the heap's description
 * @num:	set to the number of the queue's heaps when @index is past
 *		the last one
 *
 * The queue's heaps are, first, the heap its next MMAP buffer comes from,
 * then in the order of their minor numbers the other heaps it holds MMAP
 * buffers in or may allocate from.
 *
 * Must be called with the queue's lock held.
 *
 * Return: 0, -ENOTTY if @q does not use heaps, or -EINVAL with *@num set
 * past the last heap.
 */
int vb2_queue_heap_entry(struct vb2_queue *q, unsigned int index,
			 struct vb2_heap_entry *entry, unsigned int *num)
{
	struct dma_heap *next, *heap = NULL;
	u64 bytes;

	if (!vb2_queue_uses_heaps(q))
		return -ENOTTY;

	/* Resolving the policy looks heaps up: once per call is enough. */
	next = vb2_queue_next_heap(q);
	*num = 0;
	if (next && index == (*num)++) {
		heap = dma_heap_get(next);
	} else {
		while ((heap = dma_heap_get_next(heap))) {
			if (heap == next ||
			    (!vb2_heap_compatible(q, heap, q->dev) &&
			     !vb2_queue_heap_usage(q, heap, &bytes)))
				continue;
			if (index == (*num)++)
				break;
		}
	}
	if (heap)
		vb2_queue_fill_entry(q, heap, next, entry);
	dma_heap_put(heap);
	dma_heap_put(next);
	return heap ? 0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(vb2_queue_heap_entry);

/**
 * vb2_queue_active_heap() - describe the heap a queue allocates from
 * @q:		the queue
 * @entry:	filled in with the description of the heap the queue's next
 *		MMAP buffer comes from
 *
 * Must be called with the queue's lock held.
 *
 * Return: 0, -ENOTTY if @q does not use heaps, or -ENODEV if no heap of
 * its policy is usable.
 */
int vb2_queue_active_heap(struct vb2_queue *q, struct vb2_heap_entry *entry)
{
	struct dma_heap *next;

	if (!vb2_queue_uses_heaps(q))
		return -ENOTTY;

	next = vb2_queue_next_heap(q);
	if (!next)
		return -ENODEV;
	vb2_queue_fill_entry(q, next, next, entry);
	dma_heap_put(next);
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_queue_active_heap);

/**
 * vb2_queue_select_heap() - select a heap for a queue's MMAP buffers
 * @q:		the queue
 * @heap:	the heap, referenced, or NULL to return to the queue's policy
 * @entry:	filled in as vb2_queue_active_heap() does on success
 *
 * The queue's MMAP buffers allocated from now on come from @heap, without
 * fallback, until the selection changes or vb2_queue_release_heap() is
 * called; buffers allocated before keep their memory. Takes over the
 * caller's reference to @heap. Must be called with the queue's lock held.
 *
 * Return: 0; -ENOTTY if @q does not use heaps; -EINVAL if the queue may
 * not allocate from @heap; -ENODEV when returning to a policy none of
 * whose heaps is usable. On failure the previous selection stays.
 */
VISIBLE_IF_KUNIT int vb2_queue_select_heap(struct vb2_queue *q,
					   struct dma_heap *heap,
					   struct vb2_heap_entry *entry)
{
	int ret;

	if (!vb2_queue_uses_heaps(q)) {
		ret = -ENOTTY;
		goto out;
	}
	if (heap && !vb2_heap_compatible(q, heap, q->dev)) {
		ret = -EINVAL;
		goto out;
	}

	swap(q->selected_heap, heap);
	ret = vb2_queue_active_heap(q, entry);
	if (ret)
		swap(q->selected_heap, heap);
out:
	/* Whichever heap is not selected now */
	dma_heap_put(heap);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vb2_queue_select_heap);

/**
 * vb2_queue_select_heap_file() - select the heap behind a heap device node
 * @q:		the queue
 * @file:	an open /dev/dma_heap node, or NULL to return to the queue's
 *		policy
 * @entry:	filled in as vb2_queue_active_heap() does on success
 *
 * Return: as vb2_queue_select_heap(), and -EINVAL if @file is not a heap's
 * device node.
 */
int vb2_queue_select_heap_file(struct vb2_queue *q, struct file *file,
			       struct vb2_heap_entry *entry)
{
	struct dma_heap *heap = NULL;

	if (!vb2_queue_uses_heaps(q))
		return -ENOTTY;
	if (file) {
		heap = dma_heap_from_file(file);
		if (IS_ERR(heap))
			return PTR_ERR(heap);
	}
	return vb2_queue_select_heap(q, heap, entry);
}
EXPORT_SYMBOL_GPL(vb2_queue_select_heap_file);

/**
 * vb2_queue_release_heap() - drop the heap userspace selected for a queue
 * @q: the queue
 *
 * A selection ends with the file handle that made it, so that a process
 * never allocates from a heap another process selected: the heap may be
 * one it could not open. vb2_queue_release() does not drop it, since the
 * selection outlives the buffers. The V4L2 helpers that release a queue's
 * owner or the queue itself, _vb2_fop_release(),
 * vb2_video_unregister_device() and v4l2_m2m_ctx_release(), call this; a
 * driver that does neither otherwise calls it itself.
 */
void vb2_queue_release_heap(struct vb2_queue *q)
{
	dma_heap_put(q->selected_heap);
	q->selected_heap = NULL;
}
EXPORT_SYMBOL_GPL(vb2_queue_release_heap);

MODULE_IMPORT_NS("DMA_BUF_HEAP");
