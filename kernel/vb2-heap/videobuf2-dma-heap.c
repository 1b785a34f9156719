// SPDX-License-Identifier: GPL-2.0
/*
 * videobuf2-dma-heap.c - videobuf2 memory allocator backed by dma-buf heaps
 *
 * MMAP buffers are memory from the heaps a queue's policy names, taken
 * without a dma-buf of the heap's and handed to vb2-dma-sg, which maps,
 * exports and frees them exactly as it does its own pages; the memory
 * returns to its heap as soon as the last user lets go. Imported dma-bufs
 * and USERPTR memory are vb2-dma-sg's too, after a check against the
 * policy's requirements. Kernel mappings are made when the memory is set
 * up, as vb2-vmalloc has them. Driver-internal buffers come from the same
 * heaps under the same kind of policy.
 */

#include <linux/cma.h>
#include <linux/dma-direct.h>
#include <linux/dma-heap.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <kunit/visibility.h>

#include <media/videobuf2-dma-heap.h>
#include <media/videobuf2-dma-sg.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-mem2mem.h>

/**
 * struct vb2_dma_heap_mem - memory from a heap
 * @heap:	the heap it came from, referenced
 * @table:	its pages, as dma_heap_mem_alloc() returned them
 * @pages:	the same pages one by one, as vb2-dma-sg and vmap() take them
 * @num_pages:	number of entries in @pages
 */
struct vb2_dma_heap_mem {
	struct dma_heap *heap;
	struct sg_table *table;
	struct page **pages;
	unsigned int num_pages;
};

/**
 * struct vb2_dma_heap_buf - one plane of a vb2 buffer
 * @vb:		the buffer the plane belongs to
 * @sg:		the vb2-dma-sg buffer of the plane, given to every callback of
 *		&vb2_dma_sg_memops
 * @heap:	MMAP: the heap the memory came from; valid while the plane is,
 *		as @sg holds the memory
 * @caps:	DMA_HEAP_CAP_* the queue required when the plane was made
 * @vaddr:	kernel address of the plane's first byte, or NULL without a
 *		kernel mapping
 */
struct vb2_dma_heap_buf {
	struct vb2_buffer *vb;
	void *sg;
	struct dma_heap *heap;
	u32 caps;
	void *vaddr;
};

/* Contiguous in the device's DMA address space, which is what DMA needs. */
static bool vb2_dma_heap_sgt_contiguous(struct sg_table *sgt)
{
	struct scatterlist *s;
	dma_addr_t expected = sg_dma_address(sgt->sgl);
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, s, i) {
		if (sg_dma_address(s) != expected)
			return false;
		expected += sg_dma_len(s);
	}
	return true;
}

static bool vb2_dma_heap_has_caps(struct dma_heap *heap, u32 caps)
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
static bool vb2_dma_heap_reachable(struct dma_heap *heap, struct device *dev,
				   gfp_t gfp)
{
	phys_addr_t max_phys = dma_heap_get_max_phys(heap);

	if ((gfp & GFP_DMA32) && max_phys > DMA_BIT_MASK(32))
		return false;
	if (!dma_addressing_limited(dev))
		return true;
	return phys_to_dma(dev, max_phys) <=
	       min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);
}

/*
 * Whether the allocator can take memory for @dev from @heap and meet
 * @policy's requirements: the heap hands out pages to the kernel, has the
 * capabilities and the device can reach them.
 */
static bool vb2_dma_heap_usable(const struct vb2_dma_heap_policy *policy,
				struct dma_heap *heap, struct device *dev,
				gfp_t gfp)
{
	return vb2_dma_heap_has_caps(heap, policy->caps) &&
	       dma_heap_can_mem_alloc(heap) &&
	       vb2_dma_heap_reachable(heap, dev, gfp);
}

/*
 * The heap the kernel registered for @dev's CMA area, which is its own
 * (a "memory-region" in the device tree) or else the default one, named
 * after the area; referenced, or NULL.
 */
static struct dma_heap *vb2_dma_heap_device_cma(struct device *dev)
{
	struct cma *cma;

	if (!IS_ENABLED(CONFIG_DMA_CMA))
		return NULL;
	cma = dev_get_cma_area(dev);
	return cma ? dma_heap_find_by_name(cma_get_name(cma)) : NULL;
}

static struct dma_heap *vb2_dma_heap_resolve(const char *name,
					     struct device *dev)
{
	if (!strcmp(name, VB2_DMA_HEAP_DEVICE_CMA))
		return vb2_dma_heap_device_cma(dev);
	return dma_heap_find_by_name(name);
}

/*
 * The first heap of @policy from index *@i on that is registered and
 * usable, referenced, or NULL; *@i moves past it.
 */
static struct dma_heap *
vb2_dma_heap_policy_next(const struct vb2_dma_heap_policy *policy,
			 struct device *dev, gfp_t gfp, unsigned int *i)
{
	struct dma_heap *heap;

	while (*i < policy->num_heaps) {
		heap = vb2_dma_heap_resolve(policy->heaps[(*i)++], dev);
		if (heap && vb2_dma_heap_usable(policy, heap, dev, gfp))
			return heap;
		dma_heap_put(heap);
	}
	return NULL;
}

static bool vb2_dma_heap_in_policy(const struct vb2_dma_heap_policy *policy,
				   struct dma_heap *heap, struct device *dev)
{
	struct dma_heap *named;
	unsigned int i;
	bool found;

