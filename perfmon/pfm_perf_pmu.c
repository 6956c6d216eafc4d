// SPDX-License-Identifier: GPL-2.0
/*
 * A logical PMU backed by perf_events: each counter PMD is an in-kernel
 * perf event whose type, config and exclusions come from its PMCs. perf
 * schedules the events; this description works on any machine perf
 * supports, including guests without a hardware PMU (software events).
 *
 * Register map (Documentation/userspace-api/perfmon2.rst):
 *   PMC0-7    PERF_CTLn   bits 0-31 perf type, 32 exclude_user,
 *                         33 exclude_kernel, 34 exclude_hv,
 *                         35 exclude_idle, 63 enable
 *   PMC8-15   PERF_CFGn   perf config of counter n
 *   PMC16-23  PERF_CFG1_n perf config1 of counter n
 *   PMD0-7    PERF_CNTn   64-bit count of counter n
 *
 * Each counter's 64-bit overflow comes from its event's overflow
 * callback; masking freezes the set in software, and a set switch the
 * overflow asks for is made by the core in process context.
 */
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/perfmon_pmu.h>
#include <linux/slab.h>

#include "pfm_perf_pmu.h"
#include "pfm_priv.h"

/*
 * Periods: a counter's perf event is a sampling event whose period ends
 * where its PMD's logical value wraps 64 bits, capped at PFM_PERF_FAR
 * (a value that far from wrapping just re-arms when perf's period ends).
 * perf programs an event's next period before it calls the overflow
 * handler, so a period changed from the handler (a reset to a different
 * value) takes effect one period late; the handler compares the logical
 * value, not perf's period, to decide whether the PMD overflowed, so
 * values stay exact and a constant period (value and reset values equal)
 * is exact as well.
 */
#define PFM_PERF_FAR	BIT_ULL(62)

/**
 * struct pfm_perf_cnt - one counter of a loaded set
 * @event: its perf event, NULL while the counter is disabled
 * @base: perf count of @event when its PMD's software value was last
 *	brought up to date; the live value is value + (count - base)
 * @ip: where an overflow taken in NMI context interrupted, for @nmi_work
 * @in_step: perf's period is known to end where the PMD's value @synced
 *	wraps (or PFM_PERF_FAR from it): no overflow callback, reset or
 *	freeze since perf was last given a period. A start from that value
 *	then needs no new period (perf_event_period() is a cross-call).
 * @synced: the value @in_step is about
 */
struct pfm_perf_cnt {
	struct perf_event	*event;
	u64			base;
	unsigned long		ip;
	bool			in_step;
	u64			synced;
};

/**
 * struct pfm_perf_set - the perf events of one event set while loaded
 * @ctx: the context
 * @set: the set
 * @frozen: monitoring is masked: the software values are the counts and
 *	what perf counts meanwhile is discarded at the next start
 * @nmi_pending: counters whose overflow @nmi_work must process
 * @nmi_work: processes overflows taken in NMI context
 * @cnt: the counters
 *
 * @frozen, the PMD values and the bases are protected by ctx->lock.
 */
struct pfm_perf_set {
	struct pfm_context	*ctx;
	struct pfm_event_set	*set;
	bool			frozen;
	unsigned long		nmi_pending;
	struct irq_work		nmi_work;
	struct pfm_perf_cnt	cnt[PFM_PERF_NUM_COUNTERS];
};

#define PFM_PERF_CTL_RSVD	(~(PFM_PERF_CTL_TYPE | PFM_PERF_CTL_EXCL_USER |	\
				   PFM_PERF_CTL_EXCL_KERNEL | PFM_PERF_CTL_EXCL_HV | \
				   PFM_PERF_CTL_EXCL_IDLE | PFM_PERF_CTL_EN))

#define CTL(n)	PFM_PMC_DESC(PFM_REG_I, "PERF_CTL" #n, 0, PFM_PERF_CTL_RSVD, n)
#define CFG(n)	PFM_PMC_DESC(PFM_REG_I, "PERF_CFG" #n, 0, 0, n)
#define CFG1(n)	PFM_PMC_DESC(PFM_REG_I, "PERF_CFG1_" #n, 0, 0, n)
#define CNT(n)	PFM_PMD_DESC(PFM_REG_I | PFM_REG_C | PFM_REG_INTR, "PERF_CNT" #n, 64, n)

