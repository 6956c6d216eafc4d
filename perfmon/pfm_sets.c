// SPDX-License-Identifier: GPL-2.0
/*
 * Event sets: allocation, lookup, and pfm_create_evtsets(),
 * pfm_getinfo_evtsets(), pfm_delete_evtsets().
 *
 * A context's sets are kept in ctx->sets by increasing id; set 0 always
 * exists. The list changes only in UNLOADED state, under ctx->mutex.
 */
#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pfm_priv.h"

#define PFM_SETFL_ALL	(PFM_SETFL_OVFL_SWITCH | PFM_SETFL_TIME_SWITCH | PFM_SETFL_EXPL_NEXT)

/**
 * pfm_set_alloc - allocate a set with default PMCs and zero PMDs
 * @pmu: the PMU description (sizes the register arrays)
 * @id: set id
 * @view: give it a set view (PFM_FL_MAP_SETS)
 *
 * Context: process context; may sleep.
 * Return: the set, or NULL.
 */
struct pfm_event_set *pfm_set_alloc(struct pfm_pmu *pmu, u16 id, bool view)
{
	struct pfm_event_set *set;
	size_t size;

	size = sizeof(*set) + pmu->max_pmd * sizeof(struct pfm_pmd) +
	       pmu->max_pmc * sizeof(u64);
	set = kzalloc(size, GFP_KERNEL);
	if (!set)
		return NULL;
	/* PMD state first: it is what switches and reads touch most. */
	set->pmds = (struct pfm_pmd *)(set + 1);
	set->pmcs = (u64 *)(set->pmds + pmu->max_pmd);
	set->id = id;
	INIT_LIST_HEAD(&set->list);
	pfm_set_reset_pmcs(pmu, set);
	if (view && pfm_view_alloc(set)) {
		kfree(set);
		return NULL;
	}
	return set;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_set_alloc);

/**
 * pfm_set_free - free a set that is on no list
 * @set: the set
 */
void pfm_set_free(struct pfm_event_set *set)
{
	pfm_view_free(set);
	kfree(set);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_set_free);

/**
 * pfm_set_reset_pmcs - give every PMC of a set its default value, unused
 * @pmu: the PMU description
 * @set: the set
 */
void pfm_set_reset_pmcs(struct pfm_pmu *pmu, struct pfm_event_set *set)
{
	unsigned int i;

	for (i = 0; i < pmu->max_pmc; i++)
		set->pmcs[i] = pmu->pmc_desc[i].dfl_val;
	memset(set->used_pmcs, 0, sizeof(set->used_pmcs));
}

/**
 * pfm_set_find - look up a set by id
 * @ctx: the context
 * @id: the set id
 *
 * Context: ctx->mutex or ctx->sets_lock held (the active set is always
 * one of the listed sets).
 * Return: the set, or NULL.
 */
struct pfm_event_set *pfm_set_find(struct pfm_context *ctx, u16 id)
{
	struct pfm_event_set *set;

	if (ctx->active_set && ctx->active_set->id == id)
		return ctx->active_set;
	list_for_each_entry(set, &ctx->sets, list) {
		if (set->id == id)
			return set;
		if (set->id > id)
			break;
	}
	return NULL;
}

/**
 * pfm_set_link - resolve the next set of every set, for a load
 * @ctx: the context
 *
 * The next set of a set is its set_id_next with PFM_SETFL_EXPL_NEXT, or
 * else the next higher id, wrapping to the lowest (round robin).
 *
 * Context: ctx->mutex held, context UNLOADED.
 * Return: 0, or -EINVAL when an explicit next set does not exist.
 */
