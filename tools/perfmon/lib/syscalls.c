// SPDX-License-Identifier: GPL-2.0
/*
 * The 12 perfmon2 system calls, numbered from the base the kernel
 * publishes in /sys/kernel/perfmon/syscall, and vector calls of any
 * length split at the kernel's argument limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "libpfmon.h"

/* pfm_create_context() on the kernels this library was written for */
#define PFMON_DFL_BASE	451

enum {
	PFMON_CREATE_CONTEXT, PFMON_WRITE_PMCS, PFMON_WRITE_PMDS, PFMON_READ_PMDS,
	PFMON_LOAD_CONTEXT, PFMON_START, PFMON_STOP, PFMON_RESTART,
	PFMON_CREATE_EVTSETS, PFMON_GETINFO_EVTSETS, PFMON_DELETE_EVTSETS,
	PFMON_UNLOAD_CONTEXT,
};

long pfmon_syscall_base(void)
{
	static long base = -1;
	uint64_t val;

	if (base < 0) {
		if (!pfmon_sysfs_u64("syscall", &val) && val > 0 && val < 100000)
			base = (long)val;
		else
			base = PFMON_DFL_BASE;
	}
	return base;
}

static int pfmon_call(int nr, long a, long b, long c, long d)
{
	return syscall(pfmon_syscall_base() + nr, a, b, c, d);
}

int pfm_create_context(struct pfarg_ctx *ctx, const char *fmt, void *arg, size_t size)
{
	return pfmon_call(PFMON_CREATE_CONTEXT, (long)ctx, (long)fmt, (long)arg, (long)size);
}

int pfm_write_pmcs(int fd, struct pfarg_pmc *pmcs, int count)
{
	return pfmon_call(PFMON_WRITE_PMCS, fd, (long)pmcs, count, 0);
}

int pfm_write_pmds(int fd, struct pfarg_pmd *pmds, int count)
{
	return pfmon_call(PFMON_WRITE_PMDS, fd, (long)pmds, count, 0);
}

int pfm_read_pmds(int fd, struct pfarg_pmd *pmds, int count)
{
	return pfmon_call(PFMON_READ_PMDS, fd, (long)pmds, count, 0);
}

int pfm_load_context(int fd, struct pfarg_load *load)
{
	return pfmon_call(PFMON_LOAD_CONTEXT, fd, (long)load, 0, 0);
}

int pfm_start(int fd, struct pfarg_start *start)
{
	return pfmon_call(PFMON_START, fd, (long)start, 0, 0);
}

int pfm_stop(int fd)
{
	return pfmon_call(PFMON_STOP, fd, 0, 0, 0);
}

int pfm_restart(int fd)
{
	return pfmon_call(PFMON_RESTART, fd, 0, 0, 0);
}

int pfm_create_evtsets(int fd, struct pfarg_setdesc *sets, int count)
{
	return pfmon_call(PFMON_CREATE_EVTSETS, fd, (long)sets, count, 0);
}

int pfm_getinfo_evtsets(int fd, struct pfarg_setinfo *info, int count)
{
	return pfmon_call(PFMON_GETINFO_EVTSETS, fd, (long)info, count, 0);
}

int pfm_delete_evtsets(int fd, struct pfarg_setdesc *sets, int count)
{
	return pfmon_call(PFMON_DELETE_EVTSETS, fd, (long)sets, count, 0);
}

int pfm_unload_context(int fd)
{
	return pfmon_call(PFMON_UNLOAD_CONTEXT, fd, 0, 0, 0);
}

/* Entries of @size bytes one call may carry: arg_mem_max / size. */
static int pfmon_max_entries(size_t size)
{
	uint64_t max;

	if (pfmon_sysfs_u64("arg_mem_max", &max) || max < size)
		max = 4096;	/* the smallest limit the ABI allows */
	if (max / size > 1 << 20)
		return 1 << 20;
	return max / size;
}

/* Run @call over @vec in chunks the kernel accepts. */
static int pfmon_chunked(int (*call)(int, void *, int), int fd, void *vec, size_t size,
			 int count, int *done)
{
	int max = pfmon_max_entries(size), n, i = 0;

	if (count < 0) {
		errno = EINVAL;
		return -1;
	}
	while (i < count) {
		n = count - i < max ? count - i : max;
		if (call(fd, (char *)vec + (size_t)i * size, n)) {
			if (done)
				*done = i;
			return -1;
		}
		i += n;
	}
	if (done)
		*done = i;
	return 0;
}

static int call_write_pmcs(int fd, void *v, int n)
{
	return pfm_write_pmcs(fd, v, n);
}

static int call_write_pmds(int fd, void *v, int n)
{
	return pfm_write_pmds(fd, v, n);
}

static int call_read_pmds(int fd, void *v, int n)
{
	return pfm_read_pmds(fd, v, n);
}

int pfmon_write_pmcs(int fd, struct pfarg_pmc *pmcs, int count, int *done)
{
	return pfmon_chunked(call_write_pmcs, fd, pmcs, sizeof(*pmcs), count, done);
}

int pfmon_write_pmds(int fd, struct pfarg_pmd *pmds, int count, int *done)
{
	return pfmon_chunked(call_write_pmds, fd, pmds, sizeof(*pmds), count, done);
}

int pfmon_read_pmds(int fd, struct pfarg_pmd *pmds, int count, int *done)
{
	return pfmon_chunked(call_read_pmds, fd, pmds, sizeof(*pmds), count, done);
}

void pfmon_pmc(struct pfarg_pmc *pmc, uint16_t set, uint16_t num, uint64_t value)
{
	memset(pmc, 0, sizeof(*pmc));
	pmc->reg_set = set;
	pmc->reg_num = num;
	pmc->reg_value = value;
}

void pfmon_pmd(struct pfarg_pmd *pmd, uint16_t set, uint16_t num, uint64_t value)
{
	memset(pmd, 0, sizeof(*pmd));
	pmd->reg_set = set;
	pmd->reg_num = num;
	pmd->reg_value = value;
}
