/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter a test makes overflow, for the active PMU description:
 * - armv8_pmuv3: the cycle counter (PMD31, 64 bits wide) counting user
 *   cycles of pfm_loop() under QEMU's -icount shift=0, where a user cycle
 *   is a user instruction and the overflow interrupt arrives exactly at
 *   the wrap; PMD0 counts user instructions;
 * - perf_events: counter 0 counting user page faults of pfm_touch() on
 *   fresh pages; perf calls the overflow callback at the very fault that
 *   completes the period; counter 1 counts them too.
 * Include it from one file of a program only.
 */
#ifndef __SELFTESTS_PERFMON_COUNTER_H
#define __SELFTESTS_PERFMON_COUNTER_H

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "perfmon_util.h"
#include "pfm_workload.h"

#define INST_RETIRED	0x08
#define EXCL_EL1	(1ULL << 31)
#define CCNT		31
#define PERF_SW		1		/* PERF_TYPE_SOFTWARE */
#define SW_PAGE_FAULTS	2		/* PERF_COUNT_SW_PAGE_FAULTS */

/**
 * struct counter - the overflowing counter of the active PMU description
 * @pmd: its PMD
 * @other: a second counter PMD, for reg_reset_pmds
 * @period: overflow period used by the tests, in events
 * @slack: events the counter may count between the wrap and the masking
 * @program: write the PMCs of @pmd and @other in event set @set
 * @burn: cause exactly @n events (plus a small constant for cycles)
 * @code, @code_end: where the counted events happen
 */
struct counter {
	int		pmd;
	int		other;
	uint64_t	period;
	uint64_t	slack;
	int		(*program)(int fd, uint16_t set);
	void		(*burn)(uint64_t n);
	const void	*code;
	const void	*code_end;
};

static int program_armv8(int fd, uint16_t set)
{
	struct pfarg_pmc pmc[2] = {
		{ .reg_num = CCNT, .reg_set = set, .reg_value = EXCL_EL1 },
		{ .reg_num = 0, .reg_set = set, .reg_value = INST_RETIRED | EXCL_EL1 },
	};

	return pfm_write_pmcs(fd, pmc, 2);
}

static void burn_cycles(uint64_t n)
{
	pfm_loop(n / 2);
}

static int program_perf(int fd, uint16_t set)
{
	struct pfarg_pmc pmc[4];
	int i;

	pfm_perf_event(&pmc[0], 0, PERF_SW, SW_PAGE_FAULTS, PFM_PERF_CTL_EXCL_KERNEL);
	pfm_perf_event(&pmc[2], 1, PERF_SW, SW_PAGE_FAULTS, PFM_PERF_CTL_EXCL_KERNEL);
	for (i = 0; i < 4; i++)
		pmc[i].reg_set = set;
	return pfm_write_pmcs(fd, pmc, 4);
}

/* @n page faults: one write to each page of a fresh mapping. */
static void burn_faults(uint64_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	pfm_touch(p, n, page);
	munmap(p, n * page);
}

static const struct counter armv8_cycles = {
	.pmd = CCNT, .other = 0, .period = 200000, .slack = 4,
	.program = program_armv8, .burn = burn_cycles,
	.code = pfm_loop, .code_end = pfm_loop_end,
};

static const struct counter perf_faults = {
	.pmd = 0, .other = 1, .period = 100, .slack = 0,
	.program = program_perf, .burn = burn_faults,
	.code = pfm_touch, .code_end = pfm_touch_end,
};

/* The counter of the active description, or NULL. */
static const struct counter *active_counter(void)
{
	char model[64];

	if (pfm_sysfs_read("pmu_desc/model", model, sizeof(model)) <= 0)
		return NULL;
	if (!strcmp(model, "armv8_pmuv3\n"))
		return &armv8_cycles;
	if (!strcmp(model, "perf_events\n"))
		return &perf_faults;
	return NULL;
}

/* A new context with @flags for a test pinned to CPU 0, or -1. */
static inline int counter_context(uint32_t flags)
{
	struct pfarg_ctx ctx = { .ctx_flags = flags };

	if (pfm_pin_cpu(0))
		return -1;
	return pfm_create_context(&ctx, NULL, NULL, 0);
}

#endif /* __SELFTESTS_PERFMON_COUNTER_H */
