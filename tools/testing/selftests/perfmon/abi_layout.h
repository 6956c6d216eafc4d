/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build-time checks of every size and offset of the perfmon2 user ABI.
 * This header only needs <linux/perfmon.h> and <stddef.h>, so it is also
 * compiled for 32-bit layouts (i386, and i386 with 8-byte-aligned 64-bit
 * integers as on AArch32) where no 32-bit C library is installed.
 */
#ifndef __SELFTESTS_PERFMON_ABI_LAYOUT_H
#define __SELFTESTS_PERFMON_ABI_LAYOUT_H

#include <stddef.h>
#include <linux/perfmon.h>

#define PFM_OFF(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field)
#define PFM_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), "sizeof " #type)

_Static_assert(PFM_MAX_PMCS == 320 && PFM_MAX_PMDS == 320, "register space");
_Static_assert(PFM_PMC_BV == 5 && PFM_PMD_BV == 5 && PFM_HW_PMD_BV == 4, "bit vectors");
_Static_assert(PFM_VERSION == 0x00020005, "version");

PFM_SIZE(pfarg_ctx, 64);
PFM_OFF(pfarg_ctx, ctx_flags, 0);
PFM_OFF(pfarg_ctx, ctx_reserved1, 4);
PFM_OFF(pfarg_ctx, ctx_reserved2, 8);

PFM_SIZE(pfarg_pmc, 48);
PFM_OFF(pfarg_pmc, reg_num, 0);
PFM_OFF(pfarg_pmc, reg_set, 2);
PFM_OFF(pfarg_pmc, reg_flags, 4);
PFM_OFF(pfarg_pmc, reg_value, 8);
PFM_OFF(pfarg_pmc, reg_reserved2, 16);

PFM_SIZE(pfarg_pmd, 176);
PFM_OFF(pfarg_pmd, reg_num, 0);
PFM_OFF(pfarg_pmd, reg_set, 2);
PFM_OFF(pfarg_pmd, reg_flags, 4);
PFM_OFF(pfarg_pmd, reg_value, 8);
PFM_OFF(pfarg_pmd, reg_long_reset, 16);
PFM_OFF(pfarg_pmd, reg_short_reset, 24);
PFM_OFF(pfarg_pmd, reg_last_reset_val, 32);
PFM_OFF(pfarg_pmd, reg_ovfl_switch_cnt, 40);
PFM_OFF(pfarg_pmd, reg_reset_pmds, 48);
PFM_OFF(pfarg_pmd, reg_smpl_pmds, 88);
PFM_OFF(pfarg_pmd, reg_smpl_eventid, 128);
PFM_OFF(pfarg_pmd, reg_random_mask, 136);
PFM_OFF(pfarg_pmd, reg_random_seed, 144);
PFM_OFF(pfarg_pmd, reg_reserved2, 148);

PFM_SIZE(pfarg_start, 32);
PFM_OFF(pfarg_start, start_set, 0);
PFM_OFF(pfarg_start, start_reserved1, 2);
PFM_OFF(pfarg_start, start_reserved2, 4);
PFM_OFF(pfarg_start, reserved3, 8);

PFM_SIZE(pfarg_load, 32);
PFM_OFF(pfarg_load, load_pid, 0);
PFM_OFF(pfarg_load, load_set, 4);
PFM_OFF(pfarg_load, load_reserved1, 6);
PFM_OFF(pfarg_load, load_reserved2, 8);

PFM_SIZE(pfarg_setdesc, 64);
PFM_OFF(pfarg_setdesc, set_id, 0);
PFM_OFF(pfarg_setdesc, set_id_next, 2);
PFM_OFF(pfarg_setdesc, set_flags, 4);
PFM_OFF(pfarg_setdesc, set_timeout, 8);
PFM_OFF(pfarg_setdesc, set_mmap_offset, 16);
PFM_OFF(pfarg_setdesc, reserved, 24);

PFM_SIZE(pfarg_setinfo, 192);
PFM_OFF(pfarg_setinfo, set_id, 0);
PFM_OFF(pfarg_setinfo, set_id_next, 2);
PFM_OFF(pfarg_setinfo, set_flags, 4);
PFM_OFF(pfarg_setinfo, set_ovfl_pmds, 8);
PFM_OFF(pfarg_setinfo, set_runs, 40);
PFM_OFF(pfarg_setinfo, set_timeout, 48);
PFM_OFF(pfarg_setinfo, set_act_duration, 56);
PFM_OFF(pfarg_setinfo, set_mmap_offset, 64);
PFM_OFF(pfarg_setinfo, set_avail_pmcs, 72);
PFM_OFF(pfarg_setinfo, set_avail_pmds, 112);
PFM_OFF(pfarg_setinfo, reserved, 152);

PFM_OFF(pfm_set_view, set_status, 0);
PFM_OFF(pfm_set_view, set_reserved1, 4);
PFM_OFF(pfm_set_view, set_runs, 8);
PFM_OFF(pfm_set_view, set_pmds, 16);
PFM_OFF(pfm_set_view, set_seq, 2576);
/* 2584 on LP64 and AArch32, 2580 on i386 (4-byte aligned __u64 members) */
struct pfm_u64_member { char c; __u64 x; };
PFM_SIZE(pfm_set_view,
	 __SIZEOF_LONG__ == 8 || offsetof(struct pfm_u64_member, x) == 8 ? 2584 : 2580);

PFM_SIZE(pfarg_ovfl_msg, 56);
PFM_OFF(pfarg_ovfl_msg, msg_type, 0);
PFM_OFF(pfarg_ovfl_msg, msg_ovfl_pid, 4);
PFM_OFF(pfarg_ovfl_msg, msg_ovfl_pmds, 8);
PFM_OFF(pfarg_ovfl_msg, msg_active_set, 40);
PFM_OFF(pfarg_ovfl_msg, msg_ovfl_cpu, 42);
PFM_OFF(pfarg_ovfl_msg, msg_ovfl_tid, 44);
PFM_OFF(pfarg_ovfl_msg, msg_ovfl_ip, 48);
_Static_assert(sizeof(union pfarg_msg) == 56, "sizeof pfarg_msg");

_Static_assert(PFM_REG_RETFL_MASK == 0xe0000000U, "error bits");
_Static_assert(PFM_FL_NOTIFY_BLOCK == 1 && PFM_FL_SYSTEM_WIDE == 2 &&
	       PFM_FL_MAP_SETS == 0x10 && PFM_FL_OVFL_NO_MSG == 0x80, "ctx flags");
_Static_assert(PFM_MSG_OVFL == 1 && PFM_MSG_END == 2 && PFM_MSGS_COUNT == 8, "messages");
_Static_assert(PFM_SET_REMAP_OFFS == 16384 && PFM_MAX_NUM_SETS == 65536, "sets");

#endif /* __SELFTESTS_PERFMON_ABI_LAYOUT_H */
