// SPDX-License-Identifier: GPL-2.0
/*
 * PMU description registry: the one active description, its users, and
 * its self-description under /sys/kernel/perfmon/pmu_desc.
 *
 * pfm_pmu_lock protects pfm_pmu_active and pfm_pmu_users. Registration
 * and the sysfs tree are serialized by pfm_pmu_mutex, which is taken
 * before pfm_pmu_lock.
 */
#include <linux/bitops.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/perfmon_pmu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "pfm_priv.h"

/*
 * perfmon.pmu=MODEL on the command line: when several descriptions are
 * built in, only the one whose model name matches registers.
 */
static char pfm_pmu_choice[32];
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "perfmon."
module_param_string(pmu, pfm_pmu_choice, sizeof(pfm_pmu_choice), 0444);
MODULE_PARM_DESC(pmu, "model of the PMU description to use (default: the first)");

static DEFINE_MUTEX(pfm_pmu_mutex);
static DEFINE_SPINLOCK(pfm_pmu_lock);
static struct pfm_pmu *pfm_pmu_active;
static unsigned int pfm_pmu_users;

/* One pmu_desc/pmcN or pmu_desc/pmdN directory. */
struct pfm_reg_kobj {
	struct kobject			kobj;
	const struct pfm_regmap_desc	*desc;
};

#define to_reg_kobj(k) container_of(k, struct pfm_reg_kobj, kobj)

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_reg_kobj(kobj)->desc->name);
}

static ssize_t dfl_val_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", to_reg_kobj(kobj)->desc->dfl_val);
}

static ssize_t rsvd_msk_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", to_reg_kobj(kobj)->desc->rsvd_msk);
}

static ssize_t width_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_reg_kobj(kobj)->desc->width);
}

static ssize_t addr_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", to_reg_kobj(kobj)->desc->hw_addr);
}

static struct kobj_attribute pfm_reg_attr_name = __ATTR_RO(name);
static struct kobj_attribute pfm_reg_attr_dfl_val = __ATTR_RO(dfl_val);
static struct kobj_attribute pfm_reg_attr_rsvd_msk = __ATTR_RO(rsvd_msk);
static struct kobj_attribute pfm_reg_attr_width = __ATTR_RO(width);
static struct kobj_attribute pfm_reg_attr_addr = __ATTR_RO(addr);

static struct attribute *pfm_reg_attrs[] = {
	&pfm_reg_attr_name.attr,
	&pfm_reg_attr_dfl_val.attr,
	&pfm_reg_attr_rsvd_msk.attr,
	&pfm_reg_attr_width.attr,
	&pfm_reg_attr_addr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pfm_reg);

static void pfm_reg_kobj_release(struct kobject *kobj)
{
	kfree(to_reg_kobj(kobj));
}

static const struct kobj_type pfm_reg_ktype = {
	.release	= pfm_reg_kobj_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= pfm_reg_groups,
};

static ssize_t model_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	ssize_t ret = -ENODEV;

	spin_lock(&pfm_pmu_lock);
	if (pfm_pmu_active)
		ret = sysfs_emit(buf, "%s\n", pfm_pmu_active->model);
	spin_unlock(&pfm_pmu_lock);
	return ret;
}

static struct kobj_attribute pfm_pmu_attr_model = __ATTR_RO(model);

/* The pmcN/pmdN directories of the active description. */
static struct pfm_reg_kobj **pfm_pmu_regs;
static unsigned int pfm_pmu_nr_regs;

static void pfm_pmu_sysfs_remove(struct pfm_pmu *pmu)
{
	unsigned int i;

	for (i = 0; i < pfm_pmu_nr_regs; i++)
		kobject_put(&pfm_pmu_regs[i]->kobj);
	kfree(pfm_pmu_regs);
	pfm_pmu_regs = NULL;
	pfm_pmu_nr_regs = 0;
	kobject_put(pmu->kobj);
	pmu->kobj = NULL;
}

static int pfm_pmu_sysfs_add_reg(struct pfm_pmu *pmu, const char *kind,
				 unsigned int idx, const struct pfm_regmap_desc *d)
{
	struct pfm_reg_kobj *reg;
	int ret;

	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->desc = d;
	ret = kobject_init_and_add(&reg->kobj, &pfm_reg_ktype, pmu->kobj,
				   "%s%u", kind, idx);
	if (ret) {
		kobject_put(&reg->kobj);
		return ret;
	}
	pfm_pmu_regs[pfm_pmu_nr_regs++] = reg;
	return 0;
}

