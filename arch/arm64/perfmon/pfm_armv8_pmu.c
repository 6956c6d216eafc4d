// SPDX-License-Identifier: GPL-2.0
/*
 * perfmon2 description of the Armv8 PMUv3, driven natively.
 *
 * Logical registers:
 *   PMC0..N-1  PMEVTYPERn_EL0  event number (bits 0-15), exclude EL1 (31),
 *                              exclude EL0 (30); other bits reserved
 *   PMC31      PMCCFILTR_EL0   exclude EL1 (31), exclude EL0 (30)
 *   PMD0..N-1  PMEVCNTRn_EL0   32-bit event counters, exported 64 bits wide
 *   PMD31      PMCCNTR_EL0     64-bit cycle counter
 * N is PMCR_EL0.N. A counter runs only once its PMC has been written.
 *
 * The PMU belongs either to this description or to the kernel's arm64
 * perf driver: the two are exclusive in Kconfig (ARM_PMU), never both.
 *
 * Per CPU, pfm_armv8_owner names the event set whose values the
 * counters hold. Values are saved at every switch-out; they are written
 * back at switch-in unless the same set comes back to the same CPU with
 * nothing changed in between (set->pmu_data's state). The hardware of a
 * CPU is only touched on that CPU with interrupts disabled.
 *
 * A counter wrap whose interrupt has not been taken when the counters
 * are saved stays pending in the set and is raised again (PMOVSSET_EL0)
 * when the set is installed, so the core sees every wrap exactly once,
 * in the context it belongs to.
 */
#include <linux/bitops.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/perfmon_pmu.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/perf_event.h>
#include <asm/sysreg.h>

#include "pfm_priv.h"

/* The cycle counter: logical index 31, also its hardware counter bit. */
#define PFM_ARMV8_CCNT		31
#define PFM_ARMV8_ALL		U32_MAX	/* every counter bit */
#define PFM_ARMV8_MAX_EVCNT	31	/* event counters PMUv3 may have */
#define PFM_ARMV8_FILTERS	(ARMV8_PMU_EXCLUDE_EL1 | ARMV8_PMU_EXCLUDE_EL0)
#define PFM_ARMV8_EVTYPE_RSVD	(~(u64)(ARMV8_PMU_EVTYPE_EVENT | PFM_ARMV8_FILTERS))
#define PFM_ARMV8_CCFILT_RSVD	(~(u64)PFM_ARMV8_FILTERS)

#define EVT(n)	PFM_PMC_DESC(PFM_REG_I, "PMEVTYPER" #n "_EL0", ARMV8_PMU_EXCLUDE_EL1, \
			     PFM_ARMV8_EVTYPE_RSVD, n)
#define CNT(n)	PFM_PMD_DESC(PFM_REG_I | PFM_REG_C | PFM_REG_INTR, "PMEVCNTR" #n "_EL0", 32, n)

/* In index order: the 31 possible event counters, then the cycle counter. */
static const struct pfm_regmap_desc pfm_armv8_pmc_desc[] = {
	EVT(0), EVT(1), EVT(2), EVT(3), EVT(4), EVT(5), EVT(6), EVT(7),
	EVT(8), EVT(9), EVT(10), EVT(11), EVT(12), EVT(13), EVT(14), EVT(15),
	EVT(16), EVT(17), EVT(18), EVT(19), EVT(20), EVT(21), EVT(22), EVT(23),
	EVT(24), EVT(25), EVT(26), EVT(27), EVT(28), EVT(29), EVT(30),
	PFM_PMC_DESC(PFM_REG_I, "PMCCFILTR_EL0", ARMV8_PMU_EXCLUDE_EL1,
		     PFM_ARMV8_CCFILT_RSVD, PFM_ARMV8_CCNT),
};

