// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's version, for programs that run against another build than
 * the header they were compiled with.
 */
#include "internal.h"

V4L2HEAP_EXPORT uint32_t v4l2heap_version(void)
{
	return V4L2HEAP_VERSION;
}
