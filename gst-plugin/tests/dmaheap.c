/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of the dmaheap plugin with GStreamer's check framework: the
 * registered allocators and their memory, and dmaheapalloc's answer to
 * the ALLOCATION query, passing heap buffers through and copying others,
 * and leaving a neighbouring capture device's format alone.
 * They need /dev/dma_heap/system and skip without it, and the last needs
 * a capture node: tests/gst runs them in the VM.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include <gst/allocators/gstdmabuf.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#define CAPS "video/x-raw,format=I420,width=64,height=48,framerate=30/1"
#define FRAME_SIZE (64 * 48 * 3 / 2)

/* The value of @key in /proc's fdinfo of the dma-buf @fd, or NULL. */
static gchar *
fdinfo_field (gint fd, const gchar * key)
{
  gchar *path = g_strdup_printf ("/proc/self/fdinfo/%d", fd);
  gchar *text = NULL, *value = NULL, *line;

  g_file_get_contents (path, &text, NULL, NULL);
  line = text ? strstr (text, key) : NULL;
  if (line)
    value = g_strstrip (g_strndup (line + strlen (key),
            strcspn (line + strlen (key), "\n")));
  g_free (text);
  g_free (path);
  return value;
}

static void
assert_from_system_heap (GstMemory * mem)
{
  gchar *name;

  fail_unless (gst_is_dmabuf_memory (mem));
  /* a heap names itself as the exporter */
  name = fdinfo_field (gst_dmabuf_memory_get_fd (mem), "\nexp_name:");
  fail_unless_equals_string (name, "system");
  g_free (name);
}

GST_START_TEST (test_allocator_registered)
{
  GstAllocator *allocator;
  GstMapInfo map;
  GstMemory *mem;

  allocator = gst_allocator_find ("dmaheap:system");
  fail_unless (allocator != NULL);
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (allocator),
      "GstDmaHeapAllocator");
  fail_unless (GST_IS_DMABUF_ALLOCATOR (allocator));

  mem = gst_allocator_alloc (allocator, 5000, NULL);
  fail_unless (mem != NULL);
  fail_unless_equals_int (gst_memory_get_sizes (mem, NULL, NULL), 5000);
  assert_from_system_heap (mem);
  /* CPU access through the dma-buf mapping: written, then read back. */
  fail_unless (gst_memory_map (mem, &map, GST_MAP_WRITE));
  memset (map.data, 0x5a, map.size);
  gst_memory_unmap (mem, &map);
  fail_unless (gst_memory_map (mem, &map, GST_MAP_READ));
  fail_unless_equals_int (map.data[0], 0x5a);
  fail_unless_equals_int (map.data[4999], 0x5a);
  gst_memory_unmap (mem, &map);
  gst_memory_unref (mem);
  gst_object_unref (allocator);

  fail_unless (gst_allocator_find ("dmaheap:no-such-heap") == NULL);
}

GST_END_TEST;

/* How many dma-bufs this process has mapped, from /proc/self/maps. */
static guint
dmabuf_mappings (void)
{
  gchar *maps = NULL, *line;
  guint n = 0;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (line = strstr (maps, "/dmabuf:"); line;
      line = strstr (line + 1, "/dmabuf:"))
    n++;
  g_free (maps);
  return n;
}

/*
 * Allocated as GstUdmabufAllocator allocates: by gst_allocator_alloc(),
 * which copies and GstVideoDmabufPool only call on an allocator without
 * GST_ALLOCATOR_FLAG_CUSTOM_ALLOC, and mapped once for the memory's life.
 */
GST_START_TEST (test_allocator_flags)
{
  GstAllocator *allocator;
  GstMapInfo map;
  GstMemory *mem;
  guint before;

  allocator = gst_allocator_find ("dmaheap:system");
  fail_unless (allocator != NULL);
  fail_if (GST_OBJECT_FLAG_IS_SET (allocator,
          GST_ALLOCATOR_FLAG_CUSTOM_ALLOC));

  before = dmabuf_mappings ();
  mem = gst_allocator_alloc (allocator, 5000, NULL);
  fail_unless (mem != NULL);
  fail_unless (gst_memory_map (mem, &map, GST_MAP_READWRITE));
  gst_memory_unmap (mem, &map);
  fail_unless_equals_int (dmabuf_mappings (), before + 1);
  gst_memory_unref (mem);
  fail_unless_equals_int (dmabuf_mappings (), before);
  gst_object_unref (allocator);
}

GST_END_TEST;

