// SPDX-License-Identifier: GPL-2.0
/*
 * videobuf2-dma-heap.c - videobuf2 memory allocator backed by dma-buf heaps
 *
 * MMAP buffers are dma-bufs allocated from the heaps a queue's policy
 * names; EXPBUF hands out that same dma-buf and mmap goes through it, so a
 * buffer is accounted to one heap whoever uses it. Imported dma-bufs and
 * USERPTR memory are mapped like vb2-dma-sg does, after checking them
 * against the policy's requirements. Driver-internal buffers come from the
 * same heaps under the same kind of policy.
 */

#include <linux/cma.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <media/videobuf2-dma-heap.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-mem2mem.h>
#include <media/videobuf2-memops.h>

/**
 * struct vb2_dma_heap_buf - one plane of a vb2 buffer
 * @dev:	device the plane is mapped for
 * @vb:		the buffer the plane belongs to
 * @dma_dir:	direction of the device's DMA
 * @size:	size of the plane in bytes
 * @sgt:	DMA mapping for @dev (the attachment's for MMAP and DMABUF,
 *		@userptr_sgt for USERPTR)
 * @dmabuf:	MMAP: the buffer from @heap; DMABUF: the imported buffer
 * @heap:	MMAP: the heap the buffer came from
 * @attach:	MMAP and DMABUF: attachment of @dmabuf to @dev
 * @map:	MMAP and DMABUF: kernel mapping of @dmabuf
 * @caps:	DMA_HEAP_CAP_* the queue required when the plane was made
 * @vec:	USERPTR: pinned user pages
 * @userptr_sgt: USERPTR: scatterlist of @vec
 * @userptr_map: USERPTR: kernel mapping of @vec
 * @vaddr:	kernel address of the plane's first byte, or NULL without a
 *		kernel mapping
 */
struct vb2_dma_heap_buf {
	struct device *dev;
	struct vb2_buffer *vb;
	enum dma_data_direction dma_dir;
	unsigned long size;
	struct sg_table *sgt;

	struct dma_buf *dmabuf;
	struct dma_heap *heap;
	struct dma_buf_attachment *attach;
	struct iosys_map map;
	u32 caps;

	struct frame_vector *vec;
	struct sg_table userptr_sgt;
	void *userptr_map;

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
 * The first heap of @policy from index *@i on that is registered and has the
 * policy's capabilities, referenced, or NULL; *@i moves past it.
 */
static struct dma_heap *
vb2_dma_heap_policy_next(const struct vb2_dma_heap_policy *policy,
			 struct device *dev, unsigned int *i)
{
	struct dma_heap *heap;

	while (*i < policy->num_heaps) {
		heap = vb2_dma_heap_resolve(policy->heaps[(*i)++], dev);
		if (heap && vb2_dma_heap_has_caps(heap, policy->caps))
			return heap;
		dma_heap_put(heap);
	}
	return NULL;
}

/*
 * Tries the policy's heaps in order. Only exhaustion moves on to the next
 * heap: any other error is a real failure the caller must see.
 */
static struct dma_buf *
vb2_dma_heap_policy_alloc(struct device *dev,
			  const struct vb2_dma_heap_policy *policy,
			  size_t size, struct dma_heap **used)
{
	struct dma_buf *dmabuf = ERR_PTR(-ENODEV);
	struct dma_heap *heap;
	unsigned int i = 0;

	if (!policy)
		return ERR_PTR(-EINVAL);

	while ((heap = vb2_dma_heap_policy_next(policy, dev, &i))) {
		dmabuf = dma_heap_buffer_alloc(heap, size, O_RDWR | O_CLOEXEC, 0);
		if (!IS_ERR(dmabuf)) {
			*used = heap;
			return dmabuf;
		}
		if (PTR_ERR(dmabuf) != -ENOMEM) {
			dma_heap_put(heap);
			break;
		}
		dev_dbg(dev, "heap %s exhausted allocating %zu bytes\n",
			dma_heap_get_name(heap), size);
		dma_heap_put(heap);
	}

	if (PTR_ERR(dmabuf) == -ENODEV)
		dev_err_ratelimited(dev, "no usable heap in the queue's policy (%u heaps, caps 0x%x)\n",
				    policy->num_heaps, policy->caps);
	return dmabuf;
}

/*
 * A heap userspace selected is what it asked for: running out of it is an
 * error, not a reason to fall back to a heap it did not choose. It was
 * checked against the queue's requirements when it was selected, but the
 * driver may have changed them since, with the format.
 */
static struct dma_buf *vb2_dma_heap_queue_alloc(struct vb2_queue *q,
						struct device *dev,
						size_t size,
						struct dma_heap **used)
{
	struct dma_buf *dmabuf;

