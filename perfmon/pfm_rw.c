// SPDX-License-Identifier: GPL-2.0
/*
 * Register access: pfm_write_pmcs(), pfm_write_pmds(), pfm_read_pmds().
 *
 * Entries are processed in order and processing stops at the first
 * invalid one, which gets exactly one error bit in reg_flags; earlier
 * entries stay applied. All functions here run with ctx->mutex held.
 */
#include <linux/bitmap.h>
#include <linux/capability.h>

#include "pfm_priv.h"

/* Flag bits a caller may pass; bits 24-31 are ignored on input. */
#define PFM_REGFL_IN_MASK	0x00ffffffU
#define PFM_PMD_FLAGS		(PFM_REGFL_OVFL_NOTIFY | PFM_REGFL_RANDOM)

/* Is every bit of @bv (PFM_PMD_BV words) also in @allowed? */
static bool pfm_bv_subset(const u64 *bv, const u64 *allowed)
{
	unsigned int i;

	for (i = 0; i < PFM_PMD_BV; i++)
		if (bv[i] & ~allowed[i])
			return false;
	return true;
}

/* Success clears bits 24-31; failure keeps bits 0-23 and sets one bit. */
static inline u32 pfm_retflags(u32 in, u32 err)
{
	return (in & PFM_REGFL_IN_MASK) | err;
}

/**
 * pfm_pmc_value - the value a PMC write installs
 * @d: the PMC's description
 * @val: the value written
 *
 * Return: @val with its reserved bits replaced by the default's.
 */
VISIBLE_IF_KUNIT u64 pfm_pmc_value(const struct pfm_regmap_desc *d, u64 val)
{
	return (val & ~d->rsvd_msk) | (d->dfl_val & d->rsvd_msk);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_pmc_value);

/*
 * Does the PMU description hold part of PMD @cnum of @set (a counter of
 * the active set of a loaded context)?
 */
static bool pfm_pmd_is_live(struct pfm_context *ctx, struct pfm_event_set *set,
			    unsigned int cnum)
{
	return pfm_ctx_is_loaded(ctx) && set == ctx->active_set &&
	       pfm_bv_test(ctx->pmu->cnt_pmds, cnum);
}

/*
 * Kernel-level counting follows perf's policy: perf_event_paranoid <= 1
 * or CAP_PERFMON (CAP_SYS_ADMIN is accepted by perfmon_capable()).
 */
static bool pfm_may_count_kernel(void)
{
	return pfm_perf_paranoid() <= 1 || perfmon_capable();
}

static u32 pfm_write_pmc(struct pfm_context *ctx, void *entry, int *ret)
{
	struct pfarg_pmc *req = entry;
	struct pfm_pmu *pmu = ctx->pmu;
	const struct pfm_regmap_desc *d;
	struct pfm_event_set *set;
	unsigned int cnum = req->reg_num;
	u32 flags = req->reg_flags & PFM_REGFL_IN_MASK;
	u64 val;

	if (cnum >= pmu->max_pmc || !pfm_bv_test(pmu->impl_pmcs, cnum))
		return PFM_REG_RETFL_NOTAVAIL;
	set = pfm_set_find(ctx, req->reg_set);
	if (!set)
		return PFM_REG_RETFL_NOSET;
	d = &pmu->pmc_desc[cnum];
	if (flags & ~PFM_REGFL_NO_EMUL64)
		return PFM_REG_RETFL_EINVAL;
	/* No description offers unvirtualized counters yet. */
	if ((flags & PFM_REGFL_NO_EMUL64) && !(d->type & PFM_REG_NO64))
		return PFM_REG_RETFL_EINVAL;
	val = pfm_pmc_value(d, req->reg_value);
	if (pmu->ops->pmc_check && pmu->ops->pmc_check(cnum, &val))
		return PFM_REG_RETFL_EINVAL;
	if (pmu->ops->pmc_counts_kernel(cnum, val) && !pfm_may_count_kernel()) {
		*ret = -EPERM;
		return PFM_REG_RETFL_EINVAL;
	}
	if (pfm_ctx_is_loaded(ctx) && set == ctx->active_set &&
	    pmu->ops->write_pmc(ctx, set, cnum, val))
		return PFM_REG_RETFL_EINVAL;
	set->pmcs[cnum] = val;
	__set_bit(cnum, (unsigned long *)set->used_pmcs);
	return 0;
}

