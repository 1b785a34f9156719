/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GstDmaHeapBufferPool: video buffers from a dma-buf heap, laid out as a
 * V4L2 device's format has them
 */
#ifndef __GST_DMA_HEAP_BUFFER_POOL_H__
#define __GST_DMA_HEAP_BUFFER_POOL_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gstdmaheapallocator.h"

G_BEGIN_DECLS

/*
 * How a buffer is laid out: one dma-buf per memory, and in @info the
 * offsets (counted across the memories, as in GstVideoMeta) and strides
 * of the video planes, and the total size.
 */
typedef struct
{
  GstVideoInfo info;
  guint n_memories;
  gsize memory_size[GST_VIDEO_MAX_PLANES];
} GstDmaHeapLayout;

#define GST_TYPE_DMA_HEAP_BUFFER_POOL (gst_dma_heap_buffer_pool_get_type ())
G_DECLARE_FINAL_TYPE (GstDmaHeapBufferPool, gst_dma_heap_buffer_pool,
    GST, DMA_HEAP_BUFFER_POOL, GstBufferPool)

GstBufferPool *gst_dma_heap_buffer_pool_new (GstDmaHeapAllocator * allocator,
    const GstDmaHeapLayout * layout, GstElement * owner);

G_END_DECLS

#endif