GST_START_TEST (test_allocator_params)
{
  GstAllocationParams params;
  GstAllocator *allocator;
  GstMemory *mem;
  gsize offset, maxsize;

  allocator = gst_allocator_find ("dmaheap:system");
  fail_unless (allocator != NULL);
  gst_allocation_params_init (&params);
  params.prefix = 64;
  params.padding = 32;
  params.align = 127;
  mem = gst_allocator_alloc (allocator, 1000, &params);
  fail_unless (mem != NULL);
  fail_unless_equals_int (gst_memory_get_sizes (mem, &offset, &maxsize), 1000);
  fail_unless_equals_int (offset, 64);
  fail_unless_equals_int (maxsize, 64 + 1000 + 32);
  gst_memory_unref (mem);

  /* More than a page of alignment is more than a dma-buf promises. */
  params.align = 2 * 4096 - 1;
  fail_unless (gst_allocator_alloc (allocator, 1000, &params) == NULL);
  gst_object_unref (allocator);
}

GST_END_TEST;

static GstHarness *
harness_for (const gchar * heap)
{
  GstHarness *h = gst_harness_new ("dmaheapalloc");

  /* Nothing is negotiated yet, so the heap can still change. */
  g_object_set (h->element, "heap", heap, NULL);
  return h;
}

GST_START_TEST (test_element_pool)
{
  GstHarness *h = harness_for ("system");
  GstAllocator *allocator = NULL;
  GstBuffer *in, *out;
  gchar *active = NULL, *name;

  gst_harness_set_src_caps_str (h, CAPS);
  /* Its first buffer makes the harness ask for allocation. */
  in = gst_harness_create_buffer (h, FRAME_SIZE);
  /* The producer was offered our pool and allocator (the harness's). */
  gst_harness_get_allocator (h, &allocator, NULL);
  fail_unless (allocator != NULL);
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (allocator),
      "GstDmaHeapAllocator");
  g_object_get (h->element, "active-heap", &active, NULL);
  fail_unless_equals_string (active, "system");
  g_free (active);

  /* A buffer of the pool goes through untouched. */
  assert_from_system_heap (gst_buffer_peek_memory (in, 0));
  /* Its dma-buf says whose it is. */
  name = fdinfo_field (gst_dmabuf_memory_get_fd (gst_buffer_peek_memory (in,
              0)), "\nname:");
  fail_unless_equals_string (name, GST_OBJECT_NAME (h->element));
  g_free (name);
  fail_unless (gst_buffer_get_video_meta (in) != NULL);
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (out == in);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/*
 * heap-fd is duplicated when it is set: the caller may close its fd at
 * once, and the number naming another file by negotiation changes nothing.
 */
GST_START_TEST (test_element_heap_fd_duplicated)
{
  GstHarness *h = gst_harness_new ("dmaheapalloc");
  gint fd = open ("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
  gchar *active = NULL;
  GstBuffer *in;

  fail_unless (fd >= 0);
  g_object_set (h->element, "heap-fd", fd, NULL);
  close (fd);
  fail_unless_equals_int (open ("/dev/null", O_RDONLY | O_CLOEXEC), fd);

  gst_harness_set_src_caps_str (h, CAPS);
  in = gst_harness_create_buffer (h, FRAME_SIZE);
  fail_unless (in != NULL);
  assert_from_system_heap (gst_buffer_peek_memory (in, 0));
  g_object_get (h->element, "active-heap", &active, NULL);
  fail_unless_equals_string (active, "system");
  g_free (active);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
  close (fd);
}

GST_END_TEST;

GST_START_TEST (test_element_copies_other_memory)
{
  GstHarness *h = harness_for ("system");
  GstBuffer *in, *out;
  GstMapInfo map;
  guint i;

  gst_harness_set_src_caps_str (h, CAPS);
  in = gst_buffer_new_allocate (NULL, FRAME_SIZE, NULL);
  fail_unless (gst_buffer_map (in, &map, GST_MAP_WRITE));
  for (i = 0; i < map.size; i++)
    map.data[i] = i * 7;
  gst_buffer_unmap (in, &map);
  GST_BUFFER_PTS (in) = 42 * GST_SECOND;

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != in);
  assert_from_system_heap (gst_buffer_peek_memory (out, 0));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 42 * GST_SECOND);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  for (i = 0; i < FRAME_SIZE; i++)
    if (map.data[i] != (guint8) (i * 7))
      break;
  fail_unless_equals_int (i, FRAME_SIZE);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_element_no_such_heap)
{
  GstHarness *h = harness_for ("no-such-heap");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL, *standard;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, CAPS);
  /* Its first buffer makes the harness ask for allocation. */
  gst_buffer_unref (gst_harness_create_buffer (h, FRAME_SIZE));
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NOT_FOUND));
  /* GStreamer's own message for the code, the heap in the details */
  standard = gst_error_get_message (GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND);
  fail_unless_equals_string (error->message, standard);
  fail_unless (debug != NULL && strstr (debug, "'no-such-heap'") != NULL);
  g_free (standard);
  g_free (debug);
  g_error_free (error);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The format a capture node has when its element's ALLOCATION query returns. */
