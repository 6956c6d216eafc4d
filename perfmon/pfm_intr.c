// SPDX-License-Identifier: GPL-2.0
/*
 * Overflow processing and resume. PMU descriptions report counter wraps
 * to pfm_overflow() from their interrupt or overflow callback; the core
 * virtualizes the counters to 64 bits, decides the actions (reset,
 * notify, mask, set switch), queues the notification, and pfm_restart()
 * resumes a masked context.
 *
 * The overflow path runs with ctx->lock held and interrupts disabled; it
 * neither sleeps nor allocates, and may be called from inside the
 * scheduler (perf software events), so it wakes nobody itself: its
 * follow-up (wakeups, SIGIO, deferred set switches) runs from an
 * irq_work. pfm_restart() and the resume run under ctx->mutex.
 */
#include <linux/bitmap.h>
#include <linux/irq_work.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/task_work.h>

#include "pfm_priv.h"

/* What a format is told of each overflow; the overflow path runs with interrupts off. */
static DEFINE_PER_CPU(struct pfm_ovfl_arg, pfm_ovfl_args);

/* The value a PMD is reset to: short or long, less a random amount. */
static u64 pfm_reset_value(const struct pfm_pmd *pmd, bool long_reset)
{
	u64 val = long_reset ? pmd->long_reset : pmd->short_reset;

	if (pmd->flags & PFM_REGFL_RANDOM)
		val -= get_random_u64() & pmd->random_mask;
	return val;
}

/**
 * __pfm_set_apply_resets - reset the PMDs a set has pending
 * @ctx: the context
 * @set: the set
 * @long_resets: use the long reset values (restart, start) rather than
 *	the short ones
 * @live: @set is counting on this CPU: tell the PMU description
 *
 * Context: ctx->lock held, interrupts disabled.
 */
void __pfm_set_apply_resets(struct pfm_context *ctx, struct pfm_event_set *set,
			    bool long_resets, bool live)
{
	unsigned long *pending = (unsigned long *)set->reset_pending;
	struct pfm_pmd *pmd;
	unsigned int n;

	lockdep_assert_held(&ctx->lock);
	for_each_set_bit(n, pending, ctx->pmu->max_pmd) {
		pmd = &set->pmds[n];
		pmd->value = pfm_reset_value(pmd, long_resets);
		pmd->lval = pmd->value;
		if (live)
			ctx->pmu->ops->intr_reset(ctx, set, n, pmd->value);
	}
	bitmap_zero(pending, PFM_MAX_PMDS);
	__pfm_view_update(ctx, set);
}

/*
 * Add the carry of a hardware wrap to the software value of PMD @n.
 * Return: true when the logical value wrapped 64 bits.
 */
static bool pfm_pmd_carry(struct pfm_pmd *pmd, unsigned int width)
{
	u64 mask = width >= 64 ? U64_MAX : BIT_ULL(width) - 1;

	if ((pmd->value | mask) != U64_MAX) {
		pmd->value += mask + 1;
		return false;
	}
	pmd->value &= mask;
	return true;
}

/*
 * Fold the wraps into the software values and collect the PMDs whose
 * logical value wrapped 64 bits in @ovfl. Return: has_notify, whether an
 * overflowed PMD has PFM_REGFL_OVFL_NOTIFY.
 */
static bool __pfm_ovfl_scan(struct pfm_context *ctx, struct pfm_event_set *set,
			    const u64 *wrapped, u64 *ovfl, bool *switch_due)
{
	const struct pfm_regmap_desc *desc = ctx->pmu->pmd_desc;
	unsigned int n, i, limit = min_t(unsigned int, ctx->pmu->max_pmd, PFM_ARCH_MAX_HW_PMDS);
	bool notify = false;
	struct pfm_pmd *pmd;

	for_each_set_bit(n, (const unsigned long *)wrapped, limit) {
		pmd = &set->pmds[n];
		if (!pfm_pmd_carry(pmd, desc[n].width))
			continue;
		ovfl[n / 64] |= BIT_ULL(n % 64);
		set->reset_pending[n / 64] |= BIT_ULL(n % 64);
		for (i = 0; i < PFM_PMD_BV; i++)
			set->reset_pending[i] |= pmd->reset_pmds[i];
		if (pmd->flags & PFM_REGFL_OVFL_NOTIFY)
			notify = true;
		if ((set->flags & PFM_SETFL_OVFL_SWITCH) && pmd->switch_left &&
		    !--pmd->switch_left)
			*switch_due = true;
	}
	return notify;
}

