# vb2-heap: see README.md. Every target installs what it needs first.
#
# KERNEL=<name> picks a kernel of kernel/VERSION (default: the primary one)
# and ARCH the architecture (default: x86_64) for kernel, tests, userspace,
# vm and demo; check builds and tests every kernel of kernel/VERSION.
SHELL := /bin/bash
export KERNEL ARCH VARIANT
# $(shell) does not see variables given on make's command line: pass them.
PATHS = $(shell KERNEL='$(KERNEL)' ARCH='$(ARCH)' VARIANT='$(VARIANT)' . scripts/paths.sh && echo "$$$(1)")
KHDR := $(call PATHS,KHDR)
BUILD := $(call PATHS,BUILD)
KERNELS := $(shell . scripts/paths.sh && kernel_matrix | awk '{ print $$1 }')
CFLAGS_TESTS := -O2 -g -Wall -Wextra -Werror -MD -MP

.PHONY: all deps kernel series series-check rootfs tests userspace gst-plugin \
	v4l-utils install vm check demo bench clean

all: kernel rootfs tests userspace gst-plugin

deps:
	@scripts/deps.sh

kernel: deps
	@kernel/build.sh

# The postable series with its cover letter, in build/series/<kernel>/;
# series-check also applies it patch by patch and builds after each one.
series: kernel
	@kernel/series.sh

series-check: kernel
	@kernel/series.sh --check

rootfs: deps
	@tests/vm/mkrootfs.sh

