// SPDX-License-Identifier: GPL-2.0
/*
 * The sampling-format registry: formats register by name, appear under
 * /sys/kernel/perfmon/formats/<name>/, and are pinned (their module
 * reference) by every context that uses them.
 *
 * pfm_fmt_mutex protects the list.
 */
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/perfmon_fmt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "pfm_priv.h"

static LIST_HEAD(pfm_fmt_list);
static DEFINE_MUTEX(pfm_fmt_mutex);

static struct pfm_smpl_fmt *__pfm_fmt_find(const char *name)
{
	struct pfm_smpl_fmt *fmt;

	lockdep_assert_held(&pfm_fmt_mutex);
	list_for_each_entry(fmt, &pfm_fmt_list, list)
		if (!strcmp(fmt->name, name))
			return fmt;
	return NULL;
}

/* formats/<name>/version: MAJ.MIN */
static ssize_t pfm_fmt_version_show(struct kobject *kobj, struct kobj_attribute *attr,
				    char *buf)
{
	struct pfm_smpl_fmt *fmt;
	ssize_t ret = -ENODEV;

	mutex_lock(&pfm_fmt_mutex);
	list_for_each_entry(fmt, &pfm_fmt_list, list) {
		if (fmt->kobj == kobj) {
			ret = sysfs_emit(buf, "%u.%u\n", fmt->version >> 16,
					 fmt->version & 0xffff);
			break;
		}
	}
	mutex_unlock(&pfm_fmt_mutex);
	return ret;
}

static struct kobj_attribute pfm_fmt_version_attr = __ATTR(version, 0444,
							  pfm_fmt_version_show, NULL);

/**
 * pfm_fmt_register - make a sampling format available
 * @fmt: the format; @name, @version, @arg_size, @owner and the hooks set
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for an incomplete format (or a name or argument
 * longer than the core takes), -EBUSY when the name is taken, -ENOMEM,
 * or -ENODEV before perfmon is initialised.
 */
int pfm_fmt_register(struct pfm_smpl_fmt *fmt)
{
	int ret;

	if (!fmt->name || !*fmt->name || strlen(fmt->name) >= PFM_FMT_NAME_MAX ||
	    fmt->arg_size > PFM_FMT_ARG_MAX || !fmt->validate || !fmt->get_size ||
	    !fmt->init || !fmt->handler)
		return -EINVAL;
	if (!pfm_formats_kobj)
		return -ENODEV;
	mutex_lock(&pfm_fmt_mutex);
	ret = -EBUSY;
	if (__pfm_fmt_find(fmt->name))
		goto out_unlock;
	ret = -ENOMEM;
	fmt->kobj = kobject_create_and_add(fmt->name, pfm_formats_kobj);
	if (!fmt->kobj)
		goto out_unlock;
	ret = sysfs_create_file(fmt->kobj, &pfm_fmt_version_attr.attr);
	if (ret) {
		kobject_put(fmt->kobj);
		goto out_unlock;
	}
	list_add_tail(&fmt->list, &pfm_fmt_list);
	pr_info("perfmon: sampling format %s %u.%u\n", fmt->name,
		fmt->version >> 16, fmt->version & 0xffff);
out_unlock:
	mutex_unlock(&pfm_fmt_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(pfm_fmt_register);

/**
 * pfm_fmt_unregister - withdraw a sampling format
 * @fmt: a registered format
 *
 * Contexts pin their format's module, so none uses @fmt any more.
 *
 * Context: process context; may sleep.
 */
void pfm_fmt_unregister(struct pfm_smpl_fmt *fmt)
{
	mutex_lock(&pfm_fmt_mutex);
	list_del(&fmt->list);
	mutex_unlock(&pfm_fmt_mutex);
	kobject_put(fmt->kobj);
	fmt->kobj = NULL;
}
EXPORT_SYMBOL_GPL(pfm_fmt_unregister);

/**
 * pfm_fmt_get - look up a format by name and pin it
 * @name: the name
 *
 * A format built as a module is loaded through its "pfm-fmt-<name>"
 * alias when it is not registered yet.
 *
 * Context: process context; may sleep.
 * Return: the format, or NULL when no format has that name.
 */
struct pfm_smpl_fmt *pfm_fmt_get(const char *name)
{
	struct pfm_smpl_fmt *fmt;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		mutex_lock(&pfm_fmt_mutex);
		fmt = __pfm_fmt_find(name);
		if (fmt && !try_module_get(fmt->owner))
			fmt = NULL;
		mutex_unlock(&pfm_fmt_mutex);
		if (fmt || !IS_ENABLED(CONFIG_MODULES))
			return fmt;
		if (!tries)
			request_module("pfm-fmt-%s", name);
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_fmt_get);

/**
 * pfm_fmt_put - drop the pin of pfm_fmt_get()
 * @fmt: the format
 */
void pfm_fmt_put(struct pfm_smpl_fmt *fmt)
{
	module_put(fmt->owner);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_fmt_put);