	for (i = 0; i < policy->num_heaps; i++) {
		named = vb2_dma_heap_resolve(policy->heaps[i], dev);
		found = named == heap;
		dma_heap_put(named);
		if (found)
			return true;
	}
	return false;
}

/*
 * The heaps a queue may allocate from, and so those userspace may select:
 * the heaps its policy names, or every registered heap if the driver says
 * its device can work with any memory, that are usable for @dev.
 */
static bool vb2_dma_heap_compatible(struct vb2_queue *q, struct dma_heap *heap,
				    struct device *dev)
{
	const struct vb2_dma_heap_policy *policy = q->heap_policy;

	return vb2_dma_heap_usable(policy, heap, dev, q->gfp_flags) &&
	       (policy->any_heap || vb2_dma_heap_in_policy(policy, heap, dev));
}

static void vb2_dma_heap_mem_free(struct vb2_dma_heap_mem *mem)
{
	kvfree(mem->pages);
	dma_heap_mem_free(mem->heap, mem->table);
	dma_heap_put(mem->heap);
	kfree(mem);
}

/* vb2-dma-sg's release callback: the plane's last user is gone. */
static void vb2_dma_heap_mem_release(void *priv)
{
	vb2_dma_heap_mem_free(priv);
}

/* Takes @size bytes from @heap; the memory holds the caller's reference. */
static struct vb2_dma_heap_mem *vb2_dma_heap_mem_alloc(struct dma_heap *heap,
						       size_t size)
{
	struct vb2_dma_heap_mem *mem;
	struct sg_page_iter piter;
	unsigned int i = 0;
	int ret = -ENOMEM;

	mem = kzalloc_obj(*mem);
	if (!mem)
		return ERR_PTR(-ENOMEM);

	mem->table = dma_heap_mem_alloc(heap, size);
	if (IS_ERR(mem->table)) {
		ret = PTR_ERR(mem->table);
		goto err_free;
	}

	mem->num_pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	mem->pages = kvmalloc_objs(*mem->pages, mem->num_pages);
	if (!mem->pages)
		goto err_mem_free;
	for_each_sgtable_page(mem->table, &piter, 0)
		mem->pages[i++] = sg_page_iter_page(&piter);

	mem->heap = heap;
	return mem;

err_mem_free:
	dma_heap_mem_free(heap, mem->table);
err_free:
	kfree(mem);
	return ERR_PTR(ret);
}

/*
 * Tries the policy's usable heaps in order. Only exhaustion moves on to the
 * next heap: any other error is a real failure the caller must see.
 */
static struct vb2_dma_heap_mem *
vb2_dma_heap_policy_alloc(struct device *dev,
			  const struct vb2_dma_heap_policy *policy, gfp_t gfp,
			  size_t size)
{
	struct vb2_dma_heap_mem *mem = ERR_PTR(-ENODEV);
	struct dma_heap *heap;
	unsigned int i = 0;

	if (!policy)
		return ERR_PTR(-EINVAL);

	while ((heap = vb2_dma_heap_policy_next(policy, dev, gfp, &i))) {
		mem = vb2_dma_heap_mem_alloc(heap, size);
		if (!IS_ERR(mem))
			return mem;
		if (PTR_ERR(mem) == -ENOMEM)
			dev_dbg(dev, "heap %s exhausted allocating %zu bytes\n",
				dma_heap_get_name(heap), size);
		dma_heap_put(heap);
		if (PTR_ERR(mem) != -ENOMEM)
			break;
	}

	if (PTR_ERR(mem) == -ENODEV)
		dev_err_ratelimited(dev, "no usable heap in the policy (%u heaps, caps 0x%x)\n",
				    policy->num_heaps, policy->caps);
	return mem;
}

/*
 * A heap userspace selected is what it asked for: running out of it is an
 * error, not a reason to fall back to a heap it did not choose. It was
 * checked against the queue's requirements when it was selected, but the
 * driver may have changed them since, with the format.
 */
static struct vb2_dma_heap_mem *vb2_dma_heap_queue_alloc(struct vb2_queue *q,
							 struct device *dev,
							 size_t size)
{
	struct dma_heap *heap = q->selected_heap;
	struct vb2_dma_heap_mem *mem;

	if (!heap)
		return vb2_dma_heap_policy_alloc(dev, q->heap_policy,
						 q->gfp_flags, size);

	if (!vb2_dma_heap_compatible(q, heap, dev)) {
		dev_err_ratelimited(dev, "selected heap %s no longer meets the queue's requirements (caps 0x%x)\n",
				    dma_heap_get_name(heap), q->heap_policy->caps);
		return ERR_PTR(-EINVAL);
	}

	mem = vb2_dma_heap_mem_alloc(dma_heap_get(heap), size);
	if (IS_ERR(mem))
		dma_heap_put(heap);
	return mem;
}

static struct vb2_dma_heap_buf *vb2_dma_heap_buf_new(struct vb2_buffer *vb)
{
	const struct vb2_dma_heap_policy *policy = vb->vb2_queue->heap_policy;
	struct vb2_dma_heap_buf *buf;

	buf = kzalloc_obj(*buf);
	if (!buf)
		return NULL;

	buf->vb = vb;
	buf->caps = policy ? policy->caps : 0;
	return buf;
}

/* Imported and user memory must meet the queue's requirements too. */
static bool vb2_dma_heap_buf_acceptable(struct vb2_dma_heap_buf *buf)
{
	struct sg_table *sgt = vb2_dma_sg_memops.cookie(buf->vb, buf->sg);

	return !(buf->caps & DMA_HEAP_CAP_CONTIGUOUS) ||
	       vb2_dma_heap_sgt_contiguous(sgt);
}

