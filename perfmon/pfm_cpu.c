// SPDX-License-Identifier: GPL-2.0
/*
 * System-wide contexts and CPU hotplug: which context is loaded on each
 * CPU, unloading a system-wide context on its own CPU when it is closed
 * from another one, and unloading it when its CPU goes offline.
 *
 * pfm_sys_mutex protects pfm_sys_ctx. Lock order: the CPU hotplug lock,
 * then a system-wide context's mutex, then pfm_sys_mutex. System-wide
 * contexts' mutexes have their own lockdep class: per-thread loads take
 * the hotplug lock (static keys) under their context's mutex, which
 * system-wide contexts never do.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/workqueue.h>

#include "pfm_priv.h"

static DEFINE_PER_CPU(struct pfm_context *, pfm_sys_ctx);
static DEFINE_MUTEX(pfm_sys_mutex);
static struct lock_class_key pfm_sys_mutex_key;

/**
 * pfm_cpu_init_ctx - give a new system-wide context its lock class
 * @ctx: the context
 */
void pfm_cpu_init_ctx(struct pfm_context *ctx)
{
	if (pfm_ctx_is_sys(ctx))
		lockdep_set_class(&ctx->mutex, &pfm_sys_mutex_key);
}

/**
 * pfm_cpu_bind - record the system-wide context loaded on its CPU
 * @ctx: the context, being loaded on ctx->cpu
 *
 * Context: ctx->mutex held.
 */
void pfm_cpu_bind(struct pfm_context *ctx)
{
	mutex_lock(&pfm_sys_mutex);
	per_cpu(pfm_sys_ctx, ctx->cpu) = ctx;
	mutex_unlock(&pfm_sys_mutex);
}

/**
 * pfm_cpu_unbind - forget the system-wide context of a CPU
 * @ctx: the context, being unloaded
 *
 * Context: ctx->mutex held.
 */
void pfm_cpu_unbind(struct pfm_context *ctx)
{
	mutex_lock(&pfm_sys_mutex);
	if (per_cpu(pfm_sys_ctx, ctx->cpu) == ctx)
		per_cpu(pfm_sys_ctx, ctx->cpu) = NULL;
	mutex_unlock(&pfm_sys_mutex);
}

/* Unload a system-wide context, on its CPU (or with that CPU gone). */
static long pfm_cpu_unload_fn(void *arg)
{
	struct pfm_context *ctx = arg;

	mutex_lock(&ctx->mutex);
	if (pfm_ctx_is_loaded(ctx))
		__pfm_unload(ctx);
	mutex_unlock(&ctx->mutex);
	return 0;
}

/**
 * pfm_cpu_unload - unload a system-wide context from any CPU
 * @ctx: the context; the caller holds a reference and not its mutex
 *
 * The PMU of a CPU is only touched on that CPU: the unload runs there,
 * unless the CPU is offline, in which case its hotplug callback has
 * unloaded the context already.
 *
 * Context: process context; may sleep.
 */
void pfm_cpu_unload(struct pfm_context *ctx)
{
	unsigned int cpu = READ_ONCE(ctx->cpu);

	cpus_read_lock();
	if (cpu_online(cpu))
		work_on_cpu(cpu, pfm_cpu_unload_fn, ctx);
	else
		pfm_cpu_unload_fn(ctx);
	cpus_read_unlock();
}

/*
 * A CPU goes offline: its system-wide context is unloaded there, its
 * counts kept, its session released. No message is queued (ABI 5.1).
 */
static int pfm_cpu_offline(unsigned int cpu)
{
	struct pfm_context *ctx;

	mutex_lock(&pfm_sys_mutex);
	ctx = per_cpu(pfm_sys_ctx, cpu);
	if (ctx)
		refcount_inc(&ctx->refs);
	mutex_unlock(&pfm_sys_mutex);
	if (!ctx)
		return 0;
	PFM_DBG("CPU %u goes offline: unloading its context", cpu);
	pfm_cpu_unload_fn(ctx);
	pfm_ctx_put(ctx);
	return 0;
}

/**
 * pfm_cpu_init - register the CPU hotplug callback
 *
 * Context: boot.
 * Return: 0 or a negative errno.
 */
int __init pfm_cpu_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "perfmon:online", NULL,
					pfm_cpu_offline);
	return ret < 0 ? ret : 0;
}
