/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-dmaheapalloc
 * @title: dmaheapalloc
 *
 * Makes the video buffers of a pipeline come from a Linux dma-buf heap,
 * by default the one the V4L2 device next to it uses for the negotiated
 * format. Placed in front of a V4L2 element that imports dma-bufs, it
 * answers the producer's ALLOCATION query with a pool of heap buffers laid
 * out as the device's format has them, so the producer writes straight
 * into memory the device takes:
 *
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=30 ! video/x-raw,format=I420,width=1280,height=720 \
 *     ! dmaheapalloc ! v4l2fwhtenc output-io-mode=dmabuf-import ! filesink location=out.fwht
 * ]|
 *
 * Behind a V4L2 element that writes into imported dma-bufs it serves that
 * element's queue the same way:
 *
 * |[
 * gst-launch-1.0 v4l2src io-mode=dmabuf-import num-buffers=30 ! dmaheapalloc ! filesink location=out.yuv
 * ]|
 *
 * A process that may not open a heap can be handed an open fd of it by one
 * that may, and pass it as #GstDmaHeapAlloc:heap-fd: the kernel's
 * permission model for heaps.
 *
 * With #GstDmaHeapAlloc:heap "auto" the heap is the one the device's
 * queue allocates its own buffers from (VIDIOC_G_HEAP), so imported
 * buffers have the capabilities the device needs; a device without heap
 * support gets the system heap, and the log says so. The V4L2 element is
 * found through its "device" property, downstream first, passing through
 * elements with one sink and one source pad such as queue.
 * #GstDmaHeapAlloc:active-heap says which heap was chosen. Buffers that
 * do not come from the heap, from a producer that ignores the pool, are
 * copied into heap buffers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>

#include "gstdmaheapalloc.h"
#include "gstdmaheapallocator.h"
#include "gstdmaheapbufferpool.h"
#include "gstdmaheapdevice.h"
#include "gstdmaheap-private.h"

GST_DEBUG_CATEGORY (gst_dma_heap_alloc_debug);
#define GST_CAT_DEFAULT gst_dma_heap_alloc_debug

#define DEFAULT_HEAP "auto"
/* Buffers a pool keeps at least: one being written, one being read. */
#define DEFAULT_MIN_BUFFERS 2

struct _GstDmaHeapAlloc
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under the object lock */
  gchar *heap;
  gint heap_fd;
  /* for heap-fd, made when it is set, or why it could not be */
  GstAllocator *fd_allocator;
  GError *fd_error;
  gchar *active_heap;

  /* the streaming thread's */
  GstCaps *caps;
  GstVideoInfo info;
  GstCaps *pool_caps;
  GstDmaHeapAllocator *allocator;
  GstBufferPool *pool;
  GstDmaHeapLayout layout;
  guint min_buffers;
  /* we activated the pool, for copying, so we deactivate it */
  gboolean activated;
  /* frames have been copied: said once in the log */
  gboolean copying;
};

enum
{
  PROP_0,
  PROP_HEAP,
  PROP_HEAP_FD,
  PROP_ACTIVE_HEAP,
};

static GParamSpec *active_heap_pspec;

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL)));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL)));

