/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA-BUF heap internals the KUnit tests use
 */

#ifndef _DMA_HEAP_INTERNAL_H
#define _DMA_HEAP_INTERNAL_H

struct dma_heap;
struct file;

#if IS_ENABLED(CONFIG_KUNIT)
struct file *dma_heap_open_file(struct dma_heap *heap);
#endif

#endif /* _DMA_HEAP_INTERNAL_H */
