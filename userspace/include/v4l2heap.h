/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libv4l2heap - which dma-buf heaps a V4L2 device uses, and buffers from them
 *
 * Every function returns 0 (or a non-negative count or file descriptor) on
 * success and a negative errno on failure. When @err is not NULL, a failure
 * also leaves a sentence for the user in it, naming the device or heap and
 * what the error means there. The library keeps no global state and never
 * prints.
 *
 * ABI: every symbol carries the version node of the release that added it
 * (libv4l2heap.map). Every struct a caller allocates, alone or in arrays,
 * ends in reserved space the library zeroes, so that later versions can
 * report more without changing the struct's size.
 */
#ifndef V4L2HEAP_H
#define V4L2HEAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this header; v4l2heap_version() gives the library's, which
 * may be newer when the program runs against another build.
 */
#define V4L2HEAP_VERSION_MAJOR	0
#define V4L2HEAP_VERSION_MINOR	4
#define V4L2HEAP_VERSION_MICRO	0
#define V4L2HEAP_VERSION_ENCODE(major, minor, micro) \
	(((uint32_t)(major) << 16) | ((uint32_t)(minor) << 8) | (uint32_t)(micro))
#define V4L2HEAP_VERSION V4L2HEAP_VERSION_ENCODE(V4L2HEAP_VERSION_MAJOR, \
	V4L2HEAP_VERSION_MINOR, V4L2HEAP_VERSION_MICRO)
/* True when the header is at least version major.minor.micro */
#define V4L2HEAP_VERSION_CHECK(major, minor, micro) \
	(V4L2HEAP_VERSION >= V4L2HEAP_VERSION_ENCODE(major, minor, micro))

#define V4L2HEAP_NAME_MAX	64
#define V4L2HEAP_PURPOSE_MAX	32
#define V4L2HEAP_MAX_PLANES	8
#define V4L2HEAP_ERR_MAX	256

/** Capabilities of a heap, from /sys/class/dma_heap/NAME/caps */
#define V4L2HEAP_CAP_CONTIGUOUS		0x1

/** How a queue or its driver uses a heap (V4L2_HEAP_USAGE_*) */
enum v4l2heap_usage {
	V4L2HEAP_USAGE_ACTIVE = 1,	/* MMAP buffers of the queue come from it */
	V4L2HEAP_USAGE_COMPATIBLE = 2,	/* the queue could use it */
	V4L2HEAP_USAGE_INTERNAL = 3,	/* the driver's own buffers come from it */
};

/**
 * What the driver uses an internal entry's buffers for
 * (V4L2_HEAP_PURPOSE_*): a fixed set that programs can act on; the
 * entry's purpose string is the kernel's description of it for people.
 */
enum v4l2heap_purpose {
	V4L2HEAP_PURPOSE_NONE = 0,	/* not internal: a queue entry */
	V4L2HEAP_PURPOSE_OTHER = 1,	/* none of those below */
	V4L2HEAP_PURPOSE_REFERENCE = 2,	/* a codec's reference frames */
	V4L2HEAP_PURPOSE_BITSTREAM = 3,	/* compressed data */
	V4L2HEAP_PURPOSE_SCRATCH = 4,	/* working memory of the hardware */
	V4L2HEAP_PURPOSE_METADATA = 5,	/* data about the frames */
};

/** Entry flags: the heap's V4L2HEAP_CAP_CONTIGUOUS, and V4L2_HEAP_FL_SELECTED */
#define V4L2HEAP_FL_CONTIGUOUS		0x1
#define V4L2HEAP_FL_SELECTED		0x2

/** Why the last call failed: @code is the negative errno it returned. */
struct v4l2heap_err {
	int code;
	char message[V4L2HEAP_ERR_MAX];
	uint32_t reserved[4];		/* zeroed: room for later versions */
};

/** A heap of the system, as under /dev/dma_heap */
struct v4l2heap_heap {
	char name[V4L2HEAP_NAME_MAX];
	uint32_t caps;			/* V4L2HEAP_CAP_* */
	uint32_t reserved[7];		/* zeroed: room for later versions */
};

/** One VIDIOC_ENUM_HEAPS entry of a queue */
struct v4l2heap_entry {
	uint32_t type;			/* enum v4l2_buf_type */
	enum v4l2heap_usage usage;
	uint32_t flags;			/* V4L2HEAP_FL_* */
	char heap[V4L2HEAP_NAME_MAX];
	char purpose[V4L2HEAP_PURPOSE_MAX]; /* internal buffers only */
	/*
	 * Bytes per buffer: for queue entries the queue's largest buffer as
	 * its driver sized it, 0 while it has none; for internal entries
	 * one buffer under the current configuration.
	 */
	uint64_t size;
	uint32_t count;			/* buffers allocated from the heap now */
	/* Filled since 0.3: an older library zeroes them as reserved space. */
	enum v4l2heap_purpose purpose_id; /* NONE for queue entries */
	/*
	 * The memory the @count buffers hold in the heap, which is not
	 * always @count * @size: buffers from VIDIOC_CREATE_BUFS may have
	 * another size, and a fallback may put some planes of a buffer in
	 * another heap.
	 */
	uint64_t bytes;
	/*
	 * zeroed: room for later versions. Five, not six, words: where
	 * uint64_t aligns to 4 bytes (i386) the struct has no tail padding
	 * to take the sixth from.
	 */
	uint32_t reserved[5];
};

