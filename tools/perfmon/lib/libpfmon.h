/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpfmon: a small library over the perfmon2 system calls, for pfmon
 * and the perfmon selftests: the 12 calls, register vector helpers,
 * /sys/kernel/perfmon readers, the set-view reader and a walker over the
 * default sampling format's buffer.
 */
#ifndef __LIBPFMON_H
#define __LIBPFMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perfmon.h>
#include <linux/perfmon_dfl_smpl.h>

#define PFMON_SYSFS		"/sys/kernel/perfmon"
#define PFMON_NR_CALLS		12

/*
 * The system calls. Their numbers are /sys/kernel/perfmon/syscall plus
 * their order in the ABI, read once; without the file, the numbers this
 * library was built with. Each returns what the call returns, with
 * errno set on failure (ENOSYS when the kernel has no perfmon).
 */
int pfm_create_context(struct pfarg_ctx *ctx, const char *fmt, void *arg, size_t size);
int pfm_write_pmcs(int fd, struct pfarg_pmc *pmcs, int count);
int pfm_write_pmds(int fd, struct pfarg_pmd *pmds, int count);
int pfm_read_pmds(int fd, struct pfarg_pmd *pmds, int count);
int pfm_load_context(int fd, struct pfarg_load *load);
int pfm_start(int fd, struct pfarg_start *start);
int pfm_stop(int fd);
int pfm_restart(int fd);
int pfm_create_evtsets(int fd, struct pfarg_setdesc *sets, int count);
int pfm_getinfo_evtsets(int fd, struct pfarg_setinfo *info, int count);
int pfm_delete_evtsets(int fd, struct pfarg_setdesc *sets, int count);
int pfm_unload_context(int fd);

/* The number of pfm_create_context() in use (the others follow it). */
long pfmon_syscall_base(void);

/*
 * Register vectors. A call copies at most arg_mem_max bytes of vector
 * (/sys/kernel/perfmon/arg_mem_max); these write or read a vector of any
 * length in as many calls as it takes. On failure, *done (if not NULL)
 * says how many entries went through before the failing call; the
 * failing entry has PFM_REG_RETFL_* flags set by the kernel.
 */
int pfmon_write_pmcs(int fd, struct pfarg_pmc *pmcs, int count, int *done);
int pfmon_write_pmds(int fd, struct pfarg_pmd *pmds, int count, int *done);
int pfmon_read_pmds(int fd, struct pfarg_pmd *pmds, int count, int *done);

/* Fill one entry, zeroing the rest of it. */
void pfmon_pmc(struct pfarg_pmc *pmc, uint16_t set, uint16_t num, uint64_t value);
void pfmon_pmd(struct pfarg_pmd *pmd, uint16_t set, uint16_t num, uint64_t value);

/*
 * /sys/kernel/perfmon. pfmon_sysfs_read() reads entry @name (relative to
 * the directory) into @buf, NUL-terminated without its newline, and
 * returns its length or -errno; pfmon_sysfs_u64() parses a decimal or
 * 0x-hex value (-1 reads as UINT64_MAX).
 */
int pfmon_sysfs_read(const char *name, char *buf, size_t size);
int pfmon_sysfs_u64(const char *name, uint64_t *val);
int pfmon_sysfs_write(const char *name, const char *val);
/* Write @val to any file @path (a control elsewhere in sysfs): 0 or -errno. */
int pfmon_write_file(const char *path, const char *val);

/* One logical register of the active PMU description (pmu_desc/). */
struct pfmon_reg {
	uint16_t	num;		/* N of pmcN/pmdN */
	uint16_t	width;		/* counter width, 64 for non-counters */
	char		name[32];	/* hardware register name */
	uint64_t	dfl_val;	/* default value */
	uint64_t	rsvd_msk;	/* reserved bits */
	uint64_t	addr;		/* hardware address or index */
};

/* The active PMU description. */
struct pfmon_pmu_desc {
	char		model[64];
	int		npmcs, npmds;
	struct pfmon_reg *pmcs;	/* increasing num */
	struct pfmon_reg *pmds;	/* increasing num */
};

/*
 * Read pmu_desc/ into @desc: 0, or -errno (-ENOENT: no perfmon, or no
 * PMU description). pfmon_pmu_desc_free() releases it.
 */
int pfmon_pmu_desc_read(struct pfmon_pmu_desc *desc);
void pfmon_pmu_desc_free(struct pfmon_pmu_desc *desc);
const struct pfmon_reg *pfmon_pmu_desc_pmd(const struct pfmon_pmu_desc *desc, int num);

/*
 * Set views (PFM_FL_MAP_SETS). pfmon_view_map() maps the view at
 * @offset (pfarg_setinfo.set_mmap_offset) read-only, or returns NULL;
 * pfmon_view_read() copies it consistently (the protocol of
 * <linux/perfmon.h>), pfmon_view_read_pmd() reads PMD @n's value the
 * same way; pfmon_view_unmap() undoes the mapping.
 */
const struct pfm_set_view *pfmon_view_map(int fd, uint64_t offset);
void pfmon_view_unmap(const struct pfm_set_view *view);
void pfmon_view_read(const struct pfm_set_view *view, struct pfm_set_view *out);
uint64_t pfmon_view_read_pmd(const struct pfm_set_view *view, unsigned int n);

/*
 * The default sampling format's buffer. A walk covers the entries
 * published when it began (hdr_count read with acquire ordering, see
 * <linux/perfmon_dfl_smpl.h>). The length of an entry depends on the
 * overflowed PMD's reg_smpl_pmds: @nvals[pmd] is how many values follow
 * an entry of that PMD (its number of bits in reg_smpl_pmds).
 */
struct pfmon_smpl_walk {
	const uint8_t	*buf;		/* the mapped buffer */
	size_t		size;		/* its mapped length */
	const uint8_t	*nvals;		/* values per entry, per PMD */
	uint64_t	count;		/* entries published at the start */
	uint64_t	index;		/* next entry */
	uint64_t	offs;		/* its offset */
};

/* One entry: its fixed part, and its sampled PMD values. */
struct pfmon_smpl_sample {
	const struct pfm_dfl_smpl_entry *entry;
	const uint64_t	*vals;
	int		nvals;
};

void pfmon_smpl_begin(struct pfmon_smpl_walk *walk, const void *buf, size_t size,
		      const uint8_t *nvals);
/* 1 and the next sample, 0 at the end, -EINVAL on a malformed buffer. */
int pfmon_smpl_next(struct pfmon_smpl_walk *walk, struct pfmon_smpl_sample *sample);

#endif /* __LIBPFMON_H */
