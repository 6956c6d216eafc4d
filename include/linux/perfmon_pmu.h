/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the perfmon2 core and PMU description modules.
 *
 * A description maps the logical PMU (PMC configuration registers and
 * PMD data registers, indexes 0..319) onto a real one. Its register
 * tables are const data; what probing discovers lives in the struct
 * pfm_pmu instance the module registers. Exactly one description is
 * active at a time; it cannot be unregistered while contexts use it.
 */
#ifndef _LINUX_PERFMON_PMU_H
#define _LINUX_PERFMON_PMU_H

#include <linux/kobject.h>
#include <linux/types.h>
#include <uapi/linux/perfmon.h>

struct module;
struct pfm_context;
struct pfm_event_set;

/* struct pfm_regmap_desc.type */
#define PFM_REG_I	0x01	/* implemented */
#define PFM_REG_C	0x02	/* PMD: counter, exported 64 bits wide */
#define PFM_REG_RO	0x04	/* PMD: read-only; writes change the software value only */
#define PFM_REG_V	0x08	/* virtual: software register, no hardware */
#define PFM_REG_INTR	0x10	/* PMD: counter raising an overflow interrupt */
#define PFM_REG_NO64	0x20	/* PMC: supports PFM_REGFL_NO_EMUL64 */

/**
 * struct pfm_regmap_desc - one logical register
 * @type: PFM_REG_* flags; 0 means not implemented
 * @width: PMD counters: bits the hardware holds (W); 64 otherwise
 * @name: hardware register name, shown in pmu_desc
 * @dfl_val: default value (reset value of PMCs)
 * @rsvd_msk: reserved bits: users cannot change them; writes replace them
 *	with the default's bits
 * @hw_addr: hardware address or index (the MSR number on x86)
 */
struct pfm_regmap_desc {
	u16		type;
	u16		width;
	const char	*name;
	u64		dfl_val;
	u64		rsvd_msk;
	u64		hw_addr;
};

#define PFM_PMC_DESC(_type, _name, _dfl, _rsvd, _addr) \
	{ .type = (_type), .width = 64, .name = (_name), \
	  .dfl_val = (_dfl), .rsvd_msk = (_rsvd), .hw_addr = (_addr) }
#define PFM_PMD_DESC(_type, _name, _width, _addr) \
	{ .type = (_type), .width = (_width), .name = (_name), .hw_addr = (_addr) }

/**
 * struct pfm_pmu_ops - what a PMU description does for the core
 *
 * All hooks are called with the context's mutex held unless said
 * otherwise. Hooks marked optional may be NULL.
 *
 * @pmc_check: optional model-specific check of a PMC value after the
 *	reserved bits were replaced; may adjust *@val. Return 0 or -EINVAL.
 * @pmc_counts_kernel: does PMC @cnum with value @val make a counter count
 *	privileged (kernel) execution?
 * @load: the context is being attached (per thread or per CPU). Acquire
 *	what monitoring needs; may sleep. Return 0 or a negative errno.
 * @unload: undo @load. The core has stopped monitoring and saved the
 *	counters first.
 * @start: install the PMC and PMD values of @set and begin counting.
 * @stop: stop counting and fold the live counts into @set's PMD values.
 * @read_pmd: live 64-bit logical value of counter PMD @cnum of the active
 *	set while monitoring is loaded.
 * @write_pmd: make the live value of PMD @cnum of the active set @val.
 * @write_pmc: PMC @cnum of the active set of a loaded context is about to
 *	become @val (already checked). Return 0, or a negative errno to
 *	refuse the value; the core then keeps the old one.
 * @ctxsw_out: optional; the thread of a started per-thread context leaves
 *	its CPU: stop counting and save the counters into @set's values.
 *	Called with interrupts disabled and ctx->lock held.
 * @ctxsw_in: optional; the thread of a started context gets a CPU: install
 *	@set (unless its values are still in this CPU's counters) and count.
 *	Called with interrupts disabled and ctx->lock held.
 *
 * The overflow path (pfm_overflow()) runs in interrupt context with
 * ctx->lock held and must neither sleep nor allocate. Descriptions with
 * PFM_REG_INTR counters provide:
 *
 * @intr_stop: stop counting @set (the active set, live on this CPU) and
 *	save its counters into its PMD values; a later @start resumes.
 * @intr_start: install @set, which just became active, and count.
 * @intr_reset: the live PMD @cnum of the active set was reset to @val
 *	(already stored in @set).
 * @intr_read: the live 64-bit value of counter PMD @cnum of the active
 *	set, for a sampling format.
 */
