// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/perfmon: the interface's global controls and its
 * self-description (interface version, system call base).
 *
 * Owns the "perfmon" kobject under kernel_kobj and struct pfm_controls.
 * Each control is a single word read with READ_ONCE() by its users and
 * written whole by its store function; the session counters belong to
 * pfm_sessions_lock (pfm_session.c) and the sampling-buffer charge to
 * pfm_smpl_mem_lock, and are only read here.
 */
#include <linux/capability.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/perfmon.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>
#include <asm/unistd.h>

#include "pfm_priv.h"

struct kobject *pfm_kobj;
struct kobject *pfm_formats_kobj;

struct pfm_controls pfm_controls = {
	.task_group		= PFM_GROUP_PERM_ANY,
	.sys_group		= PFM_GROUP_PERM_ANY,
	.arg_mem_max		= PAGE_SIZE,
	.smpl_buffer_mem_max	= PFM_MEM_UNLIMITED,
};

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

/**
 * pfm_parse_group - parse a sys_group/task_group value
 * @buf: the text written, "-1" (any group) or a gid in the initial user
 *	namespace, optionally followed by a newline
 * @group: the value to store: PFM_GROUP_PERM_ANY or the gid
 *
 * Return: 0, or -EINVAL when @buf is not such a value.
 */
VISIBLE_IF_KUNIT int pfm_parse_group(const char *buf, s64 *group)
{
	long long v;

	if (kstrtoll(buf, 10, &v))
		return -EINVAL;
	if (v == PFM_GROUP_PERM_ANY) {
		*group = PFM_GROUP_PERM_ANY;
		return 0;
	}
	if (v < 0 || v > U32_MAX || !gid_valid(make_kgid(&init_user_ns, v)))
		return -EINVAL;
	*group = v;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_parse_group);

/**
 * pfm_parse_mem_limit - parse a byte limit where "-1" means unlimited
 * @buf: the text written, optionally followed by a newline
 * @min: smallest acceptable limit
 * @max: largest acceptable limit (PFM_MEM_UNLIMITED for no bound)
 * @allow_unlimited: whether "-1" is accepted
 * @val: the value to store (PFM_MEM_UNLIMITED for "-1")
 *
 * Return: 0, or -EINVAL when @buf is not such a value.
 */
VISIBLE_IF_KUNIT int pfm_parse_mem_limit(const char *buf, u64 min, u64 max,
					 bool allow_unlimited, u64 *val)
{
	u64 v;

	if (allow_unlimited && (sysfs_streq(buf, "-1"))) {
		*val = PFM_MEM_UNLIMITED;
		return 0;
	}
	if (kstrtou64(buf, 10, &v) || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_parse_mem_limit);

static ssize_t pfm_show_limit(char *buf, u64 v)
{
	if (v == PFM_MEM_UNLIMITED)
		return sysfs_emit(buf, "-1\n");
	return sysfs_emit(buf, "%llu\n", v);
}

#define PFM_RO_ATTR(_name, _fmt, _expr)						\
static ssize_t _name##_show(struct kobject *kobj, struct kobj_attribute *attr,	\
			    char *buf)						\
{										\
	return sysfs_emit(buf, _fmt "\n", _expr);				\
}										\
static struct kobj_attribute pfm_attr_##_name = __ATTR_RO(_name)

PFM_RO_ATTR(pmc_max_fast_arg, "%u", PFM_PMC_FAST_ARG);
PFM_RO_ATTR(pmd_max_fast_arg, "%u", PFM_PMD_FAST_ARG);
PFM_RO_ATTR(sys_sessions_count, "%u", pfm_sessions_sys());
PFM_RO_ATTR(task_sessions_count, "%u", pfm_sessions_task());
PFM_RO_ATTR(smpl_buffer_mem_cur, "%llu", pfm_smpl_mem_cur());

static ssize_t debug_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(pfm_controls.debug));
}

static ssize_t debug_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	unsigned int v;

	if (kstrtouint(buf, 10, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.debug, v);
	return count;
}

static ssize_t debug_ovfl_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(pfm_controls.debug_ovfl));
}

static ssize_t debug_ovfl_store(struct kobject *kobj, struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	unsigned int v;

	if (kstrtouint(buf, 10, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.debug_ovfl, v);
	return count;
}

static ssize_t pfm_group_show(char *buf, s64 group)
{
	return sysfs_emit(buf, "%lld\n", group);
}

static ssize_t sys_group_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return pfm_group_show(buf, READ_ONCE(pfm_controls.sys_group));
}

