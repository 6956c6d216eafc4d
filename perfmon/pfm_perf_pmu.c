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
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/perfmon_pmu.h>
#include <linux/slab.h>

#include "pfm_perf_pmu.h"
#include "pfm_priv.h"

/**
 * struct pfm_perf_set - the perf events of one event set while loaded
 * @events: the event of each enabled counter, NULL for the others
 * @base: perf count of each event when its PMD's software value was last
 *	brought up to date; the live value is value + (count - base)
 */
struct pfm_perf_set {
	struct perf_event	*events[PFM_PERF_NUM_COUNTERS];
	u64			base[PFM_PERF_NUM_COUNTERS];
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

static u64 pfm_perf_count(struct perf_event *event)
{
	u64 enabled, running;

	return perf_event_read_value(event, &enabled, &running);
}

/* Create the event counter @n of @set would count with these PMCs. */
static struct perf_event *pfm_perf_create(struct pfm_context *ctx, u64 ctl,
					  u64 cfg, u64 cfg1)
{
	struct perf_event_attr attr = {
		.size		= sizeof(attr),
		.type		= ctl & PFM_PERF_CTL_TYPE,
		.config		= cfg,
		.config1	= cfg1,
		.disabled	= 1,
		.exclude_user	= !!(ctl & PFM_PERF_CTL_EXCL_USER),
		.exclude_kernel	= !!(ctl & PFM_PERF_CTL_EXCL_KERNEL),
		.exclude_hv	= !!(ctl & PFM_PERF_CTL_EXCL_HV),
		.exclude_idle	= !!(ctl & PFM_PERF_CTL_EXCL_IDLE),
	};

	if (pfm_ctx_is_sys(ctx))
		return perf_event_create_kernel_counter(&attr, ctx->cpu, NULL, NULL, NULL);
	return perf_event_create_kernel_counter(&attr, -1, ctx->task, NULL, NULL);
}

static struct perf_event *pfm_perf_create_counter(struct pfm_context *ctx,
						  struct pfm_event_set *set,
						  unsigned int n)
{
	return pfm_perf_create(ctx, set->pmcs[n], set->pmcs[PFM_PERF_CFG(n)],
			       set->pmcs[PFM_PERF_CFG1(n)]);
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
		if (ps->events[n])
			perf_event_release_kernel(ps->events[n]);
	kfree(ps);
}

static int pfm_perf_load(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps;
	struct perf_event *event;
	unsigned int n;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		if (!(set->pmcs[n] & PFM_PERF_CTL_EN))
			continue;
		event = pfm_perf_create_counter(ctx, set, n);
		if (IS_ERR(event)) {
			pfm_perf_release_set(ps);
			return pfm_perf_errno(event);
		}
		ps->events[n] = event;
	}
	set->pmu_data = ps;
	return 0;
}

static void pfm_perf_unload(struct pfm_context *ctx, struct pfm_event_set *set)
{
	pfm_perf_release_set(set->pmu_data);
	set->pmu_data = NULL;
}

static void pfm_perf_start(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps = set->pmu_data;
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++)
		if (ps->events[n])
			perf_event_enable(ps->events[n]);
}

/* Bring the software value of counter @n up to date. */
static void pfm_perf_sync(struct pfm_perf_set *ps, struct pfm_event_set *set,
			  unsigned int n)
{
	u64 count = pfm_perf_count(ps->events[n]);

	set->pmds[n].value += count - ps->base[n];
	ps->base[n] = count;
}

static void pfm_perf_stop(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_perf_set *ps = set->pmu_data;
	unsigned int n;

	for (n = 0; n < PFM_PERF_NUM_COUNTERS; n++) {
		if (!ps->events[n])
			continue;
		perf_event_disable(ps->events[n]);
		pfm_perf_sync(ps, set, n);
	}
}

static u64 pfm_perf_read_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum)
{
	struct pfm_perf_set *ps = set->pmu_data;

	if (!ps->events[cnum])
		return set->pmds[cnum].value;
	return set->pmds[cnum].value + pfm_perf_count(ps->events[cnum]) - ps->base[cnum];
}

static void pfm_perf_write_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			       unsigned int cnum, u64 val)
{
	struct pfm_perf_set *ps = set->pmu_data;

	if (ps->events[cnum])
		ps->base[cnum] = pfm_perf_count(ps->events[cnum]);
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
	struct perf_event *event = NULL;

	pmcs[cnum / PFM_PERF_NUM_COUNTERS] = val;
	if (pmcs[0] & PFM_PERF_CTL_EN) {
		event = pfm_perf_create(ctx, pmcs[0], pmcs[1], pmcs[2]);
		if (IS_ERR(event))
			return pfm_perf_errno(event);
	}
	if (ps->events[n]) {
		pfm_perf_sync(ps, set, n);
		perf_event_release_kernel(ps->events[n]);
	}
	ps->events[n] = event;
	ps->base[n] = 0;
	if (event && ctx->started && ctx->state == PFM_CTX_LOADED)
		perf_event_enable(event);
	return 0;
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