static int pfm_pmu_sysfs_add(struct pfm_pmu *pmu)
{
	unsigned int i, n;
	int ret;

	n = bitmap_weight((unsigned long *)pmu->impl_pmcs, PFM_MAX_PMCS) +
	    bitmap_weight((unsigned long *)pmu->impl_pmds, PFM_MAX_PMDS);
	pfm_pmu_regs = kcalloc(n, sizeof(*pfm_pmu_regs), GFP_KERNEL);
	if (!pfm_pmu_regs)
		return -ENOMEM;
	pmu->kobj = kobject_create_and_add("pmu_desc", pfm_kobj);
	if (!pmu->kobj) {
		ret = -ENOMEM;
		goto out_free_regs;
	}
	ret = sysfs_create_file(pmu->kobj, &pfm_pmu_attr_model.attr);
	if (ret)
		goto out_remove;
	for (i = 0; i < pmu->max_pmc && !ret; i++)
		if (test_bit(i, (unsigned long *)pmu->impl_pmcs))
			ret = pfm_pmu_sysfs_add_reg(pmu, "pmc", i, &pmu->pmc_desc[i]);
	for (i = 0; i < pmu->max_pmd && !ret; i++)
		if (test_bit(i, (unsigned long *)pmu->impl_pmds))
			ret = pfm_pmu_sysfs_add_reg(pmu, "pmd", i, &pmu->pmd_desc[i]);
	if (ret)
		goto out_remove;
	return 0;

out_remove:
	pfm_pmu_sysfs_remove(pmu);
	return ret;
out_free_regs:
	kfree(pfm_pmu_regs);
	pfm_pmu_regs = NULL;
	return ret;
}

/* Implemented in the table, and found by probing when it says what it found. */
static bool pfm_pmu_reg_avail(const struct pfm_regmap_desc *d, const u64 *avail,
			      unsigned int i)
{
	if (!(d->type & PFM_REG_I))
		return false;
	return bitmap_empty((const unsigned long *)avail, PFM_MAX_PMDS) ||
	       pfm_bv_test(avail, i);
}

/**
 * pfm_pmu_scan - check a description's tables and derive its bitmaps
 * @pmu: the description
 *
 * Return: 0, or -EINVAL for a description the core cannot serve: no model,
 * a required operation missing, too many entries, an implemented register without a name, a PMC
 * or non-counter PMD not 64 bits wide, a counter of width 0 or above 64,
 * or no implemented register of a kind.
 */
VISIBLE_IF_KUNIT int pfm_pmu_scan(struct pfm_pmu *pmu)
{
	const struct pfm_pmu_ops *ops = pmu->ops;
	const struct pfm_regmap_desc *d;
	unsigned int i;

	if (!pmu->model || !ops || !ops->pmc_counts_kernel || !ops->load ||
	    !ops->unload || !ops->start || !ops->stop || !ops->read_pmd ||
	    !ops->write_pmd || !ops->write_pmc ||
	    pmu->num_pmc_desc > PFM_MAX_PMCS || pmu->num_pmd_desc > PFM_MAX_PMDS)
		return -EINVAL;
	memset(pmu->impl_pmcs, 0, sizeof(pmu->impl_pmcs));
	memset(pmu->impl_pmds, 0, sizeof(pmu->impl_pmds));
	memset(pmu->cnt_pmds, 0, sizeof(pmu->cnt_pmds));
	memset(pmu->rw_pmds, 0, sizeof(pmu->rw_pmds));
	pmu->max_pmc = 0;
	pmu->max_pmd = 0;
	for (i = 0; i < pmu->num_pmc_desc; i++) {
		d = &pmu->pmc_desc[i];
		if (!pfm_pmu_reg_avail(d, pmu->avail_pmcs, i))
			continue;
		if (!d->name || d->width != 64)
			return -EINVAL;
		__set_bit(i, (unsigned long *)pmu->impl_pmcs);
		pmu->max_pmc = i + 1;
	}
	for (i = 0; i < pmu->num_pmd_desc; i++) {
		d = &pmu->pmd_desc[i];
		if (!pfm_pmu_reg_avail(d, pmu->avail_pmds, i))
			continue;
		if (!d->name || !d->width || d->width > 64 ||
		    (!(d->type & PFM_REG_C) && d->width != 64))
			return -EINVAL;
		__set_bit(i, (unsigned long *)pmu->impl_pmds);
		if (d->type & PFM_REG_C)
			__set_bit(i, (unsigned long *)pmu->cnt_pmds);
		if (!(d->type & PFM_REG_RO))
			__set_bit(i, (unsigned long *)pmu->rw_pmds);
		pmu->max_pmd = i + 1;
	}
	return pmu->max_pmc && pmu->max_pmd ? 0 : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_pmu_scan);

