/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of the perfmon core, and the
 * internal helpers that the KUnit tests reach.
 */
#ifndef _PERFMON_PFM_PRIV_H
#define _PERFMON_PFM_PRIV_H

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#if IS_ENABLED(CONFIG_KUNIT)
ssize_t pfm_version_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf);
ssize_t pfm_syscall_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf);
#endif

#endif /* _PERFMON_PFM_PRIV_H */