static const struct pfm_regmap_desc pfm_armv8_pmd_desc[] = {
	CNT(0), CNT(1), CNT(2), CNT(3), CNT(4), CNT(5), CNT(6), CNT(7),
	CNT(8), CNT(9), CNT(10), CNT(11), CNT(12), CNT(13), CNT(14), CNT(15),
	CNT(16), CNT(17), CNT(18), CNT(19), CNT(20), CNT(21), CNT(22), CNT(23),
	CNT(24), CNT(25), CNT(26), CNT(27), CNT(28), CNT(29), CNT(30),
	PFM_PMD_DESC(PFM_REG_I | PFM_REG_C | PFM_REG_INTR, "PMCCNTR_EL0", 64,
		     PFM_ARMV8_CCNT),
};

static_assert(ARRAY_SIZE(pfm_armv8_pmc_desc) == PFM_ARMV8_CCNT + 1);
static_assert(ARRAY_SIZE(pfm_armv8_pmd_desc) == PFM_ARMV8_CCNT + 1);

/**
 * struct pfm_armv8_set - per-set state while loaded
 * @ctx: the context of the set
 * @last_cpu: CPU whose counters last held the set's values
 * @pending: counter bits that wrapped without their interrupt being taken
 *	before the set was saved
 * @dirty: the software values changed since they were last installed
 */
struct pfm_armv8_set {
	struct pfm_context	*ctx;
	int			last_cpu;
	u32			pending;
	bool			dirty;
};

static DEFINE_PER_CPU(struct pfm_event_set *, pfm_armv8_owner);
static DEFINE_PER_CPU(int, pfm_armv8_irq_cookie);
static unsigned int pfm_armv8_ncnt;	/* PMCR_EL0.N */
static int pfm_armv8_irq;
static enum cpuhp_state pfm_armv8_hp_state;

/*
 * Logical PMD n is hardware counter n, and bit n of PMCNTEN*, PMOVS* and
 * PMINTEN*; the cycle counter's bit is 31 like its index.
 */
static inline u32 pfm_armv8_bit(unsigned int n)
{
	return BIT(n);
}

static u64 pfm_armv8_read_cnt(unsigned int n)
{
	if (n == PFM_ARMV8_CCNT)
		return read_sysreg(pmccntr_el0);
	write_sysreg(n, pmselr_el0);
	isb();
	return read_sysreg(pmxevcntr_el0);
}

static void pfm_armv8_write_cnt(unsigned int n, u64 val)
{
	if (n == PFM_ARMV8_CCNT) {
		write_sysreg(val, pmccntr_el0);
		return;
	}
	write_sysreg(n, pmselr_el0);
	isb();
	write_sysreg(lower_32_bits(val), pmxevcntr_el0);
}

static void pfm_armv8_write_type(unsigned int n, u64 val)
{
	if (n == PFM_ARMV8_CCNT) {
		write_sysreg(val & PFM_ARMV8_FILTERS, pmccfiltr_el0);
		return;
	}
	write_sysreg(n, pmselr_el0);
	isb();
	write_sysreg(val & ~PFM_ARMV8_EVTYPE_RSVD, pmxevtyper_el0);
}

/* Hardware counter bits of the counters @set uses. */
static u32 pfm_armv8_used(struct pfm_event_set *set)
{
	u32 mask = 0;
	unsigned int n;

	for (n = 0; n < pfm_armv8_ncnt; n++)
		if (pfm_bv_test(set->used_pmcs, n))
			mask |= pfm_armv8_bit(n);
	if (pfm_bv_test(set->used_pmcs, PFM_ARMV8_CCNT))
		mask |= pfm_armv8_bit(PFM_ARMV8_CCNT);
	return mask;
}

static inline u64 pfm_armv8_mask(unsigned int n)
{
	return n == PFM_ARMV8_CCNT ? U64_MAX : U32_MAX;
}

/*
 * The 64-bit value of counter @n: software high bits, hardware low bits,
 * plus a wrap whose interrupt is still pending.
 */