/* In index order: PMC0-7 PERF_CTLn, PMC8-15 PERF_CFGn, PMC16-23 PERF_CFG1_n. */
static const struct pfm_regmap_desc pfm_perf_pmc_desc[] = {
	CTL(0), CTL(1), CTL(2), CTL(3), CTL(4), CTL(5), CTL(6), CTL(7),
	CFG(0), CFG(1), CFG(2), CFG(3), CFG(4), CFG(5), CFG(6), CFG(7),
	CFG1(0), CFG1(1), CFG1(2), CFG1(3), CFG1(4), CFG1(5), CFG1(6), CFG1(7),
};

static const struct pfm_regmap_desc pfm_perf_pmd_desc[] = {
	CNT(0), CNT(1), CNT(2), CNT(3), CNT(4), CNT(5), CNT(6), CNT(7),
};

static_assert(ARRAY_SIZE(pfm_perf_pmd_desc) == PFM_PERF_NUM_COUNTERS);
static_assert(ARRAY_SIZE(pfm_perf_pmc_desc) == 3 * PFM_PERF_NUM_COUNTERS);

/* Only the control register decides what a counter counts. */
static bool pfm_perf_pmc_counts_kernel(unsigned int cnum, u64 val)
{
	return cnum < PFM_PERF_NUM_COUNTERS && (val & PFM_PERF_CTL_EN) &&
	       !(val & PFM_PERF_CTL_EXCL_KERNEL);
}

/*
 * The perf count of @event without sleeping. Events of the current thread
 * or of this CPU are read live; any other event belongs to a thread that
 * is not running (the ABI requires a non-self target to be stopped) or
 * has just been disabled, so its count is at rest. The events are kernel
 * counters: they have no inherited children to add.
 */
static u64 pfm_perf_count_local(struct perf_event *event)
{
	u64 val;

	if (perf_event_read_local(event, &val, NULL, NULL))
		val = local64_read(&event->count);
	return val;
}

/* The perf period that ends where the logical value @val wraps 64 bits. */
static u64 pfm_perf_period(u64 val)
{
	u64 left = -val;

	return left && left <= PFM_PERF_FAR ? left : PFM_PERF_FAR;
}

static void pfm_perf_overflow(struct perf_event *event, struct perf_sample_data *data,
			      struct pt_regs *regs);

/*
 * Give counter @c's event the period of value @val. An overflow callback
 * that runs meanwhile takes the counter out of step again.
 */
static void pfm_perf_set_period(struct pfm_context *ctx, struct pfm_perf_cnt *c, u64 val)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	c->in_step = true;
	c->synced = val;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	perf_event_period(c->event, pfm_perf_period(val));
}

/* Create the event a counter counts with these PMCs, from value @val. */
static struct perf_event *pfm_perf_create(struct pfm_perf_set *ps, u64 ctl,
					  u64 cfg, u64 cfg1, u64 val)
{
	struct pfm_context *ctx = ps->ctx;
	struct perf_event_attr attr = {
		.size		= sizeof(attr),
		.type		= ctl & PFM_PERF_CTL_TYPE,
		.config		= cfg,
		.config1	= cfg1,
		.sample_period	= pfm_perf_period(val),
		.disabled	= 1,
		.exclude_user	= !!(ctl & PFM_PERF_CTL_EXCL_USER),
		.exclude_kernel	= !!(ctl & PFM_PERF_CTL_EXCL_KERNEL),
		.exclude_hv	= !!(ctl & PFM_PERF_CTL_EXCL_HV),
		.exclude_idle	= !!(ctl & PFM_PERF_CTL_EXCL_IDLE),
	};

	if (pfm_ctx_is_sys(ctx))
		return perf_event_create_kernel_counter(&attr, ctx->cpu, NULL,
							pfm_perf_overflow, ps);
	return perf_event_create_kernel_counter(&attr, -1, ctx->task,
						pfm_perf_overflow, ps);
}

