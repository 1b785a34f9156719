/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a neighbouring V4L2 element's device says about the buffers it
 * takes: which heap, and how they are laid out.
 *
 * The element is found through its "device" property. The heap a driver
 * picks and the layout depend on the format, which the element may not
 * have set yet (v4l2src sets it only after its ALLOCATION query, which is
 * what asks us), and which is not ours to set: a capture or output device
 * has one format for all its file handles. So the layout is asked for the
 * negotiated format with VIDIOC_TRY_FMT, and the device keeps its state.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "gstdmaheapdevice.h"
#include "gstdmaheap-private.h"

GST_DEBUG_CATEGORY_EXTERN (gst_dma_heap_alloc_debug);
#define GST_CAT_DEFAULT gst_dma_heap_alloc_debug

/* Elements passed through on the way to the V4L2 element (queue, ...). */
#define MAX_HOPS 8

/*
 * The V4L2 formats that hold GStreamer's: the single-buffer variants.
 * A device that only offers the one-buffer-per-plane variant (NV12M)
 * keeps the format its element set.
 */
static const struct
{
  GstVideoFormat format;
  guint32 fourcc;
} formats[] = {
  {GST_VIDEO_FORMAT_I420, V4L2_PIX_FMT_YUV420},
  {GST_VIDEO_FORMAT_YV12, V4L2_PIX_FMT_YVU420},
  {GST_VIDEO_FORMAT_Y42B, V4L2_PIX_FMT_YUV422P},
  {GST_VIDEO_FORMAT_NV12, V4L2_PIX_FMT_NV12},
  {GST_VIDEO_FORMAT_NV21, V4L2_PIX_FMT_NV21},
  {GST_VIDEO_FORMAT_NV16, V4L2_PIX_FMT_NV16},
  {GST_VIDEO_FORMAT_NV61, V4L2_PIX_FMT_NV61},
  {GST_VIDEO_FORMAT_NV24, V4L2_PIX_FMT_NV24},
  {GST_VIDEO_FORMAT_YUY2, V4L2_PIX_FMT_YUYV},
  {GST_VIDEO_FORMAT_YVYU, V4L2_PIX_FMT_YVYU},
  {GST_VIDEO_FORMAT_UYVY, V4L2_PIX_FMT_UYVY},
  {GST_VIDEO_FORMAT_VYUY, V4L2_PIX_FMT_VYUY},
  {GST_VIDEO_FORMAT_GRAY8, V4L2_PIX_FMT_GREY},
  {GST_VIDEO_FORMAT_RGB, V4L2_PIX_FMT_RGB24},
  {GST_VIDEO_FORMAT_BGR, V4L2_PIX_FMT_BGR24},
  {GST_VIDEO_FORMAT_RGB16, V4L2_PIX_FMT_RGB565},
  /* V4L2 names these by their order in a little-endian 32-bit word */
  {GST_VIDEO_FORMAT_BGRx, V4L2_PIX_FMT_XBGR32},
  {GST_VIDEO_FORMAT_BGRA, V4L2_PIX_FMT_ABGR32},
  {GST_VIDEO_FORMAT_xRGB, V4L2_PIX_FMT_XRGB32},
  {GST_VIDEO_FORMAT_ARGB, V4L2_PIX_FMT_ARGB32},
  {GST_VIDEO_FORMAT_RGBx, V4L2_PIX_FMT_RGBX32},
  {GST_VIDEO_FORMAT_RGBA, V4L2_PIX_FMT_RGBA32},
  {GST_VIDEO_FORMAT_xBGR, V4L2_PIX_FMT_BGRX32},
  {GST_VIDEO_FORMAT_ABGR, V4L2_PIX_FMT_BGRA32},
};

/* The pad data goes to from @pad, through the ghost pads of bins. */
static GstPad *
real_peer (GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);

  while (peer) {
    GstPad *next = NULL;

    if (GST_IS_GHOST_PAD (peer)) {
      /* into a bin */
      next = gst_ghost_pad_get_target (GST_GHOST_PAD (peer));
    } else if (GST_IS_PROXY_PAD (peer)) {
      /* out of a bin: the internal pad of one of its ghost pads */
      GstProxyPad *ghost = gst_proxy_pad_get_internal (GST_PROXY_PAD (peer));

      if (ghost) {
        next = gst_pad_get_peer (GST_PAD (ghost));
        gst_object_unref (ghost);
      }
    } else {
      return peer;
    }
    gst_object_unref (peer);
    peer = next;
  }
  return NULL;
}

