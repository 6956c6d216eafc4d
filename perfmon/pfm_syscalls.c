// SPDX-License-Identifier: GPL-2.0
/*
 * The twelve perfmon2 system calls.
 *
 * Every call on a context goes through one preamble, pfm_call_begin():
 * argument checks, descriptor lookup, vector copy (on the stack up to the
 * call's fast-copy limit, else bounded by arg_mem_max), ctx->mutex, and
 * the state checks driven by the call's struct pfm_cmd. The checks run in
 * the order of Documentation/userspace-api/perfmon2.rst, so the first
 * failure is the one returned. Each SYSCALL_DEFINE body is then the
 * operation itself.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "pfm_priv.h"

/* Layouts of ABI.md section 3, identical for 32-bit and 64-bit callers. */
static_assert(sizeof(struct pfarg_ctx) == 64);
static_assert(sizeof(struct pfarg_pmc) == 48);
static_assert(offsetof(struct pfarg_pmc, reg_value) == 8);
static_assert(sizeof(struct pfarg_pmd) == 176);
static_assert(offsetof(struct pfarg_pmd, reg_long_reset) == 16);
static_assert(offsetof(struct pfarg_pmd, reg_short_reset) == 24);
static_assert(offsetof(struct pfarg_pmd, reg_last_reset_val) == 32);
static_assert(offsetof(struct pfarg_pmd, reg_ovfl_switch_cnt) == 40);
static_assert(offsetof(struct pfarg_pmd, reg_reset_pmds) == 48);
static_assert(offsetof(struct pfarg_pmd, reg_smpl_pmds) == 88);
static_assert(offsetof(struct pfarg_pmd, reg_smpl_eventid) == 128);
static_assert(offsetof(struct pfarg_pmd, reg_random_mask) == 136);
static_assert(offsetof(struct pfarg_pmd, reg_random_seed) == 144);
static_assert(sizeof(struct pfarg_start) == 32);
static_assert(sizeof(struct pfarg_load) == 32);
static_assert(offsetof(struct pfarg_load, load_set) == 4);
static_assert(sizeof(struct pfarg_setdesc) == 64);
static_assert(offsetof(struct pfarg_setdesc, set_timeout) == 8);
static_assert(offsetof(struct pfarg_setdesc, set_mmap_offset) == 16);
static_assert(sizeof(struct pfarg_setinfo) == 192);
static_assert(offsetof(struct pfarg_setinfo, set_ovfl_pmds) == 8);
static_assert(offsetof(struct pfarg_setinfo, set_runs) == 40);
static_assert(offsetof(struct pfarg_setinfo, set_timeout) == 48);
static_assert(offsetof(struct pfarg_setinfo, set_act_duration) == 56);
static_assert(offsetof(struct pfarg_setinfo, set_mmap_offset) == 64);
static_assert(offsetof(struct pfarg_setinfo, set_avail_pmcs) == 72);
static_assert(offsetof(struct pfarg_setinfo, set_avail_pmds) == 112);
static_assert(offsetof(struct pfarg_setinfo, reserved) == 152);
static_assert(offsetof(struct pfm_set_view, set_runs) == 8);
static_assert(offsetof(struct pfm_set_view, set_pmds) == 16);
static_assert(offsetof(struct pfm_set_view, set_seq) == 2576);
static_assert(sizeof(struct pfm_set_view) == 2576 + sizeof(unsigned long));
static_assert(sizeof(struct pfm_set_view) <= PAGE_SIZE);
static_assert(sizeof(struct pfarg_ovfl_msg) == 56);
static_assert(offsetof(struct pfarg_ovfl_msg, msg_ovfl_pmds) == 8);
static_assert(offsetof(struct pfarg_ovfl_msg, msg_active_set) == 40);
static_assert(offsetof(struct pfarg_ovfl_msg, msg_ovfl_cpu) == 42);
static_assert(offsetof(struct pfarg_ovfl_msg, msg_ovfl_tid) == 44);
static_assert(offsetof(struct pfarg_ovfl_msg, msg_ovfl_ip) == 48);
static_assert(sizeof(union pfarg_msg) == 56);

/* The stack buffer holds the largest fast vector of any call. */
#define PFM_FAST_PMC_BYTES	(PFM_PMC_FAST_ARG * sizeof(struct pfarg_pmc))
#define PFM_FAST_PMD_BYTES	(PFM_PMD_FAST_ARG * sizeof(struct pfarg_pmd))
#define PFM_FAST_BYTES		PFM_FAST_PMD_BYTES
static_assert(PFM_FAST_BYTES >= PFM_FAST_PMC_BYTES);
static_assert(sizeof(struct pfarg_start) <= PFM_FAST_BYTES);

