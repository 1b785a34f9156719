/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GstDmaHeapAllocator: dma-buf memory from a Linux dma-buf heap
 */
#ifndef __GST_DMA_HEAP_ALLOCATOR_H__
#define __GST_DMA_HEAP_ALLOCATOR_H__

#include <gst/allocators/gstdmabuf.h>

G_BEGIN_DECLS

/*
 * gst_allocator_find() finds the allocator of each heap this process may
 * open, once the plugin is loaded, under this prefix and the heap's name:
 * "dmaheap:system".
 */
#define GST_ALLOCATOR_DMA_HEAP_PREFIX "dmaheap:"

#define GST_TYPE_DMA_HEAP_ALLOCATOR (gst_dma_heap_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstDmaHeapAllocator, gst_dma_heap_allocator,
    GST, DMA_HEAP_ALLOCATOR, GstDmaBufAllocator)

GstAllocator *gst_dma_heap_allocator_new (const gchar * heap, GError ** error);
GstAllocator *gst_dma_heap_allocator_new_for_fd (gint heap_fd, GError ** error);
const gchar *gst_dma_heap_allocator_get_heap (GstDmaHeapAllocator * self);
GstMemory *gst_dma_heap_allocator_alloc_checked (GstDmaHeapAllocator * self,
    gsize size, GError ** error);
void gst_dma_heap_allocator_register_all (void);

G_END_DECLS

#endif
