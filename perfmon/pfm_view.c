// SPDX-License-Identifier: GPL-2.0
/*
 * Set views (PFM_FL_MAP_SETS): one zeroed page per event set holding a
 * struct pfm_set_view, which user space maps read-only and reads
 * without a system call.
 *
 * The kernel is the only writer: every update happens under ctx->lock.
 * A page lives as long as the set or a mapping of it, whichever is
 * longer (mappings hold a page reference).
 *
 * The sequence protocol, writer and reader:
 *
 *   kernel (__pfm_view_update)          user (include/uapi/linux/perfmon.h)
 *
 *   seq++ (odd)                         s = seq; retry while odd
 *   smp_wmb()              (A)          rmb()                 (C)
 *   write status, runs, PMD values      copy status, runs, PMD values
 *   smp_wmb()              (B)          rmb()                 (D)
 *   seq++ (even)                        retry if seq != s
 *
 * A pairs with D: a reader that copied data of an update in progress
 * sees the first increment when it loads seq again. B pairs with C: a
 * reader that saw the second increment copies the complete update.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "pfm_priv.h"

/**
 * pfm_view_alloc - give a set its view page
 * @set: a new set
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int pfm_view_alloc(struct pfm_event_set *set)
{
	set->view_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!set->view_page)
		return -ENOMEM;
	set->view = page_address(set->view_page);
	return 0;
}

/**
 * pfm_view_free - drop the set's reference on its view page
 * @set: the set
 *
 * Mappings keep the page until they go away.
 */
void pfm_view_free(struct pfm_event_set *set)
{
	if (set->view_page)
		put_page(set->view_page);
	set->view_page = NULL;
	set->view = NULL;
}

/**
 * __pfm_view_update - publish a set's status, runs and PMD values
 * @ctx: the context
 * @set: the set; nothing happens without a view
 *
 * The values are the software ones: for the active set of running
 * per-thread monitoring, those of the last save.
 *
 * Context: ctx->lock held.
 */
void __pfm_view_update(struct pfm_context *ctx, struct pfm_event_set *set)
{
	struct pfm_set_view *v = set->view;
	unsigned int n;

	lockdep_assert_held(&ctx->lock);
	if (!v)
		return;
	WRITE_ONCE(v->set_seq, v->set_seq + 1);
	smp_wmb();	/* A: pairs with the reader's second barrier (D) */
	v->set_status = pfm_ctx_is_loaded(ctx) && set == ctx->active_set ?
			PFM_SETVFL_ACTIVE : 0;
	v->set_runs = set->runs;
	for (n = 0; n < ctx->pmu->max_pmd; n++)
		v->set_pmds[n] = set->pmds[n].value;
	smp_wmb();	/* B: pairs with the reader's first barrier (C) */
	WRITE_ONCE(v->set_seq, v->set_seq + 1);
}

/**
 * __pfm_view_update_all - publish every set of a context
 * @ctx: the context
 *
 * Context: ctx->mutex and ctx->lock held.
 */
void __pfm_view_update_all(struct pfm_context *ctx)
{
	struct pfm_event_set *set;

	list_for_each_entry(set, &ctx->sets, list)
		__pfm_view_update(ctx, set);
}

/**
 * pfm_view_mmap - map a set view
 * @ctx: the context
 * @vma: the mapping: one page at the set's set_mmap_offset, read-only
 *
 * The set is looked up under ctx->sets_lock, not ctx->mutex: mmap_lock
 * is held here, and the calls take perf's context mutex (creating
 * events) under ctx->mutex, while perf copies to user space under its
 * own. A reference keeps the page while it is inserted; a set deleted
 * meanwhile leaves a mapping of its last values.
 *
 * Context: process context, mmap_lock held; takes ctx->sets_lock.
 * Return: 0, or -EINVAL for a context without PFM_FL_MAP_SETS, a length
 * other than one page, an offset that names no set, or a writable
 * mapping.
 */
int pfm_view_mmap(struct pfm_context *ctx, struct vm_area_struct *vma)
{
	unsigned long id = vma->vm_pgoff - PFM_SET_REMAP_OFFS;
	struct pfm_event_set *set;
	struct page *page = NULL;
	int ret;

	if (!(ctx->flags & PFM_FL_MAP_SETS) || vma->vm_pgoff < PFM_SET_REMAP_OFFS ||
	    id >= PFM_MAX_NUM_SETS || vma_pages(vma) != 1 || (vma->vm_flags & VM_WRITE))
		return -EINVAL;
	spin_lock(&ctx->sets_lock);
	set = pfm_set_find(ctx, id);
	if (set && set->view_page) {
		page = set->view_page;
		get_page(page);
	}
	spin_unlock(&ctx->sets_lock);
	if (!page)
		return -EINVAL;
	vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	ret = vm_insert_page(vma, vma->vm_start, page);
	put_page(page);
	return ret;
}
