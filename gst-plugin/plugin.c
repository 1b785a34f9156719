/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The dmaheap plugin: buffers from Linux dma-buf heaps, chosen by the V4L2
 * device that takes them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstdmaheapalloc.h"
#include "gstdmaheapallocator.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gst_dma_heap_allocator_register_all ();
  return GST_ELEMENT_REGISTER (dmaheapalloc, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, dmaheap,
    "Video buffers from Linux dma-buf heaps, as V4L2 devices ask for them",
    plugin_init, VERSION, "LGPL", PACKAGE, GST_PACKAGE_ORIGIN)
