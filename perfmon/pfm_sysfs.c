// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/perfmon: the interface's global controls and its
 * self-description (interface version, system call base).
 *
 * Owns the "perfmon" kobject under kernel_kobj. The attributes in this
 * file are constants and need no locking.
 */
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/perfmon.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <asm/unistd.h>

#include "pfm_priv.h"

static struct kobject *pfm_kobj;

VISIBLE_IF_KUNIT ssize_t pfm_version_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u.%u\n", PFM_VERSION_MAJOR(PFM_VERSION),
			  PFM_VERSION_MINOR(PFM_VERSION));
}
EXPORT_SYMBOL_IF_KUNIT(pfm_version_show);

/* libpfm-3.x derives all twelve call numbers from this one. */
VISIBLE_IF_KUNIT ssize_t pfm_syscall_show(struct kobject *kobj,
					  struct kobj_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%d\n", __NR_pfm_create_context);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_syscall_show);

static struct kobj_attribute pfm_attr_version =
	__ATTR(version, 0444, pfm_version_show, NULL);
static struct kobj_attribute pfm_attr_syscall =
	__ATTR(syscall, 0444, pfm_syscall_show, NULL);

static struct attribute *pfm_attrs[] = {
	&pfm_attr_version.attr,
	&pfm_attr_syscall.attr,
	NULL,
};

static const struct attribute_group pfm_attr_group = {
	.attrs = pfm_attrs,
};

static int __init pfm_sysfs_init(void)
{
	int ret;

	pfm_kobj = kobject_create_and_add("perfmon", kernel_kobj);
	if (!pfm_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(pfm_kobj, &pfm_attr_group);
	if (ret)
		goto out_put_kobj;
	return 0;

out_put_kobj:
	kobject_put(pfm_kobj);
	pfm_kobj = NULL;
	pr_err("perfmon: cannot create /sys/kernel/perfmon: %d\n", ret);
	return ret;
}
subsys_initcall(pfm_sysfs_init);
