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

#include <linux/dma-heap.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <media/videobuf2-dma-heap.h>
#include <media/videobuf2-dma-sg.h>

/**
 * struct vb2_dma_heap_mem - memory from a heap
 * @heap:	the heap it came from, referenced
 * @table:	its pages, as dma_heap_mem_alloc() returned them: the only
 *		description of the memory, which vb2-dma-sg maps and uses
 */
struct vb2_dma_heap_mem {
	struct dma_heap *heap;
	struct sg_table *table;
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

static void vb2_dma_heap_mem_free(struct vb2_dma_heap_mem *mem)
{
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
	struct sg_table *table;

	mem = kzalloc_obj(*mem);
	if (!mem)
		return ERR_PTR(-ENOMEM);

	table = dma_heap_mem_alloc(heap, size);
	if (IS_ERR(table)) {
		kfree(mem);
		return ERR_CAST(table);
	}

	mem->heap = heap;
	mem->table = table;
	return mem;
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

	while ((heap = vb2_heap_policy_next(policy, dev, gfp, &i))) {
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

	if (!vb2_heap_compatible(q, heap, dev)) {
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

static bool vb2_dma_heap_buf_unmapped(struct vb2_dma_heap_buf *buf)
{
	return buf->vb->vb2_queue->dma_attrs & DMA_ATTR_NO_KERNEL_MAPPING;
}

/*
 * The kernel mapping is made when the memory is set up rather than on
 * first use, so that vb2_plane_vaddr() takes no lock and works in atomic
 * context, as with vb2-vmalloc. vb2-dma-sg keeps the mapping it makes.
 * A queue that declared it needs none gets none up front.
 */
static void vb2_dma_heap_buf_vmap(struct vb2_dma_heap_buf *buf)
{
	if (!vb2_dma_heap_buf_unmapped(buf))
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
	vm_flags_t vm_flags = 0;
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
	/*
	 * A contiguous heap's memory is a reserved area's, such as CMA's,
	 * whose pages may not be pinned long-term: its mappings refuse
	 * get_user_pages() as vb2-dma-contig's do, instead of having
	 * pin_user_pages() retry forever to migrate them.
	 */
	if (dma_heap_get_caps(mem->heap) & DMA_HEAP_CAP_CONTIGUOUS)
		vm_flags = VM_IO;
	buf->sg = vb2_dma_sg_alloc_from_table(vb, dev, mem->table, vm_flags,
					      vb2_dma_heap_mem_release, mem);
	if (IS_ERR(buf->sg)) {
		ret = PTR_ERR(buf->sg);
		vb2_dma_heap_mem_free(mem);
		goto err_free;
	}

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

/*
 * vb2_mmap() does not hold the queue's lock, so it can find a buffer that a
 * concurrent VIDIOC_REQBUFS has not given memory yet: vb2-dma-sg refuses
 * that with -EINVAL, as it does for its own buffers.
 */
static int vb2_dma_heap_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return vb2_dma_sg_memops.mmap(buf ? buf->sg : NULL, vma);
}

static struct dma_heap *vb2_dma_heap_heap(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return buf->heap;
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

/*
 * On a queue without kernel mappings, MMAP buffers have none, as with
 * vb2-dma-contig, while imported and USERPTR memory is mapped on first
 * use, as both stock allocators map it.
 */
static void *vb2_dma_heap_vaddr(struct vb2_buffer *vb, void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	if (!buf->vaddr && !buf->heap && vb2_dma_heap_buf_unmapped(buf))
		buf->vaddr = vb2_dma_sg_memops.vaddr(vb, buf->sg);
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
	.heap		= vb2_dma_heap_heap,
};
EXPORT_SYMBOL_GPL(vb2_dma_heap_memops);

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

/* vmap() of a heap's table, whose array of pages is needed for the call only */
static void *vb2_dma_heap_vmap_table(struct sg_table *table, size_t size)
{
	unsigned int i = 0, num_pages = size >> PAGE_SHIFT;
	struct sg_page_iter piter;
	struct page **pages;
	void *vaddr;

	pages = kvmalloc_objs(*pages, num_pages);
	if (!pages)
		return NULL;
	for_each_sgtable_page(table, &piter, 0)
		pages[i++] = sg_page_iter_page(&piter);
	vaddr = vmap(pages, num_pages, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return vaddr;
}

/**
 * vb2_dma_heap_ibuf_alloc() - allocate a driver-internal buffer
 * @internal:	the context's set of internal buffers
 * @policy:	heaps to allocate from, as for queue buffers
 * @size:	size in bytes
 * @purpose_id:	what the buffer is for, one of the V4L2_HEAP_PURPOSE_*
 *		values, which vb2_dma_heap_internal_usage() groups it by
 * @dma_dir:	direction of the device's DMA to the buffer, or DMA_NONE for
 *		a buffer only the CPU accesses, such as a codec's that runs
 *		in software
 *
 * A buffer for DMA is mapped for the set's device, which owns it from then
 * on as after dma_map_sgtable(): the CPU does not access it, and it has no
 * kernel mapping, so it may come from a heap of protected memory. A
 * DMA_NONE buffer is mapped into the kernel instead, for the CPU alone.
 * Either stays in the set until vb2_dma_heap_ibuf_free().
 *
 * Return: the buffer or an ERR_PTR(): -ENOMEM once every heap of the policy
 * is exhausted, -ENODEV if no heap of the policy is registered with the
 * required capabilities, -EINVAL without a policy or for a zero size.
 */
struct vb2_dma_heap_ibuf *
vb2_dma_heap_ibuf_alloc(struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_policy *policy, size_t size,
			u32 purpose_id, enum dma_data_direction dma_dir)
{
	struct vb2_dma_heap_ibuf *ibuf;
	int ret = -ENOMEM;

	if (!size)
		return ERR_PTR(-EINVAL);

	ibuf = kzalloc_obj(*ibuf);
	if (!ibuf)
		return ERR_PTR(-ENOMEM);

	ibuf->owner = internal;
	ibuf->purpose_id = purpose_id;
	ibuf->size = PAGE_ALIGN(size);
	ibuf->dma_dir = dma_dir;

	ibuf->mem = vb2_dma_heap_policy_alloc(internal->dev, policy, 0, size);
	if (IS_ERR(ibuf->mem)) {
		ret = PTR_ERR(ibuf->mem);
		goto err_free;
	}
	ibuf->heap = ibuf->mem->heap;
	ibuf->sgt = ibuf->mem->table;

	if (dma_dir == DMA_NONE) {
		ibuf->vaddr = vb2_dma_heap_vmap_table(ibuf->sgt, ibuf->size);
		if (!ibuf->vaddr)
			goto err_mem_free;
	} else {
		ret = dma_map_sgtable(internal->dev, ibuf->sgt, dma_dir, 0);
		if (ret)
			goto err_mem_free;
	}

	mutex_lock(&internal->lock);
	list_add_tail(&ibuf->list, &internal->bufs);
	mutex_unlock(&internal->lock);
	return ibuf;

err_mem_free:
	vb2_dma_heap_mem_free(ibuf->mem);
err_free:
	kfree(ibuf);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_alloc);

static void vb2_dma_heap_ibuf_destroy(struct vb2_dma_heap_ibuf *ibuf)
{
	if (ibuf->dma_dir == DMA_NONE)
		vunmap(ibuf->vaddr);
	else
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
 * vb2_dma_heap_internal_usage() - what a group of internal buffers holds
 * @internal:	the context's set of internal buffers
 * @policy:	the policy the group's buffers are allocated under
 * @group:	the group, by its purpose_id; its entries are filled in
 *
 * Describes, for vb2_enum_heaps(), each heap that holds buffers of the
 * group and the memory they hold there, or while the group has none the
 * heap its next buffer would come from. A fallback spreads a group over
 * the heaps of its policy, so all of its buffers must be allocated under
 * one policy.
 */
void vb2_dma_heap_internal_usage(struct vb2_dma_heap_internal *internal,
				 const struct vb2_dma_heap_policy *policy,
				 struct vb2_heap_group *group)
{
	struct dma_heap *heaps[ARRAY_SIZE(group->entries)];
	struct vb2_dma_heap_ibuf *ibuf;
	unsigned int i, n = 0;

	memset(group->entries, 0, sizeof(group->entries));
	mutex_lock(&internal->lock);
	list_for_each_entry(ibuf, &internal->bufs, list) {
		if (ibuf->purpose_id != group->purpose_id)
			continue;
		for (i = 0; i < n && heaps[i] != ibuf->heap; i++)
			;
		if (i == n) {
			if (WARN_ON_ONCE(n == ARRAY_SIZE(heaps)))
				continue;
			heaps[n++] = dma_heap_get(ibuf->heap);
		}
		group->entries[i].count++;
		group->entries[i].bytes += ibuf->size;
	}
	mutex_unlock(&internal->lock);

	if (!n) {
		i = 0;
		heaps[0] = vb2_heap_policy_next(policy, internal->dev, 0, &i);
		n = heaps[0] ? 1 : 0;
	}
	for (i = 0; i < n; i++) {
		vb2_heap_fill_entry(heaps[i], &group->entries[i]);
		dma_heap_put(heaps[i]);
	}
	group->num_entries = n;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_internal_usage);

/**
 * vb2_dma_heap_policy_from_param() - set a policy from a heap module parameter
 * @policy:	the policy, zeroed, with &vb2_dma_heap_policy.any_heap as the
 *		driver wants it
 * @param:	the parameter: a heap name as under /dev/dma_heap,
 *		%VB2_DMA_HEAP_DEVICE_CMA, or empty or NULL for none
 * @caps:	DMA_HEAP_CAP_* flags every heap used must have
 * @who:	the driver's name in messages
 *
 * For drivers that let the user pick a heap when they are loaded: the heap
 * named, then the system heap, so that a device with a region of its own
 * falls back to system memory. Refusing a heap that cannot be used, rather
 * than loading without it, keeps a typo from going unnoticed. The driver
 * drops the policy with vb2_dma_heap_policy_release() when it is unloaded.
 *
 * Return: 0, with @policy left empty for an empty @param, or -EINVAL,
 * logged, if the heap cannot be used.
 */
int vb2_dma_heap_policy_from_param(struct vb2_dma_heap_policy *policy,
				   const char *param, u32 caps, const char *who)
{
	const char * const heaps[] = { param, "system" };
	int ret;

	if (!param || !param[0])
		return 0;

	ret = vb2_dma_heap_policy_set(policy, heaps,
				      strcmp(param, "system") ? 2 : 1, caps);
	if (ret) {
		pr_err("%s: cannot allocate from heap '%s'\n", who, param);
		return -EINVAL;
	}
	pr_info("%s: allocating buffers from heap %s%s\n", who, param,
		caps & DMA_HEAP_CAP_CONTIGUOUS ? ", contiguous only" : "");
	return 0;
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_policy_from_param);

MODULE_DESCRIPTION("videobuf2 memory allocator backed by dma-buf heaps");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF_HEAP");
