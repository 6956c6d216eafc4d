/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * perfmon2 user interface, version 2.5.
 *
 * Twelve system calls program a logical PMU made of configuration
 * registers (PMC) and 64-bit data registers (PMD), per thread or per
 * CPU, through a context file descriptor. Every structure here has the
 * same layout for 32-bit and 64-bit callers, except struct pfm_set_view
 * (see there). Documentation/userspace-api/perfmon2.rst describes the
 * interface.
 */
#ifndef _UAPI_LINUX_PERFMON_H
#define _UAPI_LINUX_PERFMON_H

#include <linux/types.h>

/*
 * Logical register space: 256 hardware-backed plus 64 software (virtual)
 * registers of each kind, logical indexes 0..319.
 */
#define PFM_ARCH_MAX_HW_PMCS	256
#define PFM_ARCH_MAX_HW_PMDS	256
#define PFM_ARCH_MAX_SW_PMCS	64
#define PFM_ARCH_MAX_SW_PMDS	64
#define PFM_MAX_PMCS		(PFM_ARCH_MAX_HW_PMCS + PFM_ARCH_MAX_SW_PMCS)
#define PFM_MAX_PMDS		(PFM_ARCH_MAX_HW_PMDS + PFM_ARCH_MAX_SW_PMDS)
#define PFM_MAX_HW_PMDS		PFM_ARCH_MAX_HW_PMDS

/*
 * Bit vectors are arrays of __u64 in native byte order: register n is
 * bit (n % 64) of word n / 64.
 */
#define PFM_BVSIZE(x)		(((x) + 63) / 64)
#define PFM_PMC_BV		PFM_BVSIZE(PFM_MAX_PMCS)
#define PFM_PMD_BV		PFM_BVSIZE(PFM_MAX_PMDS)
#define PFM_HW_PMD_BV		PFM_BVSIZE(PFM_MAX_HW_PMDS)

/* struct pfarg_ctx.ctx_flags: bits 0-15 generic, 16-31 arch (none). */
#define PFM_FL_NOTIFY_BLOCK	0x01	/* block the monitored thread on notification */
#define PFM_FL_SYSTEM_WIDE	0x02	/* per-CPU context */
#define PFM_FL_MAP_SETS		0x10	/* set views can be mapped */
#define PFM_FL_OVFL_NO_MSG	0x80	/* no PFM_MSG_OVFL messages */

/*
 * reg_flags of struct pfarg_pmc and struct pfarg_pmd: bits 0-15
 * generic, 16-23 arch (none), 24-28 reserved (zero on output), 29-31
 * per-entry error bits set by the kernel on the failing entry.
 */
#define PFM_REGFL_OVFL_NOTIFY	0x1	/* PMD: notify on 64-bit overflow */
#define PFM_REGFL_RANDOM	0x2	/* PMD: randomize every reset */
#define PFM_REGFL_NO_EMUL64	0x4	/* PMC: no 64-bit virtualization */

#define PFM_REG_RETFL_NOSET	(1U << 29)	/* event set does not exist */
#define PFM_REG_RETFL_EINVAL	(1U << 30)	/* invalid entry */
#define PFM_REG_RETFL_NOTAVAIL	(1U << 31)	/* register not available */
#define PFM_REG_RETFL_MASK	(PFM_REG_RETFL_NOSET | PFM_REG_RETFL_EINVAL | \
				 PFM_REG_RETFL_NOTAVAIL)
#define PFM_REG_HAS_ERROR(flags) (((flags) & PFM_REG_RETFL_MASK) != 0)

/* set_flags of struct pfarg_setdesc: bits 0-15 generic. */
#define PFM_SETFL_OVFL_SWITCH	0x01	/* switch after reg_ovfl_switch_cnt overflows */
#define PFM_SETFL_TIME_SWITCH	0x02	/* switch after set_timeout ns */
#define PFM_SETFL_EXPL_NEXT	0x04	/* next set is set_id_next */