/* The device an element names in a "device" property, if it has one. */
static gchar *
element_device (GstElement * element)
{
  GParamSpec *pspec;
  gchar *path = NULL;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element),
      "device");
  if (!pspec || pspec->value_type != G_TYPE_STRING ||
      !(pspec->flags & G_PARAM_READABLE))
    return NULL;
  g_object_get (element, "device", &path, NULL);
  /* Sound cards and the like name their devices in other ways. */
  if (path && !g_str_has_prefix (path, "/dev/")) {
    g_free (path);
    return NULL;
  }
  return path;
}

/* The only pad of @element in @direction, or NULL. */
static GstPad *
only_pad (GstElement * element, GstPadDirection direction)
{
  GstPad *pad = NULL;
  GList *pads;

  GST_OBJECT_LOCK (element);
  pads = direction == GST_PAD_SRC ? element->srcpads : element->sinkpads;
  if (pads && !pads->next)
    pad = gst_object_ref (pads->data);
  GST_OBJECT_UNLOCK (element);
  return pad;
}

/* Looks from our pad @pad along the pipeline for a "device" property. */
static gchar *
find_on_side (GstPad * pad, GstElement ** neighbour)
{
  GstPadDirection direction = GST_PAD_DIRECTION (pad);
  GstPad *peer = real_peer (pad);
  gchar *path = NULL;
  guint hops;

  for (hops = 0; peer && hops < MAX_HOPS && !path; hops++) {
    GstElement *element = gst_pad_get_parent_element (peer);
    GstPad *next, *other;

    gst_object_unref (peer);
    peer = NULL;
    if (!element)
      break;
    path = element_device (element);
    if (path) {
      *neighbour = element;
      break;
    }
    /* Only through elements with one way in and one way out. */
    next = only_pad (element, direction);
    other = only_pad (element, direction == GST_PAD_SRC ? GST_PAD_SINK :
        GST_PAD_SRC);
    if (next && other)
      peer = real_peer (next);
    g_clear_object (&next);
    g_clear_object (&other);
    gst_object_unref (element);
  }
  if (peer)
    gst_object_unref (peer);
  return path;
}

/**
 * gst_dma_heap_find_device:
 * @element: our element
 * @side: (out): our pad on the side the device was found on: the source
 *   pad for a device downstream, the sink pad for one upstream
 * @neighbour: (out) (transfer full): the element naming the device
 *
 * The device downstream comes first: it is the one that imports the
 * buffers whatever the producer is. The one upstream, a capture device
 * writing into them, is asked when there is none downstream.
 *
 * Returns: (transfer full) (nullable): the device's path
 */
gchar *
gst_dma_heap_find_device (GstElement * element, GstPadDirection * side,
    GstElement ** neighbour)
{
  static const GstPadDirection order[] = { GST_PAD_SRC, GST_PAD_SINK };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (order); i++) {
    GstPad *pad = only_pad (element, order[i]);
    gchar *path;

    path = find_on_side (pad, neighbour);
    gst_object_unref (pad);
    if (path) {
      *side = order[i];
      return path;
    }
  }
  return NULL;
}

static guint32
fourcc_of (GstVideoFormat format)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].format == format)
      return formats[i].fourcc;
  return 0;
}

/* The video queue of @fd's device in the direction of @side. */
static gboolean
pick_queue (GstDmaHeapDevice * device, gint fd, GstPadDirection side,
    GError ** error)
{
  gboolean output = side == GST_PAD_SRC;
  struct v4l2heap_err err;
  guint32 types[8];
  gint n, i;

  n = v4l2heap_queues (fd, types, G_N_ELEMENTS (types), &err);
  if (n < 0) {
    gst_dma_heap_set_error (error, &err);
    return FALSE;
  }
  for (i = 0; i < MIN (n, (gint) G_N_ELEMENTS (types)); i++) {
    if (types[i] == V4L2_BUF_TYPE_META_CAPTURE ||
        types[i] == V4L2_BUF_TYPE_META_OUTPUT)
      continue;
    if (!V4L2_TYPE_IS_OUTPUT (types[i]) == !output) {
      device->type = types[i];
      return TRUE;
    }
  }
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      "%s has no video %s queue to take the buffers", device->path,
      output ? "output" : "capture");
  return FALSE;
}

/*
 * The layout the queue would give the stream's buffers, asked with
 * VIDIOC_TRY_FMT, which changes nothing on the device. Without a V4L2 name
 * for the format, a capture or output device is asked about the format it
 * has, which its element sets; a memory-to-memory context has only the
 * format its element gave it.
 */