/** A buffer of a set: one dma-buf per plane */
struct v4l2heap_buffer {
	unsigned int num_planes;
	int fds[V4L2HEAP_MAX_PLANES];
	/* dma-buf sizes: the format's image sizes rounded up to pages */
	uint32_t lengths[V4L2HEAP_MAX_PLANES];
	/* the format's image size per plane, at most @lengths */
	uint32_t payload[V4L2HEAP_MAX_PLANES];
	/* zeroed: room for later versions; callers index arrays of these */
	uint32_t reserved[8];
};

/**
 * The buffers a queue takes for its current format, for callers that
 * allocate and import them themselves: one dma-buf per plane of the
 * format (V4L2's memory planes: NV12M has two, NV12 one).
 */
struct v4l2heap_layout {
	uint32_t type;			/* enum v4l2_buf_type */
	uint32_t pixelformat;		/* V4L2 fourcc; dataformat on meta queues */
	uint32_t width;			/* 0 on meta queues */
	uint32_t height;		/* 0 on meta queues */
	unsigned int num_planes;
	/* bytes per line of each plane; 0 on meta queues */
	uint32_t bytesperline[V4L2HEAP_MAX_PLANES];
	/* the format's image size per plane */
	uint32_t sizeimage[V4L2HEAP_MAX_PLANES];
	/* dma-buf sizes: @sizeimage rounded up to pages, as videobuf2 does */
	uint32_t length[V4L2HEAP_MAX_PLANES];
	/* zeroed: room for what later versions report, the size unchanged */
	uint32_t reserved[16];
};

/** Buffers allocated from a heap and imported into a queue as DMABUF */
struct v4l2heap_bufset {
	int device_fd;			/* not duplicated: the caller's */
	uint32_t type;
	char heap[V4L2HEAP_NAME_MAX];
	unsigned int count;
	struct v4l2heap_buffer *buffers;
	uint32_t reserved[8];		/* zeroed: room for later versions */
};

/* The library's version, V4L2HEAP_VERSION_ENCODE()d */
uint32_t v4l2heap_version(void);

/* Heaps of the system */

/*
 * Fills up to @max heaps sorted by name; returns how many heaps exist,
 * which may be more than @max.
 */
int v4l2heap_list_heaps(struct v4l2heap_heap *heaps, size_t max,
			struct v4l2heap_err *err);
/* Opens /dev/dma_heap/@name read-only; returns the fd. */
int v4l2heap_open_heap(const char *name, struct v4l2heap_err *err);
/* Allocates @size bytes from heap @name; returns the dma-buf fd. */
int v4l2heap_alloc(const char *name, uint64_t size, struct v4l2heap_err *err);
/*
 * Allocates @size bytes from the heap open as @heap_fd, which may come
 * from another process that is allowed to open the heap; returns the
 * dma-buf fd. Messages name the heap the fd refers to.
 */
int v4l2heap_alloc_fd(int heap_fd, uint64_t size, struct v4l2heap_err *err);

/* A device's queues and their heaps */

/*
 * Stores the buffer types of the device's video and metadata queues in
 * @types (up to @max); returns how many there are.
 */
int v4l2heap_queues(int device_fd, uint32_t *types, size_t max,
		    struct v4l2heap_err *err);
/*
 * Fills up to @max entries of the queue of @type for its current format;
 * returns how many there are. -ENOTTY: the driver does not allocate the
 * queue from dma-buf heaps.
 */
int v4l2heap_query(int device_fd, uint32_t type, struct v4l2heap_entry *entries,
		   size_t max, struct v4l2heap_err *err);
/* The heap the queue's MMAP buffers come from now; @flags may be NULL. */
int v4l2heap_get(int device_fd, uint32_t type, char heap[V4L2HEAP_NAME_MAX],
		 uint32_t *flags, struct v4l2heap_err *err);
/*
 * Makes the queue allocate from heap @heap, which this process must be
 * allowed to open, or with @heap NULL from the driver's default again.
 * The selection is @device_fd's, for the buffers it allocates from now
 * on: until it is closed or returns to the default, no other file handle
 * can allocate on the queue. On failure the queue keeps the heap it had.
 */
