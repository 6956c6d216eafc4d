// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching contexts to threads: pfm_load_context(), pfm_unload_context(),
 * pfm_start(), pfm_stop(), pfm_restart(), the last close, and the exit of
 * a monitored thread.
 *
 * Lock order: ctx->mutex, then task_lock(ctx->task), then ctx->lock.
 * task->pfm_context is written under task_lock() and holds a reference
 * on the context (ctx->refs) while set.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/jump_label.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>

#include "pfm_priv.h"

DEFINE_STATIC_KEY_DEFERRED_FALSE(pfm_ctxsw_key, HZ);

/**
 * pfm_ctxsw_key_get - enable the context-switch hooks
 *
 * Context: process context; may sleep.
 */
void pfm_ctxsw_key_get(void)
{
	static_branch_inc(&pfm_ctxsw_key.key);
}

/**
 * pfm_ctxsw_key_put - disable the hooks once no thread has a context
 *
 * The key is switched off a second later, so that short-lived contexts
 * do not rewrite the kernel text at each load.
 *
 * Context: process context; may sleep.
 */
void pfm_ctxsw_key_put(void)
{
	static_branch_slow_dec_deferred(&pfm_ctxsw_key);
}

/**
 * __pfm_interval_open - begin a set_act_duration interval
 * @ctx: the context
 *
 * An interval is open while the context is started, not masked, and
 * (per-thread) its thread is on a CPU; it belongs to the active set, and
 * the set's switch timer runs during it.
 *
 * Context: ctx->lock held.
 */
void __pfm_interval_open(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->lock);
	if (ctx->interval_open)
		return;
	ctx->active_set->duration_start = local_clock();
	ctx->interval_open = true;
	__pfm_timer_arm(ctx);
}

/**
 * __pfm_interval_close - add the open interval to the active set
 * @ctx: the context
 *
 * Context: ctx->lock held.
 */
void __pfm_interval_close(struct pfm_context *ctx)
{
	struct pfm_event_set *set = ctx->active_set;
	u64 elapsed;

	lockdep_assert_held(&ctx->lock);
	if (!ctx->interval_open)
		return;
	elapsed = local_clock() - set->duration_start;
	set->duration += elapsed;
	ctx->interval_open = false;
	__pfm_timer_disarm(ctx, elapsed);
}

static bool pfm_ctx_on_cpu(struct pfm_context *ctx)
{
	return pfm_ctx_is_sys(ctx) || ctx->task == current;
}

/**
 * pfm_set_duration - set_act_duration of a set
 * @ctx: the context
 * @set: the set
 *
 * The running interval counts for the active set of a started
 * system-wide context; per-thread contexts add it at switches.
 *
 * Context: ctx->mutex held.
 * Return: nanoseconds.
 */
u64 pfm_set_duration(struct pfm_context *ctx, struct pfm_event_set *set)
{
	unsigned long flags;
	u64 d;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	d = set->duration;
	if (pfm_ctx_is_sys(ctx) && ctx->interval_open && set == ctx->active_set)
		d += local_clock() - set->duration_start;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return d;
}

/*
 * Is @task traced by the caller and stopped, and off its CPU? This is
 * what ptrace requests other than attach require.
 */
static int pfm_task_stopped(struct task_struct *task)
{
	bool stopped;

	read_lock(&tasklist_lock);
	stopped = task->ptrace && task->parent == current && task_is_traced(task);
	read_unlock(&tasklist_lock);
	if (!stopped || !wait_task_inactive(task, __TASK_TRACED))
		return -ESRCH;
	return 0;
}

/**
 * pfm_check_task_stopped - check 11 of a call on a non-self context
 * @ctx: a loaded per-thread context
 *
 * Context: ctx->mutex held.
 * Return: 0, or -ESRCH when the thread is not ptrace-stopped by the caller.
 */
int pfm_check_task_stopped(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->mutex);
	return pfm_task_stopped(ctx->task);
}

