// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon -i EVENT: what an event counts, its modifiers, and the
 * registers pfmon would program for it on the active PMU description.
 */
#include <string.h>
#include <perfmon/pfmlib.h>

#include "pfmon.h"

int cmd_info(struct pfmon_pmu *pmu, const char *event)
{
	static struct pfmon_opts opts;
	pfm_event_attr_info_t ainfo;
	pfm_pmu_info_t pinfo;
	pfm_event_info_t info;
	struct pfmon_event *ev;
	int idx, a, j;

	idx = pfm_find_event(event);
	if (idx < 0) {
		pfmon_err("unknown event '%s' ('%s -l' lists the events of the %s PMU)",
			  event, pfmon_prog, pmu->desc.model);
		return 1;
	}
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.size = sizeof(pinfo);
	if (pfm_get_event_info(idx, PFM_OS_NONE, &info) != PFM_SUCCESS ||
	    pfm_get_pmu_info(info.pmu, &pinfo) != PFM_SUCCESS) {
		pfmon_err("libpfm4 cannot describe '%s'", event);
		return 1;
	}
	if (!pfmon_event_in_pmu(pmu, info.pmu)) {
		pfmon_err("'%s' is an event of libpfm4's %s PMU, not of the active %s description",
			  event, pinfo.name, pmu->desc.model);
		return 1;
	}
	printf("Name     : %s::%s\n", pinfo.name, info.name);
	printf("PMU      : %s (%s)\n", pinfo.name, pinfo.desc);
	printf("Code     : 0x%llx\n", (unsigned long long)info.code);
	printf("Desc     : %s\n", info.desc ? info.desc : "");
	for (a = 0; a < info.nattrs; a++) {
		memset(&ainfo, 0, sizeof(ainfo));
		ainfo.size = sizeof(ainfo);
		if (pfm_get_event_attr_info(idx, a, PFM_OS_NONE, &ainfo) != PFM_SUCCESS)
			continue;
		printf("%-9s: %s%s - %s\n", ainfo.type == PFM_ATTR_UMASK ? "Umask" : "Modifier",
		       ainfo.name, ainfo.is_dfl ? " (default)" : "", ainfo.desc ? ainfo.desc : "");
	}
	opts.nsets = 1;
	if (pfmon_set_add_events(pmu, &opts, &opts.sets[0], event))
		return 1;
	ev = &opts.sets[0].events[0];
	printf("Encoding : %s\n", ev->fqname ? ev->fqname : ev->name);
	for (j = 0; j < ev->npmcs; j++)
		printf("PMC%-6d: 0x%016llx\n", ev->pmc_num[j], (unsigned long long)ev->pmc_val[j]);
	printf("Counter  : PMD%d\n", ev->pmd);
	printf("Usable   : %s\n", pfmon_event_usable(pmu, idx) ? "yes" :
	       "no (the kernel cannot count it here)");
	return 0;
}
