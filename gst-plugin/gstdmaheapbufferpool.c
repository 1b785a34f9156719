/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GstDmaHeapBufferPool: video buffers from a dma-buf heap, laid out as a
 * V4L2 device's format has them
 *
 * GstVideoBufferPool can only pad strides to powers of two, while a
 * device may ask for any bytesperline and for one dma-buf per plane
 * (NV12M). This pool allocates exactly the device's layout and describes
 * it with a GstVideoMeta, so that a producer writes where the device
 * reads and the device accepts the dma-bufs on import.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sys/ioctl.h>

#include <linux/dma-buf.h>

#include "gstdmaheapbufferpool.h"
#include "gstdmaheap-private.h"

GST_DEBUG_CATEGORY_STATIC (gst_dma_heap_buffer_pool_debug);
#define GST_CAT_DEFAULT gst_dma_heap_buffer_pool_debug

struct _GstDmaHeapBufferPool
{
  GstBufferPool parent;

  GstDmaHeapAllocator *allocator;
  GstDmaHeapLayout layout;
  /* the element whose errors allocation failures are */
  GWeakRef owner;
  /* the owner's name, which the dma-bufs carry into fdinfo and debugfs */
  gchar buffer_name[DMA_BUF_NAME_LEN];
};

G_DEFINE_TYPE_WITH_CODE (GstDmaHeapBufferPool, gst_dma_heap_buffer_pool,
    GST_TYPE_BUFFER_POOL,
    GST_DEBUG_CATEGORY_INIT (gst_dma_heap_buffer_pool_debug, "dmaheappool",
        0, "dma-buf heap buffer pool"));

static const gchar **
gst_dma_heap_buffer_pool_get_options (GstBufferPool * pool)
{
  static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, NULL };

  return options;
}

/* Whether a producer that ignores GstVideoMeta writes where we read. */
static gboolean
is_default_layout (const GstDmaHeapLayout * layout)
{
  GstVideoInfo info;
  guint i;

  if (layout->n_memories != 1 || !gst_video_info_set_format (&info,
          GST_VIDEO_INFO_FORMAT (&layout->info),
          GST_VIDEO_INFO_WIDTH (&layout->info),
          GST_VIDEO_INFO_HEIGHT (&layout->info)))
    return FALSE;
  for (i = 0; i < GST_VIDEO_INFO_N_PLANES (&info); i++)
    if (info.offset[i] != layout->info.offset[i] ||
        info.stride[i] != layout->info.stride[i])
      return FALSE;
  return TRUE;
}

static gboolean
gst_dma_heap_buffer_pool_set_config (GstBufferPool * pool,
    GstStructure * config)
{
  GstDmaHeapBufferPool *self = GST_DMA_HEAP_BUFFER_POOL (pool);
  GstVideoInfo info;
  GstCaps *caps;
  guint size;

  if (!gst_buffer_pool_config_get_params (config, &caps, &size, NULL, NULL) ||
      !caps || !gst_video_info_from_caps (&info, caps)) {
    GST_WARNING_OBJECT (self, "no video caps in the configuration");
    return FALSE;
  }
  if (GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_INFO_FORMAT (&self->layout.info)
      || GST_VIDEO_INFO_WIDTH (&info) != GST_VIDEO_INFO_WIDTH (&self->layout.info)
      || GST_VIDEO_INFO_HEIGHT (&info) !=
      GST_VIDEO_INFO_HEIGHT (&self->layout.info)) {
    GST_WARNING_OBJECT (self, "caps %" GST_PTR_FORMAT " are not the pool's",
        caps);
    return FALSE;
  }
  /*
   * Refusing the configuration makes the producer fall back to a pool of
   * its own; the element then copies into this pool's buffers instead.
   */
  if (!gst_buffer_pool_config_has_option (config,
          GST_BUFFER_POOL_OPTION_VIDEO_META) &&
      !is_default_layout (&self->layout)) {
    GST_INFO_OBJECT (self, "the device's layout needs GstVideoMeta, which "
        "the producer does not read");
    return FALSE;
  }
  if (size > GST_VIDEO_INFO_SIZE (&self->layout.info))
    GST_WARNING_OBJECT (self, "asked for %u bytes per buffer, the device's "
        "format has %" G_GSIZE_FORMAT, size,
        GST_VIDEO_INFO_SIZE (&self->layout.info));
  return GST_BUFFER_POOL_CLASS (gst_dma_heap_buffer_pool_parent_class)->
      set_config (pool, config);
}