static u64 pfm_armv8_value(struct pfm_event_set *set, unsigned int n)
{
	u64 mask = pfm_armv8_mask(n), val = set->pmds[n].value;

	val = (val & ~mask) | (pfm_armv8_read_cnt(n) & mask);
	if (mask != U64_MAX && (read_sysreg(pmovsset_el0) & pfm_armv8_bit(n)))
		val += mask + 1;
	return val;
}

/*
 * Stop the counters of @set and save their values (interrupts off); wraps
 * not yet seen by the interrupt handler stay pending in the set.
 */
static void pfm_armv8_save(struct pfm_event_set *set)
{
	struct pfm_armv8_set *as = set->pmu_data;
	u32 used = pfm_armv8_used(set), ovs;
	unsigned long bits = used;
	unsigned int b;
	u64 mask;

	write_sysreg(used, pmcntenclr_el0);
	isb();
	for_each_set_bit(b, &bits, 32) {
		mask = pfm_armv8_mask(b);
		set->pmds[b].value = (set->pmds[b].value & ~mask) |
				     (pfm_armv8_read_cnt(b) & mask);
	}
	ovs = read_sysreg(pmovsclr_el0) & used;
	write_sysreg(ovs, pmovsclr_el0);
	as->pending |= ovs;
	as->last_cpu = smp_processor_id();
}

/* Install the values of @set unless they are still there; start it. */
static void pfm_armv8_restore(struct pfm_event_set *set, bool force)
{
	struct pfm_armv8_set *as = set->pmu_data;
	int cpu = smp_processor_id();
	u32 used = pfm_armv8_used(set);
	unsigned long bits = used;
	unsigned int b;

	if (force || as->dirty || as->last_cpu != cpu ||
	    __this_cpu_read(pfm_armv8_owner) != set) {
		write_sysreg(PFM_ARMV8_ALL, pmcntenclr_el0);
		write_sysreg(PFM_ARMV8_ALL, pmintenclr_el1);
		isb();
		for_each_set_bit(b, &bits, 32) {
			pfm_armv8_write_type(b, set->pmcs[b]);
			pfm_armv8_write_cnt(b, set->pmds[b].value);
		}
		write_sysreg(PFM_ARMV8_ALL, pmovsclr_el0);
		write_sysreg(used, pmintenset_el1);
		__this_cpu_write(pfm_armv8_owner, set);
		as->dirty = false;
	}
	if (as->pending & used)
		write_sysreg(as->pending & used, pmovsset_el0);
	as->pending = 0;
	write_sysreg(ARMV8_PMU_PMCR_E | ARMV8_PMU_PMCR_LC, pmcr_el0);
	isb();
	write_sysreg(used, pmcntenset_el0);
	isb();
}

/* Does @ctx run on this CPU (its thread is current, or its CPU is this)? */
static bool pfm_armv8_on_cpu(struct pfm_context *ctx)
{
	return pfm_ctx_is_sys(ctx) ? ctx->cpu == smp_processor_id() : ctx->task == current;
}

/* Are @ctx's counters live in this CPU's PMU right now? */
static bool pfm_armv8_here(struct pfm_context *ctx)
{
	return ctx->started && pfm_armv8_on_cpu(ctx) &&
	       (ctx->state == PFM_CTX_LOADED || ctx->state == PFM_CTX_ZOMBIE);
}

static bool pfm_armv8_counts_kernel(unsigned int cnum, u64 val)
{
	return !(val & ARMV8_PMU_EXCLUDE_EL1);
}

static int pfm_armv8_load(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_armv8_set *as = kzalloc(sizeof(*as), GFP_KERNEL);

	if (!as)
		return -ENOMEM;
	as->ctx = ctx;
	as->last_cpu = -1;
	as->dirty = true;
	set->pmu_data = as;
	return 0;
}

/*
 * Fold the pending wraps into the values (no overflow processing, ABI
 * pfm_unload_context) and forget the set on every CPU: its memory may be
 * reused by another.
 */
