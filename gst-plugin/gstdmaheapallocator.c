/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GstDmaHeapAllocator: dma-buf memory from a Linux dma-buf heap
 *
 * A GstDmaBufAllocator whose memory comes from one heap under
 * /dev/dma_heap, opened by name or handed over as an open fd (which lets a
 * process that may not open the heap use it). Being a dma-buf allocator,
 * its memory is recognised by gst_is_dmabuf_memory() and imported by
 * elements that take dma-bufs, and CPU access maps it with the dma-buf
 * sync ioctl around the access.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "gstdmaheapallocator.h"
#include "gstdmaheap-private.h"

GST_DEBUG_CATEGORY_STATIC (gst_dma_heap_allocator_debug);
#define GST_CAT_DEFAULT gst_dma_heap_allocator_debug

#define HEAP_DEV_DIR "/dev/dma_heap/"

struct _GstDmaHeapAllocator
{
  GstDmaBufAllocator parent;

  gint heap_fd;
  gchar *heap;
};

enum
{
  PROP_0,
  PROP_HEAP,
};

G_DEFINE_TYPE_WITH_CODE (GstDmaHeapAllocator, gst_dma_heap_allocator,
    GST_TYPE_DMABUF_ALLOCATOR,
    GST_DEBUG_CATEGORY_INIT (gst_dma_heap_allocator_debug, "dmaheapallocator",
        0, "dma-buf heap allocator"));

void
gst_dma_heap_set_error (GError ** error, const struct v4l2heap_err *err)
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
    case -ENOMEM:
      code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
      break;
    case -EINVAL:
    case -ENAMETOOLONG:
      code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    default:
      code = GST_RESOURCE_ERROR_FAILED;
      break;
  }
  g_set_error_literal (error, GST_RESOURCE_ERROR, code, err->message);
}

static GstMemory *
alloc_memory (GstDmaHeapAllocator * self, gsize size,
    const GstAllocationParams * params, GError ** error)
{
  struct v4l2heap_err err;
  gsize maxsize = size + params->prefix + params->padding;
  GstMemory *mem;
  gint fd;

  /* A dma-buf is mapped at a page boundary: that is all the alignment. */
  if (params->align >= (gsize) sysconf (_SC_PAGESIZE)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "heap '%s': cannot align memory to %" G_GSIZE_FORMAT " bytes, "
        "only to pages", self->heap, params->align + 1);
    return NULL;
  }
  fd = v4l2heap_alloc_fd (self->heap_fd, maxsize, &err);
  if (fd < 0) {
    gst_dma_heap_set_error (error, &err);
    return NULL;
  }
  /*
   * The memory owns the fd from here on and closes it when freed. It keeps
   * its mapping once made, so that each map costs a cache sync rather than
   * an mmap() and a munmap().
   */
  mem = gst_dmabuf_allocator_alloc_with_flags (GST_ALLOCATOR (self), fd,
      maxsize, GST_FD_MEMORY_FLAG_KEEP_MAPPED);
  if (params->prefix || params->padding)
    gst_memory_resize (mem, params->prefix, size);
  GST_LOG_OBJECT (self, "fd %d: %" G_GSIZE_FORMAT " bytes from heap %s", fd,
      maxsize, self->heap);
  return mem;
}

static GstMemory *
gst_dma_heap_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  GstDmaHeapAllocator *self = GST_DMA_HEAP_ALLOCATOR (allocator);
  GError *error = NULL;
  GstMemory *mem;

  mem = alloc_memory (self, size, params, &error);
  if (!mem) {
    /* gst_allocator_alloc() has no way to say why: the log must. */
    GST_WARNING_OBJECT (self, "%s", error->message);
    g_error_free (error);
  }
  return mem;
}

/**
 * gst_dma_heap_allocator_alloc_checked:
 * @self: the allocator
 * @size: bytes to allocate
 * @error: where to say why, when allocation fails
 *
 * Like gst_allocator_alloc() with default parameters, but a failure comes
 * with a #GST_RESOURCE_ERROR that names the heap and the reason:
 * #GST_RESOURCE_ERROR_NO_SPACE_LEFT when the heap is exhausted.
 *
 * Returns: (transfer full) (nullable): the memory
 */
GstMemory *
gst_dma_heap_allocator_alloc_checked (GstDmaHeapAllocator * self, gsize size,
    GError ** error)
{
  GstAllocationParams params;

  gst_allocation_params_init (&params);
  return alloc_memory (self, size, &params, error);
}

/**
 * gst_dma_heap_allocator_get_heap:
 * @self: the allocator
 *
 * Returns: the name of the heap the allocator allocates from, or the
 * path of the node its fd was opened from if that is not under
 * /dev/dma_heap
 */
const gchar *
gst_dma_heap_allocator_get_heap (GstDmaHeapAllocator * self)
{
  return self->heap;
}

static GstAllocator *
new_allocator (gint heap_fd, gchar * heap)
{
  GstDmaHeapAllocator *self;

  self = g_object_new (GST_TYPE_DMA_HEAP_ALLOCATOR, NULL);
  self->heap_fd = heap_fd;
  self->heap = heap;
  gst_object_ref_sink (self);
  return GST_ALLOCATOR (self);
}

