/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the perfmon2 selftests, on top of libpfmon
 * (tools/perfmon/lib: the system calls, set views, buffers): the
 * perf_events-backed PMU's encoding, and sysfs and file access.
 */
#ifndef __SELFTESTS_PERFMON_UTIL_H
#define __SELFTESTS_PERFMON_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <linux/perfmon.h>

#include "libpfmon.h"

#define PFM_SYSFS PFMON_SYSFS

/*
 * The kselftest harness of Linux 6.1 still runs a test's body after its
 * fixture setup called SKIP(): bodies whose setup may skip start by
 * returning when _metadata->skip is set, so the skip is what is reported.
 */

/* The perf_events-backed PMU (Documentation/userspace-api/perfmon2.rst) */
#define PFM_PERF_CTL_EXCL_USER		(1ULL << 32)
#define PFM_PERF_CTL_EXCL_KERNEL	(1ULL << 33)
#define PFM_PERF_CTL_EXCL_HV		(1ULL << 34)
#define PFM_PERF_CTL_EN			(1ULL << 63)
#define PFM_PERF_CFG(n)			(8 + (n))
#define PFM_PERF_CFG1(n)		(16 + (n))

/* Fill two PMC entries that make counter @n count perf event @type/@config. */
static inline void pfm_perf_event(struct pfarg_pmc *pmc, int n, uint32_t type,
				  uint64_t config, uint64_t excl)
{
	memset(pmc, 0, 2 * sizeof(*pmc));
	pmc[0].reg_num = n;
	pmc[0].reg_value = PFM_PERF_CTL_EN | excl | type;
	pmc[1].reg_num = PFM_PERF_CFG(n);
	pmc[1].reg_value = config;
}

static inline int pfm_sysfs_read(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), PFM_SYSFS "/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		len = -errno;
	else
		buf[len] = '\0';
	close(fd);
	return len;
}

static inline long pfm_sysfs_long(const char *name)
{
	char buf[64];

	if (pfm_sysfs_read(name, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Is the active PMU description the perf_events-backed one? */
static inline int pfm_pmu_is_perf(void)
{
	char buf[64];

	return pfm_sysfs_read("pmu_desc/model", buf, sizeof(buf)) > 0 &&
	       !strcmp(buf, "perf_events\n");
}

/* Run the calling thread on @cpu only. */
static inline int pfm_pin_cpu(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}


#endif /* __SELFTESTS_PERFMON_UTIL_H */
