// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-wide resources: monitoring sessions and the memory charged to
 * sampling buffers.
 *
 * A session is taken when a context is loaded: at most one system-wide
 * session per CPU, and system-wide and per-thread sessions exclude each
 * other machine-wide. pfm_sessions_lock protects struct pfm_sessions;
 * pfm_smpl_mem_lock protects pfm_smpl_mem_used.
 */
#include <linux/cpumask.h>
#include <linux/perfmon.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

#include "pfm_priv.h"

static DEFINE_SPINLOCK(pfm_sessions_lock);

static struct pfm_sessions {
	unsigned int	task;		/* loaded per-thread contexts */
	unsigned int	sys;		/* loaded system-wide contexts */
	struct cpumask	sys_cpus;	/* CPUs with a system-wide session */
} pfm_sessions;

static DEFINE_SPINLOCK(pfm_smpl_mem_lock);
static u64 pfm_smpl_mem_used;

/**
 * pfm_session_acquire - reserve the session of a context being loaded
 * @sys: system-wide (true) or per-thread (false)
 * @cpu: the CPU of a system-wide session
 *
 * Context: any.
 * Return: 0, or -EBUSY on a conflict: a system-wide session on @cpu
 * already, a per-thread session while any system-wide session exists, or
 * a system-wide session while any per-thread session exists.
 */
int pfm_session_acquire(bool sys, unsigned int cpu)
{
	int ret = -EBUSY;

	spin_lock(&pfm_sessions_lock);
	if (sys) {
		if (pfm_sessions.task || cpumask_test_cpu(cpu, &pfm_sessions.sys_cpus))
			goto out_unlock;
		cpumask_set_cpu(cpu, &pfm_sessions.sys_cpus);
		pfm_sessions.sys++;
	} else {
		if (pfm_sessions.sys)
			goto out_unlock;
		pfm_sessions.task++;
	}
	ret = 0;
out_unlock:
	spin_unlock(&pfm_sessions_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_session_acquire);

/**
 * pfm_session_release - release a session taken by pfm_session_acquire()
 * @sys: as given to pfm_session_acquire()
 * @cpu: as given to pfm_session_acquire()
 *
 * Context: any.
 */
void pfm_session_release(bool sys, unsigned int cpu)
{
	spin_lock(&pfm_sessions_lock);
	if (sys) {
		if (!WARN_ON_ONCE(!cpumask_test_and_clear_cpu(cpu, &pfm_sessions.sys_cpus)))
			pfm_sessions.sys--;
	} else if (!WARN_ON_ONCE(!pfm_sessions.task)) {
		pfm_sessions.task--;
	}
	spin_unlock(&pfm_sessions_lock);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_session_release);

/**
 * pfm_sessions_sys - number of loaded system-wide contexts
 *
 * Return: the count, for /sys/kernel/perfmon/sys_sessions_count.
 */
unsigned int pfm_sessions_sys(void)
{
	return READ_ONCE(pfm_sessions.sys);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_sessions_sys);

/**
 * pfm_sessions_task - number of loaded per-thread contexts
 *
 * Return: the count, for /sys/kernel/perfmon/task_sessions_count.
 */
unsigned int pfm_sessions_task(void)
{
	return READ_ONCE(pfm_sessions.task);
}
EXPORT_SYMBOL_IF_KUNIT(pfm_sessions_task);

/**
 * pfm_smpl_mem_charge - charge a sampling buffer
 * @size: page-rounded buffer size in bytes
 *
 * The buffer is charged against smpl_buffer_mem_max and against the
 * caller's RLIMIT_MEMLOCK (through its user's locked_vm, as perf does for
 * its ring buffers).
 *
 * Context: process context of the creating thread.
 * Return: 0, or -ENOMEM when a limit would be exceeded.
 */
int pfm_smpl_mem_charge(u64 size)
{
	unsigned long pages = size >> PAGE_SHIFT;
	struct user_struct *user = current_user();
	unsigned long lim, locked;
	u64 max;

	lim = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	locked = atomic_long_add_return(pages, &user->locked_vm);
	if (locked > lim && !capable(CAP_IPC_LOCK)) {
		atomic_long_sub(pages, &user->locked_vm);
		return -ENOMEM;
	}

	spin_lock(&pfm_smpl_mem_lock);
	max = READ_ONCE(pfm_controls.smpl_buffer_mem_max);
	if (max != PFM_MEM_UNLIMITED && pfm_smpl_mem_used + size > max) {
		spin_unlock(&pfm_smpl_mem_lock);
		atomic_long_sub(pages, &user->locked_vm);
		return -ENOMEM;
	}
	pfm_smpl_mem_used += size;
	spin_unlock(&pfm_smpl_mem_lock);
	return 0;
}

/**
 * pfm_smpl_mem_uncharge - release a charge taken by pfm_smpl_mem_charge()
 * @user: the user charged (the creator's)
 * @size: the size charged
 *
 * Context: any.
 */
void pfm_smpl_mem_uncharge(struct user_struct *user, u64 size)
{
	atomic_long_sub(size >> PAGE_SHIFT, &user->locked_vm);
	spin_lock(&pfm_smpl_mem_lock);
	if (!WARN_ON_ONCE(pfm_smpl_mem_used < size))
		pfm_smpl_mem_used -= size;
	spin_unlock(&pfm_smpl_mem_lock);
}

/**
 * pfm_smpl_mem_cur - memory currently charged to sampling buffers
 *
 * Return: bytes, for /sys/kernel/perfmon/smpl_buffer_mem_cur.
 */
u64 pfm_smpl_mem_cur(void)
{
	u64 v;

	spin_lock(&pfm_smpl_mem_lock);
	v = pfm_smpl_mem_used;
	spin_unlock(&pfm_smpl_mem_lock);
	return v;
}
