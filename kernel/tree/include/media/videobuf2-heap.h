/* SPDX-License-Identifier: GPL-2.0 */
/*
 * videobuf2-heap.h - the dma-buf heaps a videobuf2 queue's buffers come from
 */

#ifndef _MEDIA_VIDEOBUF2_HEAP_H
#define _MEDIA_VIDEOBUF2_HEAP_H

#include <linux/errno.h>
#include <linux/types.h>

struct device;
struct dma_heap;
struct file;
struct vb2_queue;

#define VB2_DMA_HEAP_MAX_HEAPS	4

/*
 * A policy entry that stands for the heap of the allocating device's CMA
 * area: its own reserved region, or the default CMA area. Drivers of
 * devices that need contiguous memory use it instead of a platform's heap
 * name.
 */
#define VB2_DMA_HEAP_DEVICE_CMA	"device-cma"

/**
 * struct vb2_dma_heap_policy - where a queue's buffers may come from
 * @heaps:	the acceptable heaps, most preferred first, each referenced;
 *		NULL for %VB2_DMA_HEAP_DEVICE_CMA, whose heap depends on the
 *		device and is found from its CMA area when used
 * @num_heaps:	number of entries used in @heaps
 * @caps:	DMA_HEAP_CAP_* flags every heap used must have, e.g.
 *		DMA_HEAP_CAP_CONTIGUOUS for a device without an IOMMU or
 *		scatter-gather DMA; imported buffers must meet them too
 * @any_heap:	userspace may select any heap the device can use, not only
 *		those of @heaps; for devices that work with any memory the
 *		kernel can map, as virtual devices do
 *
 * An allocation uses the first heap of @heaps that is registered, has all
 * of @caps, hands out memory to the kernel and lies within the device's
 * reach (its DMA mask, unless it has an IOMMU, and the queue's GFP_DMA32).
 * When that heap is out of memory (-ENOMEM) the next one is tried, so a
 * device with a dedicated region can fall back to system memory. The same
 * heaps, or with @any_heap every registered heap that meets those
 * conditions, are the ones userspace may select for a queue.
 *
 * A driver sets its policies with vb2_dma_heap_policy_set(), which looks
 * the heaps up once, and drops them with vb2_dma_heap_policy_release().
 */
struct vb2_dma_heap_policy {
	struct dma_heap *heaps[VB2_DMA_HEAP_MAX_HEAPS];
	unsigned int num_heaps;
	u32 caps;
	bool any_heap;
};

#define VB2_HEAP_NAME_SIZE	64

/**
 * struct vb2_heap_entry - a heap as a queue or a driver uses it
 * @name:	the heap's name, empty if there is no such heap
 * @caps:	the heap's DMA_HEAP_CAP_* flags
 * @selected:	userspace selected the heap for the queue
 * @active:	the queue's next MMAP buffer comes from the heap, or the
 *		queue or the driver holds memory in it
 * @count:	number of buffers with memory in the heap
 * @bytes:	size of that memory
 */
struct vb2_heap_entry {
	char name[VB2_HEAP_NAME_SIZE];
	u32 caps;
	bool selected;
	bool active;
	unsigned int count;
	u64 bytes;
};

/**
 * struct vb2_heap_group - driver-internal buffers of one purpose
 * @purpose_id:	what the buffers are for, one of the V4L2_HEAP_PURPOSE_*
 *		values, which the V4L2 core describes to userspace; a driver
 *		has one group per value
 * @size:	size of one buffer in the current configuration
 * @num_entries: number of entries used in @entries
 * @entries:	as the allocator reports them, one per heap that holds
 *		buffers of the group, each with the memory they hold there:
 *		after a fallback between heaps there is more than one. While
 *		the group holds no buffers, the heap its next buffer would
 *		come from; none if no heap of its policy is usable.
 */
struct vb2_heap_group {
	u32 purpose_id;
	size_t size;
	unsigned int num_entries;
	struct vb2_heap_entry entries[VB2_DMA_HEAP_MAX_HEAPS];
};

#if IS_ENABLED(CONFIG_DMABUF_HEAPS)
int vb2_dma_heap_policy_set(struct vb2_dma_heap_policy *policy,
			    const char * const *heaps, unsigned int num_heaps,
			    u32 caps);
void vb2_dma_heap_policy_release(struct vb2_dma_heap_policy *policy);
struct dma_heap *vb2_heap_policy_next(const struct vb2_dma_heap_policy *policy,
				      struct device *dev, gfp_t gfp,
				      unsigned int *i);
bool vb2_heap_compatible(struct vb2_queue *q, struct dma_heap *heap,
			 struct device *dev);
void vb2_heap_fill_entry(struct dma_heap *heap, struct vb2_heap_entry *entry);

bool vb2_queue_uses_heaps(struct vb2_queue *q);
int vb2_queue_heap_entry(struct vb2_queue *q, unsigned int index,
			 struct vb2_heap_entry *entry, unsigned int *num);
int vb2_queue_active_heap(struct vb2_queue *q, struct vb2_heap_entry *entry);
int vb2_queue_select_heap_file(struct vb2_queue *q, struct file *file,
			       struct vb2_heap_entry *entry);
void vb2_queue_release_heap(struct vb2_queue *q);
#if IS_ENABLED(CONFIG_KUNIT)
int vb2_queue_select_heap(struct vb2_queue *q, struct dma_heap *heap,
			  struct vb2_heap_entry *entry);
#endif
#else
static inline void
vb2_dma_heap_policy_release(struct vb2_dma_heap_policy *policy)
{
}

static inline bool vb2_queue_uses_heaps(struct vb2_queue *q)
{
	return false;
}

static inline int vb2_queue_heap_entry(struct vb2_queue *q, unsigned int index,
				       struct vb2_heap_entry *entry,
				       unsigned int *num)
{
	return -ENOTTY;
}

static inline int vb2_queue_active_heap(struct vb2_queue *q,
					struct vb2_heap_entry *entry)
{
	return -ENOTTY;
}

static inline int vb2_queue_select_heap_file(struct vb2_queue *q,
					     struct file *file,
					     struct vb2_heap_entry *entry)
{
	return -ENOTTY;
}

static inline void vb2_queue_release_heap(struct vb2_queue *q)
{
}
#endif

#endif /* _MEDIA_VIDEOBUF2_HEAP_H */