int v4l2heap_select(int device_fd, uint32_t type, const char *heap,
		    struct v4l2heap_err *err);
/*
 * Like v4l2heap_select(), with the heap given as an fd of its node, which
 * may come from another process that is allowed to open the heap. The
 * caller keeps @heap_fd; the queue takes its own reference.
 */
int v4l2heap_select_fd(int device_fd, uint32_t type, int heap_fd,
		       struct v4l2heap_err *err);
/*
 * The heap to allocate from for buffers to import into the queue: the one
 * the queue's next MMAP buffers would come from, which is the application's
 * selection or else the driver's choice for the current format. -ENOTTY:
 * the driver does not allocate the queue from dma-buf heaps.
 */
int v4l2heap_recommend(int device_fd, uint32_t type,
		       char heap[V4L2HEAP_NAME_MAX], struct v4l2heap_err *err);

/* Buffers for DMABUF import */

/*
 * Fills @layout with the planes, line strides and sizes of the buffers
 * the queue of @type takes for its current format.
 */
int v4l2heap_buffer_layout(int device_fd, uint32_t type,
			   struct v4l2heap_layout *layout,
			   struct v4l2heap_err *err);
struct v4l2_format;

/*
 * Like v4l2heap_buffer_layout(), for @format instead of the current one,
 * without changing the device: VIDIOC_TRY_FMT adjusts @format as the
 * driver would set it, and @layout describes the adjusted format. The
 * caller compares the two. -EINVAL: the queue takes no such format.
 * Since 0.4.
 */
int v4l2heap_format_layout(int device_fd, struct v4l2_format *format,
			   struct v4l2heap_layout *layout,
			   struct v4l2heap_err *err);

/*
 * Allocates @count buffers sized for the queue's current format (every
 * plane) from @heap, or with @heap NULL from v4l2heap_recommend()'s heap,
 * and makes the queue take them: VIDIOC_REQBUFS with V4L2_MEMORY_DMABUF.
 * The driver may lower or raise @count; set->count says how many there
 * are. The set refers to the device by @device_fd, which must stay open
 * until v4l2heap_bufset_free(). On failure *@set is left empty.
 */
int v4l2heap_bufset_alloc(int device_fd, uint32_t type, const char *heap,
			  unsigned int count, struct v4l2heap_bufset *set,
			  struct v4l2heap_err *err);
/*
 * Queues buffer @index. For an output queue @bytesused holds the bytes each
 * plane carries, one entry per plane of the buffer, or is NULL for the
 * buffer's payload; capture queues ignore it.
 */
int v4l2heap_bufset_queue(const struct v4l2heap_bufset *set, unsigned int index,
			  const uint32_t *bytesused, struct v4l2heap_err *err);
/*
 * Dequeues a buffer; returns its index. Fills, when not NULL, @bytesused
 * with one entry per plane of the buffer as the driver reports it (on
 * multi-planar queues including the plane's data_offset), and @flags with
 * the buffer's V4L2_BUF_FLAG_* flags. -EAGAIN: the device is open
 * non-blocking and no buffer is ready; -EPIPE: the queue returned its last
 * buffer (V4L2_BUF_FLAG_LAST) and returns no more until it is restarted.
 */
int v4l2heap_bufset_dequeue(const struct v4l2heap_bufset *set,
			    uint32_t bytesused[V4L2HEAP_MAX_PLANES],
			    uint32_t *flags, struct v4l2heap_err *err);
/* Starts (@on not 0) or stops streaming the set's queue. */
int v4l2heap_bufset_stream(const struct v4l2heap_bufset *set, int on,
			   struct v4l2heap_err *err);
/*
 * Stops streaming the queue, since videobuf2 keeps the buffers of a
 * streaming queue, releases them (VIDIOC_REQBUFS 0) and closes the
 * dma-bufs. Freeing an empty set does nothing.
 */
void v4l2heap_bufset_free(struct v4l2heap_bufset *set);

/* Names for printing */

/* "active", "compatible", "internal"; "unknown" for a newer kernel's */
const char *v4l2heap_usage_name(enum v4l2heap_usage usage);
/*
 * "other", "reference", "bitstream", "scratch", "metadata"; "unknown" for a
 * newer kernel's; NULL for V4L2HEAP_PURPOSE_NONE, since queue entries have
 * no purpose. Since 0.3.
 */
const char *v4l2heap_purpose_name(enum v4l2heap_purpose purpose);
/* "capture", "output", "capture-mplane", "meta-capture", ...; NULL if none */
const char *v4l2heap_type_name(uint32_t type);
/* The buffer type for a name v4l2heap_type_name() returns; 0 if none */
uint32_t v4l2heap_type_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* V4L2HEAP_H */