/* The PMD and set an entry names, or the entry's error bit. */
static u32 pfm_pmd_lookup(struct pfm_context *ctx, struct pfarg_pmd *req,
			  struct pfm_event_set **set)
{
	struct pfm_pmu *pmu = ctx->pmu;

	if (req->reg_num >= pmu->max_pmd || !pfm_bv_test(pmu->impl_pmds, req->reg_num))
		return PFM_REG_RETFL_NOTAVAIL;
	*set = pfm_set_find(ctx, req->reg_set);
	return *set ? 0 : PFM_REG_RETFL_NOSET;
}

/*
 * Install a PMD write. The overflow path changes the values and pending
 * resets of the active set under ctx->lock, so a live PMD is written
 * under it too; descriptions without PFM_PMU_ATOMIC_OPS store a live
 * value in their write_pmd, ordered against their overflow callback.
 */
static void pfm_pmd_store(struct pfm_context *ctx, struct pfm_event_set *set,
			  unsigned int cnum, const struct pfarg_pmd *req)
{
	struct pfm_pmu *pmu = ctx->pmu;
	bool atomic = pmu->flags & PFM_PMU_ATOMIC_OPS;
	bool live = pfm_pmd_is_live(ctx, set, cnum) && pfm_bv_test(pmu->rw_pmds, cnum);
	struct pfm_pmd *pmd = &set->pmds[cnum];
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	/* a live value of such a description is stored by its write_pmd */
	if (!live || atomic)
		pmd->value = req->reg_value;
	pmd->lval = req->reg_value;
	pmd->short_reset = req->reg_short_reset;
	pmd->long_reset = req->reg_long_reset;
	pmd->ovfl_switch_cnt = req->reg_ovfl_switch_cnt;
	pmd->switch_left = req->reg_ovfl_switch_cnt;
	pmd->random_mask = req->reg_random_mask;
	pmd->smpl_eventid = req->reg_smpl_eventid;
	pmd->flags = req->reg_flags & PFM_PMD_FLAGS;
	memcpy(pmd->reset_pmds, req->reg_reset_pmds, sizeof(pmd->reset_pmds));
	memcpy(pmd->smpl_pmds, req->reg_smpl_pmds, sizeof(pmd->smpl_pmds));
	/* a write discards the PMD's pending overflow */
	__clear_bit(cnum, (unsigned long *)set->reset_pending);
	if (live && atomic)
		pmu->ops->write_pmd(ctx, set, cnum, req->reg_value);
	__pfm_view_update(ctx, set);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (live && !atomic)
		pmu->ops->write_pmd(ctx, set, cnum, req->reg_value);
}

static u32 pfm_write_pmd(struct pfm_context *ctx, void *entry, int *ret)
{
	struct pfarg_pmd *req = entry;
	struct pfm_pmu *pmu = ctx->pmu;
	unsigned int cnum = req->reg_num;
	u32 flags = req->reg_flags & PFM_REGFL_IN_MASK;
	struct pfm_event_set *set;
	u32 err;

	err = pfm_pmd_lookup(ctx, req, &set);
	if (err)
		return err;
	if (flags & ~PFM_PMD_FLAGS)
		return PFM_REG_RETFL_EINVAL;
	if ((flags & PFM_PMD_FLAGS) && !pfm_bv_test(pmu->cnt_pmds, cnum))
		return PFM_REG_RETFL_EINVAL;
	if (!pfm_bv_subset(req->reg_smpl_pmds, pmu->impl_pmds) ||
	    !pfm_bv_subset(req->reg_reset_pmds, pmu->rw_pmds))
		return PFM_REG_RETFL_EINVAL;

	pfm_pmd_store(ctx, set, cnum, req);
	return 0;
}