/* set_status of struct pfm_set_view */
#define PFM_SETVFL_ACTIVE	0x1	/* active set of a loaded context */

/* Messages read from the context file descriptor. */
#define PFM_MSG_OVFL		1	/* overflow notification */
#define PFM_MSG_END		2	/* the monitored thread exited */
#define PFM_MSGS_COUNT		(1 << 3)	/* depth of the message queue */

#define PFM_MAX_NUM_SETS	65536
/* mmap offset of set view n: (PFM_SET_REMAP_OFFS + n) pages (opaque). */
#define PFM_SET_REMAP_OFFS	16384

/* /sys/kernel/perfmon/{sys,task}_group: any group may use perfmon. */
#define PFM_GROUP_PERM_ANY	-1

/* Interface version: major in bits 16-31, minor in bits 0-15. */
#define PFM_VERSION_MAJ		2U
#define PFM_VERSION_MIN		5U
#define PFM_VERSION		(((PFM_VERSION_MAJ & 0xffff) << 16) | \
				 (PFM_VERSION_MIN & 0xffff))
#define PFM_VERSION_MAJOR(x)	(((x) >> 16) & 0xffff)
#define PFM_VERSION_MINOR(x)	((x) & 0xffff)

/* pfm_create_context(ctx, smpl_name, smpl_arg, smpl_size); input only */
struct pfarg_ctx {
	__u32	ctx_flags;		/* PFM_FL_* */
	__u32	ctx_reserved1;		/* reserved, zero */
	__u64	ctx_reserved2[7];	/* reserved, zero */
};

/* pfm_write_pmcs(fd, pmcs, count) */
struct pfarg_pmc {
	__u16	reg_num;		/* logical PMC index */
	__u16	reg_set;		/* event set */
	__u32	reg_flags;		/* PFM_REGFL_*, error bits out */
	__u64	reg_value;		/* value */
	__u64	reg_reserved2[4];	/* reserved, zero */
};

/* pfm_write_pmds(fd, pmds, count), pfm_read_pmds(fd, pmds, count) */
struct pfarg_pmd {
	__u16	reg_num;		/* logical PMD index */
	__u16	reg_set;		/* event set */
	__u32	reg_flags;		/* PFM_REGFL_*, error bits out */
	__u64	reg_value;		/* 64-bit logical value */
	__u64	reg_long_reset;		/* reset after a masking overflow */
	__u64	reg_short_reset;	/* reset after other overflows */
	__u64	reg_last_reset_val;	/* out: last value written or reset to */
	__u64	reg_ovfl_switch_cnt;	/* overflows before a set switch */
	__u64	reg_reset_pmds[PFM_PMD_BV];	/* PMDs reset with this one */
	__u64	reg_smpl_pmds[PFM_PMD_BV];	/* PMDs recorded with samples */
	__u64	reg_smpl_eventid;	/* opaque id for the sampling format */
	__u64	reg_random_mask;	/* bits of randomization of resets */
	__u32	reg_random_seed;	/* ignored */
	__u32	reg_reserved2[7];	/* reserved, zero */
};

/* pfm_start(fd, start): start may be NULL */
struct pfarg_start {
	__u16	start_set;		/* event set to start with */
	__u16	start_reserved1;	/* reserved, zero */
	__u32	start_reserved2;	/* reserved, zero */
	__u64	reserved3[3];		/* reserved, zero */
};

/* pfm_load_context(fd, load) */
struct pfarg_load {
	__u32	load_pid;		/* thread id, or CPU for system-wide */
	__u16	load_set;		/* first active event set */
	__u16	load_reserved1;		/* reserved, zero */
	__u64	load_reserved2[3];	/* reserved, zero */
};

