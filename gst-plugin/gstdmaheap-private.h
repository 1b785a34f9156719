/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the plugin's files share and applications do not see.
 */
#ifndef __GST_DMA_HEAP_PRIVATE_H__
#define __GST_DMA_HEAP_PRIVATE_H__

#include <gst/gst.h>
#include <v4l2heap.h>

G_BEGIN_DECLS

/*
 * Turns a libv4l2heap failure into a GST_RESOURCE_ERROR whose code says
 * why (no such heap, not permitted, exhausted, ...) and whose message is
 * the library's sentence, which names the heap or device.
 */
void gst_dma_heap_set_error (GError ** error, const struct v4l2heap_err *err);

/*
 * Posts @error as an element error of @element the way GStreamer's own
 * elements post theirs: GStreamer's short translated message for the
 * error's code, with @error's sentence, which names the heap or device
 * and the reason, as the debug details.
 */
#define GST_DMA_HEAP_POST_ERROR(element, error) \
  gst_element_message_full (GST_ELEMENT (element), GST_MESSAGE_ERROR, \
      (error)->domain, (error)->code, NULL, g_strdup ((error)->message), \
      __FILE__, GST_FUNCTION, __LINE__)

G_END_DECLS

#endif
