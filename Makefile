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

all: kernel rootfs tests userspace

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

# libv4l2heap, v4l2-heap and the GStreamer plugin are one meson project
# (meson.build), built into $(BUILD) against the patched kernel's uAPI;
# meson test checks the library's exported symbols. --werror and every
# optional part (-Dauto_features=enabled) are this project's own build:
# packagers running meson themselves get neither. Setting up removes what
# the separate builds before this one left in $(BUILD), so that no stale
# program stands in for one this build no longer makes.
userspace: kernel
	@test -f $(BUILD)/build.ninja || { \
		rm -rf $(addprefix $(BUILD)/,userspace gst-plugin) && \
		meson setup --werror -Dauto_features=enabled \
			-Dkernel_headers=$(KHDR)/include $(BUILD); }
	@meson compile -C $(BUILD)
	@meson test -C $(BUILD) --print-errorlogs

# The plugin is part of that build.
gst-plugin: userspace

# PREFIX and DESTDIR given to make: libdir is PREFIX/lib, not Debian's
# multiarch directory, so that pkg-config's default path finds the library.
install: userspace
	@meson configure $(BUILD) -Dprefix=$(or $(PREFIX),/usr/local) -Dlibdir=lib
	@meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

# $(value) keeps make from expanding the $ of shell code in CMD.
VM_CMD = $(subst ','\'',$(value CMD))

vm: kernel rootfs tests userspace
	@test -n '$(VM_CMD)' || { echo "usage: make vm CMD='command'" >&2; exit 2; }
	@tests/vm/run -- bash -c '$(VM_CMD)'

# Every kernel of the matrix, with what is built against it.
check: rootfs
	@for k in $(KERNELS); do \
		$(MAKE) --no-print-directory KERNEL=$$k kernel tests userspace || exit; \
	done
	@tests/check

demo: kernel rootfs tests userspace
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