static gboolean
try_format (GstDmaHeapDevice * device, gint fd, const GstVideoInfo * info,
    gboolean m2m, GError ** error)
{
  guint32 fourcc = fourcc_of (GST_VIDEO_INFO_FORMAT (info));
  const gchar *name = gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info));
  struct v4l2heap_err err;
  struct v4l2_format format;

  if (!fourcc && !m2m) {
    GST_DEBUG ("%s: no V4L2 format for %s known: asking about the device's",
        device->path, name);
    if (v4l2heap_buffer_layout (fd, device->type, &device->layout, &err)) {
      gst_dma_heap_set_error (error, &err);
      return FALSE;
    }
    return TRUE;
  }
  if (!fourcc) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "%s: cannot ask the device about %s buffers: this element knows no "
        "V4L2 format for %s", device->path, name, name);
    return FALSE;
  }
  memset (&format, 0, sizeof (format));
  format.type = device->type;
  if (V4L2_TYPE_IS_MULTIPLANAR (device->type)) {
    format.fmt.pix_mp.pixelformat = fourcc;
    format.fmt.pix_mp.width = GST_VIDEO_INFO_WIDTH (info);
    format.fmt.pix_mp.height = GST_VIDEO_INFO_HEIGHT (info);
    format.fmt.pix_mp.field = V4L2_FIELD_NONE;
  } else {
    format.fmt.pix.pixelformat = fourcc;
    format.fmt.pix.width = GST_VIDEO_INFO_WIDTH (info);
    format.fmt.pix.height = GST_VIDEO_INFO_HEIGHT (info);
    format.fmt.pix.field = V4L2_FIELD_NONE;
  }
  if (v4l2heap_format_layout (fd, &format, &device->layout, &err)) {
    gst_dma_heap_set_error (error, &err);
    return FALSE;
  }
  /* TRY_FMT adjusts what the driver does not take instead of failing. */
  if (device->layout.pixelformat != fourcc ||
      device->layout.width != (guint32) GST_VIDEO_INFO_WIDTH (info) ||
      device->layout.height < (guint32) GST_VIDEO_INFO_HEIGHT (info)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "%s: the %s queue does not take %s %dx%d (it offers %"
        GST_FOURCC_FORMAT " %ux%u)", device->path,
        v4l2heap_type_name (device->type), name, GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info),
        GST_FOURCC_ARGS (device->layout.pixelformat), device->layout.width,
        device->layout.height);
    return FALSE;
  }
  return TRUE;
}

/* The capabilities of @fd's node; 0 if it is no V4L2 device. */
static guint32
device_caps (gint fd)
{
  struct v4l2_capability cap;

  memset (&cap, 0, sizeof (cap));
  if (ioctl (fd, VIDIOC_QUERYCAP, &cap) < 0)
    return 0;
  return (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
      cap.capabilities;
}

/* Which heap the queue uses now, and which others it could use. */
static gboolean
query_heaps (GstDmaHeapDevice * device, gint fd, GError ** error)
{
  struct v4l2heap_err err;
  gint n;

  if (v4l2heap_recommend (fd, device->type, device->heap, &err)) {
    if (err.code == -ENOTTY) {
      device->heap_support = FALSE;
      return TRUE;
    }
    gst_dma_heap_set_error (error, &err);
    return FALSE;
  }
  device->heap_support = TRUE;
  n = v4l2heap_query (fd, device->type, device->entries,
      G_N_ELEMENTS (device->entries), &err);
  if (n < 0) {
    gst_dma_heap_set_error (error, &err);
    return FALSE;
  }
  device->n_entries = MIN (n, (gint) G_N_ELEMENTS (device->entries));
  return TRUE;
}

/*
 * The fd the V4L2 elements hold their device open with, read-only in
 * their "device-fd" property once they are open; -1 without one.
 */
static gint
element_fd (GstElement * element)
{
  GParamSpec *pspec;
  gint fd = -1;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element),
      "device-fd");
  if (pspec && pspec->value_type == G_TYPE_INT &&
      (pspec->flags & G_PARAM_READABLE))
    g_object_get (element, "device-fd", &fd, NULL);
  return fd;
}

/**
 * gst_dma_heap_device_query:
 * @device: (out caller-allocates): what the device says
 * @neighbour: the element naming the device
 * @path: the device node
 * @side: our pad towards the device (see gst_dma_heap_find_device())
 * @info: the negotiated video format
 * @error: where to say why the device cannot be asked
 *
 * The device is asked through @neighbour's own fd where it has one, so
 * that a memory-to-memory element's context answers for itself and no
 * other is opened; else through a node of our own. Nothing is set on it.
 * A node that is no V4L2 device is no error: @device says so.
 *
 * Returns: whether @device was filled
 */
gboolean
gst_dma_heap_device_query (GstDmaHeapDevice * device, GstElement * neighbour,
    const gchar * path, GstPadDirection side, const GstVideoInfo * info,
    GError ** error)
{
  gboolean ok = FALSE;
  guint32 caps;
  gint fd, own_fd = -1;

  memset (device, 0, sizeof (*device));
  device->path = g_strdup (path);
  fd = element_fd (neighbour);
  if (fd < 0) {
    fd = own_fd = open (path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          "cannot open %s to ask which heap it uses: %s", path,
          g_strerror (errno));
      return FALSE;
    }
  }
  caps = device_caps (fd);
  if (!caps) {
    ok = TRUE;
    goto out;
  }
  device->is_v4l2 = TRUE;
  if (!pick_queue (device, fd, side, error))
    goto out;
  if (!try_format (device, fd, info,
          caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE), error))
    goto out;
  ok = query_heaps (device, fd, error);
