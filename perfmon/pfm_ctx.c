// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts and their file descriptors: allocation and reference counting,
 * the message queue, and the file operations (read, poll, fasync, mmap,
 * release).
 *
 * A context lives as long as its file or its attached thread holds a
 * reference (ctx->refs). ctx->mutex serializes everything that changes
 * the context; ctx->lock protects the message queue, which the overflow
 * and exit paths fill.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "pfm_priv.h"

static const struct file_operations pfm_file_ops;

/**
 * pfm_ctx_alloc - create an unloaded context with set 0
 * @pmu: the PMU description, pinned by the caller; the context owns the
 *	pin from now on
 * @flags: PFM_FL_* of the context
 *
 * Context: process context; may sleep.
 * Return: the context with one reference, or NULL.
 */
struct pfm_context *pfm_ctx_alloc(struct pfm_pmu *pmu, u32 flags)
{
	struct pfm_context *ctx;
	struct pfm_event_set *set0;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	set0 = pfm_set_alloc(pmu, 0, flags & PFM_FL_MAP_SETS);
	if (!set0) {
		kfree(ctx);
		return NULL;
	}
	mutex_init(&ctx->mutex);
	raw_spin_lock_init(&ctx->lock);
	refcount_set(&ctx->refs, 1);
	init_waitqueue_head(&ctx->msgq_wait);
	init_waitqueue_head(&ctx->restart_wait);
	INIT_LIST_HEAD(&ctx->sets);
	spin_lock_init(&ctx->sets_lock);
	list_add(&set0->list, &ctx->sets);
	ctx->active_set = set0;
	ctx->state = PFM_CTX_UNLOADED;
	ctx->flags = flags;
	ctx->pmu = pmu;
	pfm_intr_init_ctx(ctx);
	pfm_timer_init_ctx(ctx);
	pfm_cpu_init_ctx(ctx);
	return ctx;
}

static void pfm_ctx_free(struct rcu_head *head)
{
	struct pfm_context *ctx = container_of(head, struct pfm_context, rcu);
	struct pfm_event_set *set, *tmp;

	list_for_each_entry_safe(set, tmp, &ctx->sets, list) {
		list_del(&set->list);
		pfm_set_free(set);
	}
	kfree(ctx);
}

/**
 * pfm_ctx_put - drop a reference on a context, freeing it with the last
 * @ctx: the context; must not be locked by the caller
 *
 * The memory is freed after an RCU grace period: the context-switch hooks
 * of a thread that was attached may still be looking at it.
 *
 * Context: process context.
 */
void pfm_ctx_put(struct pfm_context *ctx)
{
	if (!refcount_dec_and_test(&ctx->refs))
		return;
	pfm_intr_sync_ctx(ctx);
	pfm_smpl_free(&ctx->smpl);
	pfm_pmu_put(ctx->pmu);
	call_rcu(&ctx->rcu, pfm_ctx_free);
}

/**
 * pfm_ctx_task_work - queue work on a thread's return to user mode
 * @ctx: the context the work is for; it holds a reference while queued
 * @task: the thread
 * @work: the context's callback head for this work
 * @fn: the work
 *
 * Context: any; does not sleep.
 * Return: false when @task is exiting and runs no more work.
 */
bool pfm_ctx_task_work(struct pfm_context *ctx, struct task_struct *task,
		       struct callback_head *work, task_work_func_t fn)
{
	refcount_inc(&ctx->refs);
	init_task_work(work, fn);
	if (task_work_add(task, work, TWA_RESUME)) {
		refcount_dec(&ctx->refs);
		return false;
	}
	return true;
}

/**
 * pfm_ctx_install_fd - publish a context as a new file descriptor
 * @ctx: the context; on success the file owns its reference
 *
 * Context: process context; may sleep.
 * Return: the descriptor, or -ENFILE when no descriptor or file could be
 * allocated (the perfmon2 ABI never reports EMFILE).
 */
int pfm_ctx_install_fd(struct pfm_context *ctx)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -ENFILE;
	file = anon_inode_getfile("[perfmon]", &pfm_file_ops, ctx, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return -ENFILE;
	}
	fd_install(fd, file);
	return fd;
}

/**
 * pfm_ctx_from_fd - look up the context behind a descriptor
 * @fd: the descriptor
 * @f: filled with the fd reference; fdput() it when done
 *
 * Context: process context.
 * Return: the context, or NULL if @fd is not open or not a perfmon
 * context (the caller returns EBADF).
 */