G_DEFINE_TYPE (GstDmaHeapAlloc, gst_dma_heap_alloc, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (dmaheapalloc, "dmaheapalloc",
    GST_RANK_NONE, GST_TYPE_DMA_HEAP_ALLOC,
    GST_DEBUG_CATEGORY_INIT (gst_dma_heap_alloc_debug, "dmaheapalloc", 0,
        "video buffers from dma-buf heaps"));

static void
clear_pool (GstDmaHeapAlloc * self)
{
  if (self->pool) {
    /* The producer deactivates the pool it activated. */
    if (self->activated)
      gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
  }
  gst_clear_object (&self->allocator);
  gst_clear_caps (&self->pool_caps);
  self->activated = FALSE;
  self->copying = FALSE;
}

static void
set_active_heap (GstDmaHeapAlloc * self, const gchar * heap)
{
  GST_OBJECT_LOCK (self);
  g_free (self->active_heap);
  self->active_heap = g_strdup (heap);
  GST_OBJECT_UNLOCK (self);
  g_object_notify_by_pspec (G_OBJECT (self), active_heap_pspec);
}

/* A layout for a stream without a device: GStreamer's own. */
static void
default_layout (GstDmaHeapLayout * layout, const GstVideoInfo * info)
{
  memset (layout, 0, sizeof (*layout));
  layout->info = *info;
  layout->n_memories = 1;
  layout->memory_size[0] = GST_VIDEO_INFO_SIZE (info);
}

/*
 * Picks the heap and the layout for @info: from the neighbouring V4L2
 * device when there is one. Returns the heap's name, or NULL with the
 * error posted.
 */
static gchar *
choose_heap (GstDmaHeapAlloc * self, const GstVideoInfo * info,
    const gchar * wanted)
{
  gboolean automatic = !strcmp (wanted, DEFAULT_HEAP);
  GstElement *neighbour = NULL;
  GstDmaHeapDevice device;
  GstPadDirection side;
  GError *error = NULL;
  gchar *path, *heap = NULL;

  path = gst_dma_heap_find_device (GST_ELEMENT (self), &side, &neighbour);
  if (!path) {
    GST_INFO_OBJECT (self, "no element with a device next to this one%s",
        automatic ? ": allocating from the system heap" : "");
    default_layout (&self->layout, info);
    return g_strdup (automatic ? "system" : wanted);
  }
  if (!gst_dma_heap_device_query (&device, neighbour, path, side, info,
          &error))
    goto failed;
  if (!device.is_v4l2) {
    GST_INFO_OBJECT (self, "%s of %" GST_PTR_FORMAT " is no V4L2 device%s",
        path, neighbour, automatic ? ": allocating from the system heap" : "");
    default_layout (&self->layout, info);
    heap = g_strdup (automatic ? "system" : wanted);
    goto out;
  }
  if (!gst_dma_heap_layout_from_device (&self->layout, info, &device, &error))
    goto failed;
  if (automatic && device.heap_support) {
    GST_INFO_OBJECT (self, "%s (%" GST_PTR_FORMAT ") allocates its %s queue "
        "from heap %s", path, neighbour, v4l2heap_type_name (device.type),
        device.heap);
    heap = g_strdup (device.heap);
  } else if (automatic) {
    /* What the user asked for (the device's heap) cannot be had. */
    GST_WARNING_OBJECT (self, "%s (%" GST_PTR_FORMAT ") has no heap support "
        "(its driver does not answer VIDIOC_G_HEAP): allocating from the "
        "system heap", path, neighbour);
    heap = g_strdup ("system");
  } else if (!gst_dma_heap_device_check_heap (&device, wanted, &error)) {
    goto failed;
  } else {
    heap = g_strdup (wanted);
  }
  goto out;

failed:
  GST_DMA_HEAP_POST_ERROR (self, error);
  g_error_free (error);
out:
  gst_dma_heap_device_clear (&device);
  gst_object_unref (neighbour);
  g_free (path);
  return heap;
}

/* Makes the allocator and pool for @caps, unless they are there already. */
static gboolean
ensure_pool (GstDmaHeapAlloc * self, GstCaps * caps)
{
  GError *error = NULL;
  GstVideoInfo info;
  GstAllocator *allocator;
  gchar *wanted, *heap;
  gint heap_fd;

  if (self->pool && gst_caps_is_equal (caps, self->pool_caps))
    return TRUE;
  clear_pool (self);
  if (!gst_video_info_from_caps (&info, caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("not video caps: %" GST_PTR_FORMAT, caps));
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  wanted = g_strdup (self->heap);
  heap_fd = self->heap_fd;
  allocator = self->fd_allocator ? gst_object_ref (self->fd_allocator) : NULL;
  if (self->fd_error)
    error = g_error_copy (self->fd_error);
  GST_OBJECT_UNLOCK (self);

  /* A heap handed over as an fd is known by the node it was opened from. */
  if (heap_fd >= 0) {
    g_free (wanted);
    if (!allocator)
      goto failed;
    wanted = g_strdup (gst_dma_heap_allocator_get_heap
        (GST_DMA_HEAP_ALLOCATOR (allocator)));
  }
  heap = choose_heap (self, &info, wanted);
  g_free (wanted);
  if (!heap) {
    gst_clear_object (&allocator);
    return FALSE;
  }
  if (!allocator)
    allocator = gst_dma_heap_allocator_new (heap, &error);
  if (!allocator) {
    g_free (heap);
    goto failed;
  }
  self->allocator = GST_DMA_HEAP_ALLOCATOR (allocator);
  self->pool = gst_dma_heap_buffer_pool_new (self->allocator, &self->layout,
      GST_ELEMENT (self));
  self->pool_caps = gst_caps_ref (caps);
  self->min_buffers = DEFAULT_MIN_BUFFERS;
  GST_INFO_OBJECT (self, "heap %s, %u dma-bufs of %" G_GSIZE_FORMAT
      " bytes (first plane) per buffer", heap, self->layout.n_memories,
      self->layout.memory_size[0]);
  set_active_heap (self, heap);
  g_free (heap);
  return TRUE;

failed:
  GST_DMA_HEAP_POST_ERROR (self, error);
  g_error_free (error);
  return FALSE;
}

/*
 * Downstream's needs (how many buffers it holds, which metas it reads)
 * go into our answer, with our pool in place of any pool it offers.
 */
static void
ask_downstream (GstDmaHeapAlloc * self, GstCaps * caps, gboolean need_pool,
    GstQuery * query)
{
  GstQuery *down = gst_query_new_allocation (caps, need_pool);
  guint i, min;

  if (gst_pad_peer_query (self->srcpad, down)) {
    if (gst_query_get_n_allocation_pools (down) > 0) {
      gst_query_parse_nth_allocation_pool (down, 0, NULL, NULL, &min, NULL);
      self->min_buffers = MAX (self->min_buffers, min);
    }
    for (i = 0; i < gst_query_get_n_allocation_metas (down); i++) {
      const GstStructure *params;
      GType api = gst_query_parse_nth_allocation_meta (down, i, &params);

      if (!gst_query_find_allocation_meta (query, api, NULL))
        gst_query_add_allocation_meta (query, api, params);
    }
  }
  gst_query_unref (down);
}

static gboolean
answer_allocation (GstDmaHeapAlloc * self, GstQuery * query)
{
  gboolean need_pool;
  GstCaps *caps;

  gst_query_parse_allocation (query, &caps, &need_pool);
  if (!caps || !ensure_pool (self, caps))
    return FALSE;
  ask_downstream (self, caps, need_pool, query);
  gst_query_add_allocation_pool (query, self->pool,
      GST_VIDEO_INFO_SIZE (&self->layout.info), self->min_buffers, 0);
  gst_query_add_allocation_param (query, GST_ALLOCATOR (self->allocator),
      NULL);
  /* The device's strides and offsets are only known through it. */
  if (!gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL))
    gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}

static gboolean
gst_dma_heap_alloc_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION)
    return answer_allocation (self, query);
  return gst_pad_query_default (pad, parent, query);
}

