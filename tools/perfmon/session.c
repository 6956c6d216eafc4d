// SPDX-License-Identifier: GPL-2.0
/*
 * One perfmon context as pfmon uses it: created with the event sets of
 * the command line (time-multiplexed when there are several), loaded on
 * a thread or a CPU, read back with the time each set was active.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pfmon.h"

static int pfmon_ctx_program(struct pfmon_ctx *ctx, const struct pfmon_opts *opts)
{
	struct pfarg_pmc pmcs[PFMON_MAX_EVENTS * PFMON_MAX_PMCS];
	struct pfarg_pmd pmds[PFMON_MAX_EVENTS];
	const struct pfmon_event *ev;
	int s, i, j, np, nd;

	for (s = 0; s < opts->nsets; s++) {
		np = nd = 0;
		for (i = 0; i < opts->sets[s].nevents; i++) {
			ev = &opts->sets[s].events[i];
			for (j = 0; j < ev->npmcs; j++)
				pfmon_pmc(&pmcs[np++], s, ev->pmc_num[j], ev->pmc_val[j]);
			pfmon_pmd(&pmds[nd], s, ev->pmd, 0);
			/* the first event of set 0 is the sampling one */
			if (opts->smpl_period && s == 0 && i == 0) {
				pmds[nd].reg_value = -opts->smpl_period;
				pmds[nd].reg_short_reset = -opts->smpl_period;
				pmds[nd].reg_long_reset = -opts->smpl_period;
				pmds[nd].reg_flags = PFM_REGFL_OVFL_NOTIFY;
				if (opts->smpl_random_mask) {
					pmds[nd].reg_flags |= PFM_REGFL_RANDOM;
					pmds[nd].reg_random_mask = opts->smpl_random_mask;
				}
			}
			nd++;
		}
		if (pfmon_write_pmcs(ctx->fd, pmcs, np, NULL)) {
			for (j = 0; j < np && !PFM_REG_HAS_ERROR(pmcs[j].reg_flags); j++)
				;
			pfmon_err("the kernel refuses PMC%d = 0x%llx of set %d (%s): %s",
				  j < np ? pmcs[j].reg_num : -1,
				  j < np ? (unsigned long long)pmcs[j].reg_value : 0ULL, s,
				  errno == EACCES ? "counting at kernel level needs privileges" :
				  "event not supported here", strerror(errno));
			return -1;
		}
		if (pfmon_write_pmds(ctx->fd, pmds, nd, NULL)) {
			pfmon_err("cannot write the counters of set %d: %s", s, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Create the sets: every set switches on timeout when there are several. */
static int pfmon_ctx_sets(struct pfmon_ctx *ctx, const struct pfmon_opts *opts, bool views)
{
	struct pfarg_setdesc sd[PFMON_MAX_SETS];
	struct pfarg_setinfo si;
	int s;

	if (opts->nsets > 1) {
		memset(sd, 0, sizeof(sd));
		for (s = 0; s < opts->nsets; s++) {
			sd[s].set_id = s;
			sd[s].set_flags = PFM_SETFL_TIME_SWITCH;
			sd[s].set_timeout = opts->switch_ns;
		}
		if (pfm_create_evtsets(ctx->fd, sd, opts->nsets)) {
			pfmon_err("cannot create %d event sets: %s", opts->nsets, strerror(errno));
			return -1;
		}
	}
	for (s = 0; views && s < opts->nsets; s++) {
		memset(&si, 0, sizeof(si));
		si.set_id = s;
		if (pfm_getinfo_evtsets(ctx->fd, &si, 1)) {
			pfmon_err("cannot describe set %d: %s", s, strerror(errno));
			return -1;
		}
		ctx->views[s] = pfmon_view_map(ctx->fd, si.set_mmap_offset);
		if (!ctx->views[s]) {
			pfmon_err("cannot map the view of set %d: %s", s, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/**
 * pfmon_ctx_create - a programmed, unloaded context for the command line
 * @ctx: filled in
 * @opts: events, sets, sampling
 * @system_wide: a per-CPU context
 *
 * Return: 0, or -1 after printing why.
 */
int pfmon_ctx_create(struct pfmon_ctx *ctx, const struct pfmon_opts *opts, bool system_wide)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = opts->smpl_buf_size };
	struct pfarg_ctx c = { 0 };
	bool views = opts->interval_ms > 0;

	memset(ctx, 0, sizeof(*ctx));
	ctx->fd = -1;
	ctx->cpu = -1;
	if (system_wide)
		c.ctx_flags |= PFM_FL_SYSTEM_WIDE;
	else if (opts->smpl_period)
		c.ctx_flags |= PFM_FL_NOTIFY_BLOCK;	/* no sample lost to a full buffer */
	if (views)
		c.ctx_flags |= PFM_FL_MAP_SETS;
	if (opts->smpl_period)
		ctx->fd = pfm_create_context(&c, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
	else
		ctx->fd = pfm_create_context(&c, NULL, NULL, 0);
	if (ctx->fd < 0) {
		if (errno == EPERM && system_wide)
			pfmon_err("system-wide monitoring is not allowed for this user (%s/sys_group)",
				  PFMON_SYSFS);
		else if (opts->smpl_period && (errno == ENOMEM || errno == EINVAL))
			pfmon_err("cannot get a %llu-byte sampling buffer: %s (see --smpl-buf-size, %s/smpl_buffer_mem_max and RLIMIT_MEMLOCK)",
				  (unsigned long long)opts->smpl_buf_size, strerror(errno),
				  PFMON_SYSFS);
		else
			pfmon_err("cannot create a perfmon context: %s", strerror(errno));
		return -1;
	}
	/* messages are drained by pfmon's event loop, never waited for */
	if (fcntl(ctx->fd, F_SETFL, O_NONBLOCK)) {
		pfmon_err("fcntl: %s", strerror(errno));
		pfmon_ctx_destroy(ctx, opts);
		return -1;
	}
	if (pfmon_ctx_sets(ctx, opts, views) || pfmon_ctx_program(ctx, opts) ||
	    (opts->smpl_period && pfmon_smpl_open(ctx, opts))) {
		pfmon_ctx_destroy(ctx, opts);
		return -1;
	}
	return 0;
}

/**
 * pfmon_ctx_load - attach and start
 * @ctx: a created context
 * @opts: the command line
 * @tid: the thread, ptrace-stopped by the caller (per-thread contexts)
 * @cpu: the CPU the caller runs on (system-wide contexts)
 *
 * Return: 0, or -1 after printing why.
 */
int pfmon_ctx_load(struct pfmon_ctx *ctx, const struct pfmon_opts *opts, pid_t tid, int cpu)
{
	struct pfarg_load load = { .load_pid = tid ? tid : cpu };

	if (pfm_load_context(ctx->fd, &load)) {
		if (errno == EBUSY)
			pfmon_err("cannot monitor %s %d: %s", tid ? "thread" : "CPU", load.load_pid,
				  tid ? "it is exiting, or CPUs are monitored system-wide" :
				  "it is monitored already, or threads are");
		else
			pfmon_err("cannot monitor %s %d: %s", tid ? "thread" : "CPU", load.load_pid,
				  strerror(errno));
		return -1;
	}
	ctx->tid = tid;
	ctx->cpu = tid ? -1 : cpu;
	if (pfm_start(ctx->fd, NULL)) {
		pfmon_err("cannot start monitoring: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int pfmon_ctx_durations(struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
			       struct pfmon_counts *counts)
{
	struct pfarg_setinfo si;
	int s;

	for (s = 0; s < opts->nsets; s++) {
		memset(&si, 0, sizeof(si));
		si.set_id = s;
		if (pfm_getinfo_evtsets(ctx->fd, &si, 1))
			return -1;
		counts->duration[s] = si.set_act_duration;
		counts->runs[s] = si.set_runs;
	}
	return 0;
}

/*
 * The sampling counter restarts at -period after each sample: its count
 * is the periods sampled plus what it counted since the last reset
 * (exact for fixed periods; with --smpl-random-mask the periods vary and
 * it is an estimate).
 */
static void pfmon_smpl_count(const struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
			     struct pfmon_counts *counts)
{
	if (opts->smpl_period)
		counts->vals[0][0] = ctx->nsamples * opts->smpl_period +
				     (counts->vals[0][0] + opts->smpl_period);
}

/**
 * pfmon_ctx_read - the counts of every event of every set
 * @ctx: the context; loaded ones must be stopped by the caller (ptrace)
 *       or be system-wide on the caller's CPU
 * @opts: the command line
 * @counts: filled in
 *
 * Return: 0, or -1 with errno set.
 */
int pfmon_ctx_read(struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
		   struct pfmon_counts *counts)
{
	struct pfarg_pmd pmds[PFMON_MAX_EVENTS];
	int s, i, n;

	memset(counts, 0, sizeof(*counts));
	for (s = 0; s < opts->nsets; s++) {
		n = opts->sets[s].nevents;
		for (i = 0; i < n; i++)
			pfmon_pmd(&pmds[i], s, opts->sets[s].events[i].pmd, 0);
		if (pfmon_read_pmds(ctx->fd, pmds, n, NULL))
			return -1;
		for (i = 0; i < n; i++)
			counts->vals[s][i] = pmds[i].reg_value;
	}
	pfmon_smpl_count(ctx, opts, counts);
	return pfmon_ctx_durations(ctx, opts, counts);
}

/**
 * pfmon_ctx_read_views - the counts as the set views show them
 * @ctx: a context with views (--print-interval)
 * @opts: the command line
 * @counts: filled in
 *
 * For a running thread the values are those of its last context switch
 * or set switch; no stop is needed.
 *
 * Return: 0, or -1 with errno set.
 */
int pfmon_ctx_read_views(struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
			 struct pfmon_counts *counts)
{
	struct pfm_set_view v;
	int s, i;

	memset(counts, 0, sizeof(*counts));
	for (s = 0; s < opts->nsets; s++) {
		if (!ctx->views[s]) {
			errno = EINVAL;
			return -1;
		}
		pfmon_view_read(ctx->views[s], &v);
		for (i = 0; i < opts->sets[s].nevents; i++)
			counts->vals[s][i] = v.set_pmds[opts->sets[s].events[i].pmd];
	}
	pfmon_smpl_count(ctx, opts, counts);
	return pfmon_ctx_durations(ctx, opts, counts);
}

void pfmon_ctx_destroy(struct pfmon_ctx *ctx, const struct pfmon_opts *opts)
{
	int s;

	for (s = 0; s < opts->nsets; s++)
		pfmon_view_unmap(ctx->views[s]);
	if (ctx->smpl_buf)
		munmap(ctx->smpl_buf, ctx->smpl_size);
	if (ctx->fd >= 0)
		close(ctx->fd);
	memset(ctx, 0, sizeof(*ctx));
	ctx->fd = -1;
}

void pfmon_counts_add(struct pfmon_counts *sum, const struct pfmon_counts *c,
		      const struct pfmon_opts *opts)
{
	int s, i;

	for (s = 0; s < opts->nsets; s++) {
		for (i = 0; i < opts->sets[s].nevents; i++)
			sum->vals[s][i] += c->vals[s][i];
		sum->duration[s] += c->duration[s];
		sum->runs[s] += c->runs[s];
	}
}
