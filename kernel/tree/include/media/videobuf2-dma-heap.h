/* SPDX-License-Identifier: GPL-2.0 */
/*
 * videobuf2-dma-heap.h - videobuf2 memory allocator backed by dma-buf heaps
 */

#ifndef _MEDIA_VIDEOBUF2_DMA_HEAP_H
#define _MEDIA_VIDEOBUF2_DMA_HEAP_H

#include <linux/dma-direction.h>
#include <linux/dma-heap.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/types.h>
#include <media/videobuf2-core.h>

struct device;
struct sg_table;
struct vb2_dma_heap_mem;

extern const struct vb2_mem_ops vb2_dma_heap_memops;

/**
 * struct vb2_dma_heap_internal - a context's driver-internal buffers
 * @dev:	device the buffers are mapped for
 * @lock:	protects @bufs
 * @bufs:	the &struct vb2_dma_heap_ibuf of the context
 *
 * Buffers a driver keeps for itself (codec reference frames, scratch
 * memory) never reach userspace but are allocated from heaps under the same
 * kind of policy as queue buffers, and are tracked here with their purpose
 * so that they can be accounted and reported.
 */
struct vb2_dma_heap_internal {
	struct device *dev;
	struct mutex lock;	/* protects bufs */
	struct list_head bufs;
};

/**
 * struct vb2_dma_heap_ibuf - one driver-internal buffer
 * @list:	entry in &vb2_dma_heap_internal.bufs
 * @owner:	the context the buffer belongs to
 * @purpose_id:	what the buffer is for, a V4L2_HEAP_PURPOSE_* value
 * @size:	size in bytes, rounded up to whole pages
 * @heap:	the heap the buffer came from
 * @mem:	the buffer's memory, which holds the heap
 * @sgt:	the buffer's pages, mapped for the owner's device unless
 *		@dma_dir is DMA_NONE
 * @dma_dir:	direction of that mapping, or DMA_NONE
 * @vaddr:	kernel mapping of a DMA_NONE buffer, NULL otherwise
 */
struct vb2_dma_heap_ibuf {
	struct list_head list;
	struct vb2_dma_heap_internal *owner;
	u32 purpose_id;
	size_t size;
	struct dma_heap *heap;
	struct vb2_dma_heap_mem *mem;
	struct sg_table *sgt;
	enum dma_data_direction dma_dir;
	void *vaddr;
};

void vb2_dma_heap_internal_init(struct vb2_dma_heap_internal *internal,
				struct device *dev);
struct vb2_dma_heap_ibuf *
vb2_dma_heap_ibuf_alloc(struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_policy *policy, size_t size,
			u32 purpose_id, enum dma_data_direction dma_dir);
void vb2_dma_heap_ibuf_free(struct vb2_dma_heap_ibuf *ibuf);
void vb2_dma_heap_internal_usage(struct vb2_dma_heap_internal *internal,
				 const struct vb2_dma_heap_policy *policy,
				 struct vb2_heap_group *group);

#if IS_ENABLED(CONFIG_VIDEOBUF2_DMA_HEAP)
int vb2_dma_heap_policy_from_param(struct vb2_dma_heap_policy *policy,
				   const char *param, u32 caps, const char *who);
#else
static inline int
vb2_dma_heap_policy_from_param(struct vb2_dma_heap_policy *policy,
			       const char *param, u32 caps, const char *who)
{
	if (!param || !param[0])
		return 0;
	pr_err("%s: heap=%s needs CONFIG_VIDEOBUF2_DMA_HEAP\n", who, param);
	return -EINVAL;
}
#endif

/**
 * vb2_dma_heap_ibuf_vaddr - kernel address of a driver-internal buffer
 * @ibuf: the buffer
 *
 * Return: the kernel mapping made when the buffer was allocated with
 * DMA_NONE, NULL for a buffer mapped for DMA, which the CPU does not access.
 */
static inline void *vb2_dma_heap_ibuf_vaddr(struct vb2_dma_heap_ibuf *ibuf)
{
	return ibuf->vaddr;
}

#endif /* _MEDIA_VIDEOBUF2_DMA_HEAP_H */