static GstFlowReturn
gst_dma_heap_buffer_pool_alloc_buffer (GstBufferPool * pool,
    GstBuffer ** buffer, GstBufferPoolAcquireParams * params)
{
  GstDmaHeapBufferPool *self = GST_DMA_HEAP_BUFFER_POOL (pool);
  const GstDmaHeapLayout *layout = &self->layout;
  GError *error = NULL;
  GstBuffer *buf;
  guint i;

  buf = gst_buffer_new ();
  for (i = 0; i < layout->n_memories; i++) {
    GstMemory *mem = gst_dma_heap_allocator_alloc_checked (self->allocator,
        layout->memory_size[i], &error);

    if (!mem)
      goto failed;
    if (ioctl (gst_dmabuf_memory_get_fd (mem), DMA_BUF_SET_NAME,
            self->buffer_name) < 0)
      GST_DEBUG_OBJECT (self, "cannot name the dma-buf: %s",
          g_strerror (errno));
    gst_buffer_append_memory (buf, mem);
  }
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&layout->info),
      GST_VIDEO_INFO_WIDTH (&layout->info),
      GST_VIDEO_INFO_HEIGHT (&layout->info),
      GST_VIDEO_INFO_N_PLANES (&layout->info),
      (gsize *) layout->info.offset, (gint *) layout->info.stride);
  *buffer = buf;
  return GST_FLOW_OK;

failed:
  {
    GstElement *owner = g_weak_ref_get (&self->owner);

    gst_buffer_unref (buf);
    /*
     * The producer only learns that the pool failed; the error says
     * which heap and why, so it is posted as the element's.
     */
    if (owner) {
      GST_DMA_HEAP_POST_ERROR (owner, error);
      gst_object_unref (owner);
    } else {
      GST_ERROR_OBJECT (self, "%s", error->message);
    }
    g_error_free (error);
    return GST_FLOW_ERROR;
  }
}

static void
gst_dma_heap_buffer_pool_finalize (GObject * object)
{
  GstDmaHeapBufferPool *self = GST_DMA_HEAP_BUFFER_POOL (object);

  gst_object_unref (self->allocator);
  g_weak_ref_clear (&self->owner);
  G_OBJECT_CLASS (gst_dma_heap_buffer_pool_parent_class)->finalize (object);
}

static void
gst_dma_heap_buffer_pool_class_init (GstDmaHeapBufferPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  gobject_class->finalize = gst_dma_heap_buffer_pool_finalize;
  pool_class->get_options = gst_dma_heap_buffer_pool_get_options;
  pool_class->set_config = gst_dma_heap_buffer_pool_set_config;
  pool_class->alloc_buffer = gst_dma_heap_buffer_pool_alloc_buffer;
}

static void
gst_dma_heap_buffer_pool_init (GstDmaHeapBufferPool * self)
{
  g_weak_ref_init (&self->owner, NULL);
}

/**
 * gst_dma_heap_buffer_pool_new:
 * @allocator: where the memory comes from
 * @layout: how each buffer is laid out
 * @owner: the element that posts allocation failures as its errors, and
 *   whose name the buffers' dma-bufs carry (DMA_BUF_SET_NAME)
 *
 * Returns: (transfer full): a new pool, still to be configured
 */
GstBufferPool *
gst_dma_heap_buffer_pool_new (GstDmaHeapAllocator * allocator,
    const GstDmaHeapLayout * layout, GstElement * owner)
{
  GstDmaHeapBufferPool *self;
  gchar *name;

  self = g_object_new (GST_TYPE_DMA_HEAP_BUFFER_POOL, NULL);
  self->allocator = gst_object_ref (allocator);
  self->layout = *layout;
  g_weak_ref_set (&self->owner, owner);
  name = gst_object_get_name (GST_OBJECT (owner));
  g_strlcpy (self->buffer_name, name, sizeof (self->buffer_name));
  g_free (name);
  gst_object_ref_sink (self);
  return GST_BUFFER_POOL (self);
}