/**
 * struct pfm_cmd - what the preamble checks for one call
 * @allowed: states in which the call proceeds; a call allowed only in U
 *	fails with EBUSY in L or M (check 9); other calls judge the state
 *	themselves
 * @need_stop: states in which a non-self per-thread context needs its
 *	thread ptrace-stopped by the caller (check 11)
 * @cpu_check: system-wide contexts in L or M need the bound CPU (check 10)
 * @esize: size of one vector entry, 0 for non-vector calls
 * @head: vector calls that use only the first @head bytes of each entry
 *	(less than @esize): the bytes copied in and back per entry; 0 copies
 *	whole entries
 * @fast: entries copied on the stack
 * @argsize: non-vector calls: size of an optional input structure, copied
 *	after the descriptor lookup (check 4)
 * @vec_op: vector calls: the operation on the locked context
 */
struct pfm_cmd {
	u8		allowed;
	u8		need_stop;
	bool		cpu_check;
	unsigned short	esize;
	unsigned short	head;
	unsigned short	fast;
	unsigned short	argsize;
	int		(*vec_op)(struct pfm_context *ctx, void *vec, int count);
};

#define PFM_ST_ALL	(PFM_ST_U | PFM_ST_L | PFM_ST_M)

static const struct pfm_cmd pfm_cmd_write_pmcs = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L, .cpu_check = true,
	.esize = sizeof(struct pfarg_pmc), .fast = PFM_PMC_FAST_ARG,
	.vec_op = __pfm_write_pmcs,
};
static const struct pfm_cmd pfm_cmd_write_pmds = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L, .cpu_check = true,
	.esize = sizeof(struct pfarg_pmd), .fast = PFM_PMD_FAST_ARG,
	.vec_op = __pfm_write_pmds,
};
static const struct pfm_cmd pfm_cmd_read_pmds = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L, .cpu_check = true,
	.esize = sizeof(struct pfarg_pmd), .head = PFM_PMD_READ_HEAD,
	.fast = PFM_PMD_FAST_ARG, .vec_op = __pfm_read_pmds,
};
static const struct pfm_cmd pfm_cmd_load = { .allowed = PFM_ST_U };
static const struct pfm_cmd pfm_cmd_start = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L, .cpu_check = true,
	.argsize = sizeof(struct pfarg_start),
};
static const struct pfm_cmd pfm_cmd_stop = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L, .cpu_check = true,
};
static const struct pfm_cmd pfm_cmd_restart = { .allowed = PFM_ST_ALL, .cpu_check = true };
static const struct pfm_cmd pfm_cmd_create_sets = {
	.allowed = PFM_ST_U, .cpu_check = true,
	.esize = sizeof(struct pfarg_setdesc), .vec_op = __pfm_create_evtsets,
};
static const struct pfm_cmd pfm_cmd_getinfo_sets = {
	.allowed = PFM_ST_ALL, .cpu_check = true,
	.esize = sizeof(struct pfarg_setinfo), .vec_op = __pfm_getinfo_evtsets,
};
static const struct pfm_cmd pfm_cmd_delete_sets = {
	.allowed = PFM_ST_U, .cpu_check = true,
	.esize = sizeof(struct pfarg_setdesc), .vec_op = __pfm_delete_evtsets,
};
static const struct pfm_cmd pfm_cmd_unload = {
	.allowed = PFM_ST_ALL, .need_stop = PFM_ST_L | PFM_ST_M, .cpu_check = true,
};

/**
 * struct pfm_call - one call in progress
 * @cmd: the call
 * @f: the descriptor reference
 * @ctx: the context, with ctx->mutex held after pfm_call_begin()
 * @vec: the kernel copy of the vector (NULL when count is 0)
 * @count: vector entries
 * @size: vector bytes
 * @copied: the vector must be copied back at the end
 * @pinned: a system-wide call, kept on its CPU (migrate_disable())
 * @fd: the descriptor number, for debug messages
 */
struct pfm_call {
	const struct pfm_cmd	*cmd;
	struct fd		f;
	struct pfm_context	*ctx;
	void			*vec;
	int			count;
	size_t			size;
	bool			copied;
	bool			pinned;
	int			fd;
};