static void pfm_armv8_unload(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_armv8_set *as = set->pmu_data;
	unsigned long bits = as->pending;
	unsigned int b;
	int cpu;

	for_each_set_bit(b, &bits, 32)
		set->pmds[b].value += pfm_armv8_mask(b) + 1;
	for_each_possible_cpu(cpu)
		cmpxchg(per_cpu_ptr(&pfm_armv8_owner, cpu), set, NULL);
	kfree(as);
	set->pmu_data = NULL;
}

/*
 * pfm_start(): counting begins now when the context runs here (self or
 * system-wide); otherwise at the thread's next switch-in. Called with
 * interrupts disabled (PFM_PMU_ATOMIC_OPS).
 */
static void pfm_armv8_start(struct pfm_context *ctx, struct pfm_event_set *set)
{
	if (pfm_armv8_on_cpu(ctx))
		pfm_armv8_restore(set, true);
}

/* Elsewhere the thread is switched out and its values already saved. */
static void pfm_armv8_stop(struct pfm_context *ctx, struct pfm_event_set *set)
{
	if (pfm_armv8_here(ctx))
		pfm_armv8_save(set);
}

static void pfm_armv8_ctxsw_out(struct pfm_context *ctx, struct pfm_event_set *set)
{
	pfm_armv8_save(set);
}

static void pfm_armv8_ctxsw_in(struct pfm_context *ctx, struct pfm_event_set *set)
{
	pfm_armv8_restore(set, false);
}

/* What a wrap left pending at the last save adds to counter @n. */
static u64 pfm_armv8_pending_carry(struct pfm_event_set *set, unsigned int n)
{
	struct pfm_armv8_set *as = set->pmu_data;

	return as->pending & pfm_armv8_bit(n) ? pfm_armv8_mask(n) + 1 : 0;
}

static u64 pfm_armv8_read_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			      unsigned int cnum)
{
	unsigned long flags;
	u64 val;

	local_irq_save(flags);
	if (pfm_armv8_here(ctx) && pfm_bv_test(set->used_pmcs, cnum))
		val = pfm_armv8_value(set, cnum);
	else
		val = set->pmds[cnum].value + pfm_armv8_pending_carry(set, cnum);
	local_irq_restore(flags);
	return val;
}

static void pfm_armv8_write_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
				unsigned int cnum, u64 val)
{
	struct pfm_armv8_set *as = set->pmu_data;
	unsigned long flags;

	local_irq_save(flags);
	if (pfm_armv8_here(ctx) && pfm_bv_test(set->used_pmcs, cnum)) {
		pfm_armv8_write_cnt(cnum, val);
		write_sysreg(pfm_armv8_bit(cnum), pmovsclr_el0);
	} else {
		as->dirty = true;
		as->pending &= ~pfm_armv8_bit(cnum);
	}
	local_irq_restore(flags);
}

/* Overflow path: the counter @cnum of the live set was reset. */
static void pfm_armv8_intr_reset(struct pfm_context *ctx, struct pfm_event_set *set,
				 unsigned int cnum, u64 val)
{
	if (pfm_bv_test(set->used_pmcs, cnum)) {
		pfm_armv8_write_cnt(cnum, val);
		write_sysreg(pfm_armv8_bit(cnum), pmovsclr_el0);
	}
}

/* Overflow path: a live value for a sampling format. */
static u64 pfm_armv8_intr_read(struct pfm_context *ctx, struct pfm_event_set *set,
			       unsigned int cnum)
{
	if (!pfm_bv_test(set->used_pmcs, cnum))
		return set->pmds[cnum].value;
	return pfm_armv8_value(set, cnum);
}

/* Overflow path: a set switch installs the new set. */
static void pfm_armv8_intr_start(struct pfm_context *ctx, struct pfm_event_set *set)
{
	pfm_armv8_restore(set, true);
}