static gboolean
gst_dma_heap_alloc_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;

    gst_event_parse_caps (event, &caps);
    if (!gst_video_info_from_caps (&self->info, caps)) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
          ("not video caps: %" GST_PTR_FORMAT, caps));
      gst_event_unref (event);
      return FALSE;
    }
    gst_caps_replace (&self->caps, caps);
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
is_heap_buffer (GstDmaHeapAlloc * self, GstBuffer * buffer)
{
  guint i, n = gst_buffer_n_memory (buffer);

  for (i = 0; i < n; i++)
    if (gst_buffer_peek_memory (buffer, i)->allocator !=
        GST_ALLOCATOR_CAST (self->allocator))
      return FALSE;
  return n > 0;
}

/* Our pool, for our own use when the producer does not use it. */
static gboolean
activate_pool (GstDmaHeapAlloc * self)
{
  GstStructure *config;

  if (gst_buffer_pool_is_active (self->pool))
    return TRUE;
  config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, self->caps,
      GST_VIDEO_INFO_SIZE (&self->layout.info), self->min_buffers, 0);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (self->pool, config) ||
      !gst_buffer_pool_set_active (self->pool, TRUE)) {
    /* A failed allocation has posted its error; anything else has not. */
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, (NULL),
        ("cannot start the heap buffer pool"));
    return FALSE;
  }
  self->activated = TRUE;
  return TRUE;
}

static GstFlowReturn
copy_to_heap (GstDmaHeapAlloc * self, GstBuffer * in, GstBuffer ** out)
{
  GstVideoFrame src, dst;
  GstFlowReturn ret;
  gboolean copied;

  if (!activate_pool (self))
    return GST_FLOW_ERROR;
  ret = gst_buffer_pool_acquire_buffer (self->pool, out, NULL);
  if (ret != GST_FLOW_OK)
    return ret;
  if (!gst_video_frame_map (&src, &self->info, in, GST_MAP_READ))
    goto map_failed;
  if (!gst_video_frame_map (&dst, &self->layout.info, *out, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&src);
    goto map_failed;
  }
  copied = gst_video_frame_copy (&dst, &src);
  gst_video_frame_unmap (&dst);
  gst_video_frame_unmap (&src);
  if (!copied)
    goto map_failed;
  gst_buffer_copy_into (*out, in, GST_BUFFER_COPY_FLAGS |
      GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  return GST_FLOW_OK;

map_failed:
  gst_clear_buffer (out);
  GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
      ("cannot copy a frame into heap %s", gst_dma_heap_allocator_get_heap
          (self->allocator)));
  return GST_FLOW_ERROR;
}

