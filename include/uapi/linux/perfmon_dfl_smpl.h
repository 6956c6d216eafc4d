/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * perfmon2 default sampling format, "default" version 1.0.
 *
 * pfm_create_context(ctx, "default", &arg, sizeof(arg)) gives the context
 * a buffer of arg.buf_size bytes (page-rounded), mapped read-only with
 * mmap() at offset 0 of the context's descriptor. The buffer starts with
 * a struct pfm_dfl_smpl_hdr; entries follow from offset 128, one per
 * 64-bit PMD overflow: a struct pfm_dfl_smpl_entry, then one __u64 per
 * PMD of the overflowed PMD's reg_smpl_pmds, in increasing PMD order.
 *
 * The buffer is full when fewer than hdr_min_buf_space bytes remain after
 * hdr_cur_offs. It then counts one hdr_overflows, masks monitoring and,
 * if an overflowed PMD has PFM_REGFL_OVFL_NOTIFY, sends PFM_MSG_OVFL.
 * pfm_restart() empties it (hdr_count 0, hdr_cur_offs 128) and resumes.
 *
 * Reading protocol. The kernel writes an entry completely, then
 * publishes it:
 *
 *   kernel                              reader
 *
 *   write the entry at hdr_cur_offs     n = hdr_count
 *   smp_wmb()              (A)          read barrier          (B)
 *   hdr_count++, hdr_cur_offs += len    read the first n entries
 *
 * A pairs with B: a reader that sees a count also sees the entries it
 * counts. Entries are never rewritten until pfm_restart(), so a reader
 * that has the context masked (after a notification) or stopped reads a
 * stable buffer.
 */
#ifndef _UAPI_LINUX_PERFMON_DFL_SMPL_H
#define _UAPI_LINUX_PERFMON_DFL_SMPL_H

#include <linux/types.h>

#define PFM_DFL_SMPL_NAME	"default"
#define PFM_DFL_SMPL_VERSION_MAJ	1
#define PFM_DFL_SMPL_VERSION_MIN	0
#define PFM_DFL_SMPL_VERSION	(((PFM_DFL_SMPL_VERSION_MAJ & 0xffff) << 16) | \
				 (PFM_DFL_SMPL_VERSION_MIN & 0xffff))

/* smpl_arg of pfm_create_context(); smpl_size must be its size, 64 */
struct pfm_dfl_smpl_arg {
	__u64	buf_size;	/* requested buffer size in bytes */
	__u32	buf_flags;	/* copied to hdr_buf_flags; none defined, pass 0 */
	__u32	res1;		/* reserved */
	__u64	reserved[6];	/* reserved */
};

/* At offset 0 of the buffer: 128 bytes */
struct pfm_dfl_smpl_hdr {
	__u64	hdr_count;		/* valid entries */
	__u64	hdr_cur_offs;		/* offset of the next free byte; 128 when empty */
	__u64	hdr_overflows;		/* times the buffer became full */
	__u64	hdr_buf_size;		/* buf_size as requested */
	__u64	hdr_min_buf_space;	/* largest entry: 40 + 8 x implemented PMDs */
	__u32	hdr_version;		/* PFM_DFL_SMPL_VERSION */
	__u32	hdr_buf_flags;		/* buf_flags */
	__u64	hdr_reserved[10];	/* zero */
};

/* One overflow: 40 bytes, followed by its reg_smpl_pmds values */
struct pfm_dfl_smpl_entry {
	__u32	pid;			/* thread id (gettid()) of the interrupted thread */
	__u16	ovfl_pmd;		/* the overflowed PMD */
	__u16	reserved;		/* zero */
	__u64	last_reset_val;		/* value it was last written or reset to */
	__u64	ip;			/* interrupted instruction address */
	__u64	tstamp;			/* ns, per-CPU scheduler clock; one per interrupt */
	__u16	cpu;			/* CPU of the interrupt */
	__u16	set;			/* active set id */
	__u32	tgid;			/* thread-group id (getpid()) */
};

#endif /* _UAPI_LINUX_PERFMON_DFL_SMPL_H */