int pfm_set_link(struct pfm_context *ctx)
{
	struct pfm_event_set *set, *first;

	lockdep_assert_held(&ctx->mutex);
	first = list_first_entry(&ctx->sets, struct pfm_event_set, list);
	list_for_each_entry(set, &ctx->sets, list) {
		if (set->flags & PFM_SETFL_EXPL_NEXT)
			set->next = pfm_set_find(ctx, set->id_next);
		else if (list_is_last(&set->list, &ctx->sets))
			set->next = first;
		else
			set->next = list_next_entry(set, list);
		if (!set->next)
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_set_link);

/**
 * __pfm_set_activate - make a set the active set, in software
 * @ctx: a loaded context whose counters are stopped and saved
 * @set: the set
 * @long_resets: apply the set's pending resets with long values (restart,
 *	start) rather than short ones (timeout, interrupt)
 *
 * Counts a run, reloads the overflow-switch counts and applies the
 * pending resets; the caller then installs the set in the PMU.
 *
 * Context: ctx->lock held, interrupts disabled.
 */
void __pfm_set_activate(struct pfm_context *ctx, struct pfm_event_set *set,
			bool long_resets)
{
	unsigned long *cnt = (unsigned long *)ctx->pmu->cnt_pmds;
	struct pfm_event_set *prev = ctx->active_set;
	unsigned int n;

	lockdep_assert_held(&ctx->lock);
	ctx->active_set = set;
	ctx->switch_deferred = false;
	ctx->timer_left = set->timeout;
	set->runs++;
	for_each_set_bit(n, cnt, ctx->pmu->max_pmd)
		set->pmds[n].switch_left = set->pmds[n].ovfl_switch_cnt;
	__pfm_set_apply_resets(ctx, set, long_resets, false);
	if (prev != set)
		__pfm_view_update(ctx, prev);
	__pfm_view_update(ctx, set);
}

/*
 * Time-based switching. The timer of the active set runs exactly while
 * its duration interval is open (started, not masked, and per-thread on
 * a CPU), pinned to that CPU; ctx->timer_left keeps what is left of the
 * timeout while it is stopped, and a set that becomes active starts
 * with its whole timeout.
 */
static enum hrtimer_restart pfm_switch_timer_fn(struct hrtimer *timer)
{
	struct pfm_context *ctx = container_of(timer, struct pfm_context, switch_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	/* not cancelled in time, or already armed again for later */
	if (!ctx->timer_armed || hrtimer_is_queued(timer))
		goto out_unlock;
	ctx->timer_armed = false;
	ctx->timer_left = 0;
	if (ctx->state == PFM_CTX_LOADED && ctx->started)
		__pfm_switch_next_intr(ctx);
out_unlock:
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return HRTIMER_NORESTART;
}

/**
 * pfm_timer_init_ctx - prepare the switch timer of a new context
 * @ctx: the context
 */
void pfm_timer_init_ctx(struct pfm_context *ctx)
{
	hrtimer_init(&ctx->switch_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	ctx->switch_timer.function = pfm_switch_timer_fn;
}

/**
 * __pfm_timer_arm - run the active set's switch timer on this CPU
 * @ctx: the context, whose duration interval just opened
 *
 * Context: ctx->lock held, interrupts disabled.
 */
void __pfm_timer_arm(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->lock);
	if (!(ctx->active_set->flags & PFM_SETFL_TIME_SWITCH))
		return;
	ctx->timer_armed = true;
	hrtimer_start(&ctx->switch_timer, ns_to_ktime(ctx->timer_left),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/**
 * __pfm_timer_disarm - stop the switch timer, keeping what is left
 * @ctx: the context, whose duration interval just closed
 * @elapsed: ns the interval lasted
 *
 * A callback already running finds the timer disarmed and does nothing.
 *
 * Context: ctx->lock held, interrupts disabled.
 */
void __pfm_timer_disarm(struct pfm_context *ctx, u64 elapsed)
{
	lockdep_assert_held(&ctx->lock);
	if (!ctx->timer_armed)
		return;
	ctx->timer_armed = false;
	/* expired but not yet handled: switch as soon as it runs again */
	ctx->timer_left = elapsed < ctx->timer_left ? ctx->timer_left - elapsed : 1;
	hrtimer_try_to_cancel(&ctx->switch_timer);
}

/**
 * __pfm_set_timeout_left - set_timeout of pfm_getinfo_evtsets()
 * @ctx: the context
 * @set: the set
 *
 * Context: ctx->lock held.
 * Return: 0 for a set without PFM_SETFL_TIME_SWITCH; for the active set
 * of a loaded context, the ns left before its switch; else the timeout.
 */
u64 __pfm_set_timeout_left(struct pfm_context *ctx, struct pfm_event_set *set)
{
	u64 left = ctx->timer_left, ran;

	lockdep_assert_held(&ctx->lock);
	if (!(set->flags & PFM_SETFL_TIME_SWITCH))
		return 0;
	if (!pfm_ctx_is_loaded(ctx) || set != ctx->active_set)
		return set->timeout;
	if (ctx->timer_armed) {
		ran = local_clock() - set->duration_start;
		left = ran < left ? left - ran : 0;
	}
	return left;
}

/* The set view cookie: (PFM_SET_REMAP_OFFS + id) pages, with MAP_SETS. */
static u64 pfm_set_mmap_offset(struct pfm_context *ctx, struct pfm_event_set *set)
{
	if (!(ctx->flags & PFM_FL_MAP_SETS))
		return 0;
	return ((u64)PFM_SET_REMAP_OFFS + set->id) << PAGE_SHIFT;
}

/**
 * pfm_set_round_timeout - the effective switch timeout of a request
 * @ns: the requested timeout
 *
 * Return: @ns rounded up to whole timer ticks, or 0 for a request of 0
 * or one whose rounded value is beyond what a timer can wait (KTIME_MAX
 * ns).
 */
VISIBLE_IF_KUNIT u64 pfm_set_round_timeout(u64 ns)
{
	u64 ticks = div64_u64(ns, TICK_NSEC);

	if (ticks * TICK_NSEC != ns)
		ticks++;
	if (ticks > div64_u64(KTIME_MAX, TICK_NSEC))
		return 0;
	return ticks * TICK_NSEC;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_set_round_timeout);

/* Link a new set in id order (ctx->mutex held; takes ctx->sets_lock). */
static void pfm_set_insert(struct pfm_context *ctx, struct pfm_event_set *new)
{
	struct list_head *pos = &ctx->sets;
	struct pfm_event_set *set;

	list_for_each_entry(set, &ctx->sets, list) {
		if (set->id > new->id) {
			pos = &set->list;
			break;
		}
	}
	spin_lock(&ctx->sets_lock);
	list_add_tail(&new->list, pos);
	spin_unlock(&ctx->sets_lock);
}

static int pfm_create_set(struct pfm_context *ctx, struct pfarg_setdesc *req)
{
	u32 flags = req->set_flags & 0xffff;
	struct pfm_event_set *set;
	u64 timeout = 0;

	if (flags & ~PFM_SETFL_ALL)
		return -EINVAL;
	if ((flags & PFM_SETFL_TIME_SWITCH) && (flags & PFM_SETFL_OVFL_SWITCH))
		return -EINVAL;
	if (flags & PFM_SETFL_TIME_SWITCH) {
		timeout = pfm_set_round_timeout(req->set_timeout);
		if (!timeout)
			return -EINVAL;
	}
	set = pfm_set_find(ctx, req->set_id);
	if (!set) {
		set = pfm_set_alloc(ctx->pmu, req->set_id, ctx->flags & PFM_FL_MAP_SETS);
		if (!set)
			return -ENOMEM;
		pfm_set_insert(ctx, set);
	} else {
		pfm_set_reset_pmcs(ctx->pmu, set);
	}
	set->flags = flags;
	set->id_next = req->set_id_next;
	set->timeout = timeout;
	req->set_timeout = timeout;
	req->set_mmap_offset = pfm_set_mmap_offset(ctx, set);
	return 0;
}

/* Bit 30 on the failing entry, bits 24-31 cleared on the others. */
static void pfm_set_retflags(u32 *flags, int err)
{
	*flags &= 0x00ffffff;
	if (err)
		*flags |= PFM_REG_RETFL_EINVAL;
}

/**
 * __pfm_create_evtsets - pfm_create_evtsets() on a locked context
 * @ctx: the context, UNLOADED
 * @vec: the vector of struct pfarg_setdesc
 * @count: entries
 *
 * Creates each set, or redefines it: flags, next set and timeout are
 * replaced and every PMC of the set gets its default again.
 *
 * Context: ctx->mutex held.
 * Return: 0, -EINVAL at the first invalid entry, -ENOMEM.
 */
int __pfm_create_evtsets(struct pfm_context *ctx, void *vec, int count)
{
	struct pfarg_setdesc *req = vec;
	int i, ret;

	lockdep_assert_held(&ctx->mutex);
	for (i = 0; i < count; i++) {
		ret = pfm_create_set(ctx, &req[i]);
		pfm_set_retflags(&req[i].set_flags, ret == -EINVAL);
		if (ret)
			return ret;
	}
	return 0;
}

static void pfm_getinfo_set(struct pfm_context *ctx, struct pfm_event_set *set,
			    struct pfarg_setinfo *req)
{
	struct pfm_pmu *pmu = ctx->pmu;
	unsigned long flags;

	req->set_id_next = set->id_next;
	req->set_flags = set->flags;
	/* the interrupt path switches sets and records overflows */
	raw_spin_lock_irqsave(&ctx->lock, flags);
	memcpy(req->set_ovfl_pmds, set->ovfl_pmds, sizeof(req->set_ovfl_pmds));
	req->set_runs = set->runs;
	req->set_timeout = __pfm_set_timeout_left(ctx, set);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	req->set_act_duration = pfm_set_duration(ctx, set);
	req->set_mmap_offset = pfm_set_mmap_offset(ctx, set);
	memcpy(req->set_avail_pmcs, pmu->impl_pmcs, sizeof(req->set_avail_pmcs));
	memcpy(req->set_avail_pmds, pmu->impl_pmds, sizeof(req->set_avail_pmds));
}

/**
 * __pfm_getinfo_evtsets - pfm_getinfo_evtsets() on a locked context
 * @ctx: the context
 * @vec: the vector of struct pfarg_setinfo
 * @count: entries
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL at the first set that does not exist.
 */
int __pfm_getinfo_evtsets(struct pfm_context *ctx, void *vec, int count)
{
	struct pfarg_setinfo *req = vec;
	struct pfm_event_set *set;
	int i;

	lockdep_assert_held(&ctx->mutex);
	for (i = 0; i < count; i++) {
		set = pfm_set_find(ctx, req[i].set_id);
		if (!set) {
			pfm_set_retflags(&req[i].set_flags, 1);
			return -EINVAL;
		}
		pfm_getinfo_set(ctx, set, &req[i]);
	}
	return 0;
}

/**
 * __pfm_delete_evtsets - pfm_delete_evtsets() on a locked context
 * @ctx: the context, UNLOADED
 * @vec: the vector of struct pfarg_setdesc (only set_id is read)
 * @count: entries
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL at set 0 or at a set that does not exist;
 * earlier deletions stay.
 */
int __pfm_delete_evtsets(struct pfm_context *ctx, void *vec, int count)
{
	struct pfarg_setdesc *req = vec;
	struct pfm_event_set *set;
	int i;

	lockdep_assert_held(&ctx->mutex);
	for (i = 0; i < count; i++) {
		set = req[i].set_id ? pfm_set_find(ctx, req[i].set_id) : NULL;
		pfm_set_retflags(&req[i].set_flags, !set);
		if (!set)
			return -EINVAL;
		if (ctx->active_set == set)
			ctx->active_set = list_first_entry(&ctx->sets, struct pfm_event_set, list);
		spin_lock(&ctx->sets_lock);
		list_del(&set->list);
		spin_unlock(&ctx->sets_lock);
		pfm_set_free(set);
	}
	return 0;
}