/* The 64-bit value of PMD @n of the live active set, for a format. */
static u64 __pfm_pmd_value(struct pfm_context *ctx, struct pfm_event_set *set, unsigned int n)
{
	if (ctx->pmu->ops->intr_read && pfm_bv_test(ctx->pmu->cnt_pmds, n))
		return ctx->pmu->ops->intr_read(ctx, set, n);
	return set->pmds[n].value;
}

/*
 * Hand each overflowed PMD to the sampling format, in increasing index
 * order, until it fails or asks for masking; @tstamp is the interrupt's
 * local_clock(). Return: its actions, OR-ed.
 */
static u32 __pfm_ovfl_smpl(struct pfm_context *ctx, struct pfm_event_set *set,
			   const u64 *ovfl, unsigned long ip, u64 tstamp)
{
	struct pfm_ovfl_arg *arg = this_cpu_ptr(&pfm_ovfl_args);
	unsigned int n, m, max = ctx->pmu->max_pmd;
	struct pfm_pmd *pmd;
	u32 actions = 0;
	int ret;

	arg->active_set = set->id;
	arg->ip = ip;
	arg->tstamp = tstamp;
	arg->pid = task_pid_nr(current);
	arg->tgid = task_tgid_nr(current);
	arg->cpu = smp_processor_id();
	for_each_set_bit(n, (const unsigned long *)ovfl, PFM_ARCH_MAX_HW_PMDS) {
		pmd = &set->pmds[n];
		arg->ovfl_pmd = n;
		arg->last_reset_val = pmd->lval;
		arg->smpl_eventid = pmd->smpl_eventid;
		arg->nsmpl = 0;
		for_each_set_bit(m, (unsigned long *)pmd->smpl_pmds, max)
			arg->smpl_pmds[arg->nsmpl++] = __pfm_pmd_value(ctx, set, m);
		ret = ctx->smpl.fmt->handler(ctx->smpl.buf, arg);
		if (ret < 0)
			break;
		actions |= ret;
		if (ret & PFM_ACT_MASK)
			break;
	}
	return actions;
}

/**
 * __pfm_switch_next_intr - switch to the next set at interrupt time
 * @ctx: a started, LOADED context whose active set is live on this CPU
 *
 * The outgoing set is saved, the next one activated (short resets) and
 * installed. A description that cannot switch at interrupt time has
 * @switch_work do it in process context.
 *
 * Context: ctx->lock held, interrupts disabled.
 */
void __pfm_switch_next_intr(struct pfm_context *ctx)
{
	struct pfm_event_set *set = ctx->active_set;

	lockdep_assert_held(&ctx->lock);
	if (!ctx->pmu->ops->intr_start) {
		ctx->switch_deferred = true;
		if (!ctx->switch_queued)
			irq_work_queue(&ctx->ovfl_work);
		return;
	}
	ctx->pmu->ops->intr_stop(ctx, set);
	__pfm_interval_close(ctx);
	__pfm_set_activate(ctx, set->next, false);
	this_cpu_inc(pfm_stats.set_switch);
	ctx->pmu->ops->intr_start(ctx, ctx->active_set);
	__pfm_interval_open(ctx);
}

/* Freeze monitoring until pfm_restart(); a zombie only stops. */
static void __pfm_ovfl_mask(struct pfm_context *ctx, struct pfm_event_set *set)
{
	ctx->pmu->ops->intr_stop(ctx, set);
	__pfm_interval_close(ctx);
	__pfm_view_update(ctx, set);
	if (ctx->state == PFM_CTX_ZOMBIE) {
		ctx->started = false;
		return;
	}
	ctx->state = PFM_CTX_MASKED;
	ctx->can_restart = true;
}

/*
 * Queue the overflow message (unless PFM_FL_OVFL_NO_MSG). Return: should
 * readers be woken and signalled? Not when the message was dropped
 * because the queue is full.
 */
static bool __pfm_ovfl_notify(struct pfm_context *ctx, struct pfm_event_set *set,
			      const u64 *ovfl, unsigned long ip)
{
	union pfarg_msg msg = { };
	struct pfarg_ovfl_msg *m = &msg.pfm_ovfl_msg;

	if (ctx->flags & PFM_FL_OVFL_NO_MSG)
		return true;
	m->msg_type = PFM_MSG_OVFL;
	m->msg_ovfl_pid = task_pid_nr(current);
	m->msg_ovfl_tid = task_tgid_nr(current);
	memcpy(m->msg_ovfl_pmds, ovfl, sizeof(m->msg_ovfl_pmds));
	m->msg_active_set = set->id;
	m->msg_ovfl_cpu = smp_processor_id();
	m->msg_ovfl_ip = ip;
	return __pfm_msg_queue(ctx, &msg);
}