/*
 * The kernel mapping is made when the memory is set up rather than on
 * first use, so that vb2_plane_vaddr() takes no lock and works in atomic
 * context, as with vb2-vmalloc. vb2-dma-sg keeps the mapping it makes.
 */
static void vb2_dma_heap_buf_vmap(struct vb2_dma_heap_buf *buf)
{
	buf->vaddr = vb2_dma_sg_memops.vaddr(buf->vb, buf->sg);
}

/*********************************************/
/*         callbacks for MMAP buffers        */
/*********************************************/

static void *vb2_dma_heap_alloc(struct vb2_buffer *vb, struct device *dev,
				unsigned long size)
{
	struct vb2_dma_heap_mem *mem;
	struct vb2_dma_heap_buf *buf;
	int ret;

	if (WARN_ON(!dev))
		return ERR_PTR(-EINVAL);

	buf = vb2_dma_heap_buf_new(vb);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	mem = vb2_dma_heap_queue_alloc(vb->vb2_queue, dev, size);
	if (IS_ERR(mem)) {
		ret = PTR_ERR(mem);
		goto err_free;
	}

	buf->heap = mem->heap;
	buf->sg = vb2_dma_sg_alloc_from_pages(vb, dev, mem->pages,
					      mem->num_pages,
					      vb2_dma_heap_mem_release, mem);
	if (IS_ERR(buf->sg)) {
		ret = PTR_ERR(buf->sg);
		vb2_dma_heap_mem_free(mem);
		goto err_free;
	}

	if (!(vb->vb2_queue->dma_attrs & DMA_ATTR_NO_KERNEL_MAPPING))
		vb2_dma_heap_buf_vmap(buf);
	return buf;

err_free:
	kfree(buf);
	return ERR_PTR(ret);
}

static void vb2_dma_heap_put(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_sg_memops.put(buf->sg);
	kfree(buf);
}

static struct dma_buf *vb2_dma_heap_get_dmabuf(struct vb2_buffer *vb,
					       void *buf_priv,
					       unsigned long flags)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return vb2_dma_sg_memops.get_dmabuf(vb, buf->sg, flags);
}

static int vb2_dma_heap_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return vb2_dma_sg_memops.mmap(buf->sg, vma);
}

static unsigned int vb2_dma_heap_num_users(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return vb2_dma_sg_memops.num_users(buf->sg);
}

/*********************************************/
/*      callbacks for all kinds of buffers   */
/*********************************************/

static void vb2_dma_heap_prepare(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_sg_memops.prepare(buf->sg);
}

static void vb2_dma_heap_finish(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_sg_memops.finish(buf->sg);
}

static void *vb2_dma_heap_vaddr(struct vb2_buffer *vb, void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return buf->vaddr;
}

static void *vb2_dma_heap_cookie(struct vb2_buffer *vb, void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return vb2_dma_sg_memops.cookie(vb, buf->sg);
}

/*********************************************/
/*       callbacks for USERPTR buffers       */
/*********************************************/

static void *vb2_dma_heap_get_userptr(struct vb2_buffer *vb, struct device *dev,
				      unsigned long vaddr, unsigned long size)
{
	struct vb2_dma_heap_buf *buf;
	int ret;

	buf = vb2_dma_heap_buf_new(vb);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	buf->sg = vb2_dma_sg_memops.get_userptr(vb, dev, vaddr, size);
	if (IS_ERR(buf->sg)) {
		ret = PTR_ERR(buf->sg);
		goto err_free;
	}
	if (!vb2_dma_heap_buf_acceptable(buf)) {
		dev_dbg(dev, "USERPTR memory is not contiguous but the queue requires it\n");
		vb2_dma_sg_memops.put_userptr(buf->sg);
		ret = -EINVAL;
		goto err_free;
	}

	vb2_dma_heap_buf_vmap(buf);
	return buf;

err_free:
	kfree(buf);
	return ERR_PTR(ret);
}

static void vb2_dma_heap_put_userptr(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_sg_memops.put_userptr(buf->sg);
	kfree(buf);
}

/*********************************************/
/*       callbacks for DMABUF buffers        */
/*********************************************/

static void *vb2_dma_heap_attach_dmabuf(struct vb2_buffer *vb,
					struct device *dev,
					struct dma_buf *dbuf,
					unsigned long size)
{
	struct vb2_dma_heap_buf *buf;
	int ret;

	buf = vb2_dma_heap_buf_new(vb);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	buf->sg = vb2_dma_sg_memops.attach_dmabuf(vb, dev, dbuf, size);
	if (IS_ERR(buf->sg)) {
		ret = PTR_ERR(buf->sg);
		kfree(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

static int vb2_dma_heap_map_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;
	int ret;

	ret = vb2_dma_sg_memops.map_dmabuf(buf->sg);
	if (ret)
		return ret;
	if (!vb2_dma_heap_buf_acceptable(buf)) {
		pr_debug("vb2-dma-heap: imported dma-buf is not contiguous but the queue requires it\n");
		vb2_dma_sg_memops.unmap_dmabuf(buf->sg);
		return -EINVAL;
	}

	/* Not every exporter can vmap; only vb2_plane_vaddr() users need it. */
	vb2_dma_heap_buf_vmap(buf);
	return 0;
}

static void vb2_dma_heap_unmap_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	buf->vaddr = NULL;
	vb2_dma_sg_memops.unmap_dmabuf(buf->sg);
}

static void vb2_dma_heap_detach_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_sg_memops.detach_dmabuf(buf->sg);
	kfree(buf);
}