static ssize_t sys_group_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	s64 v;

	if (pfm_parse_group(buf, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.sys_group, v);
	return count;
}

static ssize_t task_group_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return pfm_group_show(buf, READ_ONCE(pfm_controls.task_group));
}

static ssize_t task_group_store(struct kobject *kobj, struct kobj_attribute *attr,
				const char *buf, size_t count)
{
	s64 v;

	if (pfm_parse_group(buf, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.task_group, v);
	return count;
}

static ssize_t arg_mem_max_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return pfm_show_limit(buf, READ_ONCE(pfm_controls.arg_mem_max));
}

static ssize_t arg_mem_max_store(struct kobject *kobj, struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	u64 v;

	if (pfm_parse_mem_limit(buf, PAGE_SIZE, PFM_ARG_MEM_LIMIT, false, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.arg_mem_max, v);
	return count;
}

static ssize_t smpl_buffer_mem_max_show(struct kobject *kobj, struct kobj_attribute *attr,
					char *buf)
{
	return pfm_show_limit(buf, READ_ONCE(pfm_controls.smpl_buffer_mem_max));
}

static ssize_t smpl_buffer_mem_max_store(struct kobject *kobj, struct kobj_attribute *attr,
					 const char *buf, size_t count)
{
	u64 v;

	if (pfm_parse_mem_limit(buf, 0, PFM_MEM_UNLIMITED - 1, true, &v))
		return -EINVAL;
	WRITE_ONCE(pfm_controls.smpl_buffer_mem_max, v);
	return count;
}

static ssize_t reset_stats_store(struct kobject *kobj, struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	pfm_stats_reset();
	return count;
}

static struct kobj_attribute pfm_attr_version =
	__ATTR(version, 0444, pfm_version_show, NULL);
static struct kobj_attribute pfm_attr_syscall =
	__ATTR(syscall, 0444, pfm_syscall_show, NULL);
static struct kobj_attribute pfm_attr_debug = __ATTR_RW(debug);
static struct kobj_attribute pfm_attr_debug_ovfl = __ATTR_RW(debug_ovfl);
static struct kobj_attribute pfm_attr_sys_group = __ATTR_RW(sys_group);
static struct kobj_attribute pfm_attr_task_group = __ATTR_RW(task_group);
static struct kobj_attribute pfm_attr_arg_mem_max = __ATTR_RW(arg_mem_max);
static struct kobj_attribute pfm_attr_smpl_buffer_mem_max = __ATTR_RW(smpl_buffer_mem_max);
static struct kobj_attribute pfm_attr_reset_stats = __ATTR_WO(reset_stats);

static struct attribute *pfm_attrs[] = {
	&pfm_attr_version.attr,
	&pfm_attr_syscall.attr,
	&pfm_attr_debug.attr,
	&pfm_attr_debug_ovfl.attr,
	&pfm_attr_pmc_max_fast_arg.attr,
	&pfm_attr_pmd_max_fast_arg.attr,
	&pfm_attr_reset_stats.attr,
	&pfm_attr_smpl_buffer_mem_cur.attr,
	&pfm_attr_smpl_buffer_mem_max.attr,
	&pfm_attr_sys_group.attr,
	&pfm_attr_task_group.attr,
	&pfm_attr_sys_sessions_count.attr,
	&pfm_attr_task_sessions_count.attr,
	&pfm_attr_arg_mem_max.attr,
	NULL,
};

static const struct attribute_group pfm_attr_group = {
	.attrs = pfm_attrs,
};

/**
 * pfm_sysfs_init - create /sys/kernel/perfmon
 *
 * Context: boot, process context.
 * Return: 0 or a negative errno; perfmon stays disabled on failure.
 */
int __init pfm_sysfs_init(void)
{
	int ret;

	pfm_kobj = kobject_create_and_add("perfmon", kernel_kobj);
	if (!pfm_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(pfm_kobj, &pfm_attr_group);
	if (ret)
		goto out_put_kobj;
	/* One subdirectory per registered sampling format. */
	pfm_formats_kobj = kobject_create_and_add("formats", pfm_kobj);
	if (!pfm_formats_kobj) {
		ret = -ENOMEM;
		goto out_remove_group;
	}
	return 0;

out_remove_group:
	sysfs_remove_group(pfm_kobj, &pfm_attr_group);
out_put_kobj:
	kobject_put(pfm_kobj);
	pfm_kobj = NULL;
	return ret;
}
