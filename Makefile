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

.PHONY: all deps kernel series series-check rootfs tests userspace gst-plugin \
	v4l-utils install vm check demo bench clean

all: rootfs tests

deps:
	@scripts/deps.sh

kernel: deps
	@kernel/build.sh

# The postable series with its cover letter, in build/series/<kernel>/;
# series-check also applies it patch by patch and builds after each one,
# for every kernel of the matrix (kernel/series.sh).
series: kernel
	@kernel/series.sh

series-check: deps
	@for k in $(KERNELS); do \
		$(MAKE) --no-print-directory KERNEL=$$k kernel && \
		KERNEL=$$k kernel/series.sh --check || exit 1; \
	done

rootfs: deps
	@tests/vm/mkrootfs.sh

# All userspace C is one meson project (meson.build): libv4l2heap and
# v4l2-heap, the GStreamer plugin, the test programs the suites run in the
# VM with their 32-bit variants, the host unit tests (meson test, which
# tests/userspace/test-unit.sh runs) and the benchmark programs. One build
# directory per kernel, $(BUILD), against that kernel's uAPI headers; the
# suites find the programs where meson puts them ($(BUILD)/tests/heap-ioctl,
# $(BUILD)/userspace/v4l2-heap, ...). --werror and every optional part
# (-Dauto_features=enabled) are this project's own build: packagers running
# meson themselves get neither. Setting up removes what the separate builds
# before this one left in $(BUILD), so that no stale program stands in for
# one this build no longer makes.
userspace: kernel
	@test -f $(BUILD)/build.ninja || { \
		rm -rf $(addprefix $(BUILD)/,userspace gst-plugin tests bench) && \
		meson setup --werror -Dauto_features=enabled \
			-Dkernel_headers=$(KHDR)/include $(BUILD); }
	@meson compile -C $(BUILD)

# The plugin is part of that build.
gst-plugin: userspace

# What the VM suites run: the build above, and v4l2-compliance and v4l2-ctl
# of the v4l-utils release the VM runs, with the heap series of
# userspace/v4l-utils/patches, in $(BUILD)/v4l-utils/bin.
tests: userspace v4l-utils

v4l-utils: kernel
	@userspace/v4l-utils/build.sh >/dev/null

# PREFIX and DESTDIR given to make: libdir is PREFIX/lib, not Debian's
# multiarch directory, so that pkg-config's default path finds the library.
install: userspace
	@meson configure $(BUILD) -Dprefix=$(or $(PREFIX),/usr/local) -Dlibdir=lib
	@meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

# $(value) keeps make from expanding the $ of shell code in CMD.
VM_CMD = $(subst ','\'',$(value CMD))

vm: rootfs tests
	@test -n '$(VM_CMD)' || { echo "usage: make vm CMD='command'" >&2; exit 2; }
	@tests/vm/run -- bash -c '$(VM_CMD)'

# Every kernel of the matrix with what is built against it, and the root
# filesystem, all at once: debootstrap mostly waits on the network, and a
# kernel's download, patching and module installation use one core, while
# another kernel's compilation keeps both busy.
check: deps
	@pids=(); tests/vm/mkrootfs.sh & pids+=($$!); \
	for k in $(KERNELS); do \
		$(MAKE) --no-print-directory KERNEL=$$k tests & pids+=($$!); \
	done; \
	rc=0; for p in "$${pids[@]}"; do wait $$p || rc=1; done; exit $$rc
	@tests/check

demo: rootfs tests
	@tests/vm/run scripts/demo.sh

# Benchmarks (bench/): one boot of the bench kernel, the test kernel's
# series built without its debugging options (VARIANT=bench, its own trees
# in the cache), with the userspace build's bench programs; never part of
# check. The uAPI headers do not depend on the kernel's configuration, so
# those programs are the same whichever kernel tree the build was set up
# against.
bench: rootfs
	@$(MAKE) --no-print-directory VARIANT=bench userspace
	@VARIANT=bench bench/run

clean:
	rm -rf build