const struct vb2_mem_ops vb2_dma_heap_memops = {
	.alloc		= vb2_dma_heap_alloc,
	.put		= vb2_dma_heap_put,
	.get_dmabuf	= vb2_dma_heap_get_dmabuf,
	.get_userptr	= vb2_dma_heap_get_userptr,
	.put_userptr	= vb2_dma_heap_put_userptr,
	.prepare	= vb2_dma_heap_prepare,
	.finish		= vb2_dma_heap_finish,
	.attach_dmabuf	= vb2_dma_heap_attach_dmabuf,
	.detach_dmabuf	= vb2_dma_heap_detach_dmabuf,
	.map_dmabuf	= vb2_dma_heap_map_dmabuf,
	.unmap_dmabuf	= vb2_dma_heap_unmap_dmabuf,
	.vaddr		= vb2_dma_heap_vaddr,
	.cookie		= vb2_dma_heap_cookie,
	.num_users	= vb2_dma_heap_num_users,
	.mmap		= vb2_dma_heap_mmap,
};
EXPORT_SYMBOL_GPL(vb2_dma_heap_memops);

/*********************************************/
/*        heap policies and planes           */
/*********************************************/

/**
 * vb2_dma_heap_policy_set() - fill in a heap policy
 * @policy:	the policy to set
 * @heaps:	heap names, most preferred first; empty names are skipped so
 *		that an unset module parameter can be passed as is
 * @num_heaps:	number of entries in @heaps
 * @caps:	DMA_HEAP_CAP_* flags every heap used must have
 *
 * Only the name pointers are stored: the strings must outlive the policy.
 * &vb2_dma_heap_policy.any_heap stays as the driver set it.
 *
 * Return: 0, or -EINVAL when more than %VB2_DMA_HEAP_MAX_HEAPS names remain
 * or none does.
 */
int vb2_dma_heap_policy_set(struct vb2_dma_heap_policy *policy,
			    const char * const *heaps, unsigned int num_heaps,
			    u32 caps)
{
	struct vb2_dma_heap_policy new = {
		.caps = caps,
		.any_heap = policy->any_heap,
	};
	unsigned int i;

	for (i = 0; i < num_heaps; i++) {
		if (!heaps[i] || !heaps[i][0])
			continue;
		if (new.num_heaps == VB2_DMA_HEAP_MAX_HEAPS)
			return -EINVAL;
		new.heaps[new.num_heaps++] = heaps[i];
	}
	if (!new.num_heaps)
		return -EINVAL;

	*policy = new;
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_policy_set);

/**
 * vb2_dma_heap_policy_check() - check that every heap of a policy exists
 * @policy: the policy
 *
 * Meant for probe time, so that a heap name given by the user that matches
 * no registered heap is reported at once rather than at the first
 * allocation. Logs the missing heap. %VB2_DMA_HEAP_DEVICE_CMA depends on
 * the device and is resolved at allocation time only.
 *
 * Return: 0, or -ENODEV if a heap of @policy is not registered.
 */