struct pfm_context *pfm_ctx_from_fd(int fd, struct fd *f)
{
	*f = fdget(fd);
	if (!f->file)
		return NULL;
	if (f->file->f_op != &pfm_file_ops) {
		fdput(*f);
		return NULL;
	}
	return f->file->private_data;
}

/**
 * __pfm_msg_queue - append a message to the context's queue
 * @ctx: the context
 * @msg: the message
 *
 * The last slot of the queue is kept for PFM_MSG_END, so the end of a
 * monitored thread is never lost.
 *
 * Context: ctx->lock held.
 * Return: false when the queue has no room for @msg (it is dropped).
 */
bool __pfm_msg_queue(struct pfm_context *ctx, const union pfarg_msg *msg)
{
	unsigned int limit = msg->type == PFM_MSG_END ? PFM_MSGS_COUNT : PFM_MSGS_COUNT - 1;

	lockdep_assert_held(&ctx->lock);
	if (ctx->msgq_count >= limit)
		return false;
	ctx->msgq[(ctx->msgq_head + ctx->msgq_count) % PFM_MSGS_COUNT] = *msg;
	ctx->msgq_count++;
	return true;
}

/**
 * pfm_msg_end - queue PFM_MSG_END and notify readers
 * @ctx: the context whose thread exited
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_msg_end(struct pfm_context *ctx)
{
	union pfarg_msg msg = { .type = PFM_MSG_END };
	unsigned long flags;
	bool queued;

	lockdep_assert_held(&ctx->mutex);
	raw_spin_lock_irqsave(&ctx->lock, flags);
	queued = __pfm_msg_queue(ctx, &msg);
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	if (!queued)
		return;
	wake_up_interruptible(&ctx->msgq_wait);
	kill_fasync(&ctx->async_queue, SIGIO, POLL_IN);
}

static bool pfm_msg_dequeue(struct pfm_context *ctx, union pfarg_msg *msg)
{
	unsigned long flags;
	bool got = false;

	raw_spin_lock_irqsave(&ctx->lock, flags);
	if (ctx->msgq_count) {
		*msg = ctx->msgq[ctx->msgq_head];
		ctx->msgq_head = (ctx->msgq_head + 1) % PFM_MSGS_COUNT;
		ctx->msgq_count--;
		got = true;
	}
	raw_spin_unlock_irqrestore(&ctx->lock, flags);
	return got;
}

static ssize_t pfm_read(struct file *file, char __user *buf, size_t size, loff_t *ppos)
{
	struct pfm_context *ctx = file->private_data;
	union pfarg_msg msg;
	int ret;

	if (size < sizeof(msg))
		return -EINVAL;
	while (!pfm_msg_dequeue(ctx, &msg)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(ctx->msgq_wait, READ_ONCE(ctx->msgq_count));
		if (ret)
			return ret;
	}
	if (copy_to_user(buf, &msg, sizeof(msg)))
		return -EFAULT;
	return sizeof(msg);
}

static __poll_t pfm_poll(struct file *file, poll_table *wait)
{
	struct pfm_context *ctx = file->private_data;

	poll_wait(file, &ctx->msgq_wait, wait);
	return READ_ONCE(ctx->msgq_count) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int pfm_fasync(int fd, struct file *file, int on)
{
	struct pfm_context *ctx = file->private_data;

	return fasync_helper(fd, file, on, &ctx->async_queue);
}

static ssize_t pfm_write(struct file *file, const char __user *buf, size_t size,
			 loff_t *ppos)
{
	return -EINVAL;
}

static long pfm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -EINVAL;
}

/* Offset 0 is the sampling buffer; set views lie from PFM_SET_REMAP_OFFS. */
static int pfm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pfm_context *ctx = file->private_data;

	if (vma->vm_pgoff >= PFM_SET_REMAP_OFFS)
		return pfm_view_mmap(ctx, vma);
	return pfm_smpl_mmap(ctx, vma);
}

static int pfm_release(struct inode *inode, struct file *file)
{
	struct pfm_context *ctx = file->private_data;

	pfm_release_ctx(ctx);
	pfm_ctx_put(ctx);
	return 0;
}

static const struct file_operations pfm_file_ops = {
	.owner		= THIS_MODULE,
	.llseek		= no_llseek,
	.read		= pfm_read,
	.write		= pfm_write,
	.poll		= pfm_poll,
	.unlocked_ioctl	= pfm_ioctl,
	.compat_ioctl	= pfm_ioctl,
	.mmap		= pfm_mmap,
	.release	= pfm_release,
	.fasync		= pfm_fasync,
};
