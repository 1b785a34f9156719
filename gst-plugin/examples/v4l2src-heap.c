/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * v4l2src-heap: captures with v4l2src into buffers from a dma-buf heap of
 * the application's choice, with today's v4l2src and no element of ours.
 *
 * In MMAP and dmabuf (export) mode the driver allocates the buffers, from
 * the heap its capture queue is set to. v4l2src's "prepare-format" signal
 * hands the application the open device before VIDIOC_S_FMT, and so
 * before the queue has buffers: selecting the heap there, on v4l2src's
 * own file handle, is all it takes. The selection ends when v4l2src
 * closes the device.
 *
 *   v4l2src-heap -d /dev/video0 -H default_cma_region -i dmabuf -n 30 \
 *       -c video/x-raw,format=YUY2,width=640,height=480 -o out.yuv
 *
 * Without -H nothing is selected: the stock pipeline, to compare with.
 * At the end of the stream it prints which heaps hold the capture queue's
 * buffers, as VIDIOC_ENUM_HEAPS reports them.
 *
 * Exit status: 0 at the end of the stream, 1 on an error from the
 * pipeline (a heap that cannot be selected included), 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/videodev2.h>

#include <gst/gst.h>

#include <v4l2heap.h>

GST_DEBUG_CATEGORY_STATIC (v4l2src_heap_debug);
#define GST_CAT_DEFAULT v4l2src_heap_debug

/* Entries a capture queue reports: its heaps and at most a few internal. */
#define MAX_ENTRIES 16

/*
 * The buffer type of the device's video capture queue, which is
 * multi-planar on some devices: the heap ioctls refuse the other one.
 */
static gboolean
capture_type (gint fd, guint32 * type, struct v4l2heap_err *err)
{
  guint32 types[8];
  gint i, n;

  n = v4l2heap_queues (fd, types, G_N_ELEMENTS (types), err);
  for (i = 0; i < MIN (n, (gint) G_N_ELEMENTS (types)); i++) {
    if (types[i] == V4L2_BUF_TYPE_VIDEO_CAPTURE ||
        types[i] == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
      *type = types[i];
      return TRUE;
    }
  }
  if (n >= 0) {
    err->code = -EINVAL;
    g_snprintf (err->message, sizeof (err->message),
        "the device has no video capture queue");
  }
  return FALSE;
}

static void
post_heap_error (GstElement * src, const gchar * heap,
    const struct v4l2heap_err *err)
{
  GstResourceError code;

  switch (err->code) {
    case -ENOENT:
      code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case -EACCES:
    case -EPERM:
      code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case -EBUSY:
      code = GST_RESOURCE_ERROR_BUSY;
      break;
    case -ENOTTY:
    case -EINVAL:
    case -ENAMETOOLONG:
      code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    default:
      code = GST_RESOURCE_ERROR_FAILED;
      break;
  }
  /* No text: GStreamer's short translated message for the code. */
  gst_element_message_full (src, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR, code,
      NULL, g_strdup_printf ("cannot select heap '%s': %s", heap,
          err->message), __FILE__, GST_FUNCTION, __LINE__);
}

/*
 * Runs in the streaming thread, once per format v4l2src sets: it stops
 * the queue and frees its buffers first, so a renegotiation selects again.
 * v4l2src goes on to set the format whatever happens here; the error
 * stops the pipeline.
 */
static void
prepare_format (GstElement * src, gint fd, GstCaps * caps, gpointer user_data)
{
  const gchar *heap = user_data;
  struct v4l2heap_err err;
  guint32 type;

  if (!capture_type (fd, &type, &err) ||
      v4l2heap_select (fd, type, heap, &err) < 0) {
    post_heap_error (src, heap, &err);
    return;
  }
  GST_INFO_OBJECT (src, "capture queue set to heap '%s' for %" GST_PTR_FORMAT,
      heap, caps);
}

/*
 * What the kernel says holds the buffers, asked while v4l2src still has
 * them: its pool is active until the pipeline leaves PAUSED.
 */
static void
print_buffer_heaps (GstElement * src)
{
  struct v4l2heap_entry entries[MAX_ENTRIES];
  struct v4l2heap_err err;
  guint32 type;
  gint fd, i, n = 0;

  g_object_get (src, "device-fd", &fd, NULL);
  if (!capture_type (fd, &type, &err) ||
      (n = v4l2heap_query (fd, type, entries, MAX_ENTRIES, &err)) < 0) {
    /* A stock driver has no heaps to report. */
    g_print ("%s: no heaps to report: %s\n", GST_ELEMENT_NAME (src),
        err.message);
    return;
  }
  for (i = 0; i < MIN (n, MAX_ENTRIES); i++) {
    if (entries[i].usage == V4L2HEAP_USAGE_INTERNAL || !entries[i].count)
      continue;
    g_print ("%s: %s queue: %u buffers, %" G_GUINT64_FORMAT
        " bytes in heap '%s'\n", GST_ELEMENT_NAME (src),
        v4l2heap_type_name (type), entries[i].count, entries[i].bytes,
        entries[i].heap);
  }
}