int vb2_dma_heap_policy_check(const struct vb2_dma_heap_policy *policy)
{
	struct dma_heap *heap;
	unsigned int i;

	for (i = 0; i < policy->num_heaps; i++) {
		if (!strcmp(policy->heaps[i], VB2_DMA_HEAP_DEVICE_CMA))
			continue;
		heap = dma_heap_find_by_name(policy->heaps[i]);
		if (!heap) {
			pr_err("vb2-dma-heap: no dma-buf heap named '%s' (see /dev/dma_heap)\n",
			       policy->heaps[i]);
			return -ENODEV;
		}
		dma_heap_put(heap);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_policy_check);

static struct vb2_dma_heap_buf *vb2_dma_heap_plane(struct vb2_buffer *vb,
						   unsigned int plane_no)
{
	if (plane_no >= vb->num_planes || !vb->planes[plane_no].mem_priv)
		return NULL;
	return vb->planes[plane_no].mem_priv;
}

/**
 * vb2_dma_heap_plane_sgt() - DMA mapping of a plane
 * @vb:		buffer of a queue using vb2_dma_heap_memops
 * @plane_no:	plane number
 *
 * Return: the scatterlist of the plane mapped for the queue's device, or
 * NULL if the plane has no memory (yet).
 */
struct sg_table *vb2_dma_heap_plane_sgt(struct vb2_buffer *vb,
					unsigned int plane_no)
{
	return vb2_plane_cookie(vb, plane_no);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_plane_sgt);

/**
 * vb2_dma_heap_plane_dma_addr() - DMA address of a contiguous plane
 * @vb:		buffer of a queue using vb2_dma_heap_memops
 * @plane_no:	plane number
 * @addr:	set to the plane's DMA address on success
 *
 * For devices that need a single DMA address per plane, like users of
 * vb2_dma_contig_plane_dma_addr(). Queues that rely on it should require
 * DMA_HEAP_CAP_CONTIGUOUS in their policy so that allocation and import
 * already refuse memory this function would refuse.
 *
 * Return: 0, -EINVAL if the plane has no memory, or -EFAULT if it is not
 * contiguous in the device's DMA address space.
 */
int vb2_dma_heap_plane_dma_addr(struct vb2_buffer *vb, unsigned int plane_no,
				dma_addr_t *addr)
{
	struct sg_table *sgt = vb2_dma_heap_plane_sgt(vb, plane_no);

	if (!sgt)
		return -EINVAL;
	if (!vb2_dma_heap_sgt_contiguous(sgt))
		return -EFAULT;

	*addr = sg_dma_address(sgt->sgl);
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_plane_dma_addr);

/**
 * vb2_dma_heap_plane_heap() - heap a plane was allocated from
 * @vb:		buffer of a queue using vb2_dma_heap_memops
 * @plane_no:	plane number
 *
 * Return: the heap of an MMAP plane, NULL for imported or user memory. The
 * reference is the plane's: it is valid while the buffer is.
 */
struct dma_heap *vb2_dma_heap_plane_heap(struct vb2_buffer *vb,
					 unsigned int plane_no)
{
	struct vb2_dma_heap_buf *buf = vb2_dma_heap_plane(vb, plane_no);

	return buf ? buf->heap : NULL;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_plane_heap);

/*********************************************/
/*        driver-internal buffers            */
/*********************************************/

/**
 * vb2_dma_heap_internal_init() - set up a context's internal buffers
 * @internal:	the set to initialise, usually embedded in the context
 * @dev:	device the buffers will be mapped for
 */
void vb2_dma_heap_internal_init(struct vb2_dma_heap_internal *internal,
				struct device *dev)
{
	internal->dev = dev;
	mutex_init(&internal->lock);
	INIT_LIST_HEAD(&internal->bufs);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_internal_init);

/**
 * vb2_dma_heap_ibuf_alloc() - allocate a driver-internal buffer
 * @internal:	the context's set of internal buffers
 * @policy:	heaps to allocate from, as for queue buffers
 * @size:	size in bytes
 * @purpose:	what the buffer is for; a string that outlives the buffer
 * @dma_dir:	direction of the device's DMA to the buffer
 * @attrs:	DMA_ATTR_NO_KERNEL_MAPPING for a buffer only the device
 *		accesses, e.g. from a heap of protected memory; 0 otherwise
 *
 * The buffer is mapped for the set's device and, unless @attrs says
 * otherwise, into the kernel, and stays in the set until
 * vb2_dma_heap_ibuf_free() or vb2_dma_heap_internal_release(). As with
 * dma_map_sg(), the CPU owns it until vb2_dma_heap_ibuf_sync_for_device().
 *
 * Return: the buffer or an ERR_PTR(): -ENOMEM once every heap of the policy
 * is exhausted, -ENODEV if no heap of the policy is registered with the
 * required capabilities, -EINVAL without a policy or for a zero size.
 */
struct vb2_dma_heap_ibuf *
vb2_dma_heap_ibuf_alloc(struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_policy *policy, size_t size,
			const char *purpose, enum dma_data_direction dma_dir,
			unsigned long attrs)
{
	struct vb2_dma_heap_ibuf *ibuf;
	int ret = -ENOMEM;

	if (!size)
		return ERR_PTR(-EINVAL);

	ibuf = kzalloc_obj(*ibuf);
	if (!ibuf)
		return ERR_PTR(-ENOMEM);

	ibuf->owner = internal;
	ibuf->purpose = purpose;
	ibuf->size = PAGE_ALIGN(size);
	ibuf->dma_dir = dma_dir;

	ibuf->mem = vb2_dma_heap_policy_alloc(internal->dev, policy, 0, size);
	if (IS_ERR(ibuf->mem)) {
		ret = PTR_ERR(ibuf->mem);
		goto err_free;
	}
	ibuf->heap = ibuf->mem->heap;
	ibuf->sgt = ibuf->mem->table;

	ret = dma_map_sgtable(internal->dev, ibuf->sgt, dma_dir, 0);
	if (ret)
		goto err_mem_free;

	if (!(attrs & DMA_ATTR_NO_KERNEL_MAPPING)) {
		ibuf->vaddr = vmap(ibuf->mem->pages, ibuf->mem->num_pages,
				   VM_MAP, PAGE_KERNEL);
		if (!ibuf->vaddr) {
			ret = -ENOMEM;
			goto err_unmap;
		}
	}

	mutex_lock(&internal->lock);
	list_add_tail(&ibuf->list, &internal->bufs);
	mutex_unlock(&internal->lock);
	return ibuf;

err_unmap:
	dma_unmap_sgtable(internal->dev, ibuf->sgt, dma_dir, 0);
err_mem_free:
	vb2_dma_heap_mem_free(ibuf->mem);
err_free:
	kfree(ibuf);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_alloc);

static void vb2_dma_heap_ibuf_destroy(struct vb2_dma_heap_ibuf *ibuf)
{
	if (ibuf->vaddr)
		vunmap(ibuf->vaddr);
	dma_unmap_sgtable(ibuf->owner->dev, ibuf->sgt, ibuf->dma_dir, 0);
	vb2_dma_heap_mem_free(ibuf->mem);
	kfree(ibuf);
}

/**
 * vb2_dma_heap_ibuf_free() - free a driver-internal buffer
 * @ibuf: the buffer, or NULL
 */
void vb2_dma_heap_ibuf_free(struct vb2_dma_heap_ibuf *ibuf)
{
	if (!ibuf)
		return;

	mutex_lock(&ibuf->owner->lock);
	list_del(&ibuf->list);
	mutex_unlock(&ibuf->owner->lock);
	vb2_dma_heap_ibuf_destroy(ibuf);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_free);

/**
 * vb2_dma_heap_ibuf_sync_for_cpu() - give a driver-internal buffer to the CPU
 * @ibuf: the buffer, after the device's DMA to it has completed
 *
 * Makes what the device wrote visible through the kernel mapping, as
 * dma_sync_sgtable_for_cpu() does for the buffer's mapping.
 */
void vb2_dma_heap_ibuf_sync_for_cpu(struct vb2_dma_heap_ibuf *ibuf)
{
	dma_sync_sgtable_for_cpu(ibuf->owner->dev, ibuf->sgt, ibuf->dma_dir);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_sync_for_cpu);

/**
 * vb2_dma_heap_ibuf_sync_for_device() - give a driver-internal buffer to
 *	the device
 * @ibuf: the buffer, before the device's DMA to or from it starts
 *
 * Makes what the CPU wrote visible to the device, as
 * dma_sync_sgtable_for_device() does for the buffer's mapping.
 */
void vb2_dma_heap_ibuf_sync_for_device(struct vb2_dma_heap_ibuf *ibuf)
{
	dma_sync_sgtable_for_device(ibuf->owner->dev, ibuf->sgt, ibuf->dma_dir);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_sync_for_device);

/**
 * vb2_dma_heap_internal_release() - free every internal buffer of a context
 * @internal: the set, as set up by vb2_dma_heap_internal_init()
 *
 * Called when the context goes away; the set may be reused afterwards.
 */
void vb2_dma_heap_internal_release(struct vb2_dma_heap_internal *internal)
{
	struct vb2_dma_heap_ibuf *ibuf, *tmp;
	LIST_HEAD(bufs);

	mutex_lock(&internal->lock);
	list_splice_init(&internal->bufs, &bufs);
	mutex_unlock(&internal->lock);

	list_for_each_entry_safe(ibuf, tmp, &bufs, list)
		vb2_dma_heap_ibuf_destroy(ibuf);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_internal_release);

/*********************************************/
/*       reporting and selecting heaps       */
/*********************************************/

/* The heaps a queue may use depend on its device: it must have one. */
static bool vb2_dma_heap_queue_supported(struct vb2_queue *q)
{
	return q->mem_ops == &vb2_dma_heap_memops && q->heap_policy && q->dev;
}

/* The heap an allocation under @policy tries first, referenced, or NULL. */
static struct dma_heap *
vb2_dma_heap_policy_first(const struct vb2_dma_heap_policy *policy,
			  struct device *dev, gfp_t gfp)
{
	unsigned int i = 0;

	return vb2_dma_heap_policy_next(policy, dev, gfp, &i);
}

/* The heap the queue's next MMAP buffer comes from, referenced, or NULL. */
static struct dma_heap *vb2_dma_heap_queue_heap(struct vb2_queue *q)
{
	if (q->selected_heap)
		return dma_heap_get(q->selected_heap);
	return vb2_dma_heap_policy_first(q->heap_policy, q->dev, q->gfp_flags);
}

static u32 vb2_dma_heap_v4l2_flags(struct vb2_queue *q, struct dma_heap *heap)
{
	u32 flags = 0;

	if (dma_heap_get_caps(heap) & DMA_HEAP_CAP_CONTIGUOUS)
		flags |= V4L2_HEAP_FL_CONTIGUOUS;
	if (q && heap == q->selected_heap)
		flags |= V4L2_HEAP_FL_SELECTED;
	return flags;
}

/*
 * The number of the queue's MMAP buffers with a plane from @heap, and in
 * *@bytes the size of all those planes: with a fallback between heaps, the
 * planes of one buffer can come from different heaps.
 */
static unsigned int vb2_dma_heap_queue_usage(struct vb2_queue *q,
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
			if (vb2_dma_heap_plane_heap(vb, plane) != heap)
				continue;
			*bytes += PAGE_ALIGN(vb->planes[plane].length);
			held = true;
		}
		count += held;
	}
	return count;
}