/**
 * pfm_overflow - process the counter wraps of an interrupt
 * @ctx: the context whose counters wrapped
 * @set: the set they belong to, live on this CPU
 * @wrapped: hardware PMDs (PFM_HW_PMD_BV words) whose counter wrapped
 *	its W bits; the description has already acknowledged them
 * @ip: the interrupted instruction address
 *
 * Adds each wrap to the 64-bit logical value. PMDs whose logical value
 * wrapped 64 bits are overflows: they are recorded in the set, scheduled
 * for reset with their reg_reset_pmds, count towards an overflow switch,
 * and lead to a notification and to masking, or to a switch (ABI 5.8).
 *
 * Context: interrupt context (or a perf overflow callback), interrupts
 * disabled; takes ctx->lock. Neither sleeps nor allocates.
 */
void pfm_overflow(struct pfm_context *ctx, struct pfm_event_set *set,
		  const u64 *wrapped, unsigned long ip)
{
	u64 start = local_clock(), ovfl[PFM_HW_PMD_BV] = { };
	bool switch_due = false, follow_up = false, notify;
	u32 actions;

	raw_spin_lock(&ctx->lock);
	notify = __pfm_ovfl_scan(ctx, set, wrapped, ovfl, &switch_due);
	if (bitmap_empty((unsigned long *)ovfl, PFM_ARCH_MAX_HW_PMDS) || !ctx->started ||
	    set != ctx->active_set)
		goto out_unlock;
	memcpy(set->ovfl_pmds, ovfl, sizeof(set->ovfl_pmds));
	if (ctx->state != PFM_CTX_LOADED) {
		if (ctx->state == PFM_CTX_ZOMBIE)
			__pfm_ovfl_mask(ctx, set);
		goto out_unlock;
	}
	if (ctx->smpl.fmt)
		actions = __pfm_ovfl_smpl(ctx, set, ovfl, ip, start);
	else if (switch_due && !notify)
		actions = 0;	/* a quiet overflow switch */
	else
		actions = PFM_ACT_NOTIFY | PFM_ACT_MASK;
	PFM_DBG_OVFL("set %u: overflow of PMDs %#llx, actions %#x%s", set->id, ovfl[0],
		     actions, switch_due ? ", switch due" : "");
	if (actions & PFM_ACT_MASK) {
		__pfm_ovfl_mask(ctx, set);
		ctx->switch_pending = switch_due || ctx->switch_deferred;
		ctx->switch_deferred = false;
	} else if (switch_due) {
		__pfm_switch_next_intr(ctx);
	} else if (actions & PFM_ACT_RESET) {
		__pfm_set_apply_resets(ctx, set, false, true);
	}
	if ((actions & PFM_ACT_NOTIFY) && notify && __pfm_ovfl_notify(ctx, set, ovfl, ip)) {
		ctx->wake_pending = true;
		if ((ctx->flags & PFM_FL_NOTIFY_BLOCK) && ctx->state == PFM_CTX_MASKED)
			ctx->block_pending = true;
	}
	follow_up = ctx->wake_pending || ctx->block_pending ||
		    (ctx->switch_deferred && !ctx->switch_queued);
out_unlock:
	raw_spin_unlock(&ctx->lock);
	if (follow_up)
		irq_work_queue(&ctx->ovfl_work);
	this_cpu_inc(pfm_stats.ovfl_intr);
	this_cpu_add(pfm_stats.ovfl_intr_ns, local_clock() - start);
}
EXPORT_SYMBOL_GPL(pfm_overflow);

/* The deferred overflow switch, in process context. */
static void pfm_switch_deferred(struct pfm_context *ctx)
{
	unsigned long flags;
	bool due;

	mutex_lock(&ctx->mutex);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	due = ctx->switch_deferred && ctx->state == PFM_CTX_LOADED;
	ctx->switch_queued = false;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (due)
		__pfm_switch_set(ctx, ctx->active_set->next, false);
	mutex_unlock(&ctx->mutex);
	pfm_ctx_put(ctx);
}

