// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon --show-pmu: the active PMU description, as /sys/kernel/perfmon
 * publishes it.
 */
#include <errno.h>
#include <string.h>

#include "pfmon.h"

static void show_regs(const char *kind, const struct pfmon_reg *regs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		printf("  %s%-3d %-20s width %-2d default 0x%016llx", kind, regs[i].num,
		       regs[i].name, regs[i].width, (unsigned long long)regs[i].dfl_val);
		printf(" reserved 0x%016llx addr 0x%llx\n", (unsigned long long)regs[i].rsvd_msk,
		       (unsigned long long)regs[i].addr);
	}
}

int cmd_show_pmu(void)
{
	struct pfmon_pmu_desc desc;
	char version[16] = "?";
	int ret;

	ret = pfmon_pmu_desc_read(&desc);
	if (ret) {
		if (ret == -ENOENT)
			pfmon_err("this kernel has no perfmon2 interface or no active PMU description (%s)",
				  PFMON_SYSFS);
		else
			pfmon_err("cannot read %s/pmu_desc: %s", PFMON_SYSFS, strerror(-ret));
		return 1;
	}
	pfmon_sysfs_read("version", version, sizeof(version));
	printf("perfmon %s, system calls from %ld, PMU description %s\n", version,
	       pfmon_syscall_base(), desc.model);
	printf("%d PMC registers:\n", desc.npmcs);
	show_regs("PMC", desc.pmcs, desc.npmcs);
	printf("%d PMD registers:\n", desc.npmds);
	show_regs("PMD", desc.pmds, desc.npmds);
	pfmon_pmu_desc_free(&desc);
	return 0;
}