/*
 * The heap of the queue's entry @index, referenced: @active, the heap the
 * next MMAP buffer comes from, first, then in the order of their minor
 * numbers the other heaps the queue may allocate from or holds buffers in.
 * NULL past the last one, with *@num set to the number of queue entries.
 */
static struct dma_heap *vb2_dma_heap_queue_entry(struct vb2_queue *q,
						 struct dma_heap *active,
						 unsigned int index,
						 unsigned int *num)
{
	struct dma_heap *heap = NULL;
	u64 bytes;

	*num = 0;
	if (active && index == (*num)++)
		return dma_heap_get(active);

	while ((heap = dma_heap_get_next(heap))) {
		if (heap == active ||
		    (!vb2_dma_heap_compatible(q, heap, q->dev) &&
		     !vb2_dma_heap_queue_usage(q, heap, &bytes)))
			continue;
		if (index == (*num)++)
			break;
	}
	return heap;
}

static void vb2_dma_heap_describe_queue(struct vb2_queue *q,
					struct dma_heap *heap,
					struct dma_heap *active,
					struct v4l2_heapdesc *desc)
{
	desc->count = vb2_dma_heap_queue_usage(q, heap, &desc->bytes);
	desc->usage = heap == active || desc->count ? V4L2_HEAP_USAGE_ACTIVE :
						      V4L2_HEAP_USAGE_COMPATIBLE;
	desc->flags = vb2_dma_heap_v4l2_flags(q, heap);
	strscpy(desc->name, dma_heap_get_name(heap), sizeof(desc->name));
}

static int vb2_dma_heap_describe_group(struct vb2_dma_heap_internal *internal,
				       const struct vb2_dma_heap_group *group,
				       struct v4l2_heapdesc *desc)
{
	struct dma_heap *heap = NULL;
	struct vb2_dma_heap_ibuf *ibuf;