/* Look up and vet the thread of a per-thread load, in the ABI's order. */
static struct task_struct *pfm_load_target(struct pfm_context *ctx, pid_t tid)
{
	struct task_struct *task;
	int ret;

	task = find_get_task_by_vpid(tid);
	if (!task)
		return ERR_PTR(-ESRCH);
	ret = -EPERM;
	if (task != current && !ptrace_may_access(task, PTRACE_MODE_READ_REALCREDS))
		goto out_put;
	if (task->flags & PF_KTHREAD)
		goto out_put;
	if (task != current) {
		ret = pfm_task_stopped(task);
		if (ret)
			goto out_put;
	}
	ret = -EBUSY;
	if ((task->flags & PF_EXITING) || task->exit_state)
		goto out_put;
	ret = -EEXIST;
	if (READ_ONCE(task->pfm_context))
		goto out_put;
	return task;

out_put:
	put_task_struct(task);
	return ERR_PTR(ret);
}

/*
 * Publish the context in its thread. An exiting thread is refused under
 * task_lock(), which orders this against the thread's exit hook.
 */
static int pfm_attach_task(struct pfm_context *ctx, struct task_struct *task)
{
	int ret = 0;

	task_lock(task);
	if (task->flags & PF_EXITING)
		ret = -EBUSY;
	else if (task->pfm_context)
		ret = -EEXIST;
	else
		task->pfm_context = ctx;
	task_unlock(task);
	return ret;
}

static void pfm_detach_task(struct pfm_context *ctx)
{
	struct task_struct *task = ctx->task;

	task_lock(task);
	task->pfm_context = NULL;
	task_unlock(task);
	ctx->task = NULL;
	put_task_struct(task);
	pfm_ctxsw_key_put();
	/* The caller holds another reference: this one is never the last. */
	refcount_dec(&ctx->refs);
}

static void pfm_pmu_unload_sets(struct pfm_context *ctx, struct pfm_event_set *last)
{
	struct pfm_event_set *set;

	list_for_each_entry(set, &ctx->sets, list) {
		if (set == last)
			break;
		ctx->pmu->ops->unload(ctx, set);
	}
}

static int pfm_pmu_load_sets(struct pfm_context *ctx)
{
	struct pfm_event_set *set;
	int ret;

	list_for_each_entry(set, &ctx->sets, list) {
		ret = ctx->pmu->ops->load(ctx, set);
		if (ret) {
			pfm_pmu_unload_sets(ctx, set);
			return ret;
		}
	}
	return 0;
}

