/* SPDX-License-Identifier: GPL-2.0 */
/*
 * videobuf2-dma-heap.h - videobuf2 memory allocator backed by dma-buf heaps
 */

#ifndef _MEDIA_VIDEOBUF2_DMA_HEAP_H
#define _MEDIA_VIDEOBUF2_DMA_HEAP_H

#include <linux/dma-direction.h>
#include <linux/dma-heap.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <media/videobuf2-v4l2.h>

struct device;
struct file;
struct sg_table;
struct vb2_dma_heap_mem;

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
 * @heaps:	names of acceptable heaps as under /dev/dma_heap, or
 *		%VB2_DMA_HEAP_DEVICE_CMA, most preferred first
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
 */
struct vb2_dma_heap_policy {
	const char *heaps[VB2_DMA_HEAP_MAX_HEAPS];
	unsigned int num_heaps;
	u32 caps;
	bool any_heap;
};

extern const struct vb2_mem_ops vb2_dma_heap_memops;

int vb2_dma_heap_policy_set(struct vb2_dma_heap_policy *policy,
			    const char * const *heaps, unsigned int num_heaps,
			    u32 caps);
int vb2_dma_heap_policy_check(const struct vb2_dma_heap_policy *policy);

struct sg_table *vb2_dma_heap_plane_sgt(struct vb2_buffer *vb,
					unsigned int plane_no);
int vb2_dma_heap_plane_dma_addr(struct vb2_buffer *vb, unsigned int plane_no,
				dma_addr_t *addr);
struct dma_heap *vb2_dma_heap_plane_heap(struct vb2_buffer *vb,
					 unsigned int plane_no);

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
 * @purpose:	what the buffer is for, a string constant, e.g. "reference"
 * @size:	size in bytes, rounded up to whole pages
 * @heap:	the heap the buffer came from
 * @mem:	the buffer's memory, which holds the heap
 * @sgt:	DMA mapping of the buffer for the owner's device
 * @dma_dir:	direction of that mapping
 * @vaddr:	kernel mapping, none with DMA_ATTR_NO_KERNEL_MAPPING
 */
struct vb2_dma_heap_ibuf {
	struct list_head list;
	struct vb2_dma_heap_internal *owner;
	const char *purpose;
	size_t size;
	struct dma_heap *heap;
	struct vb2_dma_heap_mem *mem;
	struct sg_table *sgt;
	enum dma_data_direction dma_dir;
	void *vaddr;
};

void vb2_dma_heap_internal_init(struct vb2_dma_heap_internal *internal,
				struct device *dev);
void vb2_dma_heap_internal_release(struct vb2_dma_heap_internal *internal);
struct vb2_dma_heap_ibuf *
vb2_dma_heap_ibuf_alloc(struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_policy *policy, size_t size,
			const char *purpose, enum dma_data_direction dma_dir,
			unsigned long attrs);
void vb2_dma_heap_ibuf_free(struct vb2_dma_heap_ibuf *ibuf);
void vb2_dma_heap_ibuf_sync_for_cpu(struct vb2_dma_heap_ibuf *ibuf);
void vb2_dma_heap_ibuf_sync_for_device(struct vb2_dma_heap_ibuf *ibuf);

/**
 * struct vb2_dma_heap_group - a group of driver-internal buffers to report
 * @purpose:	the purpose its buffers are allocated with
 * @purpose_id:	the V4L2_HEAP_PURPOSE_* value that fits @purpose
 * @size:	bytes per buffer under the current configuration
 * @policy:	heaps the buffers come from
 */
struct vb2_dma_heap_group {
	const char *purpose;
	u32 purpose_id;
	size_t size;
	const struct vb2_dma_heap_policy *policy;
};

/*
 * Drivers wire these into their ioctl ops unconditionally; without the
 * allocator every queue answers as one that does not use heaps.
 */
#if IS_ENABLED(CONFIG_VIDEOBUF2_DMA_HEAP)
int vb2_dma_heap_enum_heaps(struct vb2_queue *q,
			    struct vb2_dma_heap_internal *internal,
			    const struct vb2_dma_heap_group *groups,
			    unsigned int num_groups,
			    struct v4l2_heapdesc *desc);
int vb2_dma_heap_g_heap(struct vb2_queue *q, struct v4l2_heap *heap);
int vb2_dma_heap_s_heap(struct vb2_queue *q, struct v4l2_heap *heap);
void vb2_dma_heap_queue_release(struct vb2_queue *q);

int vb2_dma_heap_ioctl_enum_heaps(struct file *file, void *priv,
				  struct v4l2_heapdesc *desc);
int vb2_dma_heap_ioctl_g_heap(struct file *file, void *priv,
			      struct v4l2_heap *heap);
int vb2_dma_heap_ioctl_s_heap(struct file *file, void *priv,
			      struct v4l2_heap *heap);
#else
static inline int
vb2_dma_heap_enum_heaps(struct vb2_queue *q,
			struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_group *groups,
			unsigned int num_groups, struct v4l2_heapdesc *desc)
{
	return -ENOTTY;
}

static inline int vb2_dma_heap_g_heap(struct vb2_queue *q,
				      struct v4l2_heap *heap)
{
	return -ENOTTY;
}

static inline int vb2_dma_heap_s_heap(struct vb2_queue *q,
				      struct v4l2_heap *heap)
{
	return -ENOTTY;
}

static inline void vb2_dma_heap_queue_release(struct vb2_queue *q)
{
}

static inline int vb2_dma_heap_ioctl_enum_heaps(struct file *file, void *priv,
						struct v4l2_heapdesc *desc)
{
	return -ENOTTY;
}

static inline int vb2_dma_heap_ioctl_g_heap(struct file *file, void *priv,
					    struct v4l2_heap *heap)
{
	return -ENOTTY;
}

static inline int vb2_dma_heap_ioctl_s_heap(struct file *file, void *priv,
					    struct v4l2_heap *heap)
{
	return -ENOTTY;
}
#endif

#if IS_ENABLED(CONFIG_KUNIT)
int vb2_dma_heap_select(struct vb2_queue *q, struct dma_heap *selected,
			struct v4l2_heap *heap);
#endif

/**
 * vb2_dma_heap_ibuf_vaddr - kernel address of a driver-internal buffer
 * @ibuf: the buffer
 *
 * Return: the kernel mapping made when the buffer was allocated, NULL for
 * a buffer allocated with DMA_ATTR_NO_KERNEL_MAPPING.
 */
static inline void *vb2_dma_heap_ibuf_vaddr(struct vb2_dma_heap_ibuf *ibuf)
{
	return ibuf->vaddr;
}

#endif /* _MEDIA_VIDEOBUF2_DMA_HEAP_H */