# Test programs run in the VM; they build against the patched kernel's uAPI.
TEST_SOURCES := $(wildcard tests/heaps/*.c tests/uapi/*.c)
TEST_PROGS := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(TEST_SOURCES))) \
	      $(BUILD)/tests/heap-ioctl-32 $(BUILD)/tests/compliance-faults.so
vpath %.c tests/heaps tests/uapi
# tests/uapi/heap-ioctl: one program from every file of its directory,
# split by ioctl and caller as v4l2-compliance splits its tests.
HEAP_IOCTL_SOURCES := $(wildcard tests/uapi/heap-ioctl/*.c)
HEAP_IOCTL_DEPS := $(HEAP_IOCTL_SOURCES) tests/uapi/heap-ioctl/heap-ioctl.h tests/lib/ktap.h
TEST_PROGS += $(BUILD)/tests/heap-ioctl
# tests/reliability: each program is one file plus the shared vdev.c.
RELIABILITY_PROGS := $(addprefix $(BUILD)/tests/,fail-nth race fuzz-heap lifetime)
TEST_PROGS += $(RELIABILITY_PROGS) $(BUILD)/tests/fuzz-heap-32

tests: kernel v4l-utils
	@$(MAKE) --no-print-directory $(TEST_PROGS)

# v4l2-compliance and v4l2-ctl of the v4l-utils release the VM runs, with
# the heap series of userspace/v4l-utils/patches, in $(BUILD)/v4l-utils/bin;
# the compliance suite runs this v4l2-compliance.
v4l-utils: kernel
	@userspace/v4l-utils/build.sh >/dev/null

$(BUILD)/tests/%: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -isystem $(KHDR)/include -o $@ $<

# The uAPI test again as 32-bit x86 code, which the 64-bit kernel runs through
# its compat ioctl path; static, so the VM needs no i386 libraries.
$(BUILD)/tests/%-32: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -m32 -static -isystem $(KHDR)/include -o $@ $<

$(BUILD)/tests/heap-ioctl: $(HEAP_IOCTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -isystem $(KHDR)/include -o $@ $(HEAP_IOCTL_SOURCES)

$(BUILD)/tests/heap-ioctl-32: $(HEAP_IOCTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -m32 -static -isystem $(KHDR)/include -o $@ $(HEAP_IOCTL_SOURCES)

$(RELIABILITY_PROGS): $(BUILD)/tests/%: tests/reliability/%.c tests/reliability/vdev.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -isystem $(KHDR)/include -o $@ $(filter %.c,$^)

$(BUILD)/tests/race: CFLAGS_TESTS += -pthread

$(BUILD)/tests/fuzz-heap-32: tests/reliability/fuzz-heap.c tests/reliability/vdev.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -m32 -static -isystem $(KHDR)/include -o $@ $(filter %.c,$^)

# The heap tests' fault shim for v4l2-compliance (tests/compliance/faults).
$(BUILD)/tests/compliance-faults.so: tests/compliance/faults/faults.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_TESTS) -fPIC -shared -isystem $(KHDR)/include -o $@ $< -ldl

-include $(TEST_PROGS:=.d)

# libv4l2heap and v4l2-heap, built with meson as v4l-utils is, against the
# patched kernel's uAPI; meson test checks the exported symbols. --werror is
# this project's own build: packagers running meson themselves do not get it.
# A new userspace build directory (or one the former Makefile-based build
# left) invalidates the plugin's, configured against the old one.
USERSPACE_BUILD := $(BUILD)/userspace

userspace: kernel
	@test -f $(USERSPACE_BUILD)/build.ninja || { rm -rf $(USERSPACE_BUILD) $(GST_BUILD) && \
		meson setup --werror -Dkernel_headers=$(KHDR)/include \
		$(USERSPACE_BUILD) userspace; }
	@meson compile -C $(USERSPACE_BUILD)
	@meson test -C $(USERSPACE_BUILD) --print-errorlogs

# The GStreamer plugin, built with meson as GStreamer plugins are, against
# the libv4l2heap just built (the uninstalled pkg-config file meson writes).
GST_BUILD := $(BUILD)/gst-plugin

gst-plugin: userspace
	@test -f $(GST_BUILD)/build.ninja || meson setup --werror \
		-Dpkg_config_path=$(USERSPACE_BUILD)/meson-uninstalled $(GST_BUILD) gst-plugin
	@meson compile -C $(GST_BUILD)

# PREFIX and DESTDIR given to make: libdir is PREFIX/lib, not Debian's
# multiarch directory, so that pkg-config's default path finds the library.
install: userspace gst-plugin
	@for dir in $(USERSPACE_BUILD) $(GST_BUILD); do \
		meson configure $$dir -Dprefix=$(or $(PREFIX),/usr/local) -Dlibdir=lib && \
		meson install -C $$dir $(if $(DESTDIR),--destdir $(DESTDIR)) || exit; \
	done

# $(value) keeps make from expanding the $ of shell code in CMD.
VM_CMD = $(subst ','\'',$(value CMD))

vm: kernel rootfs tests userspace gst-plugin
	@test -n '$(VM_CMD)' || { echo "usage: make vm CMD='command'" >&2; exit 2; }
	@tests/vm/run -- bash -c '$(VM_CMD)'

# Every kernel of the matrix, with what is built against it.
check: rootfs
	@for k in $(KERNELS); do \
		$(MAKE) --no-print-directory KERNEL=$$k kernel tests userspace gst-plugin || exit; \
	done
	@tests/check

demo: kernel rootfs tests userspace gst-plugin
	@tests/vm/run scripts/demo.sh

# Benchmarks (bench/): one boot of the bench kernel, the test kernel's
# series built without its debugging options (VARIANT=bench, its own trees
# in the cache), with programs built against its uAPI; never part of check.
BENCH_PROGS := $(addprefix $(BUILD)/bench/,alloc stream heapioctl)
CFLAGS_BENCH := -O2 -g -Wall -Wextra -Werror

bench: rootfs
	@$(MAKE) --no-print-directory VARIANT=bench kernel userspace $(BENCH_PROGS)
	@VARIANT=bench bench/run

$(BUILD)/bench/%: bench/%.c bench/common.c bench/common.h $(KHDR)/include/linux/videodev2.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BENCH) -isystem $(KHDR)/include -o $@ $< bench/common.c

clean:
	rm -rf build
