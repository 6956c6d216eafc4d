/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * perfmon2 user interface, version 2.5.
 *
 * Documentation/userspace-api/perfmon2.rst describes the interface.
 */
#ifndef _UAPI_LINUX_PERFMON_H
#define _UAPI_LINUX_PERFMON_H

/*
 * Interface version: major in bits 16-31, minor in bits 0-15.
 * /sys/kernel/perfmon/version prints it as "MAJ.MIN".
 */
#define PFM_VERSION_MAJ		2U
#define PFM_VERSION_MIN		5U
#define PFM_VERSION		(((PFM_VERSION_MAJ & 0xffff) << 16) | \
				 (PFM_VERSION_MIN & 0xffff))
#define PFM_VERSION_MAJOR(x)	(((x) >> 16) & 0xffff)
#define PFM_VERSION_MINOR(x)	((x) & 0xffff)

#endif /* _UAPI_LINUX_PERFMON_H */
