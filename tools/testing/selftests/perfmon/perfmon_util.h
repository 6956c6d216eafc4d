/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the perfmon2 selftests: system call wrappers, the
 * perf_events-backed PMU's encoding, and sysfs access.
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

#ifndef __NR_pfm_create_context
#define __NR_pfm_create_context		451
#define __NR_pfm_write_pmcs		452
#define __NR_pfm_write_pmds		453
#define __NR_pfm_read_pmds		454
#define __NR_pfm_load_context		455
#define __NR_pfm_start			456
#define __NR_pfm_stop			457
#define __NR_pfm_restart		458
#define __NR_pfm_create_evtsets		459
#define __NR_pfm_getinfo_evtsets	460
#define __NR_pfm_delete_evtsets		461
#define __NR_pfm_unload_context		462
#endif

#define PFM_SYSFS "/sys/kernel/perfmon"

/*
 * The kselftest harness of Linux 6.1 still runs a test's body after its
 * fixture setup called SKIP(): bodies whose setup may skip start by
 * returning when _metadata->skip is set, so the skip is what is reported.
 */

static inline int pfm_create_context(struct pfarg_ctx *ctx, const char *name,
				     void *arg, size_t size)
{
	return syscall(__NR_pfm_create_context, ctx, name, arg, size);
}

static inline int pfm_write_pmcs(int fd, struct pfarg_pmc *pmcs, int count)
{
	return syscall(__NR_pfm_write_pmcs, fd, pmcs, count);
}

static inline int pfm_write_pmds(int fd, struct pfarg_pmd *pmds, int count)
{
	return syscall(__NR_pfm_write_pmds, fd, pmds, count);
}

static inline int pfm_read_pmds(int fd, struct pfarg_pmd *pmds, int count)
{
	return syscall(__NR_pfm_read_pmds, fd, pmds, count);
}

static inline int pfm_load_context(int fd, struct pfarg_load *load)
{
	return syscall(__NR_pfm_load_context, fd, load);
}

static inline int pfm_start(int fd, struct pfarg_start *start)
{
	return syscall(__NR_pfm_start, fd, start);
}

static inline int pfm_stop(int fd)
{
	return syscall(__NR_pfm_stop, fd);
}

static inline int pfm_restart(int fd)
{
	return syscall(__NR_pfm_restart, fd);
}

static inline int pfm_create_evtsets(int fd, struct pfarg_setdesc *sets, int count)
{
	return syscall(__NR_pfm_create_evtsets, fd, sets, count);
}

static inline int pfm_getinfo_evtsets(int fd, struct pfarg_setinfo *info, int count)
{
	return syscall(__NR_pfm_getinfo_evtsets, fd, info, count);
}

static inline int pfm_delete_evtsets(int fd, struct pfarg_setdesc *sets, int count)
{
	return syscall(__NR_pfm_delete_evtsets, fd, sets, count);
}

static inline int pfm_unload_context(int fd)
{
	return syscall(__NR_pfm_unload_context, fd);
}

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

static inline int pfm_sysfs_write(const char *name, const char *val)
{
	char path[256];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), PFM_SYSFS "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	len = write(fd, val, strlen(val));
	len = len < 0 ? -errno : 0;
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

/* Write @val to the file @path: 0 or -errno. */
static inline int pfm_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Run the calling thread on @cpu only. */
static inline int pfm_pin_cpu(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Copy a mapped set view consistently, following the protocol of
 * include/uapi/linux/perfmon.h: wait for an even set_seq, copy, and start
 * over if set_seq changed meanwhile. The fences are the reader's read
 * barriers (C and D in the kernel's pairing diagram).
 */
static inline void pfm_view_read(const struct pfm_set_view *view, struct pfm_set_view *out)
{
	unsigned long seq;

	do {
		while ((seq = view->set_seq) & 1)
			;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* C */
		memcpy(out, (const void *)view, offsetof(struct pfm_set_view, set_seq));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* D */
	} while (view->set_seq != seq);
	out->set_seq = seq;
}

#endif /* __SELFTESTS_PERFMON_UTIL_H */