static struct perf_event *pfm_perf_create_counter(struct pfm_perf_set *ps,
						  unsigned int n)
{
	struct pfm_event_set *set = ps->set;

	return pfm_perf_create(ps, set->pmcs[n], set->pmcs[PFM_PERF_CFG(n)],
			       set->pmcs[PFM_PERF_CFG1(n)], set->pmds[n].value);
}

/* perf refuses events it cannot count: the PMC values are invalid. */
static int pfm_perf_errno(struct perf_event *event)
{
	return PTR_ERR(event) == -ENOMEM ? -ENOMEM : -EINVAL;
}

static void pfm_perf_release_set(struct pfm_perf_set *ps)
{
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++)
		if (ps->cnt[n].event)
			perf_event_release_kernel(ps->cnt[n].event);
	/* no callback can queue it any more */
	irq_work_sync(&ps->nmi_work);
	kfree(ps);
}

static void pfm_perf_nmi_work(struct irq_work *work);

static int pfm_perf_load(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps;
	struct perf_event *event;
	unsigned int n;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	ps->ctx = ctx;
	ps->set = set;
	init_irq_work(&ps->nmi_work, pfm_perf_nmi_work);
	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		if (!(set->pmcs[n] & PFM_PERF_CTL_EN))
			continue;
		event = pfm_perf_create_counter(ps, n);
		if (IS_ERR(event)) {
			pfm_perf_release_set(ps);
			return pfm_perf_errno(event);
		}
		ps->cnt[n].event = event;
		ps->cnt[n].in_step = true;
		ps->cnt[n].synced = set->pmds[n].value;
	}
	set->pmu_data = ps;
	return 0;
}

static void pfm_perf_unload(struct pfm_context *ctx, struct pfm_event_set *set)
{
	pfm_perf_release_set(set->pmu_data);
	set->pmu_data = NULL;
}

/*
 * Count from the set's values: rebase every counter (what perf counted
 * while the set was frozen is dropped), give perf the periods the values
 * call for unless it is still in step with them, and enable the events.
 */
static void pfm_perf_start(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps = set->pmu_data;
	unsigned long flags, stale = 0;
	struct pfm_perf_cnt *c;
	unsigned int n;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		c = &ps->cnt[n];
		if (!c->event)
			continue;
		c->base = pfm_perf_count_local(c->event);
		if (ps->frozen || !c->in_step || c->synced != set->pmds[n].value)
			__set_bit(n, &stale);
	}
	ps->frozen = false;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		c = &ps->cnt[n];
		if (!c->event)
			continue;
		if (test_bit(n, &stale))
			pfm_perf_set_period(ctx, c, set->pmds[n].value);
		perf_event_enable(c->event);
	}
}

/*
 * Bring the software value of counter @n up to date (ctx->lock held).
 * perf's period moved on by the same count, so a counter in step stays so.
 */
static void __pfm_perf_sync(struct pfm_perf_set *ps, unsigned int n, u64 count)
{
	struct pfm_perf_cnt *c = &ps->cnt[n];

	if (!ps->frozen)
		ps->set->pmds[n].value += count - c->base;
	c->base = count;
	c->synced = ps->set->pmds[n].value;
}

static void pfm_perf_stop(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps = set->pmu_data;
	u64 counts[PFM_PERF_NUM_COUNTERS];
	unsigned long flags;
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		if (!ps->cnt[n].event)
			continue;
		perf_event_disable(ps->cnt[n].event);
		counts[n] = pfm_perf_count_local(ps->cnt[n].event);
	}
	raw_spin_lock_irqsave(&ctx->lock, flags);
	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++)
		if (ps->cnt[n].event)
			__pfm_perf_sync(ps, n, counts[n]);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

static u64 pfm_perf_read_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum)
{
	struct pfm_perf_set *ps = set->pmu_data;
	struct pfm_perf_cnt *c = &ps->cnt[cnum];
	unsigned long flags;
	u64 val;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	val = set->pmds[cnum].value;
	if (c->event && !ps->frozen)
		val += pfm_perf_count_local(c->event) - c->base;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return val;
}

