/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of the perfmon core: contexts, event
 * sets, controls, resources, statistics, and the internal helpers that
 * the KUnit tests reach.
 */
#ifndef _PERFMON_PFM_PRIV_H
#define _PERFMON_PFM_PRIV_H

#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/refcount.h>
#include <linux/perfmon.h>
#include <linux/perfmon_fmt.h>
#include <linux/perfmon_pmu.h>
#include <linux/sched/user.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

/* longest sampling format name, its NUL included */
#define PFM_FMT_NAME_MAX	32
/* largest smpl_arg of a sampling format */
#define PFM_FMT_ARG_MAX		256

/* "-1" in the sysfs byte limits */
#define PFM_MEM_UNLIMITED	U64_MAX
/* largest arg_mem_max: what kvmalloc() accepts */
#define PFM_ARG_MEM_LIMIT	INT_MAX
/* vector entries copied on the stack (pmc_max_fast_arg, pmd_max_fast_arg) */
#define PFM_PMC_FAST_ARG	8
#define PFM_PMD_FAST_ARG	4

/*
 * pfm_read_pmds() reads and writes only the first 48 bytes of an entry,
 * reg_num to reg_ovfl_switch_cnt; the rest comes back unchanged.
 */
#define PFM_PMD_READ_HEAD	offsetof(struct pfarg_pmd, reg_reset_pmds)

/*
 * The stack buffers that receive a call's vector, argument or preamble
 * state are written before anything reads them (the parts of a vector
 * that are not copied in are never read): CONFIG_INIT_STACK_ALL_* need
 * not clear them at every call.
 */
#if __has_attribute(__uninitialized__)
#define __pfm_noinit		__attribute__((__uninitialized__))
#else
#define __pfm_noinit
#endif

/**
 * struct pfm_controls - the values behind /sys/kernel/perfmon
 * @debug: rate-limited debug messages when non-zero
 * @debug_ovfl: the same for the overflow path
 * @task_group: gid allowed to create per-thread contexts, or -1 (any)
 * @sys_group: gid allowed to create system-wide contexts, or -1 (any)
 * @arg_mem_max: largest vector argument in bytes
 * @smpl_buffer_mem_max: limit on sampling-buffer memory, PFM_MEM_UNLIMITED
 *	for none
 */
struct pfm_controls {
	unsigned int	debug;
	unsigned int	debug_ovfl;
	s64		task_group;
	s64		sys_group;
	u64		arg_mem_max;
	u64		smpl_buffer_mem_max;
};

extern struct pfm_controls pfm_controls;
extern bool pfm_ready;
extern struct kobject *pfm_kobj;
extern struct kobject *pfm_formats_kobj;