	if (!q->selected_heap)
		return vb2_dma_heap_policy_alloc(dev, q->heap_policy, size, used);

	if (!vb2_dma_heap_has_caps(q->selected_heap, q->heap_policy->caps)) {
		dev_err_ratelimited(dev, "selected heap %s lacks capabilities 0x%x the queue now requires\n",
				    dma_heap_get_name(q->selected_heap),
				    q->heap_policy->caps);
		return ERR_PTR(-EINVAL);
	}

	dmabuf = dma_heap_buffer_alloc(q->selected_heap, size,
				       O_RDWR | O_CLOEXEC, 0);
	if (!IS_ERR(dmabuf))
		*used = dma_heap_get(q->selected_heap);
	return dmabuf;
}

/* Attaches and maps a dma-buf for @dev; on error nothing is left attached. */
static int vb2_dma_heap_attach_map(struct dma_buf *dmabuf, struct device *dev,
				   enum dma_data_direction dma_dir,
				   struct dma_buf_attachment **attach,
				   struct sg_table **sgt)
{
	*attach = dma_buf_attach(dmabuf, dev);
	if (IS_ERR(*attach))
		return PTR_ERR(*attach);

	*sgt = dma_buf_map_attachment_unlocked(*attach, dma_dir);
	if (IS_ERR(*sgt)) {
		dma_buf_detach(dmabuf, *attach);
		return PTR_ERR(*sgt);
	}
	return 0;
}

static void vb2_dma_heap_unmap_detach(struct dma_buf *dmabuf,
				      struct dma_buf_attachment *attach,
				      struct sg_table *sgt,
				      enum dma_data_direction dma_dir)
{
	dma_buf_unmap_attachment_unlocked(attach, sgt, dma_dir);
	dma_buf_detach(dmabuf, attach);
}

/*
 * Kernel mappings are made when the memory is set up, as vb2-vmalloc has
 * them, so that vb2_plane_vaddr() takes no lock and works in atomic context.
 */
static int vb2_dma_heap_dmabuf_vmap(struct vb2_dma_heap_buf *buf)
{
	int ret = dma_buf_vmap_unlocked(buf->dmabuf, &buf->map);

	if (ret)
		return ret;
	/* vb2 hands out plain kernel pointers; I/O memory has none. */
	if (!buf->map.is_iomem)
		buf->vaddr = buf->map.vaddr;
	return 0;
}

static void vb2_dma_heap_dmabuf_vunmap(struct vb2_dma_heap_buf *buf)
{
	if (!iosys_map_is_null(&buf->map))
		dma_buf_vunmap_unlocked(buf->dmabuf, &buf->map);
	iosys_map_clear(&buf->map);
	buf->vaddr = NULL;
}

/* What every kind of plane starts from: the queue's view of it. */
static struct vb2_dma_heap_buf *vb2_dma_heap_buf_new(struct vb2_buffer *vb,
						     struct device *dev,
						     unsigned long size)
{
	const struct vb2_dma_heap_policy *policy = vb->vb2_queue->heap_policy;
	struct vb2_dma_heap_buf *buf;

	if (WARN_ON(!dev))
		return ERR_PTR(-EINVAL);

	buf = kzalloc_obj(*buf);
	if (!buf)
		return ERR_PTR(-ENOMEM);

	buf->dev = dev;
	buf->vb = vb;
	buf->dma_dir = vb->vb2_queue->dma_dir;
	buf->size = size;
	buf->caps = policy ? policy->caps : 0;
	return buf;
}

/*********************************************/
/*         callbacks for MMAP buffers        */
/*********************************************/

static void *vb2_dma_heap_alloc(struct vb2_buffer *vb, struct device *dev,
				unsigned long size)
{
	struct vb2_dma_heap_buf *buf;
	int ret;

	buf = vb2_dma_heap_buf_new(vb, dev, size);
	if (IS_ERR(buf))
		return buf;

	buf->dmabuf = vb2_dma_heap_queue_alloc(vb->vb2_queue, dev, size,
					       &buf->heap);
	if (IS_ERR(buf->dmabuf)) {
		ret = PTR_ERR(buf->dmabuf);
		goto err_free;
	}

	ret = vb2_dma_heap_attach_map(buf->dmabuf, dev, buf->dma_dir,
				      &buf->attach, &buf->sgt);
	if (ret)
		goto err_put;

	if (!(vb->vb2_queue->dma_attrs & DMA_ATTR_NO_KERNEL_MAPPING)) {
		ret = vb2_dma_heap_dmabuf_vmap(buf);
		if (ret)
			goto err_unmap;
	}

	return buf;

err_unmap:
	vb2_dma_heap_unmap_detach(buf->dmabuf, buf->attach, buf->sgt,
				  buf->dma_dir);
err_put:
	dma_buf_put(buf->dmabuf);
	dma_heap_put(buf->heap);
err_free:
	kfree(buf);
	return ERR_PTR(ret);
}

static void vb2_dma_heap_put(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	vb2_dma_heap_dmabuf_vunmap(buf);
	vb2_dma_heap_unmap_detach(buf->dmabuf, buf->attach, buf->sgt,
				  buf->dma_dir);
	dma_buf_put(buf->dmabuf);
	dma_heap_put(buf->heap);
	kfree(buf);
}

/*
 * EXPBUF shares the heap's own dma-buf rather than wrapping it in a second
 * exporter, so importers see the heap's memory and its operations directly.
 * Its file was opened read-write at allocation, whatever @flags asks for.
 */
static struct dma_buf *vb2_dma_heap_get_dmabuf(struct vb2_buffer *vb,
					       void *buf_priv,
					       unsigned long flags)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	get_dma_buf(buf->dmabuf);
	return buf->dmabuf;
}

