// SPDX-License-Identifier: GPL-2.0
/*
 * Bring-up of the perfmon core. If it fails, perfmon stays disabled and
 * pfm_create_context() fails with ENOSYS.
 */
#include <linux/init.h>
#include <linux/printk.h>

#include "pfm_priv.h"

bool pfm_ready __read_mostly;

static int __init pfm_init(void)
{
	int ret;

	ret = pfm_sysfs_init();
	if (ret) {
		pr_err("perfmon: cannot create /sys/kernel/perfmon (%d), perfmon disabled\n", ret);
		return ret;
	}
	ret = pfm_cpu_init();
	if (ret) {
		pr_err("perfmon: cannot register for CPU hotplug (%d), perfmon disabled\n", ret);
		return ret;
	}
	pfm_stats_init();
	pfm_ready = true;
	pr_info("perfmon: interface version %u.%u\n",
		PFM_VERSION_MAJOR(PFM_VERSION), PFM_VERSION_MINOR(PFM_VERSION));
	return 0;
}
subsys_initcall(pfm_init);