/* A PMC of the active set changes: reprogram, or install at switch-in. */
static int pfm_armv8_write_pmc(struct pfm_context *ctx, struct pfm_event_set *set,
			       unsigned int cnum, u64 val)
{
	struct pfm_armv8_set *as = set->pmu_data;
	unsigned long flags;

	local_irq_save(flags);
	if (pfm_armv8_here(ctx)) {
		/* the core marks the PMC used after this call */
		pfm_armv8_save(set);
		set->pmcs[cnum] = val;
		__set_bit(cnum, (unsigned long *)set->used_pmcs);
		pfm_armv8_restore(set, true);
	} else {
		as->dirty = true;
	}
	local_irq_restore(flags);
	return 0;
}

/*
 * Counters wrapped. Only the owner's counters run with their interrupt
 * enabled, and the owner's thread is current (or its CPU is this one):
 * saving a set clears its overflow bits with interrupts disabled.
 */
static irqreturn_t pfm_armv8_interrupt(int irq, void *dev)
{
	struct pfm_event_set *set = __this_cpu_read(pfm_armv8_owner);
	u64 wrapped[PFM_HW_PMD_BV] = { };
	struct pfm_armv8_set *as;
	u32 ovs = read_sysreg(pmovsclr_el0);

	if (!ovs)
		return IRQ_NONE;
	write_sysreg(ovs, pmovsclr_el0);
	isb();
	if (!set)
		return IRQ_HANDLED;
	as = set->pmu_data;
	wrapped[0] = ovs & pfm_armv8_used(set);
	pfm_overflow(as->ctx, set, wrapped, instruction_pointer(get_irq_regs()));
	return IRQ_HANDLED;
}

static const struct pfm_pmu_ops pfm_armv8_ops = {
	.pmc_counts_kernel	= pfm_armv8_counts_kernel,
	.load			= pfm_armv8_load,
	.unload			= pfm_armv8_unload,
	.start			= pfm_armv8_start,
	.stop			= pfm_armv8_stop,
	.ctxsw_out		= pfm_armv8_ctxsw_out,
	.ctxsw_in		= pfm_armv8_ctxsw_in,
	.read_pmd		= pfm_armv8_read_pmd,
	.write_pmd		= pfm_armv8_write_pmd,
	.write_pmc		= pfm_armv8_write_pmc,
	.intr_stop		= pfm_armv8_stop,
	.intr_start		= pfm_armv8_intr_start,
	.intr_reset		= pfm_armv8_intr_reset,
	.intr_read		= pfm_armv8_intr_read,
};

static struct pfm_pmu pfm_armv8_pmu = {
	.model		= "armv8_pmuv3",
	.owner		= THIS_MODULE,
	.pmc_desc	= pfm_armv8_pmc_desc,
	.num_pmc_desc	= ARRAY_SIZE(pfm_armv8_pmc_desc),
	.pmd_desc	= pfm_armv8_pmd_desc,
	.num_pmd_desc	= ARRAY_SIZE(pfm_armv8_pmd_desc),
	.ops		= &pfm_armv8_ops,
	.flags		= PFM_PMU_ATOMIC_OPS,
};

/* A CPU comes up: quiet PMU, no EL0 access, our interrupt enabled. */
static int pfm_armv8_cpu_online(unsigned int cpu)
{
	write_sysreg(PFM_ARMV8_ALL, pmcntenclr_el0);
	write_sysreg(PFM_ARMV8_ALL, pmintenclr_el1);
	write_sysreg(PFM_ARMV8_ALL, pmovsclr_el0);
	write_sysreg(0, pmuserenr_el0);
	write_sysreg(ARMV8_PMU_PMCR_LC, pmcr_el0);
	isb();
	__this_cpu_write(pfm_armv8_owner, NULL);
	enable_percpu_irq(pfm_armv8_irq, irq_get_trigger_type(pfm_armv8_irq));
	return 0;
}