static int vb2_dma_heap_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return dma_buf_mmap(buf->dmabuf, vma, 0);
}

/*
 * Every mapping and exported fd of an MMAP buffer holds its dma-buf file;
 * imported and user memory is only used through vb2.
 */
static unsigned int vb2_dma_heap_num_users(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return buf->heap ? file_count(buf->dmabuf->file) : 1;
}

/*********************************************/
/*      callbacks for all kinds of buffers   */
/*********************************************/

/*
 * vb2_buffer_done() calls finish from interrupt context, where the heaps'
 * begin/end_cpu_access cannot run (they take a mutex), so the device's own
 * mapping is synced as vb2-dma-sg does. DMABUF imports are synced by their
 * exporter: the core sets the skip flags for them.
 */
static void vb2_dma_heap_prepare(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	if (buf->vb->skip_cache_sync_on_prepare)
		return;

	dma_sync_sgtable_for_device(buf->dev, buf->sgt, buf->dma_dir);
}

static void vb2_dma_heap_finish(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	if (buf->vb->skip_cache_sync_on_finish)
		return;

	dma_sync_sgtable_for_cpu(buf->dev, buf->sgt, buf->dma_dir);
}

static void *vb2_dma_heap_vaddr(struct vb2_buffer *vb, void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return buf->vaddr;
}

static void *vb2_dma_heap_cookie(struct vb2_buffer *vb, void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	return buf->sgt;
}

/*********************************************/
/*       callbacks for USERPTR buffers       */
/*********************************************/

