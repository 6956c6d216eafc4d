// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon -l [PATTERN]: the events pfmon can count on the active PMU
 * description, from libpfm4's table for it.
 */
#include <fnmatch.h>
#include <string.h>
#include <perfmon/pfmlib.h>

#include "pfmon.h"

int cmd_list(struct pfmon_pmu *pmu, const char *pattern)
{
	pfm_pmu_info_t pinfo;
	pfm_event_info_t info;
	int i, n = 0;

	pfm_for_all_pmus(i) {
		int idx;

		if (!pfmon_event_in_pmu(pmu, i))
			continue;
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.size = sizeof(pinfo);
		if (pfm_get_pmu_info(i, &pinfo) != PFM_SUCCESS || !pinfo.is_present)
			continue;
		for (idx = pinfo.first_event; idx != -1; idx = pfm_get_event_next(idx)) {
			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			if (pfm_get_event_info(idx, PFM_OS_NONE, &info) != PFM_SUCCESS)
				continue;
			if (pattern && fnmatch(pattern, info.name, FNM_CASEFOLD))
				continue;
			if (!pfmon_event_usable(pmu, idx))
				continue;
			printf("%s::%s\n", pinfo.name, info.name);
			n++;
		}
	}
	if (!n) {
		if (pattern)
			pfmon_err("no event of the %s PMU matches '%s'", pmu->desc.model, pattern);
		else
			pfmon_err("libpfm4 lists no event the %s PMU can count", pmu->desc.model);
		return 1;
	}
	return 0;
}
