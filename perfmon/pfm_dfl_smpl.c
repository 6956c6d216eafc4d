// SPDX-License-Identifier: GPL-2.0
/*
 * The "default" sampling format 1.0: a header, then one entry per 64-bit
 * overflow with the values of the overflowed PMD's reg_smpl_pmds. When
 * the buffer is full it masks monitoring until pfm_restart() empties it.
 * Layout and reading protocol: include/uapi/linux/perfmon_dfl_smpl.h.
 *
 * The core calls the handler and the restart hook with the context's
 * lock held, so they never run concurrently on one buffer.
 */
#include <linux/module.h>
#include <linux/perfmon_fmt.h>
#include <uapi/linux/perfmon_dfl_smpl.h>

#include "pfm_priv.h"

#define PFM_DFL_HDR_SIZE	sizeof(struct pfm_dfl_smpl_hdr)
#define PFM_DFL_ENTRY_SIZE	sizeof(struct pfm_dfl_smpl_entry)

static_assert(sizeof(struct pfm_dfl_smpl_arg) == 64);
static_assert(PFM_DFL_HDR_SIZE == 128);
static_assert(PFM_DFL_ENTRY_SIZE == 40);

/* Space of the largest entry: every implemented PMD sampled. */
static u64 pfm_dfl_min_space(u16 npmds)
{
	return PFM_DFL_ENTRY_SIZE + 8 * (u64)npmds;
}

static int pfm_dfl_validate(u32 ctx_flags, u16 npmds, const void *data)
{
	const struct pfm_dfl_smpl_arg *arg = data;

	if (arg->buf_size < PFM_DFL_HDR_SIZE + pfm_dfl_min_space(npmds))
		return -EINVAL;
	return 0;
}

static int pfm_dfl_get_size(const void *data, size_t *size)
{
	const struct pfm_dfl_smpl_arg *arg = data;

	if (arg->buf_size > SIZE_MAX)
		return -EINVAL;
	*size = arg->buf_size;
	return 0;
}

static void pfm_dfl_init(void *buf, size_t size, u32 ctx_flags, u16 npmds, const void *data)
{
	const struct pfm_dfl_smpl_arg *arg = data;
	struct pfm_dfl_smpl_hdr *hdr = buf;

	hdr->hdr_cur_offs = PFM_DFL_HDR_SIZE;
	hdr->hdr_buf_size = arg->buf_size;
	hdr->hdr_min_buf_space = pfm_dfl_min_space(npmds);
	hdr->hdr_version = PFM_DFL_SMPL_VERSION;
	hdr->hdr_buf_flags = arg->buf_flags;
}

static bool pfm_dfl_full(const struct pfm_dfl_smpl_hdr *hdr)
{
	return hdr->hdr_buf_size - hdr->hdr_cur_offs < hdr->hdr_min_buf_space;
}

/* Full: count it, and have monitoring masked (and notified). */
static int pfm_dfl_overflowed(struct pfm_dfl_smpl_hdr *hdr)
{
	hdr->hdr_overflows++;
	return PFM_ACT_NOTIFY | PFM_ACT_MASK;
}

static int pfm_dfl_handler(void *buf, const struct pfm_ovfl_arg *arg)
{
	struct pfm_dfl_smpl_hdr *hdr = buf;
	struct pfm_dfl_smpl_entry *e;
	u64 *vals;

	if (pfm_dfl_full(hdr))
		return pfm_dfl_overflowed(hdr);
	e = buf + hdr->hdr_cur_offs;
	e->pid = arg->pid;
	e->ovfl_pmd = arg->ovfl_pmd;
	e->reserved = 0;
	e->last_reset_val = arg->last_reset_val;
	e->ip = arg->ip;
	e->tstamp = arg->tstamp;
	e->cpu = arg->cpu;
	e->set = arg->active_set;
	e->tgid = arg->tgid;
	vals = (u64 *)(e + 1);
	memcpy(vals, arg->smpl_pmds, arg->nsmpl * sizeof(u64));
	smp_wmb();	/* A: the entry before its count (reader's B) */
	WRITE_ONCE(hdr->hdr_cur_offs, hdr->hdr_cur_offs + PFM_DFL_ENTRY_SIZE +
		   arg->nsmpl * sizeof(u64));
	WRITE_ONCE(hdr->hdr_count, hdr->hdr_count + 1);
	if (pfm_dfl_full(hdr))
		return pfm_dfl_overflowed(hdr);
	return PFM_ACT_RESET;
}

/* Empty the buffer (hdr_overflows is kept) and resume with long resets. */
static int pfm_dfl_restart(void *buf, u32 *actions)
{
	struct pfm_dfl_smpl_hdr *hdr = buf;

	WRITE_ONCE(hdr->hdr_count, 0);
	WRITE_ONCE(hdr->hdr_cur_offs, PFM_DFL_HDR_SIZE);
	*actions = PFM_ACT_RESET;
	return 0;
}

static struct pfm_smpl_fmt pfm_dfl_fmt = {
	.name		= PFM_DFL_SMPL_NAME,
	.version	= PFM_DFL_SMPL_VERSION,
	.arg_size	= sizeof(struct pfm_dfl_smpl_arg),
	.owner		= THIS_MODULE,
	.validate	= pfm_dfl_validate,
	.get_size	= pfm_dfl_get_size,
	.init		= pfm_dfl_init,
	.handler	= pfm_dfl_handler,
	.restart	= pfm_dfl_restart,
};

static int __init pfm_dfl_smpl_init(void)
{
	return pfm_fmt_register(&pfm_dfl_fmt);
}

static void __exit pfm_dfl_smpl_exit(void)
{
	pfm_fmt_unregister(&pfm_dfl_fmt);
}

module_init(pfm_dfl_smpl_init);
module_exit(pfm_dfl_smpl_exit);

MODULE_DESCRIPTION("perfmon2 default sampling format");
MODULE_LICENSE("GPL");
MODULE_ALIAS("pfm-fmt-default");