/**
 * pfm_check_state - checks 8 to 11 of a call on a locked context
 * @ctx: the context
 * @cmd: the call
 *
 * Context: ctx->mutex held.
 * Return: 0 or the errno of the first failed check.
 */
static int pfm_check_state(struct pfm_context *ctx, const struct pfm_cmd *cmd)
{
	unsigned int st = BIT(ctx->state);

	lockdep_assert_held(&ctx->mutex);
	if (ctx->state == PFM_CTX_ZOMBIE)
		return -EINVAL;
	if (!(cmd->allowed & st))
		return -EBUSY;
	if (cmd->cpu_check && pfm_ctx_is_sys(ctx) && pfm_ctx_is_loaded(ctx) &&
	    ctx->cpu != raw_smp_processor_id())
		return -EBUSY;
	if ((cmd->need_stop & st) && !pfm_ctx_is_sys(ctx) && ctx->task != current)
		return pfm_check_task_stopped(ctx);
	return 0;
}

/**
 * pfm_count_invalid - check 1 of a vector call
 * @count: entries passed by the caller
 * @esize: size of one entry
 *
 * Return: true when @count is negative or so large that the vector's size
 * could overflow an int.
 */
VISIBLE_IF_KUNIT bool pfm_count_invalid(int count, size_t esize)
{
	return count < 0 || count >= INT_MAX / esize;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_count_invalid);

/**
 * pfm_vector_too_big - check 5 of a vector call
 * @count: entries, already checked by pfm_count_invalid()
 * @esize: size of one entry
 * @fast: entries the call copies on the stack
 * @max: arg_mem_max
 *
 * Return: true when the vector exceeds @max bytes and does not fit the
 * call's fast path (E2BIG).
 */
VISIBLE_IF_KUNIT bool pfm_vector_too_big(int count, size_t esize, unsigned int fast, u64 max)
{
	return count > fast && (u64)count * esize > max;
}
EXPORT_SYMBOL_IF_KUNIT(pfm_vector_too_big);

/*
 * Vector copies. A call with a @cmd->head copies only that many bytes at
 * the start of each entry, in and back; the rest of an entry would come
 * back unchanged. An entry is smaller than a page, so the heads touch
 * every page of the vector except perhaps the one holding its last byte;
 * that byte is copied too, and an unreadable or unwritable vector fails
 * with EFAULT exactly as a whole copy would. The kernel copy's other
 * bytes are neither read nor copied back.
 */
static_assert(sizeof(struct pfarg_pmd) <= PAGE_SIZE);

static int pfm_vec_copy_in(const struct pfm_cmd *cmd, void *vec,
			   const void __user *ubuf, size_t size)
{
	size_t off;

	if (!cmd->head)
		return copy_from_user(vec, ubuf, size) ? -EFAULT : 0;
	for (off = 0; off < size; off += cmd->esize)
		if (copy_from_user(vec + off, ubuf + off, cmd->head))
			return -EFAULT;
	return get_user(*(u8 *)(vec + size - 1), (const u8 __user *)ubuf + size - 1);
}

static int pfm_vec_copy_out(const struct pfm_cmd *cmd, void __user *ubuf,
			    const void *vec, size_t size)
{
	size_t off;

	if (!cmd->head)
		return copy_to_user(ubuf, vec, size) ? -EFAULT : 0;
	for (off = 0; off < size; off += cmd->esize)
		if (copy_to_user(ubuf + off, vec + off, cmd->head))
			return -EFAULT;
	return put_user(*(const u8 *)(vec + size - 1), (u8 __user *)ubuf + size - 1);
}

/*
 * The common preamble. @ubuf/@count describe the vector of a vector call,
 * or @ubuf the optional input structure of a non-vector call; @fast is a
 * stack buffer that receives small vectors (PFM_FAST_BYTES) or the input
 * structure (@cmd->argsize bytes).
 */