static int pfm_armv8_cpu_offline(unsigned int cpu)
{
	disable_percpu_irq(pfm_armv8_irq);
	write_sysreg(PFM_ARMV8_ALL, pmcntenclr_el0);
	__this_cpu_write(pfm_armv8_owner, NULL);
	return 0;
}

/* PMUv3 present and architected? Fill in N and the available registers. */
static int pfm_armv8_discover(void)
{
	u64 dfr0 = read_sanitised_ftr_reg(SYS_ID_AA64DFR0_EL1);
	unsigned int ver, n;

	ver = cpuid_feature_extract_unsigned_field(dfr0, ID_AA64DFR0_EL1_PMUVer_SHIFT);
	if (!ver || ver == ID_AA64DFR0_EL1_PMUVer_IMP_DEF)
		return -ENODEV;
	pfm_armv8_ncnt = (read_sysreg(pmcr_el0) >> ARMV8_PMU_PMCR_N_SHIFT) &
			 ARMV8_PMU_PMCR_N_MASK;
	pfm_armv8_ncnt = min_t(unsigned int, pfm_armv8_ncnt, PFM_ARMV8_MAX_EVCNT);
	for (n = 0; n < pfm_armv8_ncnt; n++) {
		__set_bit(n, (unsigned long *)pfm_armv8_pmu.avail_pmcs);
		__set_bit(n, (unsigned long *)pfm_armv8_pmu.avail_pmds);
	}
	__set_bit(PFM_ARMV8_CCNT, (unsigned long *)pfm_armv8_pmu.avail_pmcs);
	__set_bit(PFM_ARMV8_CCNT, (unsigned long *)pfm_armv8_pmu.avail_pmds);
	pr_info("perfmon: armv8_pmuv3: PMUv3 version %u, %u event counters and the cycle counter\n",
		ver, pfm_armv8_ncnt);
	return 0;
}

static int pfm_armv8_probe(struct platform_device *pdev)
{
	int irq, ret;

	ret = pfm_armv8_discover();
	if (ret)
		return ret;
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	if (!irq_is_percpu_devid(irq)) {
		dev_err(&pdev->dev, "the PMU interrupt must be a per-CPU interrupt\n");
		return -EINVAL;
	}
	ret = request_percpu_irq(irq, pfm_armv8_interrupt, "perfmon", &pfm_armv8_irq_cookie);
	if (ret)
		return ret;
	pfm_armv8_irq = irq;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "perfmon/armv8:online",
				pfm_armv8_cpu_online, pfm_armv8_cpu_offline);
	if (ret < 0)
		goto out_free_irq;
	pfm_armv8_hp_state = ret;
	ret = pfm_pmu_register(&pfm_armv8_pmu);
	if (ret)
		goto out_remove_state;
	return 0;

out_remove_state:
	cpuhp_remove_state(pfm_armv8_hp_state);
out_free_irq:
	free_percpu_irq(irq, &pfm_armv8_irq_cookie);
	return ret;
}

static int pfm_armv8_remove(struct platform_device *pdev)
{
	pfm_pmu_unregister(&pfm_armv8_pmu);
	cpuhp_remove_state(pfm_armv8_hp_state);
	free_percpu_irq(pfm_armv8_irq, &pfm_armv8_irq_cookie);
	return 0;
}

static const struct of_device_id pfm_armv8_of_match[] = {
	{ .compatible = "arm,armv8-pmuv3" },
	{ }
};
MODULE_DEVICE_TABLE(of, pfm_armv8_of_match);

static struct platform_driver pfm_armv8_driver = {
	.driver = {
		.name		= "perfmon-armv8-pmu",
		.of_match_table	= pfm_armv8_of_match,
	},
	.probe	= pfm_armv8_probe,
	.remove	= pfm_armv8_remove,
};
module_platform_driver(pfm_armv8_driver);

MODULE_DESCRIPTION("perfmon2 description of the Armv8 PMUv3");
MODULE_LICENSE("GPL");
MODULE_ALIAS("pfm-pmu");