static void *vb2_dma_heap_get_userptr(struct vb2_buffer *vb, struct device *dev,
				      unsigned long vaddr, unsigned long size)
{
	struct vb2_dma_heap_buf *buf;
	int ret;

	buf = vb2_dma_heap_buf_new(vb, dev, size);
	if (IS_ERR(buf))
		return buf;

	buf->vec = vb2_create_framevec(vaddr, size,
				       buf->dma_dir == DMA_FROM_DEVICE ||
				       buf->dma_dir == DMA_BIDIRECTIONAL);
	if (IS_ERR(buf->vec)) {
		ret = PTR_ERR(buf->vec);
		goto err_free;
	}

	ret = sg_alloc_table_from_pages(&buf->userptr_sgt,
					frame_vector_pages(buf->vec),
					frame_vector_count(buf->vec),
					vaddr & ~PAGE_MASK, size, GFP_KERNEL);
	if (ret)
		goto err_framevec;

	/* Cache maintenance happens in prepare and finish. */
	ret = dma_map_sgtable(dev, &buf->userptr_sgt, buf->dma_dir,
			      DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_sgt;
	buf->sgt = &buf->userptr_sgt;

	if ((buf->caps & DMA_HEAP_CAP_CONTIGUOUS) &&
	    !vb2_dma_heap_sgt_contiguous(buf->sgt)) {
		dev_dbg(dev, "USERPTR memory is not contiguous but the queue requires it\n");
		ret = -EINVAL;
		goto err_unmap;
	}

	/* Without a kernel mapping only vb2_plane_vaddr() users lose out. */
	buf->userptr_map = vm_map_ram(frame_vector_pages(buf->vec),
				      frame_vector_count(buf->vec), NUMA_NO_NODE);
	if (buf->userptr_map)
		buf->vaddr = buf->userptr_map + buf->userptr_sgt.sgl->offset;

	return buf;

err_unmap:
	dma_unmap_sgtable(dev, buf->sgt, buf->dma_dir, DMA_ATTR_SKIP_CPU_SYNC);
err_sgt:
	sg_free_table(&buf->userptr_sgt);
err_framevec:
	vb2_destroy_framevec(buf->vec);
err_free:
	kfree(buf);
	return ERR_PTR(ret);
}

static void vb2_dma_heap_put_userptr(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;
	struct page **pages = frame_vector_pages(buf->vec);
	unsigned int i;

	dma_unmap_sgtable(buf->dev, buf->sgt, buf->dma_dir,
			  DMA_ATTR_SKIP_CPU_SYNC);
	if (buf->userptr_map)
		vm_unmap_ram(buf->userptr_map, frame_vector_count(buf->vec));
	sg_free_table(&buf->userptr_sgt);
	if (buf->dma_dir == DMA_FROM_DEVICE || buf->dma_dir == DMA_BIDIRECTIONAL)
		for (i = 0; i < frame_vector_count(buf->vec); i++)
			set_page_dirty_lock(pages[i]);
	vb2_destroy_framevec(buf->vec);
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
	struct dma_buf_attachment *attach;

	if (dbuf->size < size)
		return ERR_PTR(-EFAULT);

	buf = vb2_dma_heap_buf_new(vb, dev, size);
	if (IS_ERR(buf))
		return buf;

	attach = dma_buf_attach(dbuf, dev);
	if (IS_ERR(attach)) {
		kfree(buf);
		return attach;
	}
	buf->dmabuf = dbuf;
	buf->attach = attach;
	return buf;
}

static int vb2_dma_heap_map_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;
	struct sg_table *sgt;

	if (WARN_ON(!buf->attach) || WARN_ON(buf->sgt))
		return -EINVAL;

	sgt = dma_buf_map_attachment_unlocked(buf->attach, buf->dma_dir);
	if (IS_ERR(sgt)) {
		dev_dbg(buf->dev, "failed to map imported dma-buf\n");
		return PTR_ERR(sgt);
	}

	if ((buf->caps & DMA_HEAP_CAP_CONTIGUOUS) &&
	    !vb2_dma_heap_sgt_contiguous(sgt)) {
		dev_dbg(buf->dev, "imported dma-buf is not contiguous but the queue requires it\n");
		dma_buf_unmap_attachment_unlocked(buf->attach, sgt, buf->dma_dir);
		return -EINVAL;
	}

	buf->sgt = sgt;
	/* Not every exporter can vmap; only vb2_plane_vaddr() users need it. */
	if (vb2_dma_heap_dmabuf_vmap(buf))
		dev_dbg(buf->dev, "imported dma-buf has no kernel mapping\n");
	return 0;
}

static void vb2_dma_heap_unmap_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	if (WARN_ON(!buf->sgt))
		return;

	vb2_dma_heap_dmabuf_vunmap(buf);
	dma_buf_unmap_attachment_unlocked(buf->attach, buf->sgt, buf->dma_dir);
	buf->sgt = NULL;
}