struct pfm_pmu_ops {
	int	(*pmc_check)(unsigned int cnum, u64 *val);
	bool	(*pmc_counts_kernel)(unsigned int cnum, u64 val);
	int	(*load)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*unload)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*start)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*stop)(struct pfm_context *ctx, struct pfm_event_set *set);
	u64	(*read_pmd)(struct pfm_context *ctx, struct pfm_event_set *set,
			    unsigned int cnum);
	void	(*write_pmd)(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum, u64 val);
	int	(*write_pmc)(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum, u64 val);
	void	(*ctxsw_out)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*ctxsw_in)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*intr_stop)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*intr_start)(struct pfm_context *ctx, struct pfm_event_set *set);
	void	(*intr_reset)(struct pfm_context *ctx, struct pfm_event_set *set,
			      unsigned int cnum, u64 val);
	u64	(*intr_read)(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum);
};

/**
 * struct pfm_pmu - a registered PMU description
 * @model: model name, shown in pmu_desc/model
 * @owner: the module providing the description
 * @pmc_desc: PMC table, @num_pmc_desc entries (index = logical PMC)
 * @pmd_desc: PMD table, @num_pmd_desc entries (index = logical PMD)
 * @ops: operations
 * @flags: PFM_PMU_* properties
 * @avail_pmcs: filled by the description before registering: the PMCs
 *	probing found (all zero: every implemented entry of @pmc_desc)
 * @avail_pmds: the same for PMDs
 *
 * Filled by pfm_pmu_register() from the tables:
 * @max_pmc: highest implemented PMC + 1
 * @max_pmd: highest implemented PMD + 1
 * @impl_pmcs: implemented PMCs
 * @impl_pmds: implemented PMDs
 * @cnt_pmds: counter PMDs
 * @rw_pmds: implemented PMDs that are not read-only
 * @kobj: the pmu_desc directory
 */
struct pfm_pmu {
	const char			*model;
	struct module			*owner;
	const struct pfm_regmap_desc	*pmc_desc;
	const struct pfm_regmap_desc	*pmd_desc;
	u16				num_pmc_desc;
	u16				num_pmd_desc;
	const struct pfm_pmu_ops	*ops;
	u32				flags;
	u64				avail_pmcs[PFM_PMC_BV];
	u64				avail_pmds[PFM_PMD_BV];

	u16				max_pmc;
	u16				max_pmd;
	u64				impl_pmcs[PFM_PMC_BV];
	u64				impl_pmds[PFM_PMD_BV];
	u64				cnt_pmds[PFM_PMD_BV];
	u64				rw_pmds[PFM_PMD_BV];
	struct kobject			*kobj;
};

/*
 * struct pfm_pmu.flags: start, stop, read_pmd, write_pmd and write_pmc
 * never sleep; start and stop are called with ctx->lock held and
 * interrupts disabled (native PMUs, whose counters the context-switch
 * hooks save and restore).
 */
#define PFM_PMU_ATOMIC_OPS	0x1

int pfm_pmu_register(struct pfm_pmu *pmu);
void pfm_pmu_unregister(struct pfm_pmu *pmu);
void pfm_overflow(struct pfm_context *ctx, struct pfm_event_set *set,
		  const u64 *wrapped, unsigned long ip);

#endif /* _LINUX_PERFMON_PMU_H */