/**
 * gst_dma_heap_allocator_new:
 * @heap: a heap's name, as under /dev/dma_heap
 * @error: where to say why the heap cannot be used
 *
 * Opens the heap: #GST_RESOURCE_ERROR_NOT_FOUND when there is no such heap,
 * #GST_RESOURCE_ERROR_NOT_AUTHORIZED when this process may not open it.
 *
 * Returns: (transfer full) (nullable): a new allocator
 */
GstAllocator *
gst_dma_heap_allocator_new (const gchar * heap, GError ** error)
{
  struct v4l2heap_err err;
  gint fd;

  fd = v4l2heap_open_heap (heap, &err);
  if (fd < 0) {
    gst_dma_heap_set_error (error, &err);
    return NULL;
  }
  return new_allocator (fd, g_strdup (heap));
}

/* The heap's name from the node @fd was opened from, else the path. */
static gchar *
name_heap_fd (gint fd)
{
  gchar *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  gchar *path = g_file_read_link (link, NULL);
  gchar *name;

  g_free (link);
  if (!path)
    return g_strdup_printf ("fd %d", fd);
  if (g_str_has_prefix (path, HEAP_DEV_DIR) && !strchr (path +
          strlen (HEAP_DEV_DIR), '/')) {
    name = g_strdup (path + strlen (HEAP_DEV_DIR));
    g_free (path);
    return name;
  }
  return path;
}

/**
 * gst_dma_heap_allocator_new_for_fd:
 * @heap_fd: an open file descriptor of a heap node, which the caller keeps
 * @error: where to say why it cannot be used
 *
 * For a process that may not open the heap itself but was handed an fd of
 * it by one that may. Whether the fd is a heap shows at the first
 * allocation.
 *
 * Returns: (transfer full) (nullable): a new allocator
 */
GstAllocator *
gst_dma_heap_allocator_new_for_fd (gint heap_fd, GError ** error)
{
  gint fd;

  fd = fcntl (heap_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "fd %d is not an open file descriptor of a heap: %s", heap_fd,
        g_strerror (errno));
    return NULL;
  }
  return new_allocator (fd, name_heap_fd (fd));
}

/**
 * gst_dma_heap_allocator_register_all:
 *
 * Registers an allocator for every heap this process may open, named
 * #GST_ALLOCATOR_DMA_HEAP_PREFIX and the heap's name, for
 * gst_allocator_find(). A heap the process may not open is left out, so
 * that finding it fails like finding a heap that does not exist.
 */
void
gst_dma_heap_allocator_register_all (void)
{
  struct v4l2heap_heap heaps[32];
  struct v4l2heap_err err;
  gint count, i;

  /* Registering the type sets up the debug category logged to here. */
  g_type_ensure (GST_TYPE_DMA_HEAP_ALLOCATOR);
  count = v4l2heap_list_heaps (heaps, G_N_ELEMENTS (heaps), &err);
  if (count < 0) {
    GST_WARNING ("no heap allocators: %s", err.message);
    return;
  }
  for (i = 0; i < MIN (count, (gint) G_N_ELEMENTS (heaps)); i++) {
    GError *error = NULL;
    GstAllocator *allocator;
    gchar *name;

    allocator = gst_dma_heap_allocator_new (heaps[i].name, &error);
    if (!allocator) {
      GST_INFO ("not registering heap %s: %s", heaps[i].name, error->message);
      g_error_free (error);
      continue;
    }
    name = g_strconcat (GST_ALLOCATOR_DMA_HEAP_PREFIX, heaps[i].name, NULL);
    GST_DEBUG ("registering allocator %s", name);
    gst_allocator_register (name, allocator);
    g_free (name);
  }
}

static void
gst_dma_heap_allocator_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstDmaHeapAllocator *self = GST_DMA_HEAP_ALLOCATOR (object);

  switch (prop_id) {
    case PROP_HEAP:
      g_value_set_string (value, self->heap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_dma_heap_allocator_finalize (GObject * object)
{
  GstDmaHeapAllocator *self = GST_DMA_HEAP_ALLOCATOR (object);

  if (self->heap_fd >= 0)
    close (self->heap_fd);
  g_free (self->heap);
  G_OBJECT_CLASS (gst_dma_heap_allocator_parent_class)->finalize (object);
}

static void
gst_dma_heap_allocator_class_init (GstDmaHeapAllocatorClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  gobject_class->get_property = gst_dma_heap_allocator_get_property;
  gobject_class->finalize = gst_dma_heap_allocator_finalize;
  allocator_class->alloc = gst_dma_heap_allocator_alloc;

  g_object_class_install_property (gobject_class, PROP_HEAP,
      g_param_spec_string ("heap", "Heap",
          "The dma-buf heap the memory comes from", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_dma_heap_allocator_init (GstDmaHeapAllocator * self)
{
  self->heap_fd = -1;
  /*
   * GstFdAllocator sets it; left set, GstVideoDmabufPool and the copy
   * GStreamer falls back to would not call gst_allocator_alloc() on us.
   */
  GST_OBJECT_FLAG_UNSET (self, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}