static void vb2_dma_heap_detach_dmabuf(void *buf_priv)
{
	struct vb2_dma_heap_buf *buf = buf_priv;

	if (WARN_ON(buf->sgt))
		vb2_dma_heap_unmap_dmabuf(buf);
	dma_buf_detach(buf->dmabuf, buf->attach);
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
 *
 * Return: 0, or -EINVAL when more than %VB2_DMA_HEAP_MAX_HEAPS names remain
 * or none does.
 */
int vb2_dma_heap_policy_set(struct vb2_dma_heap_policy *policy,
			    const char * const *heaps, unsigned int num_heaps,
			    u32 caps)
{
	struct vb2_dma_heap_policy new = { .caps = caps };
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
 * required capabilities, -EINVAL without a policy or for a zero size,
 * -EOPNOTSUPP if a kernel mapping is wanted and the heap's memory has none.
 */
struct vb2_dma_heap_ibuf *
vb2_dma_heap_ibuf_alloc(struct vb2_dma_heap_internal *internal,
			const struct vb2_dma_heap_policy *policy, size_t size,
			const char *purpose, enum dma_data_direction dma_dir,
			unsigned long attrs)
{
	struct vb2_dma_heap_ibuf *ibuf;
	int ret;

	ibuf = kzalloc_obj(*ibuf);
	if (!ibuf)
		return ERR_PTR(-ENOMEM);

	ibuf->owner = internal;
	ibuf->purpose = purpose;
	ibuf->size = PAGE_ALIGN(size);
	ibuf->dma_dir = dma_dir;

	ibuf->dmabuf = vb2_dma_heap_policy_alloc(internal->dev, policy, size,
						 &ibuf->heap);
	if (IS_ERR(ibuf->dmabuf)) {
		ret = PTR_ERR(ibuf->dmabuf);
		goto err_free;
	}

	ret = vb2_dma_heap_attach_map(ibuf->dmabuf, internal->dev, dma_dir,
				      &ibuf->attach, &ibuf->sgt);
	if (ret)
		goto err_put;

	if (!(attrs & DMA_ATTR_NO_KERNEL_MAPPING)) {
		ret = dma_buf_vmap_unlocked(ibuf->dmabuf, &ibuf->map);
		if (ret)
			goto err_unmap;
		if (ibuf->map.is_iomem) {
			ret = -EOPNOTSUPP;
			goto err_vunmap;
		}
	}

	mutex_lock(&internal->lock);
	list_add_tail(&ibuf->list, &internal->bufs);
	mutex_unlock(&internal->lock);
	return ibuf;

err_vunmap:
	dma_buf_vunmap_unlocked(ibuf->dmabuf, &ibuf->map);
err_unmap:
	vb2_dma_heap_unmap_detach(ibuf->dmabuf, ibuf->attach, ibuf->sgt, dma_dir);
err_put:
	dma_buf_put(ibuf->dmabuf);
	dma_heap_put(ibuf->heap);
err_free:
	kfree(ibuf);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vb2_dma_heap_ibuf_alloc);

static void vb2_dma_heap_ibuf_destroy(struct vb2_dma_heap_ibuf *ibuf)
{
	if (!iosys_map_is_null(&ibuf->map))
		dma_buf_vunmap_unlocked(ibuf->dmabuf, &ibuf->map);
	vb2_dma_heap_unmap_detach(ibuf->dmabuf, ibuf->attach, ibuf->sgt,
				  ibuf->dma_dir);
	dma_buf_put(ibuf->dmabuf);
	dma_heap_put(ibuf->heap);
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

static bool vb2_dma_heap_queue_supported(struct vb2_queue *q)
{
	return q->mem_ops == &vb2_dma_heap_memops && q->heap_policy;
}

/* The heap an allocation under @policy tries first, referenced, or NULL. */
static struct dma_heap *
vb2_dma_heap_policy_first(const struct vb2_dma_heap_policy *policy,
			  struct device *dev)
{
	unsigned int i = 0;

	return vb2_dma_heap_policy_next(policy, dev, &i);
}

/* The heap the queue's next MMAP buffer comes from, referenced, or NULL. */
static struct dma_heap *vb2_dma_heap_queue_heap(struct vb2_queue *q)
{
	if (q->selected_heap)
		return dma_heap_get(q->selected_heap);
	return vb2_dma_heap_policy_first(q->heap_policy, q->dev);
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

static unsigned int vb2_dma_heap_queue_count(struct vb2_queue *q,
					     struct dma_heap *heap)
{
	unsigned int i, count = 0;
	struct vb2_buffer *vb;

	for (i = 0; i < q->max_num_buffers; i++) {
		vb = vb2_get_buffer(q, i);
		if (vb && vb->memory == VB2_MEMORY_MMAP &&
		    vb2_dma_heap_plane_heap(vb, 0) == heap)
			count++;
	}
	return count;
}

static void vb2_dma_heap_describe_queue(struct vb2_queue *q,
					struct dma_heap *heap,
					struct v4l2_heapdesc *desc)
{
	struct dma_heap *active = vb2_dma_heap_queue_heap(q);

	desc->count = vb2_dma_heap_queue_count(q, heap);
	desc->usage = heap == active || desc->count ? V4L2_HEAP_USAGE_ACTIVE :
						      V4L2_HEAP_USAGE_COMPATIBLE;
	desc->flags = vb2_dma_heap_v4l2_flags(q, heap);
	strscpy(desc->name, dma_heap_get_name(heap), sizeof(desc->name));
	dma_heap_put(active);
}

static int vb2_dma_heap_describe_group(struct vb2_dma_heap_internal *internal,
				       const struct vb2_dma_heap_group *group,
				       struct v4l2_heapdesc *desc)
{
	struct dma_heap *heap = NULL;
	struct vb2_dma_heap_ibuf *ibuf;

	desc->count = 0;
	mutex_lock(&internal->lock);
	list_for_each_entry(ibuf, &internal->bufs, list) {
		if (strcmp(ibuf->purpose, group->purpose))
			continue;
		if (!heap)
			heap = dma_heap_get(ibuf->heap);
		desc->count++;
	}
	mutex_unlock(&internal->lock);

	if (!heap)
		heap = vb2_dma_heap_policy_first(group->policy, internal->dev);
	if (!heap)
		return -ENODEV;

	desc->usage = V4L2_HEAP_USAGE_INTERNAL;
	desc->flags = vb2_dma_heap_v4l2_flags(NULL, heap);
	desc->size = PAGE_ALIGN(group->size);
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
 * Entries first describe the heaps the queue can allocate from, in the
 * order the heaps were registered: the one MMAP buffers come from and any
 * other that holds buffers of the queue are active, the remaining heaps
 * with the capabilities the policy requires are compatible. The groups
 * follow. A driver reports each group with the queue whose format
 * determines its size, so that no group is counted twice. The V4L2 core
 * fills in the buffer size of the queue's entries from the format.
 *
 * Must be called with the queue's lock held, as ioctls are.
 *
 * Return: 0, -EINVAL past the last entry, -ENOTTY if @q does not allocate
 * from heaps, or -ENODEV if no heap of a group's policy is registered.
 */
int vb2_dma_heap_enum_heaps(struct vb2_queue *q,
			    struct vb2_dma_heap_internal *internal,
			    const struct vb2_dma_heap_group *groups,
			    unsigned int num_groups,
			    struct v4l2_heapdesc *desc)
{
	struct dma_heap *heap = NULL;
	unsigned int seen = 0, group;

	if (!vb2_dma_heap_queue_supported(q))
		return -ENOTTY;

	while ((heap = dma_heap_get_next(heap))) {
		if (!vb2_dma_heap_has_caps(heap, q->heap_policy->caps) ||
		    seen++ < desc->index)
			continue;
		vb2_dma_heap_describe_queue(q, heap, desc);
		dma_heap_put(heap);
		return 0;
	}

	group = desc->index - seen;
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
 * Return: 0; -ENOTTY if @q does not allocate from heaps; -EBUSY while the
 * queue has buffers; -EBADF if @heap->fd is not an open file; -EINVAL if it
 * is not a heap node or the heap lacks capabilities the queue requires;
 * -ENODEV when returning to a policy none of whose heaps is registered. On
 * failure the previous selection stays.
 */
int vb2_dma_heap_s_heap(struct vb2_queue *q, struct v4l2_heap *heap)
{
	struct dma_heap *selected = NULL, *previous;
	struct file *file;
	int ret;

	if (!vb2_dma_heap_queue_supported(q))
		return -ENOTTY;
	if (vb2_is_busy(q))
		return -EBUSY;

	if (heap->fd != V4L2_HEAP_FD_DEFAULT) {
		file = fget(heap->fd);
		if (!file)
			return -EBADF;
		selected = dma_heap_from_file(file);
		fput(file);
		if (IS_ERR(selected))
			return PTR_ERR(selected);
		if (!vb2_dma_heap_has_caps(selected, q->heap_policy->caps)) {
			dma_heap_put(selected);
			return -EINVAL;
		}
	}

	/* A failed call must leave the previous selection in place. */
	previous = q->selected_heap;
	q->selected_heap = selected;
	ret = vb2_dma_heap_describe_active(q, heap);
	if (ret) {
		q->selected_heap = previous;
		dma_heap_put(selected);
		return ret;
	}
	dma_heap_put(previous);
	return 0;
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
MODULE_IMPORT_NS("DMA_BUF");
MODULE_IMPORT_NS("DMA_BUF_HEAP");