typedef struct
{
  gint fd;
  struct v4l2_format format;
  gboolean seen;
} FormatAtAllocation;

static GstPadProbeReturn
record_format (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FormatAtAllocation *at = user_data;
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION && !at->seen) {
    at->format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    at->seen = ioctl (at->fd, VIDIOC_G_FMT, &at->format) == 0;
  }
  return GST_PAD_PROBE_OK;
}

/*
 * A capture device has one format for all its file handles, and v4l2src
 * sets it only once dmaheapalloc has answered its ALLOCATION query, with
 * the layout and heap of the negotiated format: the device must still
 * have the format it had before. The node is DMAHEAP_TEST_CAPTURE's
 * (tests/gst: vivid's, which offers both formats).
 */
GST_START_TEST (test_element_leaves_device_format)
{
  const gchar *node = g_getenv ("DMAHEAP_TEST_CAPTURE");
  FormatAtAllocation at = { 0 };
  GstElement *pipeline, *src;
  GstMessage *msg;
  GstPad *pad;
  gchar *description;

  at.fd = open (node, O_RDWR | O_CLOEXEC);
  fail_unless (at.fd >= 0);
  at.format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  at.format.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
  at.format.fmt.pix.width = 320;
  at.format.fmt.pix.height = 180;
  fail_unless_equals_int (ioctl (at.fd, VIDIOC_S_FMT, &at.format), 0);
  fail_unless_equals_int (at.format.fmt.pix.width, 320);

  description = g_strdup_printf ("v4l2src name=src device=%s "
      "io-mode=dmabuf-import num-buffers=3 ! "
      "video/x-raw,format=I420,width=640,height=480 ! dmaheapalloc ! "
      "fakesink", node);
  pipeline = gst_parse_launch (description, NULL);
  g_free (description);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM |
      GST_PAD_PROBE_TYPE_PULL, record_format, &at, NULL);
  gst_object_unref (pad);
  gst_object_unref (src);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  fail_unless (at.seen);
  fail_unless_equals_int (at.format.fmt.pix.pixelformat, V4L2_PIX_FMT_YUYV);
  fail_unless_equals_int (at.format.fmt.pix.width, 320);
  fail_unless_equals_int (at.format.fmt.pix.height, 180);
  close (at.fd);
}

GST_END_TEST;

static Suite *
dmaheap_suite (void)
{
  Suite *s = suite_create ("dmaheap");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_allocator_registered);
  tcase_add_test (tc, test_allocator_flags);
  tcase_add_test (tc, test_allocator_params);
  tcase_add_test (tc, test_element_pool);
  tcase_add_test (tc, test_element_heap_fd_duplicated);
  tcase_add_test (tc, test_element_copies_other_memory);
  tcase_add_test (tc, test_element_no_such_heap);
  if (g_getenv ("DMAHEAP_TEST_CAPTURE"))
    tcase_add_test (tc, test_element_leaves_device_format);
  return s;
}

/*
 * The allocators are registered when the plugin loads. Outside a test,
 * check's assertions have nowhere to report to: a plain exit says it.
 */
static gboolean
load_plugin (void)
{
  GstPlugin *plugin = gst_plugin_load_by_name ("dmaheap");

  if (!plugin) {
    g_printerr ("the dmaheap plugin is not on GST_PLUGIN_PATH\n");
    return FALSE;
  }
  gst_object_unref (plugin);
  return TRUE;
}

int
main (int argc, char **argv)
{
  SRunner *sr;
  int failed;

  if (!g_file_test ("/dev/dma_heap/system", G_FILE_TEST_EXISTS)) {
    g_print ("1..0 # SKIP no /dev/dma_heap/system: the kernel has no "
        "system heap\n");
    return 77;
  }
  gst_check_init (&argc, &argv);
  if (!load_plugin ())
    return 2;
  sr = srunner_create (dmaheap_suite ());
  srunner_run_all (sr, CK_ENV);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed != 0;
}