static GstFlowReturn
gst_dma_heap_alloc_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (parent);
  GstFlowReturn ret;
  GstBuffer *out;

  if (!self->caps) {
    gst_buffer_unref (buffer);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!ensure_pool (self, self->caps)) {
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  if (is_heap_buffer (self, buffer))
    return gst_pad_push (self->srcpad, buffer);

  if (!self->copying)
    GST_INFO_OBJECT (self, "the producer does not write into heap buffers: "
        "copying its frames into heap %s",
        gst_dma_heap_allocator_get_heap (self->allocator));
  self->copying = TRUE;
  ret = copy_to_heap (self, buffer, &out);
  gst_buffer_unref (buffer);
  if (ret != GST_FLOW_OK)
    return ret;
  return gst_pad_push (self->srcpad, out);
}

static GstStateChangeReturn
gst_dma_heap_alloc_change_state (GstElement * element,
    GstStateChange transition)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (element);
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (gst_dma_heap_alloc_parent_class)->change_state
      (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    clear_pool (self);
    gst_clear_caps (&self->caps);
  }
  return ret;
}

static void
gst_dma_heap_alloc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (object);

  switch (prop_id) {
    case PROP_HEAP:
      GST_OBJECT_LOCK (self);
      g_free (self->heap);
      self->heap = g_value_dup_string (value);
      if (!self->heap || !*self->heap) {
        g_free (self->heap);
        self->heap = g_strdup (DEFAULT_HEAP);
      }
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_HEAP_FD:{
      gint fd = g_value_get_int (value);
      GstAllocator *allocator = NULL;
      GError *error = NULL;

      /* Duplicated now: by negotiation the number may name another file. */
      if (fd >= 0)
        allocator = gst_dma_heap_allocator_new_for_fd (fd, &error);
      GST_OBJECT_LOCK (self);
      self->heap_fd = fd;
      gst_clear_object (&self->fd_allocator);
      g_clear_error (&self->fd_error);
      self->fd_allocator = allocator;
      self->fd_error = error;
      GST_OBJECT_UNLOCK (self);
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_dma_heap_alloc_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_HEAP:
      g_value_set_string (value, self->heap);
      break;
    case PROP_HEAP_FD:
      g_value_set_int (value, self->heap_fd);
      break;
    case PROP_ACTIVE_HEAP:
      g_value_set_string (value, self->active_heap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_dma_heap_alloc_finalize (GObject * object)
{
  GstDmaHeapAlloc *self = GST_DMA_HEAP_ALLOC (object);

  clear_pool (self);
  gst_clear_caps (&self->caps);
  gst_clear_object (&self->fd_allocator);
  g_clear_error (&self->fd_error);
  g_free (self->heap);
  g_free (self->active_heap);
  G_OBJECT_CLASS (gst_dma_heap_alloc_parent_class)->finalize (object);
}

static void
gst_dma_heap_alloc_class_init (GstDmaHeapAllocClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_dma_heap_alloc_set_property;
  gobject_class->get_property = gst_dma_heap_alloc_get_property;
  gobject_class->finalize = gst_dma_heap_alloc_finalize;
  element_class->change_state = gst_dma_heap_alloc_change_state;

  g_object_class_install_property (gobject_class, PROP_HEAP,
      g_param_spec_string ("heap", "Heap",
          "The dma-buf heap to allocate from, as named under /dev/dma_heap, "
          "or \"auto\": the heap the neighbouring V4L2 device's queue uses "
          "for the negotiated format (the system heap if it has no heap "
          "support)", DEFAULT_HEAP,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_HEAP_FD,
      g_param_spec_int ("heap-fd", "Heap fd",
          "An open file descriptor of a heap's node to allocate from, handed "
          "over by a process that may open the heap; it takes the place of "
          "heap, and is duplicated when set, so the caller may close it "
          "(-1: none)", -1, G_MAXINT, -1,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  active_heap_pspec = g_param_spec_string ("active-heap", "Active heap",
      "The heap buffers come from, once the format is negotiated", NULL,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (gobject_class, PROP_ACTIVE_HEAP,
      active_heap_pspec);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Dma-buf heap allocator", "Filter/Video",
      "Makes upstream write video frames into buffers from a dma-buf heap, "
      "by default the one the neighbouring V4L2 device uses",
      "vb2-heap project");
}

static void
gst_dma_heap_alloc_init (GstDmaHeapAlloc * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, gst_dma_heap_alloc_chain);
  gst_pad_set_event_function (self->sinkpad, gst_dma_heap_alloc_sink_event);
  gst_pad_set_query_function (self->sinkpad, gst_dma_heap_alloc_sink_query);
  /* Caps queries and the like are the neighbours' business. */
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->heap = g_strdup (DEFAULT_HEAP);
  self->heap_fd = -1;
  self->min_buffers = DEFAULT_MIN_BUFFERS;
}