	desc->count = 0;
	desc->bytes = 0;
	mutex_lock(&internal->lock);
	list_for_each_entry(ibuf, &internal->bufs, list) {
		if (strcmp(ibuf->purpose, group->purpose))
			continue;
		if (!heap)
			heap = dma_heap_get(ibuf->heap);
		desc->count++;
		desc->bytes += ibuf->size;
	}
	mutex_unlock(&internal->lock);

	if (!heap)
		heap = vb2_dma_heap_policy_first(group->policy, internal->dev,
						 0);
	if (!heap)
		return -ENODEV;

	desc->usage = V4L2_HEAP_USAGE_INTERNAL;
	desc->flags = vb2_dma_heap_v4l2_flags(NULL, heap);
	desc->size = PAGE_ALIGN(group->size);
	desc->purpose_id = group->purpose_id;
	strscpy(desc->name, dma_heap_get_name(heap), sizeof(desc->name));
	strscpy(desc->purpose, group->purpose, sizeof(desc->purpose));
	dma_heap_put(heap);
	return 0;
}

/**
 * vb2_dma_heap_enum_heaps() - implement VIDIOC_ENUM_HEAPS for a queue
 * @q:		the queue of @desc->type, using vb2_dma_heap_memops
 * @internal:	the context's internal buffers, or NULL
 * @groups:	the groups of internal buffers the context's current
 *		configuration needs, reported with @q; NULL if none
 * @num_groups:	number of entries in @groups
 * @desc:	the ioctl argument
 *
 * The first entry describes the heap the queue's next MMAP buffer comes
 * from (active). The other heaps the queue holds MMAP buffers in (active)
 * and those it may allocate from (compatible), which are the heaps
 * vb2_dma_heap_s_heap() accepts, follow in the order of their minor
 * numbers, then the groups. A driver reports each group with the queue
 * whose format determines its size, so that no group is counted twice. The
 * V4L2 core fills in the buffer size of the queue's entries from the
 * format.
 *
 * Must be called with the queue's lock held, as ioctls are.
 *
 * Return: 0, -EINVAL past the last entry, -ENOTTY if @q does not allocate
 * from heaps, or -ENODEV if no heap of a group's policy is usable.
 */
int vb2_dma_heap_enum_heaps(struct vb2_queue *q,
			    struct vb2_dma_heap_internal *internal,
			    const struct vb2_dma_heap_group *groups,
			    unsigned int num_groups,
			    struct v4l2_heapdesc *desc)
{
	struct dma_heap *active, *heap;
	unsigned int num, group;

	if (!vb2_dma_heap_queue_supported(q))
		return -ENOTTY;

	/* Resolving the policy looks heaps up: once per call is enough. */
	active = vb2_dma_heap_queue_heap(q);
	heap = vb2_dma_heap_queue_entry(q, active, desc->index, &num);
	if (heap)
		vb2_dma_heap_describe_queue(q, heap, active, desc);
	dma_heap_put(heap);
	dma_heap_put(active);
	if (heap)
		return 0;

	group = desc->index - num;
	if (!internal || group >= num_groups)
		return -EINVAL;
	return vb2_dma_heap_describe_group(internal, &groups[group], desc);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_enum_heaps);

/* Describes the heap the queue's next MMAP buffer comes from. */
static int vb2_dma_heap_describe_active(struct vb2_queue *q,
					struct v4l2_heap *heap)
{
	struct dma_heap *active = vb2_dma_heap_queue_heap(q);

	if (!active)
		return -ENODEV;

	heap->flags = vb2_dma_heap_v4l2_flags(q, active);
	strscpy(heap->name, dma_heap_get_name(active), sizeof(heap->name));
	dma_heap_put(active);
	return 0;
}

/**
 * vb2_dma_heap_g_heap() - implement VIDIOC_G_HEAP for a queue
 * @q:		the queue of @heap->type, using vb2_dma_heap_memops
 * @heap:	the ioctl argument
 *
 * Return: 0, -ENOTTY if @q does not allocate from heaps, or -ENODEV if no
 * heap of the queue's policy is registered.
 */
int vb2_dma_heap_g_heap(struct vb2_queue *q, struct v4l2_heap *heap)
{
	if (!vb2_dma_heap_queue_supported(q))
		return -ENOTTY;

	heap->fd = V4L2_HEAP_FD_DEFAULT;
	return vb2_dma_heap_describe_active(q, heap);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_g_heap);

/**
 * vb2_dma_heap_select() - select a heap for a queue's MMAP buffers
 * @q:		the queue, using vb2_dma_heap_memops
 * @selected:	the heap, referenced, or NULL to return to the policy
 * @heap:	filled in with the heap the queue now allocates from
 *
 * The part of vb2_dma_heap_s_heap() that does not deal with file
 * descriptors. Takes over the caller's reference to @selected.
 *
 * Return: as vb2_dma_heap_s_heap(). On failure the previous selection stays.
 */
VISIBLE_IF_KUNIT int vb2_dma_heap_select(struct vb2_queue *q,
					 struct dma_heap *selected,
					 struct v4l2_heap *heap)
{
	int ret;

	if (vb2_is_busy(q)) {
		ret = -EBUSY;
		goto out;
	}
	if (selected && !vb2_dma_heap_compatible(q, selected, q->dev)) {
		ret = -EINVAL;
		goto out;
	}