static int pfm_call_begin(struct pfm_call *c, const struct pfm_cmd *cmd, int fd,
			  void __user *ubuf, int count, void *fast)
{
	int ret;

	*c = (struct pfm_call){ .cmd = cmd, .fd = fd };
	if (cmd->esize && pfm_count_invalid(count, cmd->esize))
		return -EINVAL;
	c->ctx = pfm_ctx_from_fd(fd, &c->f);
	if (!c->ctx)
		return -EBADF;
	if (cmd->argsize && ubuf) {
		ret = -EFAULT;
		c->vec = fast;
		if (copy_from_user(fast, ubuf, cmd->argsize))
			goto out_fdput;
	}
	c->count = count;
	c->size = (size_t)count * cmd->esize;
	if (c->size) {
		ret = -E2BIG;
		if (pfm_vector_too_big(count, cmd->esize, cmd->fast,
				       READ_ONCE(pfm_controls.arg_mem_max)))
			goto out_fdput;
		if (count <= cmd->fast) {
			c->vec = fast;
		} else {
			ret = -ENOMEM;
			c->vec = kvmalloc(c->size, GFP_KERNEL);
			if (!c->vec)
				goto out_fdput;
		}
		ret = pfm_vec_copy_in(cmd, c->vec, ubuf, c->size);
		if (ret)
			goto out_free;
	}
	/*
	 * A system-wide call stays on the CPU it was checked on: the PMU
	 * of a CPU is only programmed there.
	 */
	c->pinned = pfm_ctx_is_sys(c->ctx);
	if (c->pinned)
		migrate_disable();
	mutex_lock(&c->ctx->mutex);
	ret = pfm_check_state(c->ctx, cmd);
	if (ret)
		goto out_unlock;
	c->copied = c->size != 0;
	return 0;

out_unlock:
	mutex_unlock(&c->ctx->mutex);
	if (c->pinned)
		migrate_enable();
	PFM_DBG("fd %d: state %d refused: %d", fd, c->ctx->state, ret);
out_free:
	if (c->vec != fast)
		kvfree(c->vec);
out_fdput:
	fdput(c->f);
	return ret;
}

/* Unlock, copy the vector back, release: returns the call's result. */
static int pfm_call_end(struct pfm_call *c, void __user *ubuf, void *fast, int ret)
{
	mutex_unlock(&c->ctx->mutex);
	if (c->pinned)
		migrate_enable();
	if (c->copied && pfm_vec_copy_out(c->cmd, ubuf, c->vec, c->size))
		ret = -EFAULT;
	if (ret)
		PFM_DBG("fd %d: error %d", c->fd, ret);
	if (c->vec != fast)
		kvfree(c->vec);
	fdput(c->f);
	return ret;
}

/* A vector call: the preamble, the call's operation, the copy-back. */
static int pfm_vector_call(const struct pfm_cmd *cmd, int fd, void __user *ureq, int count)
{
	u64 fast[PFM_FAST_BYTES / sizeof(u64)] __pfm_noinit;
	struct pfm_call c __pfm_noinit;
	int ret;

	ret = pfm_call_begin(&c, cmd, fd, ureq, count, fast);
	if (ret)
		return ret;
	ret = cmd->vec_op(c.ctx, c.vec, count);
	return pfm_call_end(&c, ureq, fast, ret);
}

/* Group membership in the initial user namespace; -1 admits everybody. */
static bool pfm_in_group(s64 group)
{
	return group == PFM_GROUP_PERM_ANY ||
	       in_group_p(make_kgid(&init_user_ns, (gid_t)group));
}

/**
 * pfm_perf_paranoid - the perf_events access level in force
 *
 * Return: /proc/sys/kernel/perf_event_paranoid, or 2 (perf's default)
 * on kernels without perf_events.
 */
int pfm_perf_paranoid(void)
{
#ifdef CONFIG_PERF_EVENTS
	return READ_ONCE(sysctl_perf_event_paranoid);
#else
	return 2;
#endif
}

static int pfm_create_checks(const struct pfarg_ctx *req)
{
	bool sys = req->ctx_flags & PFM_FL_SYSTEM_WIDE;

	if (sys && (req->ctx_flags & PFM_FL_NOTIFY_BLOCK))
		return -EINVAL;
	if (!pfm_in_group(READ_ONCE(pfm_controls.task_group)))
		return -EPERM;
	if (sys && !pfm_in_group(READ_ONCE(pfm_controls.sys_group)))
		return -EPERM;
	if (sys && pfm_perf_paranoid() > 0 && !perfmon_capable())
		return -EPERM;
	return 0;
}

/*
 * pfm_create_context() in the ABI's order: ENOSYS, the request (EFAULT),
 * flags and privileges, the sampling format and its argument, then the
 * allocations. A failure leaves nothing behind.
 */