#define PFM_DBG(fmt, ...)						\
	do {								\
		if (unlikely(READ_ONCE(pfm_controls.debug)))		\
			pr_info_ratelimited("perfmon: %s: " fmt "\n",	\
					    __func__, ##__VA_ARGS__);	\
	} while (0)

/*
 * The overflow path may run inside the scheduler (perf software events),
 * where printk() could deadlock on a wakeup: its messages are deferred.
 */
#define PFM_DBG_OVFL(fmt, ...)						\
	do {								\
		static DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL, \
					      DEFAULT_RATELIMIT_BURST);	\
		if (unlikely(READ_ONCE(pfm_controls.debug_ovfl)) &&	\
		    __ratelimit(&_rs))					\
			printk_deferred(				\
				KERN_INFO "perfmon: %s: " fmt "\n",	\
				__func__, ##__VA_ARGS__);		\
	} while (0)

/**
 * struct pfm_stats - per-CPU statistics (debugfs perfmon/stats)
 * @ctxsw_in: monitored threads switched in
 * @ctxsw_out: monitored threads switched out
 * @ovfl_intr: PMU overflow interrupts handled
 * @ovfl_intr_ns: time spent handling them
 * @set_switch: event set switches
 * @restart: pfm_restart() calls
 */
struct pfm_stats {
	u64	ctxsw_in;
	u64	ctxsw_out;
	u64	ovfl_intr;
	u64	ovfl_intr_ns;
	u64	set_switch;
	u64	restart;
};

DECLARE_PER_CPU(struct pfm_stats, pfm_stats);

/**
 * enum pfm_ctx_state - life cycle of a context
 * @PFM_CTX_UNLOADED: registers and sets exist only in software
 * @PFM_CTX_LOADED: attached to a thread or CPU; monitoring is active
 *	between pfm_start() and pfm_stop()
 * @PFM_CTX_MASKED: loaded, frozen by the kernel after an overflow until
 *	pfm_restart()
 * @PFM_CTX_ZOMBIE: the last descriptor was closed while attached to
 *	another thread; destroyed when that thread returns to user mode or
 *	exits
 *
 * Transitions: create -> U; U -load-> L; L -masking overflow-> M;
 * M -restart-> L; L,M -unload or thread exit-> U; L,M (per-thread,
 * non-self) -last close-> Z; Z -thread returns or exits-> destroyed.
 * U, and L/M of self or system-wide contexts, -last close-> destroyed.
 */
enum pfm_ctx_state {
	PFM_CTX_UNLOADED	= 1,
	PFM_CTX_LOADED		= 2,
	PFM_CTX_MASKED		= 3,
	PFM_CTX_ZOMBIE		= 4,
};

/* Bits of a call's allowed-state mask (pfm_check_state()). */
#define PFM_ST_U	BIT(PFM_CTX_UNLOADED)
#define PFM_ST_L	BIT(PFM_CTX_LOADED)
#define PFM_ST_M	BIT(PFM_CTX_MASKED)

/**
 * struct pfm_pmd - software state of one PMD of one event set
 * @value: 64-bit logical value; while the set is live on a loaded
 *	context, the PMU description adds what the hardware counted since
 * @lval: last value written or reset to (reg_last_reset_val)
 * @short_reset: reload value after an overflow that does not mask
 * @long_reset: reload value at pfm_restart() after a masking overflow
 * @ovfl_switch_cnt: overflows before a set switch (0: never)
 * @switch_left: overflows still needed before the next switch; reloaded
 *	from @ovfl_switch_cnt whenever the set becomes active
 * @random_mask: randomization mask of the resets
 * @smpl_eventid: opaque id handed to the sampling format
 * @flags: PFM_REGFL_* of the last write
 * @reset_pmds: PMDs reset together with this one on its overflow
 * @smpl_pmds: PMDs recorded with this one's samples
 */
struct pfm_pmd {
	u64	value;
	u64	lval;
	u64	short_reset;
	u64	long_reset;
	u64	ovfl_switch_cnt;
	u64	switch_left;
	u64	random_mask;
	u64	smpl_eventid;
	u32	flags;
	u64	reset_pmds[PFM_PMD_BV];
	u64	smpl_pmds[PFM_PMD_BV];
};

/**
 * struct pfm_smpl - the sampling format and buffer of a context
 * @fmt: the format, pinned; NULL without sampling
 * @buf: the buffer, @size bytes (page-rounded)
 * @size: its size, as charged
 * @user: who the buffer is charged to
 * @arg: the format's argument, as given to pfm_create_context()
 */
struct pfm_smpl {
	struct pfm_smpl_fmt	*fmt;
	void			*buf;
	size_t			size;
	struct user_struct	*user;
	u64			arg[PFM_FMT_ARG_MAX / sizeof(u64)];
};

/**
 * struct pfm_event_set - one event set of a context
 * @list: in the context's set list, ordered by @id
 * @id: set id
 * @id_next: next set with PFM_SETFL_EXPL_NEXT
 * @flags: PFM_SETFL_*
 * @timeout: effective switch timeout in ns (PFM_SETFL_TIME_SWITCH)
 * @runs: activations since load
 * @duration: ns active, started and not masked, since load
 * @duration_start: sched clock when the running interval began
 * @ovfl_pmds: PMDs of the set's most recent 64-bit overflow
 * @reset_pending: PMDs to reset when the set next runs or resumes
 * @next: the set that follows this one, resolved at load
 * @used_pmcs: PMCs written since the set was created or redefined
 * @pmu_data: the PMU description's per-set data while loaded
 * @view: the set view (PFM_FL_MAP_SETS), in @view_page; else NULL
 * @view_page: the page of @view
 * @pmcs: PMC values, pmu->max_pmc entries
 * @pmds: PMD state, pmu->max_pmd entries
 */
struct pfm_event_set {
	struct list_head	list;
	u16			id;
	u16			id_next;
	u32			flags;
	u64			timeout;
	u64			runs;
	u64			duration;
	u64			duration_start;
	u64			ovfl_pmds[PFM_HW_PMD_BV];
	u64			reset_pending[PFM_PMD_BV];
	struct pfm_event_set	*next;
	u64			used_pmcs[PFM_PMC_BV];
	void			*pmu_data;
	struct pfm_set_view	*view;
	struct page		*view_page;
	u64			*pmcs;
	struct pfm_pmd		*pmds;
};

/**
 * struct pfm_context - a perfmon context, behind a file descriptor
 * @mutex: serializes the system calls, close and the monitored thread's
 *	exit on this context; everything below unless said otherwise
 * @lock: protects the message queue, @state, @started, @interval_open,
 *	the overflow bookkeeping (@can_restart, @switch_pending, the PMD
 *	values and pending resets of the active set) and the duration of
 *	the active set against the interrupt and context-switch paths
 *	(taken with interrupts disabled)
 * @refs: the file holds one reference, the attached thread another
 * @state: enum pfm_ctx_state
 * @flags: PFM_FL_* given at creation
 * @started: between pfm_start() and pfm_stop()
 * @interval_open: the active set's duration interval is running
 * @can_restart: a masking overflow waits for pfm_restart() (the credit)
 * @switch_pending: a set switch waits for pfm_restart()
 * @resume_armed: a non-self pfm_restart() waits for the thread to resume
 * @resume_queued: @resume_work is queued on the thread
 * @wake_pending: @ovfl_work wakes readers and sends SIGIO
 * @switch_deferred: an overflow switch waits for @switch_work (PMU
 *	descriptions that cannot switch at interrupt time)
 * @switch_queued: @switch_work is queued
 * @block_pending: PFM_FL_NOTIFY_BLOCK: a notification asks the thread to
 *	wait for pfm_restart() (@ovfl_work queues @block_work)
 * @block_queued: @block_work is queued
 * @resume_actions: PFM_ACT_* the resume applies (reset, stay stopped)
 * @timer_armed: @switch_timer runs for the active set (PFM_SETFL_TIME_SWITCH)
 * @timer_left: ns of the active set's timeout not yet run, as of the
 *	start of the open duration interval
 * @task: attached thread while loaded (per-thread); a reference is held
 * @cpu: bound CPU while loaded (system-wide)
 * @pmu: the PMU description, pinned for the context's lifetime
 * @smpl: sampling format and buffer
 * @sets: event sets, ordered by id; changed under @mutex and @sets_lock
 * @sets_lock: lets the view mmap look a set up without @mutex, which
 *	mmap_lock must not nest (@mutex nests perf's context mutex when
 *	events are created, and perf copies to user space under that)
 * @active_set: the set that counts while loaded
 * @msgq: message ring, @msgq_count entries from @msgq_head
 * @msgq_head: index of the oldest message
 * @msgq_count: queued messages
 * @msgq_wait: readers and pollers
 * @restart_wait: a monitored thread blocked until pfm_restart()
 * @async_queue: SIGIO subscribers
 * @cleanup_work: destroys a zombie in its thread's return to user mode
 * @resume_work: resumes a masked context in its thread's return to user
 *	mode after a non-self pfm_restart()
 * @ovfl_work: the overflow path's follow-up in a safe context: wakeups,
 *	SIGIO, queuing @switch_work
 * @switch_work: a deferred set switch, in the monitored thread's return
 *	to user mode (per-thread) or in a work item on the CPU (system-wide)
 * @sys_switch_work: @switch_work's work item for system-wide contexts
 * @block_work: makes the monitored thread wait for pfm_restart() on its
 *	return to user mode (PFM_FL_NOTIFY_BLOCK)
 * @switch_timer: time-based set switching; runs on the CPU of the open
 *	duration interval
 * @rcu: the context-switch hooks may still look at a context being freed
 */
struct pfm_context {
	struct mutex		mutex;
	raw_spinlock_t		lock;
	refcount_t		refs;
	enum pfm_ctx_state	state;
	u32			flags;
	bool			started;
	bool			interval_open;
	bool			can_restart;
	bool			switch_pending;
	bool			resume_armed;
	bool			resume_queued;
	bool			wake_pending;
	bool			switch_deferred;
	bool			switch_queued;
	bool			block_pending;
	bool			block_queued;
	u32			resume_actions;
	bool			timer_armed;
	u64			timer_left;
	struct task_struct	*task;
	unsigned int		cpu;
	struct pfm_pmu		*pmu;
	struct pfm_smpl		smpl;
	struct list_head	sets;
	spinlock_t		sets_lock;
	struct pfm_event_set	*active_set;
	union pfarg_msg		msgq[PFM_MSGS_COUNT];
	unsigned int		msgq_head;
	unsigned int		msgq_count;
	wait_queue_head_t	msgq_wait;
	wait_queue_head_t	restart_wait;
	struct fasync_struct	*async_queue;
	struct callback_head	cleanup_work;
	struct callback_head	resume_work;
	struct irq_work		ovfl_work;
	struct callback_head	switch_work;
	struct work_struct	sys_switch_work;
	struct callback_head	block_work;
	struct hrtimer		switch_timer;
	struct rcu_head		rcu;
};

/* Bit n of a perfmon bit vector (array of u64, bit n % 64 of word n / 64). */
static inline bool pfm_bv_test(const u64 *bv, unsigned int n)
{
	return bv[n / 64] & BIT_ULL(n % 64);
}

static inline bool pfm_ctx_is_sys(struct pfm_context *ctx)
{
	return ctx->flags & PFM_FL_SYSTEM_WIDE;
}

static inline bool pfm_ctx_is_loaded(struct pfm_context *ctx)
{
	return ctx->state == PFM_CTX_LOADED || ctx->state == PFM_CTX_MASKED;
}

/* pfm_ctx.c */
struct pfm_context *pfm_ctx_alloc(struct pfm_pmu *pmu, u32 flags);
void pfm_ctx_put(struct pfm_context *ctx);
int pfm_ctx_install_fd(struct pfm_context *ctx);
struct pfm_context *pfm_ctx_from_fd(int fd, struct fd *f);
bool pfm_ctx_task_work(struct pfm_context *ctx, struct task_struct *task,
		       struct callback_head *work, task_work_func_t fn);
void pfm_msg_end(struct pfm_context *ctx);
bool __pfm_msg_queue(struct pfm_context *ctx, const union pfarg_msg *msg);

/* pfm_sets.c */
struct pfm_event_set *pfm_set_alloc(struct pfm_pmu *pmu, u16 id, bool view);
int pfm_set_link(struct pfm_context *ctx);
void __pfm_set_activate(struct pfm_context *ctx, struct pfm_event_set *set,
			bool long_resets);
void __pfm_set_apply_resets(struct pfm_context *ctx, struct pfm_event_set *set,
			    bool long_resets, bool live);
void pfm_timer_init_ctx(struct pfm_context *ctx);
void __pfm_timer_arm(struct pfm_context *ctx);
void __pfm_timer_disarm(struct pfm_context *ctx, u64 elapsed);
u64 __pfm_set_timeout_left(struct pfm_context *ctx, struct pfm_event_set *set);

/* pfm_fmt.c, pfm_smpl.c */
struct pfm_smpl_fmt *pfm_fmt_get(const char *name);
void pfm_fmt_put(struct pfm_smpl_fmt *fmt);
int pfm_smpl_prepare(struct pfm_smpl *s, struct pfm_pmu *pmu, u32 ctx_flags,
		     const char __user *uname, const void __user *uarg, size_t size);
int pfm_smpl_alloc(struct pfm_smpl *s, struct pfm_pmu *pmu, u32 ctx_flags);
void pfm_smpl_free(struct pfm_smpl *s);
int pfm_smpl_mmap(struct pfm_context *ctx, struct vm_area_struct *vma);

/* pfm_cpu.c */
void pfm_cpu_init_ctx(struct pfm_context *ctx);
void pfm_cpu_bind(struct pfm_context *ctx);
void pfm_cpu_unbind(struct pfm_context *ctx);
void pfm_cpu_unload(struct pfm_context *ctx);
int pfm_cpu_init(void);

/* pfm_view.c */
int pfm_view_alloc(struct pfm_event_set *set);
void pfm_view_free(struct pfm_event_set *set);
void __pfm_view_update(struct pfm_context *ctx, struct pfm_event_set *set);
void __pfm_view_update_all(struct pfm_context *ctx);
int pfm_view_mmap(struct pfm_context *ctx, struct vm_area_struct *vma);
void pfm_set_free(struct pfm_event_set *set);
struct pfm_event_set *pfm_set_find(struct pfm_context *ctx, u16 id);
void pfm_set_reset_pmcs(struct pfm_pmu *pmu, struct pfm_event_set *set);

int __pfm_create_evtsets(struct pfm_context *ctx, void *vec, int count);
int __pfm_getinfo_evtsets(struct pfm_context *ctx, void *vec, int count);
int __pfm_delete_evtsets(struct pfm_context *ctx, void *vec, int count);

/* pfm_rw.c */
int __pfm_write_pmcs(struct pfm_context *ctx, void *req, int count);
int __pfm_write_pmds(struct pfm_context *ctx, void *req, int count);
int __pfm_read_pmds(struct pfm_context *ctx, void *req, int count);

/* pfm_syscalls.c */
int pfm_perf_paranoid(void);

/* pfm_intr.c */
int __pfm_restart(struct pfm_context *ctx);
void pfm_resume_forget(struct pfm_context *ctx);
void pfm_intr_init_ctx(struct pfm_context *ctx);
void pfm_intr_sync_ctx(struct pfm_context *ctx);
void __pfm_switch_next_intr(struct pfm_context *ctx);
void pfm_unblock(struct pfm_context *ctx);

/* pfm_attach.c */
void __pfm_interval_open(struct pfm_context *ctx);
void __pfm_interval_close(struct pfm_context *ctx);
void pfm_counting_on(struct pfm_context *ctx, struct pfm_event_set *set, bool unmask);
void __pfm_switch_set(struct pfm_context *ctx, struct pfm_event_set *set,
		      bool long_resets);
u64 pfm_set_duration(struct pfm_context *ctx, struct pfm_event_set *set);
int __pfm_load(struct pfm_context *ctx, struct pfarg_load *req);
int __pfm_unload(struct pfm_context *ctx);
int __pfm_start(struct pfm_context *ctx, struct pfarg_start *req);
int __pfm_stop(struct pfm_context *ctx);
int pfm_check_task_stopped(struct pfm_context *ctx);
void pfm_release_ctx(struct pfm_context *ctx);
void pfm_ctxsw_key_get(void);
void pfm_ctxsw_key_put(void);

int pfm_sysfs_init(void);
void pfm_stats_init(void);
void pfm_stats_reset(void);

struct pfm_pmu *pfm_pmu_get(void);
void pfm_pmu_put(struct pfm_pmu *pmu);

int pfm_session_acquire(bool sys, unsigned int cpu);
void pfm_session_release(bool sys, unsigned int cpu);
unsigned int pfm_sessions_sys(void);
unsigned int pfm_sessions_task(void);
int pfm_smpl_mem_charge(u64 size);
void pfm_smpl_mem_uncharge(struct user_struct *user, u64 size);
u64 pfm_smpl_mem_cur(void);

#if IS_ENABLED(CONFIG_KUNIT)
ssize_t pfm_version_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf);
ssize_t pfm_syscall_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf);
int pfm_parse_group(const char *buf, s64 *group);
int pfm_parse_mem_limit(const char *buf, u64 min, u64 max,
			bool allow_unlimited, u64 *val);
int pfm_pmu_scan(struct pfm_pmu *pmu);
bool pfm_count_invalid(int count, size_t esize);
bool pfm_vector_too_big(int count, size_t esize, unsigned int fast, u64 max);
u64 pfm_pmc_value(const struct pfm_regmap_desc *d, u64 val);
u64 pfm_set_round_timeout(u64 ns);
#endif

#endif /* _PERFMON_PFM_PRIV_H */