	swap(q->selected_heap, selected);
	ret = vb2_dma_heap_describe_active(q, heap);
	if (ret)
		swap(q->selected_heap, selected);
out:
	/* Whichever heap is not selected now */
	dma_heap_put(selected);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vb2_dma_heap_select);

/**
 * vb2_dma_heap_s_heap() - implement VIDIOC_S_HEAP for a queue
 * @q:		the queue of @heap->type, using vb2_dma_heap_memops
 * @heap:	the ioctl argument
 *
 * Selects the heap whose /dev/dma_heap node @heap->fd refers to for the
 * queue's MMAP buffers, or with %V4L2_HEAP_FD_DEFAULT returns to the
 * queue's policy. The queue keeps a reference to the heap until the
 * selection changes or vb2_dma_heap_queue_release() is called. Fills in
 * the flags and name of @heap as vb2_dma_heap_g_heap() does.
 *
 * Return: 0; -ENOTTY if @q does not allocate from heaps; -EBADF if
 * @heap->fd is not an open file; -EINVAL if it is not a heap node or not
 * a heap the queue may allocate from; -EBUSY while the queue has buffers;
 * -ENODEV when returning to a policy none of whose heaps is usable. On
 * failure the previous selection stays.
 */
int vb2_dma_heap_s_heap(struct vb2_queue *q, struct v4l2_heap *heap)
{
	struct dma_heap *selected = NULL;
	struct file *file;

	if (!vb2_dma_heap_queue_supported(q))
		return -ENOTTY;

	if (heap->fd != V4L2_HEAP_FD_DEFAULT) {
		file = fget(heap->fd);
		if (!file)
			return -EBADF;
		selected = dma_heap_from_file(file);
		fput(file);
		if (IS_ERR(selected))
			return PTR_ERR(selected);
	}
	return vb2_dma_heap_select(q, selected, heap);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_s_heap);

/**
 * vb2_dma_heap_queue_release() - drop the heap userspace selected
 * @q: the queue
 *
 * Called by the driver when the queue goes away for good; vb2_queue_release()
 * does not do it, because a selection, like a format, outlives the buffers.
 */
void vb2_dma_heap_queue_release(struct vb2_queue *q)
{
	dma_heap_put(q->selected_heap);
	q->selected_heap = NULL;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_queue_release);

/*
 * The queue of @type behind a file: video_device.queue, or one of the
 * mem2mem context's two queues.
 */
static struct vb2_queue *vb2_dma_heap_file_queue(struct file *file, u32 type)
{
	struct video_device *vdev = video_devdata(file);
	struct v4l2_fh *fh = file->private_data;
	struct vb2_queue *q = vdev->queue;

	if (test_bit(V4L2_FL_USES_V4L2_FH, &vdev->flags) && fh->m2m_ctx)
		q = V4L2_TYPE_IS_OUTPUT(type) ?
			v4l2_m2m_get_src_vq(fh->m2m_ctx) :
			v4l2_m2m_get_dst_vq(fh->m2m_ctx);
	return q && q->type == type ? q : NULL;
}

/**
 * vb2_dma_heap_ioctl_enum_heaps() - VIDIOC_ENUM_HEAPS without internal buffers
 * @file:	file of the ioctl
 * @priv:	unused
 * @desc:	the ioctl argument
 *
 * For drivers whose queue is video_device.queue or whose file handles have
 * a mem2mem context.
 *
 * Return: as vb2_dma_heap_enum_heaps(), or -EINVAL if the file has no
 * queue of type @desc->type.
 */
int vb2_dma_heap_ioctl_enum_heaps(struct file *file, void *priv,
				  struct v4l2_heapdesc *desc)
{
	struct vb2_queue *q = vb2_dma_heap_file_queue(file, desc->type);

	return q ? vb2_dma_heap_enum_heaps(q, NULL, NULL, 0, desc) : -EINVAL;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ioctl_enum_heaps);

/**
 * vb2_dma_heap_ioctl_g_heap() - VIDIOC_G_HEAP
 * @file:	file of the ioctl
 * @priv:	unused
 * @heap:	the ioctl argument
 *
 * For the same drivers as vb2_dma_heap_ioctl_enum_heaps().
 *
 * Return: as vb2_dma_heap_g_heap(), or -EINVAL if the file has no queue of
 * type @heap->type.
 */
int vb2_dma_heap_ioctl_g_heap(struct file *file, void *priv,
			      struct v4l2_heap *heap)
{
	struct vb2_queue *q = vb2_dma_heap_file_queue(file, heap->type);

	return q ? vb2_dma_heap_g_heap(q, heap) : -EINVAL;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ioctl_g_heap);

/**
 * vb2_dma_heap_ioctl_s_heap() - VIDIOC_S_HEAP
 * @file:	file of the ioctl
 * @priv:	unused
 * @heap:	the ioctl argument
 *
 * For the same drivers as vb2_dma_heap_ioctl_enum_heaps().
 *
 * Return: as vb2_dma_heap_s_heap(), or -EINVAL if the file has no queue of
 * type @heap->type.
 */
int vb2_dma_heap_ioctl_s_heap(struct file *file, void *priv,
			      struct v4l2_heap *heap)
{
	struct vb2_queue *q = vb2_dma_heap_file_queue(file, heap->type);

	return q ? vb2_dma_heap_s_heap(q, heap) : -EINVAL;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ioctl_s_heap);

MODULE_DESCRIPTION("videobuf2 memory allocator backed by dma-buf heaps");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF_HEAP");