/**
 * pfm_pmu_register - make a PMU description the active one
 * @pmu: the description; its tables must outlive the registration
 *
 * Context: process context; may sleep.
 * Return: 0, -EBUSY if another description is active, -ENODEV when the
 * perfmon.pmu= parameter names another model, -EINVAL for inconsistent
 * tables, -ENOMEM.
 */
int pfm_pmu_register(struct pfm_pmu *pmu)
{
	int ret;

	if (!pfm_kobj)
		return -ENODEV;
	ret = pfm_pmu_scan(pmu);
	if (ret) {
		pr_err("perfmon: PMU description %s is inconsistent\n",
		       pmu->model ? pmu->model : "(unnamed)");
		return ret;
	}
	mutex_lock(&pfm_pmu_mutex);
	if (pfm_pmu_active) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (pfm_pmu_choice[0] && strcmp(pfm_pmu_choice, pmu->model)) {
		pr_info("perfmon: PMU description %s not used (perfmon.pmu=%s)\n",
			pmu->model, pfm_pmu_choice);
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = pfm_pmu_sysfs_add(pmu);
	if (ret)
		goto out_unlock;
	spin_lock(&pfm_pmu_lock);
	pfm_pmu_active = pmu;
	spin_unlock(&pfm_pmu_lock);
	pr_info("perfmon: PMU description %s: %u PMCs, %u PMDs\n", pmu->model,
		bitmap_weight((unsigned long *)pmu->impl_pmcs, PFM_MAX_PMCS),
		bitmap_weight((unsigned long *)pmu->impl_pmds, PFM_MAX_PMDS));
out_unlock:
	mutex_unlock(&pfm_pmu_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(pfm_pmu_register);

/**
 * pfm_pmu_unregister - withdraw the active PMU description
 * @pmu: the description given to pfm_pmu_register()
 *
 * Contexts hold a reference on the description's module, so a module
 * cannot get here while contexts use it.
 *
 * Context: process context; may sleep.
 */
void pfm_pmu_unregister(struct pfm_pmu *pmu)
{
	mutex_lock(&pfm_pmu_mutex);
	spin_lock(&pfm_pmu_lock);
	if (pfm_pmu_active != pmu) {
		spin_unlock(&pfm_pmu_lock);
		goto out_unlock;
	}
	WARN_ON_ONCE(pfm_pmu_users);
	pfm_pmu_active = NULL;
	spin_unlock(&pfm_pmu_lock);
	pfm_pmu_sysfs_remove(pmu);
out_unlock:
	mutex_unlock(&pfm_pmu_mutex);
}
EXPORT_SYMBOL_GPL(pfm_pmu_unregister);

static struct pfm_pmu *pfm_pmu_try_get(void)
{
	struct pfm_pmu *pmu;

	spin_lock(&pfm_pmu_lock);
	pmu = pfm_pmu_active;
	if (pmu && try_module_get(pmu->owner))
		pfm_pmu_users++;
	else
		pmu = NULL;
	spin_unlock(&pfm_pmu_lock);
	return pmu;
}

/**
 * pfm_pmu_get - pin the active PMU description for a new context
 *
 * Loads a description module ("pfm-pmu" alias) when none is registered.
 *
 * Context: process context; may sleep.
 * Return: the description, or NULL when none is available.
 */
struct pfm_pmu *pfm_pmu_get(void)
{
	struct pfm_pmu *pmu = pfm_pmu_try_get();

	if (!pmu && IS_ENABLED(CONFIG_MODULES)) {
		request_module("pfm-pmu");
		pmu = pfm_pmu_try_get();
	}
	return pmu;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_pmu_get);

/**
 * pfm_pmu_put - release a description pinned by pfm_pmu_get()
 * @pmu: the description
 *
 * Context: process context.
 */
void pfm_pmu_put(struct pfm_pmu *pmu)
{
	spin_lock(&pfm_pmu_lock);
	if (!WARN_ON_ONCE(!pfm_pmu_users))
		pfm_pmu_users--;
	spin_unlock(&pfm_pmu_lock);
	module_put(pmu->owner);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_pmu_put);