out:
  if (own_fd >= 0)
    close (own_fd);
  return ok;
}

/**
 * gst_dma_heap_device_check_heap:
 * @device: what the device said
 * @heap: the heap asked for
 * @error: where to say why the device does not take memory of @heap
 *
 * A device without heap support says nothing, and takes any heap.
 *
 * Returns: whether the device's queue can use the heap
 */
gboolean
gst_dma_heap_device_check_heap (const GstDmaHeapDevice * device,
    const gchar * heap, GError ** error)
{
  GString *usable;
  guint i;

  if (!device->heap_support)
    return TRUE;
  usable = g_string_new (NULL);
  for (i = 0; i < device->n_entries; i++) {
    const struct v4l2heap_entry *entry = &device->entries[i];

    if (entry->usage == V4L2HEAP_USAGE_INTERNAL)
      continue;
    if (!strcmp (entry->heap, heap)) {
      g_string_free (usable, TRUE);
      return TRUE;
    }
    g_string_append_printf (usable, "%s%s", usable->len ? ", " : "",
        entry->heap);
  }
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      "heap '%s' is not compatible with the %s queue of %s (it can use: %s)",
      heap, v4l2heap_type_name (device->type), device->path,
      usable->len ? usable->str : "none");
  g_string_free (usable, TRUE);
  return FALSE;
}

/**
 * gst_dma_heap_layout_from_device:
 * @layout: (out caller-allocates): the buffers the pool allocates
 * @info: the negotiated video format
 * @device: what the device said
 * @error: where to say why the device's layout does not fit the stream
 *
 * Translates the device's planes, as V4L2 describes them, to GStreamer's.
 * A V4L2 format with one memory plane puts the other video planes after
 * the first, with strides derived from its bytesperline as the V4L2
 * elements do it; one with a memory plane per video plane has a
 * bytesperline for each.
 *
 * Returns: whether @layout was filled
 */
gboolean
gst_dma_heap_layout_from_device (GstDmaHeapLayout * layout,
    const GstVideoInfo * info, const GstDmaHeapDevice * device,
    GError ** error)
{
  const struct v4l2heap_layout *v4l2 = &device->layout;
  const GstVideoFormatInfo *finfo = info->finfo;
  guint n_planes = GST_VIDEO_INFO_N_PLANES (info);
  gsize offset = 0, total = 0;
  guint i;

  memset (layout, 0, sizeof (*layout));
  layout->info = *info;
  if (v4l2->width != (guint32) GST_VIDEO_INFO_WIDTH (info) ||
      v4l2->height < (guint32) GST_VIDEO_INFO_HEIGHT (info))
    goto mismatch;
  if (v4l2->num_planes == 1 && v4l2->bytesperline[0]) {
    for (i = 0; i < n_planes; i++) {
      gint comp[GST_VIDEO_MAX_COMPONENTS];
      gint stride = gst_video_format_info_extrapolate_stride (finfo, i,
          v4l2->bytesperline[0]);

      gst_video_format_info_component (finfo, i, comp);
      layout->info.stride[i] = stride;
      layout->info.offset[i] = offset;
      offset += (gsize) stride *
          GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp[0], v4l2->height);
    }
    if (offset > v4l2->sizeimage[0])
      goto mismatch;
  } else if (v4l2->num_planes == n_planes) {
    for (i = 0; i < n_planes; i++) {
      layout->info.stride[i] = v4l2->bytesperline[i];
      layout->info.offset[i] = total;
      total += v4l2->sizeimage[i];
    }
  } else {
    goto mismatch;
  }
  layout->n_memories = v4l2->num_planes;
  total = 0;
  for (i = 0; i < v4l2->num_planes; i++) {
    layout->memory_size[i] = v4l2->sizeimage[i];
    total += v4l2->sizeimage[i];
  }
  layout->info.size = total;
  return TRUE;

mismatch:
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      "%s: the %s queue's format (%" GST_FOURCC_FORMAT " %ux%u, %u planes) "
      "does not hold the stream's %s %dx%d", device->path,
      v4l2heap_type_name (device->type), GST_FOURCC_ARGS (v4l2->pixelformat),
      v4l2->width, v4l2->height, v4l2->num_planes,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)),
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
  return FALSE;
}

void
gst_dma_heap_device_clear (GstDmaHeapDevice * device)
{
  g_clear_pointer (&device->path, g_free);
}
