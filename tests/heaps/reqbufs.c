// SPDX-License-Identifier: GPL-2.0
/*
 * Ask a V4L2 device for MMAP buffers on its capture queue and report what
 * the driver answered.
 *
 * Usage: reqbufs DEVICE COUNT
 * Prints "ok COUNT" or the errno name (e.g. "ENOMEM") and exits 0 when the
 * buffers were allocated, 1 when REQBUFS failed or granted no buffer, 2 on
 * other errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

static const char *errno_name(int err)
{
	switch (err) {
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	default: return strerror(err);
	}
}

int main(int argc, char **argv)
{
	struct v4l2_capability cap;
	struct v4l2_requestbuffers req = { .memory = V4L2_MEMORY_MMAP };
	int fd, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEVICE COUNT\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || ioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
		fprintf(stderr, "reqbufs: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (cap.capabilities & V4L2_CAP_DEVICE_CAPS)
		cap.capabilities = cap.device_caps;
	req.type = cap.capabilities & V4L2_CAP_VIDEO_CAPTURE_MPLANE ?
		   V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
	req.count = strtoul(argv[2], NULL, 0);

	ret = ioctl(fd, VIDIOC_REQBUFS, &req);
	if (ret < 0) {
		printf("%s\n", errno_name(errno));
		return 1;
	}
	if (!req.count) {
		printf("no buffers granted\n");
		return 1;
	}
	printf("ok %u\n", req.count);
	req.count = 0;
	ioctl(fd, VIDIOC_REQBUFS, &req);
	close(fd);
	return 0;
}
