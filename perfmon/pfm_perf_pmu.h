/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register encoding of the perf_events-backed logical PMU, shared by the
 * description module and its KUnit tests.
 */
#ifndef _PERFMON_PFM_PERF_PMU_H
#define _PERFMON_PFM_PERF_PMU_H

#include <linux/bits.h>

#define PFM_PERF_NUM_COUNTERS		8

/* PERF_CTLn, PMC n */
#define PFM_PERF_CTL_TYPE		GENMASK_ULL(31, 0)
#define PFM_PERF_CTL_EXCL_USER		BIT_ULL(32)
#define PFM_PERF_CTL_EXCL_KERNEL	BIT_ULL(33)
#define PFM_PERF_CTL_EXCL_HV		BIT_ULL(34)
#define PFM_PERF_CTL_EXCL_IDLE		BIT_ULL(35)
#define PFM_PERF_CTL_EN			BIT_ULL(63)

/* PERF_CFGn and PERF_CFG1_n */
#define PFM_PERF_CFG(n)			(PFM_PERF_NUM_COUNTERS + (n))
#define PFM_PERF_CFG1(n)		(2 * PFM_PERF_NUM_COUNTERS + (n))

#endif /* _PERFMON_PFM_PERF_PMU_H */
