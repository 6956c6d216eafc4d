/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the perfmon2 core and sampling formats.
 *
 * A format owns the layout of a context's sampling buffer: it checks the
 * argument given to pfm_create_context(), sizes and initialises the
 * buffer, records each 64-bit overflow in it, and prepares it for reuse
 * at pfm_restart(). The core allocates the buffer (zeroed, charged to
 * smpl_buffer_mem_max and RLIMIT_MEMLOCK), maps it read-only for the
 * controlling process and frees it.
 */
#ifndef _LINUX_PERFMON_FMT_H
#define _LINUX_PERFMON_FMT_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/perfmon.h>

struct module;

/* Actions a format's handler or restart hook asks for. */
#define PFM_ACT_RESET	0x1	/* reset the overflowed PMDs and continue */
#define PFM_ACT_NOTIFY	0x2	/* notify, if an overflowed PMD asks for it */
#define PFM_ACT_MASK	0x4	/* freeze monitoring until pfm_restart() */

/**
 * struct pfm_ovfl_arg - one 64-bit overflow, as handed to a format
 * @ovfl_pmd: the overflowed PMD
 * @active_set: id of the active set
 * @nsmpl: values in @smpl_pmds
 * @last_reset_val: value the PMD was last written or reset to
 * @smpl_eventid: the PMD's reg_smpl_eventid
 * @ip: interrupted instruction address
 * @tstamp: local_clock() of the interrupt, shared by its overflows
 * @pid: thread id of the interrupted thread (gettid())
 * @tgid: its thread-group id (getpid())
 * @cpu: CPU of the interrupt
 * @smpl_pmds: the 64-bit values of the PMD's reg_smpl_pmds, increasing
 *	PMD index
 */
struct pfm_ovfl_arg {
	u16		ovfl_pmd;
	u16		active_set;
	u16		nsmpl;
	u64		last_reset_val;
	u64		smpl_eventid;
	unsigned long	ip;
	u64		tstamp;
	pid_t		pid;
	pid_t		tgid;
	u16		cpu;
	u64		smpl_pmds[PFM_MAX_PMDS];
};

/**
 * struct pfm_smpl_fmt - a sampling format
 * @name: name user space passes to pfm_create_context()
 * @version: (major << 16) | minor, shown as MAJ.MIN in sysfs
 * @arg_size: size of the format's smpl_arg; smpl_size must equal it
 * @owner: the module providing the format
 * @validate: check @arg for a context with @ctx_flags on a PMU with
 *	@npmds implemented PMDs; return 0 or -EINVAL
 * @get_size: the buffer size @arg asks for, in bytes (before rounding to
 *	pages); return 0 or -EINVAL
 * @init: initialise the zeroed buffer @buf of @size bytes
 * @handler: record one overflow in @buf; return PFM_ACT_* or a negative
 *	errno (the interrupt's remaining overflows are then skipped). Once
 *	it returns PFM_ACT_MASK, the interrupt's remaining overflows are
 *	not handed to it. Called in interrupt context with the context's
 *	lock held: it must neither sleep nor allocate.
 * @restart: optional; pfm_restart(): prepare @buf for reuse and set
 *	*@actions (PFM_ACT_RESET, PFM_ACT_MASK to stay stopped); return 0
 *	or a negative errno, which pfm_restart() returns. Called with the
 *	context's lock held.
 * @exit: optional; the context is being destroyed
 *
 * Filled by the core:
 * @list: in the registry
 * @kobj: its formats/<name> directory
 */
struct pfm_smpl_fmt {
	const char	*name;
	u32		version;
	size_t		arg_size;
	struct module	*owner;
	int		(*validate)(u32 ctx_flags, u16 npmds, const void *arg);
	int		(*get_size)(const void *arg, size_t *size);
	void		(*init)(void *buf, size_t size, u32 ctx_flags, u16 npmds,
				const void *arg);
	int		(*handler)(void *buf, const struct pfm_ovfl_arg *arg);
	int		(*restart)(void *buf, u32 *actions);
	void		(*exit)(void *buf);

	struct list_head	list;
	struct kobject		*kobj;
};

int pfm_fmt_register(struct pfm_smpl_fmt *fmt);
void pfm_fmt_unregister(struct pfm_smpl_fmt *fmt);

#endif /* _LINUX_PERFMON_FMT_H */
