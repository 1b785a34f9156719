/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmaheapalloc: video buffers from the dma-buf heap a V4L2 device asks for
 */
#ifndef __GST_DMA_HEAP_ALLOC_H__
#define __GST_DMA_HEAP_ALLOC_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DMA_HEAP_ALLOC (gst_dma_heap_alloc_get_type ())
G_DECLARE_FINAL_TYPE (GstDmaHeapAlloc, gst_dma_heap_alloc,
    GST, DMA_HEAP_ALLOC, GstElement)

GST_ELEMENT_REGISTER_DECLARE (dmaheapalloc);

G_END_DECLS

#endif