/* All checks passed: reset the accounting and the message queue. */
static void pfm_load_commit(struct pfm_context *ctx, struct pfm_event_set *first)
{
	struct pfm_event_set *set;
	unsigned long flags;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	list_for_each_entry(set, &ctx->sets, list) {
		set->runs = 0;
		set->duration = 0;
		memset(set->ovfl_pmds, 0, sizeof(set->ovfl_pmds));
	}
	ctx->msgq_head = 0;
	ctx->msgq_count = 0;
	__pfm_set_activate(ctx, first, true);
	ctx->started = false;
	ctx->interval_open = false;
	ctx->timer_armed = false;
	ctx->state = PFM_CTX_LOADED;
	__pfm_view_update_all(ctx);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

/**
 * __pfm_load - pfm_load_context() on a locked, unloaded context
 * @ctx: the context
 * @req: the request
 *
 * Context: ctx->mutex held.
 * Return: 0 or the errno of the first failed check, in the ABI's order.
 */
int __pfm_load(struct pfm_context *ctx, struct pfarg_load *req)
{
	bool sys = pfm_ctx_is_sys(ctx);
	struct task_struct *task = NULL;
	struct pfm_event_set *first;
	unsigned int cpu = 0;
	int ret;

	lockdep_assert_held(&ctx->mutex);
	if (sys) {
		cpu = raw_smp_processor_id();
		if (req->load_pid != cpu)
			return -EINVAL;
	}
	first = pfm_set_find(ctx, req->load_set);
	if (!first || pfm_set_link(ctx))
		return -EINVAL;
	if (!sys && (ctx->flags & PFM_FL_NOTIFY_BLOCK) && req->load_pid == task_pid_vnr(current))
		return -EINVAL;
	if (!sys) {
		task = pfm_load_target(ctx, req->load_pid);
		if (IS_ERR(task))
			return PTR_ERR(task);
	}
	ret = pfm_session_acquire(sys, cpu);
	if (ret)
		goto out_put_task;
	ctx->task = task;
	ctx->cpu = cpu;
	ret = pfm_pmu_load_sets(ctx);
	if (ret)
		goto out_release;
	if (!sys) {
		refcount_inc(&ctx->refs);
		ret = pfm_attach_task(ctx, task);
		if (ret) {
			refcount_dec(&ctx->refs);
			goto out_unload;
		}
		pfm_ctxsw_key_get();
	}
	if (sys) {
		pfm_cpu_bind(ctx);
		/* its CPU is going offline: the hotplug callback may have run */
		ret = -EBUSY;
		if (!cpu_active(cpu)) {
			pfm_cpu_unbind(ctx);
			goto out_unload;
		}
	}
	pfm_load_commit(ctx, first);
	PFM_DBG("loaded on %s %d, set %u", sys ? "CPU" : "thread",
		sys ? cpu : task_pid_nr(task), first->id);
	return 0;

out_unload:
	pfm_pmu_unload_sets(ctx, NULL);
out_release:
	ctx->task = NULL;
	pfm_session_release(sys, cpu);
out_put_task:
	if (task)
		put_task_struct(task);
	return ret;
}

/**
 * pfm_counting_on - install a set and count, with the duration bookkeeping
 * @ctx: a LOADED context, or a MASKED one being resumed
 * @set: its active set
 * @unmask: the context leaves MASKED: it becomes LOADED in the same
 *	critical section that starts the counters, so that the
 *	context-switch hooks never save counters that were not installed
 *
 * Descriptions with PFM_PMU_ATOMIC_OPS (native PMUs) are called under
 * ctx->lock with interrupts disabled, so a context switch never finds the
 * hardware and ctx->started in disagreement; the others may sleep and
 * perf_events schedules their counters, so they are called outside it.
 *
 * Context: ctx->mutex held.
 */
void pfm_counting_on(struct pfm_context *ctx, struct pfm_event_set *set, bool unmask)
{
	bool atomic = ctx->pmu->flags & PFM_PMU_ATOMIC_OPS;
	unsigned long flags;

	if (!atomic)
		ctx->pmu->ops->start(ctx, set);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	if (unmask)
		ctx->state = PFM_CTX_LOADED;
	ctx->started = true;
	if (atomic)
		ctx->pmu->ops->start(ctx, set);
	if (pfm_ctx_on_cpu(ctx))
		__pfm_interval_open(ctx);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

static void pfm_counting_off(struct pfm_context *ctx, bool keep_started)
{
	bool atomic = ctx->pmu->flags & PFM_PMU_ATOMIC_OPS;
	unsigned long flags;

	if (!atomic)
		ctx->pmu->ops->stop(ctx, ctx->active_set);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	if (atomic)
		ctx->pmu->ops->stop(ctx, ctx->active_set);
	__pfm_interval_close(ctx);
	__pfm_view_update(ctx, ctx->active_set);
	ctx->started = keep_started;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
}

/*
 * Stop counting; the counts go to the set. A zombie stays "started": a
 * native PMU can only be stopped by the CPU running the thread, which does
 * it at its next switch-out or in the zombie's cleanup.
 */
static void __pfm_stop_monitoring(struct pfm_context *ctx, bool keep_started)
{
	if (!ctx->started ||
	    (ctx->state != PFM_CTX_LOADED && ctx->state != PFM_CTX_ZOMBIE))
		return;
	pfm_counting_off(ctx, keep_started);
}

/**
 * __pfm_unload - detach a loaded (or zombie) context
 * @ctx: the context
 *
 * Stops monitoring, folds the live counts into the software values,
 * releases the PMU resources and the session, and detaches the thread.
 *
 * Context: ctx->mutex held; the caller holds a reference besides the
 * thread's.
 * Return: 0.
 */
int __pfm_unload(struct pfm_context *ctx)
{
	bool sys = pfm_ctx_is_sys(ctx);
	unsigned long flags;

	lockdep_assert_held(&ctx->mutex);
	__pfm_stop_monitoring(ctx, false);
	pfm_pmu_unload_sets(ctx, NULL);
	pfm_resume_forget(ctx);
	if (sys)
		pfm_cpu_unbind(ctx);
	pfm_session_release(sys, ctx->cpu);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	ctx->state = PFM_CTX_UNLOADED;
	ctx->started = false;
	ctx->interval_open = false;
	__pfm_view_update_all(ctx);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	pfm_unblock(ctx);
	if (!sys)
		pfm_detach_task(ctx);
	PFM_DBG("unloaded");
	return 0;
}

/**
 * __pfm_switch_set - make a set the active set of a loaded context
 * @ctx: the context, LOADED
 * @set: the new active set
 * @long_resets: apply its pending resets with long values (pfm_start())
 *	rather than short ones (a deferred overflow switch)
 *
 * Context: ctx->mutex held.
 */
void __pfm_switch_set(struct pfm_context *ctx, struct pfm_event_set *set,
		      bool long_resets)
{
	bool started = ctx->started;
	unsigned long flags;

	lockdep_assert_held(&ctx->mutex);
	if (started)
		pfm_counting_off(ctx, false);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	__pfm_set_activate(ctx, set, long_resets);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	this_cpu_inc(pfm_stats.set_switch);
	if (started)
		pfm_counting_on(ctx, set, false);
}

/**
 * __pfm_start - pfm_start() on a locked context
 * @ctx: the context
 * @req: the request, or NULL to keep the active set
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL when the context is not LOADED or the set does
 * not exist.
 */
int __pfm_start(struct pfm_context *ctx, struct pfarg_start *req)
{
	struct pfm_event_set *set = ctx->active_set;
	unsigned long flags;

	lockdep_assert_held(&ctx->mutex);
	if (ctx->state != PFM_CTX_LOADED)
		return -EINVAL;
	if (req) {
		set = pfm_set_find(ctx, req->start_set);
		if (!set)
			return -EINVAL;
	}
	if (set != ctx->active_set)
		__pfm_switch_set(ctx, set, true);
	if (!ctx->started) {
		pfm_counting_on(ctx, set, false);
		return 0;
	}
	/* A start while started counts the interval so far, then a new one. */
	raw_spin_lock_irqsave(&ctx->lock, flags);
	__pfm_interval_close(ctx);
	if (pfm_ctx_on_cpu(ctx))
		__pfm_interval_open(ctx);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return 0;
}

/**
 * __pfm_stop - pfm_stop() on a locked context
 * @ctx: the context
 *
 * Context: ctx->mutex held.
 * Return: 0, or -EINVAL when the context is UNLOADED.
 */
int __pfm_stop(struct pfm_context *ctx)
{
	lockdep_assert_held(&ctx->mutex);
	if (ctx->state == PFM_CTX_UNLOADED)
		return -EINVAL;
	__pfm_stop_monitoring(ctx, false);
	ctx->started = false;
	return 0;
}

static void pfm_cleanup_work(struct callback_head *head)
{
	struct pfm_context *ctx = container_of(head, struct pfm_context, cleanup_work);

	mutex_lock(&ctx->mutex);
	if (ctx->state == PFM_CTX_ZOMBIE && ctx->task == current)
		__pfm_unload(ctx);
	mutex_unlock(&ctx->mutex);
	pfm_ctx_put(ctx);
}

/**
 * pfm_release_ctx - the last descriptor of a context is being closed
 * @ctx: the context
 *
 * A context attached to the caller's own thread is unloaded now, one
 * attached to a CPU is unloaded on that CPU. One attached to another
 * thread becomes a zombie: monitoring stops at once and the thread
 * destroys the context on its next return to user mode (or at exit), so
 * that its PMU state is only touched by itself.
 *
 * Context: process context; the file's reference is still held.
 */
void pfm_release_ctx(struct pfm_context *ctx)
{
	unsigned long flags;

	/* no descriptor is left: nothing can load the context meanwhile */
	if (pfm_ctx_is_sys(ctx)) {
		if (pfm_ctx_is_loaded(ctx))
			pfm_cpu_unload(ctx);
		return;
	}
	mutex_lock(&ctx->mutex);
	if (!pfm_ctx_is_loaded(ctx))
		goto out_unlock;
	if (ctx->task == current) {
		__pfm_unload(ctx);
		goto out_unlock;
	}
	__pfm_stop_monitoring(ctx, true);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	/* masked: the counters are already stopped and saved */
	if (ctx->state == PFM_CTX_MASKED)
		ctx->started = false;
	ctx->state = PFM_CTX_ZOMBIE;
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	pfm_unblock(ctx);
	PFM_DBG("zombie on thread %d", task_pid_nr(ctx->task));
	/* an exiting thread is cleaned up by its exit hook */
	pfm_ctx_task_work(ctx, ctx->task, &ctx->cleanup_work, pfm_cleanup_work);
out_unlock:
	mutex_unlock(&ctx->mutex);
}

/**
 * __pfm_exit_thread - a thread with a context is exiting
 * @tsk: the exiting thread (current)
 *
 * Folds the counts, unloads the context and tells its owner with
 * PFM_MSG_END; a zombie is destroyed.
 *
 * Context: do_exit(), process context.
 */
void __pfm_exit_thread(struct task_struct *tsk)
{
	struct pfm_context *ctx;
	bool zombie;

	task_lock(tsk);
	ctx = tsk->pfm_context;
	if (ctx)
		refcount_inc(&ctx->refs);
	task_unlock(tsk);
	if (!ctx)
		return;
	mutex_lock(&ctx->mutex);
	if (ctx->task == tsk) {
		PFM_DBG("thread %d exits", task_pid_nr(tsk));
		zombie = ctx->state == PFM_CTX_ZOMBIE;
		__pfm_unload(ctx);
		if (!zombie)
			pfm_msg_end(ctx);
	}
	mutex_unlock(&ctx->mutex);
	pfm_ctx_put(ctx);
}

/**
 * __pfm_ctxsw_out - a thread with a context leaves its CPU
 * @prev: the thread
 *
 * Context: scheduler, interrupts disabled, runqueue locked.
 */
void __pfm_ctxsw_out(struct task_struct *prev)
{
	struct pfm_context *ctx = READ_ONCE(prev->pfm_context);

	raw_spin_lock(&ctx->lock);
	__pfm_interval_close(ctx);
	if (ctx->started && ctx->pmu->ops->ctxsw_out &&
	    (ctx->state == PFM_CTX_LOADED || ctx->state == PFM_CTX_ZOMBIE)) {
		ctx->pmu->ops->ctxsw_out(ctx, ctx->active_set);
		__pfm_view_update(ctx, ctx->active_set);
	}
	raw_spin_unlock(&ctx->lock);
	this_cpu_inc(pfm_stats.ctxsw_out);
}

/**
 * __pfm_ctxsw_in - a thread with a context gets a CPU
 * @next: the thread
 *
 * Context: scheduler, interrupts disabled.
 */
void __pfm_ctxsw_in(struct task_struct *next)
{
	struct pfm_context *ctx = READ_ONCE(next->pfm_context);

	raw_spin_lock(&ctx->lock);
	if (ctx->started && ctx->state == PFM_CTX_LOADED) {
		__pfm_interval_open(ctx);
		if (ctx->pmu->ops->ctxsw_in)
			ctx->pmu->ops->ctxsw_in(ctx, ctx->active_set);
	}
	raw_spin_unlock(&ctx->lock);
	this_cpu_inc(pfm_stats.ctxsw_in);
}