/* pfm_create_evtsets(fd, sets, count), pfm_delete_evtsets(fd, sets, count) */
struct pfarg_setdesc {
	__u16	set_id;			/* set id, 0..65535 */
	__u16	set_id_next;		/* next set with PFM_SETFL_EXPL_NEXT */
	__u32	set_flags;		/* PFM_SETFL_*, error bit 30 out */
	__u64	set_timeout;		/* switch timeout in ns, effective out */
	__u64	set_mmap_offset;	/* out: mmap offset of the set view */
	__u64	reserved[5];		/* reserved, zero */
};

/* pfm_getinfo_evtsets(fd, info, count) */
struct pfarg_setinfo {
	__u16	set_id;			/* set to describe */
	__u16	set_id_next;		/* out */
	__u32	set_flags;		/* out; error bit 30 on failure */
	__u64	set_ovfl_pmds[PFM_HW_PMD_BV];	/* out: last 64-bit overflow */
	__u64	set_runs;		/* out: activations since load */
	__u64	set_timeout;		/* out: remaining switch timeout (ns) */
	__u64	set_act_duration;	/* out: ns active since load */
	__u64	set_mmap_offset;	/* out: mmap offset of the set view */
	__u64	set_avail_pmcs[PFM_PMC_BV];	/* out: implemented PMCs */
	__u64	set_avail_pmds[PFM_PMD_BV];	/* out: implemented PMDs */
	__u64	reserved[5];		/* reserved */
};

/*
 * Read-only view of one event set, mapped at its set_mmap_offset with
 * PFM_FL_MAP_SETS. set_seq is 8 bytes on LP64 and 4 bytes on 32-bit
 * ABIs (the kernel always writes an 8-byte little-endian counter; the
 * low half is enough for the protocol), so the structure is 2584 bytes
 * on LP64 and AArch32 and 2580 bytes on i386.
 *
 * Reading protocol. The kernel is the only writer; it increments set_seq
 * before and after each update:
 *
 *   kernel                              reader
 *
 *   set_seq++ (odd)                     s = set_seq; retry while s is odd
 *   smp_wmb()              (A)          read barrier          (C)
 *   write the fields                    copy what it needs
 *   smp_wmb()              (B)          read barrier          (D)
 *   set_seq++ (even)                    start over if set_seq != s
 *
 * A pairs with D: a copy that overlapped an update sees set_seq changed.
 * B pairs with C: a reader that saw the update's final set_seq copies all
 * of it. A read barrier is an acquire fence (for instance
 * __atomic_thread_fence(__ATOMIC_ACQUIRE)). set_pmds holds the software
 * values: exact for inactive sets and whenever monitoring is stopped,
 * masked or unloaded; for the active set of running per-thread
 * monitoring, the values of the last save (context switch, set switch,
 * overflow or stop).
 */
struct pfm_set_view {
	__u32		set_status;		/* PFM_SETVFL_ACTIVE */
	__u32		set_reserved1;		/* zero */
	__u64		set_runs;		/* as pfarg_setinfo.set_runs */
	__u64		set_pmds[PFM_MAX_PMDS];	/* 64-bit PMD values */
	volatile unsigned long set_seq;		/* update sequence counter */
};

/* PFM_MSG_OVFL */
struct pfarg_ovfl_msg {
	__u32	msg_type;		/* PFM_MSG_OVFL */
	__u32	msg_ovfl_pid;		/* thread id of the interrupted thread */
	__u64	msg_ovfl_pmds[PFM_HW_PMD_BV];	/* PMDs that overflowed */
	__u16	msg_active_set;		/* set active at the overflow */
	__u16	msg_ovfl_cpu;		/* CPU of the interrupt */
	__u32	msg_ovfl_tid;		/* thread-group id of that thread */
	__u64	msg_ovfl_ip;		/* interrupted instruction address */
};

/* One message: every read() of the context returns exactly one. */
union pfarg_msg {
	__u32			type;		/* PFM_MSG_* */
	struct pfarg_ovfl_msg	pfm_ovfl_msg;	/* PFM_MSG_OVFL */
};

#endif /* _UAPI_LINUX_PERFMON_H */
