// SPDX-License-Identifier: GPL-2.0
/*
 * Provokes, on purpose, the kernel reports that the VM runner must turn
 * into a failed run, so that tests/check can prove it does. Loaded with
 * provoke=lockdep it takes two mutexes in both orders; with provoke=leak it
 * loses a kmalloc()ed object for kmemleak to find. Loading succeeds either
 * way: only the kernel log can fail the run.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *provoke = "";
module_param(provoke, charp, 0444);
MODULE_PARM_DESC(provoke, "report to provoke: lockdep or leak");

static DEFINE_MUTEX(first);
static DEFINE_MUTEX(second);

static void provoke_lock_inversion(void)
{
	mutex_lock(&first);
	mutex_lock(&second);
	mutex_unlock(&second);
	mutex_unlock(&first);

	mutex_lock(&second);
	mutex_lock(&first);
	mutex_unlock(&first);
	mutex_unlock(&second);
}

/*
 * Many objects, because stale copies of the last pointers can survive on a
 * kernel stack kept for reuse, where kmemleak finds them and takes them
 * for references; a CI run once found none of eight reported.
 */
static noinline void provoke_leak(void)
{
	void *lost;
	int i;

	for (i = 0; i < 32; i++) {
		lost = kmalloc(128, GFP_KERNEL);
		/* Keeps the compiler from dropping the allocation. */
		if (lost)
			memset(lost, 0xa5, 128);
	}
}

static int __init vb2heap_provoke_init(void)
{
	if (!strcmp(provoke, "lockdep"))
		provoke_lock_inversion();
	else if (!strcmp(provoke, "leak"))
		provoke_leak();
	else
		return -EINVAL;
	return 0;
}
module_init(vb2heap_provoke_init);

static void __exit vb2heap_provoke_exit(void)
{
}
module_exit(vb2heap_provoke_exit);

MODULE_DESCRIPTION("Provokes lockdep and kmemleak reports for the vb2-heap VM runner's tests");
MODULE_LICENSE("GPL");
