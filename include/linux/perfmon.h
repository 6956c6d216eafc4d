/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfmon2 kernel-internal interface: what the rest of the kernel
 * (scheduler, fork, exit, architecture code) sees of the perfmon core.
 */
#ifndef _LINUX_PERFMON_H
#define _LINUX_PERFMON_H

#include <uapi/linux/perfmon.h>

#endif /* _LINUX_PERFMON_H */
