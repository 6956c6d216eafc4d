/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perfmon2 kernel-internal interface: what the rest of the kernel
 * (scheduler, fork, exit) sees of the perfmon core.
 *
 * The hooks cost nothing for threads without a context: the scheduler
 * hooks sit behind a static key that is on only while some thread has a
 * context, and then test one pointer of the task.
 */
#ifndef _LINUX_PERFMON_H
#define _LINUX_PERFMON_H

#include <uapi/linux/perfmon.h>

#ifdef CONFIG_PERFMON
#include <linux/jump_label_ratelimit.h>
#include <linux/sched.h>

extern struct static_key_false_deferred pfm_ctxsw_key;

void __pfm_ctxsw_out(struct task_struct *prev);
void __pfm_ctxsw_in(struct task_struct *next);
void __pfm_exit_thread(struct task_struct *tsk);

/* Called next to perf_event_task_sched_out(). */
static inline void pfm_ctxsw_out(struct task_struct *prev)
{
	if (static_branch_unlikely(&pfm_ctxsw_key.key) && prev->pfm_context)
		__pfm_ctxsw_out(prev);
}

/* Called next to perf_event_task_sched_in(). */
static inline void pfm_ctxsw_in(struct task_struct *next)
{
	if (static_branch_unlikely(&pfm_ctxsw_key.key) && next->pfm_context)
		__pfm_ctxsw_in(next);
}

/* A new thread never inherits a context. */
static inline void pfm_init_task(struct task_struct *p)
{
	p->pfm_context = NULL;
}

static inline void pfm_exit_thread(struct task_struct *tsk)
{
	if (unlikely(READ_ONCE(tsk->pfm_context)))
		__pfm_exit_thread(tsk);
}
#else
static inline void pfm_ctxsw_out(struct task_struct *prev) { }
static inline void pfm_ctxsw_in(struct task_struct *next) { }
static inline void pfm_init_task(struct task_struct *p) { }
static inline void pfm_exit_thread(struct task_struct *tsk) { }
#endif

#endif /* _LINUX_PERFMON_H */