static void pfm_switch_task_work(struct callback_head *head)
{
	pfm_switch_deferred(container_of(head, struct pfm_context, switch_work));
}

static void pfm_switch_sys_work(struct work_struct *work)
{
	pfm_switch_deferred(container_of(work, struct pfm_context, sys_switch_work));
}

/*
 * Queue the deferred switch on the monitored thread, which runs it on its
 * return to user mode; a system-wide context's goes to a work item on its
 * CPU, which the caller queues once it has dropped ctx->lock (the
 * scheduler takes ctx->lock under its runqueue lock). A reference is held
 * while it is queued. Return: queue the work item.
 */
static bool __pfm_switch_queue(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->lock);
	if (pfm_ctx_is_sys(ctx)) {
		refcount_inc(&ctx->refs);
		ctx->switch_queued = true;
		return true;
	}
	/* an exiting thread switches no more */
	ctx->switch_queued = pfm_ctx_task_work(ctx, ctx->task, &ctx->switch_work,
					       pfm_switch_task_work);
	return false;
}

/* Is a thread blocked by PFM_FL_NOTIFY_BLOCK free to go? */
static bool pfm_block_over(struct pfm_context *ctx)
{
	return READ_ONCE(ctx->state) != PFM_CTX_MASKED || READ_ONCE(ctx->resume_armed);
}

/*
 * PFM_FL_NOTIFY_BLOCK, in the monitored thread's return to user mode:
 * wait for pfm_restart(), for the context to become a zombie or be
 * unloaded, or for a signal. A restart that came meanwhile is carried
 * out by the resume work queued with it.
 */
static void pfm_block_work(struct callback_head *head)
{
	struct pfm_context *ctx = container_of(head, struct pfm_context, block_work);
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	ctx->block_queued = false;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (ctx->task == current)
		wait_event_interruptible(ctx->restart_wait, pfm_block_over(ctx));
	pfm_ctx_put(ctx);
}

/**
 * pfm_unblock - release a thread waiting for pfm_restart()
 * @ctx: the context, restarted, unloaded or turned zombie
 *
 * Context: any.
 */
void pfm_unblock(struct pfm_context *ctx)
{
	wake_up_interruptible(&ctx->restart_wait);
}

/* Queue @block_work on the monitored thread (ctx->lock held). */
static void __pfm_block_queue(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->lock);
	ctx->block_pending = false;
	if (ctx->block_queued || ctx->state != PFM_CTX_MASKED || !ctx->task)
		return;
	ctx->block_queued = pfm_ctx_task_work(ctx, ctx->task, &ctx->block_work,
					      pfm_block_work);
}

/* The overflow path's follow-up, where waking up is allowed. */
static void pfm_ovfl_work(struct irq_work *work)
{
	struct pfm_context *ctx = container_of(work, struct pfm_context, ovfl_work);
	bool wake, sys_switch = false;
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	wake = ctx->wake_pending;
	ctx->wake_pending = false;
	if (ctx->switch_deferred && !ctx->switch_queued && ctx->state == PFM_CTX_LOADED)
		sys_switch = __pfm_switch_queue(ctx);
	if (ctx->block_pending)
		__pfm_block_queue(ctx);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (sys_switch)
		queue_work_on(ctx->cpu, system_highpri_wq, &ctx->sys_switch_work);
	if (wake) {
		wake_up_interruptible(&ctx->msgq_wait);
		kill_fasync(&ctx->async_queue, SIGIO, POLL_IN);
	}
}

/**
 * pfm_intr_init_ctx - prepare the overflow follow-up of a new context
 * @ctx: the context
 */
void pfm_intr_init_ctx(struct pfm_context *ctx)
{
	init_irq_work(&ctx->ovfl_work, pfm_ovfl_work);
	INIT_WORK(&ctx->sys_switch_work, pfm_switch_sys_work);
}

/**
 * pfm_intr_sync_ctx - wait for the switch timer and the overflow follow-up
 *	of a dying context
 * @ctx: the context, with no reference left
 *
 * Context: process context, interrupts enabled.
 */
void pfm_intr_sync_ctx(struct pfm_context *ctx)
{
	hrtimer_cancel(&ctx->switch_timer);
	irq_work_sync(&ctx->ovfl_work);
}

/*
 * Leave MASKED: the deferred switch or the long resets, then counting
 * again if the context is started.
 */