/*
 * The core leaves the value of a live PMD to this description: it is
 * stored here with the new base, so that the overflow callback never
 * sees one without the other.
 */
static void pfm_perf_write_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			       unsigned int cnum, u64 val)
{
	struct pfm_perf_set *ps = set->pmu_data;
	struct pfm_perf_cnt *c = &ps->cnt[cnum];
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	set->pmds[cnum].value = val;
	if (c->event)
		c->base = pfm_perf_count_local(c->event);
	__pfm_view_update(ctx, set);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (c->event)
		pfm_perf_set_period(ctx, c, val);
}

/*
 * A PMC of a loaded set changes: the counter's event is replaced, its
 * count so far kept in the PMD. The new event is created first so that a
 * value perf refuses leaves the old event in place.
 */
static int pfm_perf_write_pmc(struct pfm_context *ctx, struct pfm_event_set *set,
			      unsigned int cnum, u64 val)
{
	struct pfm_perf_set *ps = set->pmu_data;
	unsigned int n = cnum % PFM_PERF_NUM_COUNTERS;
	u64 pmcs[3] = { set->pmcs[n], set->pmcs[PFM_PERF_CFG(n)],
			set->pmcs[PFM_PERF_CFG1(n)] };
	struct perf_event *event = NULL, *old = ps->cnt[n].event;
	unsigned long flags;

	pmcs[cnum / PFM_PERF_NUM_COUNTERS] = val;
	if (pmcs[0] & PFM_PERF_CTL_EN) {
		event = pfm_perf_create(ps, pmcs[0], pmcs[1], pmcs[2], set->pmds[n].value);
		if (IS_ERR(event))
			return pfm_perf_errno(event);
	}
	raw_spin_lock_irqsave(&ctx->lock, flags);
	if (old)
		__pfm_perf_sync(ps, n, pfm_perf_count_local(old));
	ps->cnt[n].event = event;
	ps->cnt[n].base = 0;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (old)
		perf_event_release_kernel(old);
	if (event) {
		pfm_perf_set_period(ctx, &ps->cnt[n], set->pmds[n].value);
		if (ctx->started && ctx->state == PFM_CTX_LOADED)
			perf_event_enable(event);
	}
	return 0;
}

/* Overflow path: freeze the set; its values become the counts. */
static void pfm_perf_intr_stop(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps = set->pmu_data;
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		if (!ps->cnt[n].event)
			continue;
		__pfm_perf_sync(ps, n, pfm_perf_count_local(ps->cnt[n].event));
		ps->cnt[n].in_step = false;
	}
	ps->frozen = true;
}

/*
 * Overflow path: PMD @cnum was reset. Its next period is set directly in
 * the event, as perf's own frequency adjustment does from its interrupt;
 * perf_event_period() may sleep.
 */
static void pfm_perf_intr_reset(struct pfm_context *ctx, struct pfm_event_set *set,
				unsigned int cnum, u64 val)
{
	struct pfm_perf_cnt *c = &((struct pfm_perf_set *)set->pmu_data)->cnt[cnum];

	if (!c->event)
		return;
	c->base = pfm_perf_count_local(c->event);
	c->event->hw.sample_period = pfm_perf_period(val);
	c->in_step = false;
}

/* Overflow path: a live value for a sampling format. */
static u64 pfm_perf_intr_read(struct pfm_context *ctx, struct pfm_event_set *set,
			      unsigned int cnum)
{
	struct pfm_perf_set *ps = set->pmu_data;
	struct pfm_perf_cnt *c = &ps->cnt[cnum];

	if (!c->event || ps->frozen)
		return set->pmds[cnum].value;
	return set->pmds[cnum].value + pfm_perf_count_local(c->event) - c->base;
}

/*
 * perf's period for counter @n ended: if the PMD's logical value wrapped
 * 64 bits, fold the count and hand the overflow to the core; if not,
 * give perf the rest of the way as its next period.
 */