SYSCALL_DEFINE4(pfm_create_context, struct pfarg_ctx __user *, ureq,
		char __user *, smpl_name, void __user *, smpl_arg, size_t, smpl_size)
{
	struct pfm_smpl smpl = { };
	struct pfm_context *ctx;
	struct pfarg_ctx req;
	struct pfm_pmu *pmu;
	int ret;

	if (!READ_ONCE(pfm_ready))
		return -ENOSYS;
	pmu = pfm_pmu_get();
	if (!pmu)
		return -ENOSYS;
	ret = -EFAULT;
	if (copy_from_user(&req, ureq, sizeof(req)))
		goto out_put_pmu;
	ret = pfm_create_checks(&req);
	if (ret)
		goto out_put_pmu;
	if (smpl_name) {
		ret = pfm_smpl_prepare(&smpl, pmu, req.ctx_flags, smpl_name, smpl_arg,
				       smpl_size);
		if (ret)
			goto out_put_pmu;
	}
	ret = -ENOMEM;
	ctx = pfm_ctx_alloc(pmu, req.ctx_flags);
	if (!ctx)
		goto out_free_smpl;
	/* the context owns the PMU pin and the format from here */
	ctx->smpl = smpl;
	if (ctx->smpl.fmt) {
		ret = pfm_smpl_alloc(&ctx->smpl, pmu, req.ctx_flags);
		if (ret)
			goto out_put_ctx;
	}
	ret = pfm_ctx_install_fd(ctx);
	if (ret < 0)
		goto out_put_ctx;
	return ret;

out_put_ctx:
	pfm_ctx_put(ctx);
	return ret;
out_free_smpl:
	pfm_smpl_free(&smpl);
out_put_pmu:
	pfm_pmu_put(pmu);
	return ret;
}

SYSCALL_DEFINE3(pfm_write_pmcs, int, fd, struct pfarg_pmc __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_write_pmcs, fd, ureq, count);
}

SYSCALL_DEFINE3(pfm_write_pmds, int, fd, struct pfarg_pmd __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_write_pmds, fd, ureq, count);
}

SYSCALL_DEFINE3(pfm_read_pmds, int, fd, struct pfarg_pmd __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_read_pmds, fd, ureq, count);
}

SYSCALL_DEFINE2(pfm_load_context, int, fd, struct pfarg_load __user *, ureq)
{
	struct pfarg_load req;
	struct pfm_call c __pfm_noinit;
	int ret;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	ret = pfm_call_begin(&c, &pfm_cmd_load, fd, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = __pfm_load(c.ctx, &req);
	return pfm_call_end(&c, NULL, NULL, ret);
}

SYSCALL_DEFINE2(pfm_start, int, fd, struct pfarg_start __user *, ureq)
{
	struct pfarg_start req __pfm_noinit;
	struct pfm_call c __pfm_noinit;
	int ret;

	ret = pfm_call_begin(&c, &pfm_cmd_start, fd, ureq, 0, &req);
	if (ret)
		return ret;
	ret = __pfm_start(c.ctx, c.vec);
	return pfm_call_end(&c, NULL, &req, ret);
}

SYSCALL_DEFINE1(pfm_stop, int, fd)
{
	struct pfm_call c __pfm_noinit;
	int ret;

	ret = pfm_call_begin(&c, &pfm_cmd_stop, fd, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = __pfm_stop(c.ctx);
	return pfm_call_end(&c, NULL, NULL, ret);
}

SYSCALL_DEFINE1(pfm_restart, int, fd)
{
	struct pfm_call c __pfm_noinit;
	int ret;

	ret = pfm_call_begin(&c, &pfm_cmd_restart, fd, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = __pfm_restart(c.ctx);
	return pfm_call_end(&c, NULL, NULL, ret);
}

SYSCALL_DEFINE3(pfm_create_evtsets, int, fd, struct pfarg_setdesc __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_create_sets, fd, ureq, count);
}

SYSCALL_DEFINE3(pfm_getinfo_evtsets, int, fd, struct pfarg_setinfo __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_getinfo_sets, fd, ureq, count);
}

SYSCALL_DEFINE3(pfm_delete_evtsets, int, fd, struct pfarg_setdesc __user *, ureq, int, count)
{
	return pfm_vector_call(&pfm_cmd_delete_sets, fd, ureq, count);
}

SYSCALL_DEFINE1(pfm_unload_context, int, fd)
{
	struct pfm_call c __pfm_noinit;
	int ret;

	ret = pfm_call_begin(&c, &pfm_cmd_unload, fd, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = c.ctx->state == PFM_CTX_UNLOADED ? 0 : __pfm_unload(c.ctx);
	return pfm_call_end(&c, NULL, NULL, ret);
}