static gboolean
is_export_io_mode (const gchar * io_mode)
{
  return g_strcmp0 (io_mode, "mmap") == 0 || g_strcmp0 (io_mode, "dmabuf") == 0;
}

static GstElement *
make_element (const gchar * factory)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (!element)
    g_printerr ("v4l2src-heap: no element '%s' (gst-plugins-%s)\n", factory,
        g_str_equal (factory, "v4l2src") ? "good" : "base");
  return element;
}

/* Runs the pipeline to its end; returns the exit status. */
static gint
run (GstElement * pipeline, GstElement * src)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gint status;

  if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    GST_DEBUG ("set to PLAYING failed; the bus has the error");
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
    print_buffer_heaps (src);
    status = 0;
  } else {
    GError *error;
    gchar *debug, *path;

    gst_message_parse_error (msg, &error, &debug);
    path = gst_object_get_path_string (GST_MESSAGE_SRC (msg));
    /* As gst-launch-1.0 prints it. */
    g_printerr ("ERROR: from element %s: %s\n", path, error->message);
    if (debug)
      g_printerr ("Additional debug info:\n%s\n", debug);
    g_free (path);
    g_free (debug);
    g_error_free (error);
    status = 1;
  }
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return status;
}

int
main (int argc, char **argv)
{
  gchar *device = NULL, *heap = NULL, *io_mode = NULL, *caps_str = NULL;
  gchar *output = NULL;
  gint num_buffers = 30;
  GOptionEntry entries[] = {
    {"device", 'd', 0, G_OPTION_ARG_STRING, &device,
        "The capture device (default /dev/video0)", "DEV"},
    {"heap", 'H', 0, G_OPTION_ARG_STRING, &heap,
        "The dma-buf heap to capture into (default: the driver's choice)",
        "NAME"},
    {"io-mode", 'i', 0, G_OPTION_ARG_STRING, &io_mode,
        "v4l2src's io-mode: mmap (default) or dmabuf (export)", "MODE"},
    {"num-buffers", 'n', 0, G_OPTION_ARG_INT, &num_buffers,
        "Frames to capture, -1 for no end (default 30)", "N"},
    {"caps", 'c', 0, G_OPTION_ARG_STRING, &caps_str,
        "The caps to capture with (default: the device's choice)", "CAPS"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        "Write the frames to FILE (default: discard them)", "FILE"},
    {NULL}
  };
  GOptionContext *ctx;
  GError *error = NULL;
  GstElement *pipeline, *src, *filter, *sink;
  GstCaps *caps = NULL;
  gint status;

  ctx = g_option_context_new ("- capture with v4l2src from a dma-buf heap");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("v4l2src-heap: %s\n", error->message);
    g_option_context_free (ctx);
    g_error_free (error);
    return 2;
  }
  g_option_context_free (ctx);
  if (argc > 1) {
    g_printerr ("v4l2src-heap: unexpected argument '%s'\n", argv[1]);
    return 2;
  }
  /* The heap applies to the buffers the driver allocates, not to imports. */
  if (io_mode && !is_export_io_mode (io_mode)) {
    g_printerr ("v4l2src-heap: io-mode '%s': want mmap or dmabuf, the modes "
        "in which the driver allocates the buffers\n", io_mode);
    return 2;
  }
  if (caps_str && !(caps = gst_caps_from_string (caps_str))) {
    g_printerr ("v4l2src-heap: '%s' are not caps\n", caps_str);
    return 2;
  }
  GST_DEBUG_CATEGORY_INIT (v4l2src_heap_debug, "v4l2src-heap", 0,
      "v4l2src-heap example");

  src = make_element ("v4l2src");
  filter = make_element ("capsfilter");
  sink = make_element (output ? "filesink" : "fakesink");
  if (!src || !filter || !sink)
    return 1;
  g_object_set (src, "device", device ? device : "/dev/video0",
      "num-buffers", num_buffers, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "io-mode",
      io_mode ? io_mode : "mmap");
  if (caps) {
    g_object_set (filter, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  if (output)
    g_object_set (sink, "location", output, NULL);
  if (heap)
    g_signal_connect (src, "prepare-format", G_CALLBACK (prepare_format), heap);

  pipeline = gst_pipeline_new (NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, filter, sink, NULL);
  if (!gst_element_link_many (src, filter, sink, NULL)) {
    g_printerr ("v4l2src-heap: cannot link v4l2src to the %s\n",
        output ? "filesink" : "fakesink");
    gst_object_unref (pipeline);
    return 1;
  }
  status = run (pipeline, src);

  gst_object_unref (pipeline);
  g_free (device);
  g_free (heap);
  g_free (io_mode);
  g_free (caps_str);
  g_free (output);
  return status;
}
