// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU statistics of the perfmon core, diagnostic only, shown in
 * debugfs as perfmon/stats (one line per online CPU) and cleared by
 * /sys/kernel/perfmon/reset_stats.
 *
 * Each CPU updates its own counters with interrupts or preemption
 * disabled; readers and the reset tolerate tearing.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "pfm_priv.h"

DEFINE_PER_CPU(struct pfm_stats, pfm_stats);

static struct dentry *pfm_debugfs_dir;

/**
 * pfm_stats_reset - zero the statistics of every CPU
 *
 * Context: process context.
 */
void pfm_stats_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&pfm_stats, cpu), 0, sizeof(struct pfm_stats));
}

static int pfm_stats_show(struct seq_file *m, void *v)
{
	struct pfm_stats *st;
	int cpu;

	seq_puts(m, "cpu ctxsw_in ctxsw_out ovfl_intr ovfl_intr_ns set_switch restart\n");
	for_each_online_cpu(cpu) {
		st = per_cpu_ptr(&pfm_stats, cpu);
		seq_printf(m, "%d %llu %llu %llu %llu %llu %llu\n", cpu,
			   st->ctxsw_in, st->ctxsw_out, st->ovfl_intr,
			   st->ovfl_intr_ns, st->set_switch, st->restart);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfm_stats);

/**
 * pfm_stats_init - create the debugfs statistics file
 *
 * Context: boot.
 */
void __init pfm_stats_init(void)
{
	pfm_debugfs_dir = debugfs_create_dir("perfmon", NULL);
	debugfs_create_file("stats", 0444, pfm_debugfs_dir, NULL, &pfm_stats_fops);
}
