/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfmon: count and sample the events of a command, a running thread or
 * CPUs through the perfmon2 interface. Shared declarations of its files:
 * one per mode (cmd-*.c), plus events, sessions, output and symbols.
 */
#ifndef __PFMON_H
#define __PFMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/libpfmon.h"

#define PFMON_MAX_EVENTS	64	/* per set */
#define PFMON_MAX_SETS		32
#define PFMON_MAX_PMCS		4	/* PMCs one event programs */

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* An event as programmed: where it counts and what it writes. */
struct pfmon_event {
	char		*name;		/* as the user gave it */
	char		*fqname;	/* libpfm4's fully qualified name */
	int		pmd;		/* the counter's PMD */
	int		npmcs;
	uint16_t	pmc_num[PFMON_MAX_PMCS];
	uint64_t	pmc_val[PFMON_MAX_PMCS];
};

/* One -e option: an event set. */
struct pfmon_set {
	int		nevents;
	struct pfmon_event events[PFMON_MAX_EVENTS];
};

/* Counts of one context (a thread, a process tree or a CPU). */
struct pfmon_counts {
	uint64_t	vals[PFMON_MAX_SETS][PFMON_MAX_EVENTS];
	uint64_t	duration[PFMON_MAX_SETS];	/* ns each set was active */
	uint64_t	runs[PFMON_MAX_SETS];
};

enum pfmon_format { PFMON_TABLE, PFMON_CSV, PFMON_JSON };

/* What the command line asks for. */
struct pfmon_opts {
	struct pfmon_set sets[PFMON_MAX_SETS];
	int		nsets;
	bool		user, kernel;		/* privilege levels (-u, -k) */
	bool		follow_fork;
	pid_t		attach_pid;		/* --attach-task, or 0 */
	bool		system_wide;
	char		*cpu_list;		/* --cpu-list, or NULL: all online */
	double		timeout;		/* -t seconds, 0: none */
	uint64_t	switch_ns;		/* --switch-timeout, in ns */
	uint64_t	interval_ms;		/* --print-interval */
	enum pfmon_format format;
	FILE		*out;			/* -o, or stdout */
	/* sampling */
	uint64_t	smpl_period;		/* 0: counting only */
	uint64_t	smpl_buf_size;
	uint64_t	smpl_random_mask;
	char		*smpl_outfile;
	int		smpl_top;		/* lines of the flat profile */
	char		**argv;			/* the command, or NULL */
};

/* The active PMU description and libpfm4's view of it (events.c). */
struct pfmon_pmu {
	struct pfmon_pmu_desc desc;
	bool		perf;		/* the perf_events-backed description */
	int		ncounters;	/* general counters */
	int		counters[PFMON_MAX_EVENTS];	/* their PMDs */
	int		cycle_pmd;	/* a dedicated cycle counter, or -1 */
	int		pfm_pmu;	/* libpfm4 PMU for native descriptions */
};

extern const char *pfmon_prog;

/* "pfmon: <message>\n" on standard error */
void pfmon_err(const char *fmt, ...);

/* events.c */
int pfmon_pmu_open(struct pfmon_pmu *pmu);
void pfmon_pmu_close(struct pfmon_pmu *pmu);
int pfmon_set_add_events(struct pfmon_pmu *pmu, struct pfmon_opts *opts,
			 struct pfmon_set *set, const char *list);
int pfmon_event_usable(struct pfmon_pmu *pmu, int idx);
bool pfmon_event_in_pmu(struct pfmon_pmu *pmu, int pmu_id);

/* session.c: one context */
struct pfmon_ctx {
	int		fd;
	int		cpu;		/* system-wide: bound CPU; else -1 */
	pid_t		tid;		/* per-thread: the thread; else 0 */
	void		*smpl_buf;	/* mapped sampling buffer, or NULL */
	size_t		smpl_size;
	uint64_t	nsamples;	/* samples taken from the buffer */
	const struct pfm_set_view *views[PFMON_MAX_SETS];
};

int pfmon_ctx_create(struct pfmon_ctx *ctx, const struct pfmon_opts *opts, bool system_wide);
int pfmon_ctx_load(struct pfmon_ctx *ctx, const struct pfmon_opts *opts, pid_t tid, int cpu);
int pfmon_ctx_read(struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
		   struct pfmon_counts *counts);
int pfmon_ctx_read_views(struct pfmon_ctx *ctx, const struct pfmon_opts *opts,
			 struct pfmon_counts *counts);
void pfmon_ctx_destroy(struct pfmon_ctx *ctx, const struct pfmon_opts *opts);
void pfmon_counts_add(struct pfmon_counts *sum, const struct pfmon_counts *c,
		      const struct pfmon_opts *opts);

/* output.c */
struct pfmon_result {
	const char	*label;		/* "pid 123", "cpu 1", "all" */
	const struct pfmon_counts *counts;
};

void pfmon_print(const struct pfmon_opts *opts, const char *what, double seconds,
		 const struct pfmon_result *res, int nres, double at);
double pfmon_now(void);
int pfmon_ms_until(double t);
double pfmon_next_interval(double next, const struct pfmon_opts *opts);

/* smpl.c */
struct pfmon_profile;

int pfmon_smpl_open(struct pfmon_ctx *ctx, const struct pfmon_opts *opts);
struct pfmon_profile *pfmon_profile_new(const struct pfmon_opts *opts);
int pfmon_profile_collect(struct pfmon_profile *prof, struct pfmon_ctx *ctx, bool last);
int pfmon_profile_add_binary(struct pfmon_profile *prof, pid_t pid);
int pfmon_profile_report(struct pfmon_profile *prof, const struct pfmon_opts *opts);
void pfmon_profile_free(struct pfmon_profile *prof);

/* the modes: cmd-*.c */
int cmd_list(struct pfmon_pmu *pmu, const char *pattern);
int cmd_info(struct pfmon_pmu *pmu, const char *event);
int cmd_show_pmu(void);
int cmd_count(struct pfmon_pmu *pmu, struct pfmon_opts *opts);
int cmd_system_wide(struct pfmon_pmu *pmu, struct pfmon_opts *opts);
int cmd_attach(struct pfmon_pmu *pmu, struct pfmon_opts *opts);

#endif /* __PFMON_H */