static u32 pfm_read_pmd(struct pfm_context *ctx, void *entry, int *ret)
{
	struct pfarg_pmd *req = entry;
	struct pfm_pmu *pmu = ctx->pmu;
	unsigned int cnum = req->reg_num;
	struct pfm_event_set *set;
	struct pfm_pmd *pmd;
	u32 err;

	err = pfm_pmd_lookup(ctx, req, &set);
	if (err)
		return err;
	pmd = &set->pmds[cnum];
	if (pfm_pmd_is_live(ctx, set, cnum))
		req->reg_value = pmu->ops->read_pmd(ctx, set, cnum);
	else
		req->reg_value = pmd->value;
	req->reg_last_reset_val = pmd->lval;
	req->reg_long_reset = pmd->long_reset;
	req->reg_short_reset = pmd->short_reset;
	req->reg_ovfl_switch_cnt = pmd->switch_left;
	return 0;
}

/**
 * struct pfm_reg_op - one register call
 * @esize: size of an entry (struct pfarg_pmc or struct pfarg_pmd)
 * @fn: processes one entry; returns its error bit (0 on success) and may
 *	set *ret to the call's errno when that is not EINVAL
 */
struct pfm_reg_op {
	size_t	esize;
	u32	(*fn)(struct pfm_context *ctx, void *entry, int *ret);
};

static const struct pfm_reg_op pfm_op_write_pmcs = { sizeof(struct pfarg_pmc), pfm_write_pmc };
static const struct pfm_reg_op pfm_op_write_pmds = { sizeof(struct pfarg_pmd), pfm_write_pmd };
static const struct pfm_reg_op pfm_op_read_pmds = { sizeof(struct pfarg_pmd), pfm_read_pmd };

/*
 * Run @op on each entry of a register vector (both entry types have
 * reg_flags at offset 4) until one fails.
 */
static int pfm_process_regs(struct pfm_context *ctx, void *vec, int count,
			    const struct pfm_reg_op *op)
{
	u32 *flags, err;
	int i, ret;

	lockdep_assert_held(&ctx->mutex);
	for (i = 0; i < count; i++) {
		void *entry = vec + i * op->esize;

		ret = -EINVAL;
		err = op->fn(ctx, entry, &ret);
		flags = entry + offsetof(struct pfarg_pmc, reg_flags);
		*flags = pfm_retflags(*flags, err);
		if (err)
			return ret;
	}
	return 0;
}

static_assert(offsetof(struct pfarg_pmc, reg_flags) == offsetof(struct pfarg_pmd, reg_flags));

/**
 * __pfm_write_pmcs - pfm_write_pmcs() on a locked context
 * @ctx: the context
 * @req: the vector of struct pfarg_pmc
 * @count: entries
 *
 * Context: ctx->mutex held.
 * Return: 0, -EINVAL at the first invalid entry, -EPERM if that entry
 * asked for kernel-level counting without the privilege.
 */
int __pfm_write_pmcs(struct pfm_context *ctx, void *req, int count)
{
	return pfm_process_regs(ctx, req, count, &pfm_op_write_pmcs);
}

/**
 * __pfm_write_pmds - pfm_write_pmds() on a locked context
 * @ctx: the context
 * @req: the vector of struct pfarg_pmd
 * @count: entries
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL at the first invalid entry.
 */
int __pfm_write_pmds(struct pfm_context *ctx, void *req, int count)
{
	return pfm_process_regs(ctx, req, count, &pfm_op_write_pmds);
}

/**
 * __pfm_read_pmds - pfm_read_pmds() on a locked context
 * @ctx: the context
 * @req: the vector of struct pfarg_pmd
 * @count: entries
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL at the first invalid entry.
 */
int __pfm_read_pmds(struct pfm_context *ctx, void *req, int count)
{
	return pfm_process_regs(ctx, req, count, &pfm_op_read_pmds);
}