static void pfm_perf_ovfl_one(struct pfm_perf_set *ps, unsigned int n, unsigned long ip)
{
	struct pfm_context *ctx = ps->ctx;
	struct pfm_perf_cnt *c = &ps->cnt[n];
	struct pfm_pmd *pmd = &ps->set->pmds[n];
	u64 wrapped[PFM_HW_PMD_BV] = { }, count, delta;
	unsigned long flags;
	bool ovfl = false;

	local_irq_save(flags);
	raw_spin_lock(&ctx->lock);
	/* perf started its next period: not necessarily the one wanted */
	c->in_step = false;
	if (!ps->frozen && c->event && !perf_event_read_local(c->event, &count, NULL, NULL)) {
		delta = count - c->base;
		ovfl = pmd->value && delta >= -pmd->value;
		if (ovfl) {
			pmd->value += delta;
			c->base = count;
		} else {
			c->event->hw.sample_period = pfm_perf_period(pmd->value + delta);
		}
	}
	raw_spin_unlock(&ctx->lock);
	if (ovfl) {
		wrapped[n / 64] = BIT_ULL(n % 64);
		pfm_overflow(ctx, ps->set, wrapped, ip);
	}
	local_irq_restore(flags);
}

static void pfm_perf_nmi_work(struct irq_work *work)
{
	struct pfm_perf_set *ps = container_of(work, struct pfm_perf_set, nmi_work);
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++)
		if (test_and_clear_bit(n, &ps->nmi_pending))
			pfm_perf_ovfl_one(ps, n, READ_ONCE(ps->cnt[n].ip));
}

/*
 * perf's overflow callback. Hardware PMUs call it in NMI context, where
 * ctx->lock cannot be taken: the overflow is then processed from an
 * irq_work on the same CPU.
 */
static void pfm_perf_overflow(struct perf_event *event, struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	struct pfm_perf_set *ps = event->overflow_handler_context;
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++)
		if (READ_ONCE(ps->cnt[n].event) == event)
			break;
	if (n == PFM_PERF_NUM_COUNTERS)
		return;		/* replaced by a PMC write */
	if (in_nmi()) {
		WRITE_ONCE(ps->cnt[n].ip, instruction_pointer(regs));
		set_bit(n, &ps->nmi_pending);
		irq_work_queue(&ps->nmi_work);
		return;
	}
	pfm_perf_ovfl_one(ps, n, instruction_pointer(regs));
}

static const struct pfm_pmu_ops pfm_perf_ops = {
	.pmc_counts_kernel	= pfm_perf_pmc_counts_kernel,
	.load			= pfm_perf_load,
	.unload			= pfm_perf_unload,
	.start			= pfm_perf_start,
	.stop			= pfm_perf_stop,
	.read_pmd		= pfm_perf_read_pmd,
	.write_pmd		= pfm_perf_write_pmd,
	.write_pmc		= pfm_perf_write_pmc,
	.intr_stop		= pfm_perf_intr_stop,
	.intr_reset		= pfm_perf_intr_reset,
	.intr_read		= pfm_perf_intr_read,
};

static struct pfm_pmu pfm_perf_pmu = {
	.model		= "perf_events",
	.owner		= THIS_MODULE,
	.pmc_desc	= pfm_perf_pmc_desc,
	.num_pmc_desc	= ARRAY_SIZE(pfm_perf_pmc_desc),
	.pmd_desc	= pfm_perf_pmd_desc,
	.num_pmd_desc	= ARRAY_SIZE(pfm_perf_pmd_desc),
	.ops		= &pfm_perf_ops,
};

static int __init pfm_perf_pmu_init(void)
{
	return pfm_pmu_register(&pfm_perf_pmu);
}

static void __exit pfm_perf_pmu_exit(void)
{
	pfm_pmu_unregister(&pfm_perf_pmu);
}

module_init(pfm_perf_pmu_init);
module_exit(pfm_perf_pmu_exit);

MODULE_DESCRIPTION("perfmon2 logical PMU backed by perf_events");
MODULE_LICENSE("GPL");
MODULE_ALIAS("pfm-pmu");
