/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a neighbouring V4L2 element's device says about the buffers it
 * takes: which heap, and how they are laid out.
 */
#ifndef __GST_DMA_HEAP_DEVICE_H__
#define __GST_DMA_HEAP_DEVICE_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <v4l2heap.h>

#include "gstdmaheapbufferpool.h"

G_BEGIN_DECLS

typedef struct
{
  gchar *path;
  /* FALSE: the node is no V4L2 device (a frame buffer, ...); nothing else set */
  gboolean is_v4l2;
  /* the queue that takes our buffers: output downstream, capture upstream */
  guint32 type;
  /* whether the driver answers the heap ioctls for that queue */
  gboolean heap_support;
  /* the heap the queue's own buffers come from (with heap_support) */
  gchar heap[V4L2HEAP_NAME_MAX];
  /* the queue's heaps, active and compatible (with heap_support) */
  struct v4l2heap_entry entries[16];
  guint n_entries;
  struct v4l2heap_layout layout;
} GstDmaHeapDevice;

gchar *gst_dma_heap_find_device (GstElement * element, GstPadDirection * side,
    GstElement ** neighbour);
gboolean gst_dma_heap_device_query (GstDmaHeapDevice * device,
    GstElement * neighbour, const gchar * path, GstPadDirection side,
    const GstVideoInfo * info, GError ** error);
gboolean gst_dma_heap_device_check_heap (const GstDmaHeapDevice * device,
    const gchar * heap, GError ** error);
gboolean gst_dma_heap_layout_from_device (GstDmaHeapLayout * layout,
    const GstVideoInfo * info, const GstDmaHeapDevice * device,
    GError ** error);
void gst_dma_heap_device_clear (GstDmaHeapDevice * device);

G_END_DECLS

#endif
