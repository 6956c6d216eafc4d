// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling buffers: a context created with a sampling format gets a
 * zeroed vmalloc_user() buffer, sized by the format, charged against
 * smpl_buffer_mem_max and its creator's RLIMIT_MEMLOCK, mapped read-only
 * at offset 0 of the descriptor, and freed with the context.
 *
 * The buffer and its format never change during the context's life; the
 * format writes the buffer under ctx->lock.
 */
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/perfmon_fmt.h>
#include <linux/sched/user.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/shmparam.h>

#include "pfm_priv.h"

/* Format names: letters, digits, '_' and '-' (they become module aliases). */
static bool pfm_fmt_name_ok(const char *name)
{
	const char *p;

	if (!*name)
		return false;
	for (p = name; *p; p++)
		if (!isalnum(*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/**
 * pfm_smpl_prepare - check the sampling arguments of pfm_create_context()
 * @s: filled with the format and a copy of its argument
 * @pmu: the PMU description the context will use
 * @ctx_flags: the context's flags
 * @uname: smpl_name, not NULL
 * @uarg: smpl_arg
 * @size: smpl_size
 *
 * Checks in the ABI's order: name readable (EFAULT) and known (EINVAL),
 * @size equal to the format's argument size (EINVAL), argument readable
 * (EFAULT), the format's validation (EINVAL).
 *
 * Context: process context; may sleep.
 * Return: 0 with the format pinned, or the errno of the first failure.
 */
int pfm_smpl_prepare(struct pfm_smpl *s, struct pfm_pmu *pmu, u32 ctx_flags,
		     const char __user *uname, const void __user *uarg, size_t size)
{
	char name[PFM_FMT_NAME_MAX];
	long len;
	int ret;

	memset(s, 0, sizeof(*s));
	len = strncpy_from_user(name, uname, sizeof(name));
	if (len < 0)
		return -EFAULT;
	if (len == sizeof(name) || !pfm_fmt_name_ok(name))
		return -EINVAL;
	s->fmt = pfm_fmt_get(name);
	if (!s->fmt)
		return -EINVAL;
	ret = -EINVAL;
	if (size != s->fmt->arg_size)
		goto out_put;
	ret = -EFAULT;
	if (copy_from_user(s->arg, uarg, size))
		goto out_put;
	ret = s->fmt->validate(ctx_flags, bitmap_weight((unsigned long *)pmu->impl_pmds,
							 PFM_MAX_PMDS), s->arg);
	if (ret)
		goto out_put;
	return 0;

out_put:
	pfm_fmt_put(s->fmt);
	s->fmt = NULL;
	return ret;
}

/**
 * pfm_smpl_alloc - allocate, charge and initialise the buffer
 * @s: prepared by pfm_smpl_prepare()
 * @pmu: the PMU description
 * @ctx_flags: the context's flags
 *
 * Context: process context of the creating thread; may sleep.
 * Return: 0, -EINVAL when the format sizes nothing, or -ENOMEM when the
 * buffer exceeds smpl_buffer_mem_max or RLIMIT_MEMLOCK or cannot be
 * allocated. On failure nothing stays charged; the format stays pinned
 * for pfm_smpl_free().
 */
int pfm_smpl_alloc(struct pfm_smpl *s, struct pfm_pmu *pmu, u32 ctx_flags)
{
	u16 npmds = bitmap_weight((unsigned long *)pmu->impl_pmds, PFM_MAX_PMDS);
	size_t want;
	int ret;

	ret = s->fmt->get_size(s->arg, &want);
	if (ret)
		return ret;
	/* more than the machine's memory cannot be allocated anyway */
	if (!want || want >> PAGE_SHIFT >= totalram_pages())
		return -ENOMEM;
	s->size = PAGE_ALIGN(want);
	ret = pfm_smpl_mem_charge(s->size);
	if (ret)
		return ret;
	s->user = get_current_user();
	/* vmalloc_user() without the allocation-failure splat */
	s->buf = __vmalloc_node_range(s->size, SHMLBA, VMALLOC_START, VMALLOC_END,
				      GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, PAGE_KERNEL,
				      VM_USERMAP, NUMA_NO_NODE, __builtin_return_address(0));
	if (!s->buf) {
		pfm_smpl_mem_uncharge(s->user, s->size);
		free_uid(s->user);
		s->user = NULL;
		return -ENOMEM;
	}
	s->fmt->init(s->buf, want, ctx_flags, npmds, s->arg);
	return 0;
}

/**
 * pfm_smpl_free - release a context's format and buffer
 * @s: the context's sampling state (nothing to do without a format)
 *
 * Context: process context.
 */
void pfm_smpl_free(struct pfm_smpl *s)
{
	if (!s->fmt)
		return;
	if (s->buf) {
		if (s->fmt->exit)
			s->fmt->exit(s->buf);
		vfree(s->buf);
		pfm_smpl_mem_uncharge(s->user, s->size);
		free_uid(s->user);
	}
	pfm_fmt_put(s->fmt);
	memset(s, 0, sizeof(*s));
}

/**
 * pfm_smpl_mmap - map the sampling buffer
 * @ctx: the context
 * @vma: the mapping: offset 0, read-only, at most the buffer's size
 *
 * Unmapping never frees the buffer; a mapping keeps its pages after the
 * context is destroyed.
 *
 * Context: process context, mmap_lock held.
 * Return: 0, or -EINVAL without a buffer, for a writable mapping, a
 * non-zero offset or a length beyond the page-rounded buffer.
 */
int pfm_smpl_mmap(struct pfm_context *ctx, struct vm_area_struct *vma)
{
	if (!ctx->smpl.buf || vma->vm_pgoff || (vma->vm_flags & VM_WRITE) ||
	    vma->vm_end - vma->vm_start > ctx->smpl.size)
		return -EINVAL;
	vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	return remap_vmalloc_range(vma, ctx->smpl.buf, 0);
}