static void __pfm_resume(struct pfm_context *ctx)
{
	struct pfm_event_set *set = ctx->active_set;
	u32 actions = ctx->resume_actions;
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	ctx->can_restart = false;
	ctx->resume_armed = false;
	if (ctx->switch_pending) {
		ctx->switch_pending = false;
		__pfm_set_activate(ctx, set->next, true);
		this_cpu_inc(pfm_stats.set_switch);
	} else if (actions & PFM_ACT_RESET) {
		__pfm_set_apply_resets(ctx, set, true, false);
	}
	/* the format asked to stay masked: stopped, as after pfm_stop() */
	if (actions & PFM_ACT_MASK)
		ctx->started = false;
	if (!ctx->started)
		ctx->state = PFM_CTX_LOADED;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (ctx->started)
		pfm_counting_on(ctx, ctx->active_set, true);
}

static void pfm_resume_work(struct callback_head *head)
{
	struct pfm_context *ctx = container_of(head, struct pfm_context, resume_work);

	mutex_lock(&ctx->mutex);
	ctx->resume_queued = false;
	if (ctx->state == PFM_CTX_MASKED && ctx->resume_armed && ctx->task == current)
		__pfm_resume(ctx);
	mutex_unlock(&ctx->mutex);
	pfm_ctx_put(ctx);
}

/*
 * A non-self restart: the monitored thread resumes on its next return to
 * user mode, where its PMU state may be touched.
 */
static void pfm_resume_arm(struct pfm_context *ctx)
{
	ctx->can_restart = false;
	WRITE_ONCE(ctx->resume_armed, true);
	pfm_unblock(ctx);
	/* an exiting thread is unloaded by its exit hook */
	if (!ctx->resume_queued)
		ctx->resume_queued = pfm_ctx_task_work(ctx, ctx->task, &ctx->resume_work,
						       pfm_resume_work);
}

/**
 * pfm_resume_forget - drop a pending resume and restart credit, at unload
 * @ctx: the context
 *
 * Context: ctx->mutex held.
 */
void pfm_resume_forget(struct pfm_context *ctx)
{
	unsigned long flags;
	struct pfm_event_set *set;

	lockdep_assert_held(&ctx->mutex);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	ctx->can_restart = false;
	ctx->resume_armed = false;
	ctx->switch_pending = false;
	ctx->switch_deferred = false;
	ctx->block_pending = false;
	list_for_each_entry(set, &ctx->sets, list)
		memset(set->reset_pending, 0, sizeof(set->reset_pending));
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

/**
 * __pfm_restart - pfm_restart() on a locked context
 * @ctx: the context
 *
 * Resumes a context an overflow masked: at once for self-monitoring and
 * system-wide contexts, at the thread's next return to user mode for
 * another thread.
 *
 * The sampling format's restart hook, if any, prepares the buffer at
 * once and says whether to reset and whether to stay stopped; without a
 * format the resets are implied. In LOADED state only the hook runs
 * (it empties the buffer while monitoring goes on).
 *
 * Context: ctx->mutex held.
 * Return: 0, the hook's error (the context stays MASKED with its
 * credit), or -EBUSY when there is nothing to restart: the context is
 * UNLOADED, LOADED without a format restart hook, or MASKED with its
 * restart already requested.
 */
int __pfm_restart(struct pfm_context *ctx)
{
	const struct pfm_smpl_fmt *fmt = ctx->smpl.fmt;
	unsigned long flags;
	u32 actions = PFM_ACT_RESET;	/* implied without a format */
	int ret = 0;

	lockdep_assert_held(&ctx->mutex);
	if (ctx->state == PFM_CTX_UNLOADED ||
	    (ctx->state == PFM_CTX_LOADED && !(fmt && fmt->restart)) ||
	    (ctx->state == PFM_CTX_MASKED && !ctx->can_restart))
		return -EBUSY;
	this_cpu_inc(pfm_stats.restart);
	if (fmt) {
		actions = 0;
		raw_spin_lock_irqsave(&ctx->lock, flags);
		if (fmt->restart)
			ret = fmt->restart(ctx->smpl.buf, &actions);
		raw_spin_unlock_irqrestore(&ctx->lock, flags);
		/* a failed hook leaves the context masked, with its credit */
		if (ret || ctx->state == PFM_CTX_LOADED)
			return ret;
	}
	ctx->resume_actions = actions;
	if (pfm_ctx_is_sys(ctx) || ctx->task == current)
		__pfm_resume(ctx);
	else
		pfm_resume_arm(ctx);
	return 0;
}
