// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the active PMU description (pmu_desc/), libpfm4's event tables
 * for it, and the encoding of an event name into the PMCs of a counter.
 * The perf_events-backed description takes libpfm4's perf_event encoding
 * (type, config, config1, exclusions); a native description takes its
 * raw encoding for the detected PMU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <perfmon/pfmlib_perf_event.h>

#include "pfmon.h"

/* PMC bits of the perf_events-backed description's PERF_CTLn */
#define PERF_CTL_EXCL_USER	(1ULL << 32)
#define PERF_CTL_EXCL_KERNEL	(1ULL << 33)
#define PERF_CTL_EXCL_HV	(1ULL << 34)
#define PERF_CTL_EN		(1ULL << 63)

/* Armv8 PMUv3: PMEVTYPERn_EL0 and PMCCFILTR_EL0 */
#define ARMV8_EVT_MASK		0xffffULL
#define ARMV8_EXCL_EL1		(1ULL << 31)
#define ARMV8_EXCL_EL0		(1ULL << 30)
#define ARMV8_CPU_CYCLES	0x11
#define ARMV8_CCNT		31
/* libpfm4 table for PMUv3 implementations it does not know by MIDR */
#define ARMV8_FALLBACK_PMU	"arm_ac57"

/* A present libpfm4 core PMU other than perf_events', or -1. */
static int pfmon_native_pfm_pmu(void)
{
	pfm_pmu_info_t info;
	int i;

	pfm_for_all_pmus(i) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(i, &info) != PFM_SUCCESS || !info.is_present)
			continue;
		if (info.type == PFM_PMU_TYPE_CORE && i != PFM_PMU_PERF_EVENT &&
		    i != PFM_PMU_PERF_EVENT_RAW)
			return i;
	}
	return -1;
}

/* The number of the PMC whose hardware name is @prefix@n, or -1. */
static int pfmon_pmc_named(const struct pfmon_pmu_desc *desc, const char *prefix, int n)
{
	char name[32];
	int i;

	snprintf(name, sizeof(name), "%s%d", prefix, n);
	for (i = 0; i < desc->npmcs; i++)
		if (!strcmp(desc->pmcs[i].name, name))
			return desc->pmcs[i].num;
	return -1;
}

/* Does /proc/cpuinfo give the Arm implementer reserved for software (0)? */
static bool pfmon_arm_software_midr(void)
{
	unsigned int impl = ~0U;
	char line[256];
	FILE *f;

	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CPU implementer : %x", &impl) == 1)
			break;
	fclose(f);
	return impl == 0;
}

int pfmon_pmu_open(struct pfmon_pmu *pmu)
{
	bool forced;
	int ret, i;

	memset(pmu, 0, sizeof(*pmu));
	pmu->cycle_pmd = -1;
	pmu->pfm_pmu = -1;
	ret = pfmon_pmu_desc_read(&pmu->desc);
	if (ret == -ENOENT) {
		if (access(PFMON_SYSFS, F_OK))
			pfmon_err("this kernel has no perfmon2 interface (no %s)", PFMON_SYSFS);
		else
			pfmon_err("no PMU description is active (%s/pmu_desc is missing)",
				  PFMON_SYSFS);
		return -1;
	}
	if (ret) {
		pfmon_err("cannot read %s/pmu_desc: %s", PFMON_SYSFS, strerror(-ret));
		return -1;
	}
	if (!strcmp(pmu->desc.model, "perf_events")) {
		pmu->perf = true;
		for (i = 0; i < pmu->desc.npmds && pmu->ncounters < PFMON_MAX_EVENTS; i++)
			pmu->counters[pmu->ncounters++] = pmu->desc.pmds[i].num;
	} else if (!strcmp(pmu->desc.model, "armv8_pmuv3")) {
		for (i = 0; i < pmu->desc.npmds && pmu->ncounters < PFMON_MAX_EVENTS; i++) {
			if (pmu->desc.pmds[i].num == ARMV8_CCNT)
				pmu->cycle_pmd = ARMV8_CCNT;
			else
				pmu->counters[pmu->ncounters++] = pmu->desc.pmds[i].num;
		}
	} else {
		pfmon_err("PMU description '%s' is not one pfmon knows (perf_events, armv8_pmuv3)",
			  pmu->desc.model);
		pfmon_pmu_desc_free(&pmu->desc);
		return -1;
	}
	/*
	 * libpfm4 knows Arm cores by their MIDR; a core that reports the
	 * implementer reserved for software (QEMU's -cpu max) gets the
	 * Cortex-A57 table, whose architected events all PMUv3 cores share.
	 * libpfm4 reads the choice from the environment, once: it must not
	 * reach the monitored programs (their startup reads the
	 * environment). libpfm4 is initialized once: after pfm_terminate()
	 * and a second pfm_initialize(), libpfm4 4.13 crashed pfmon at exit.
	 */
	forced = !pmu->perf && !getenv("LIBPFM_FORCE_PMU") && pfmon_arm_software_midr();
	if (forced)
		setenv("LIBPFM_FORCE_PMU", ARMV8_FALLBACK_PMU, 1);
	ret = pfm_initialize();
	if (forced)
		unsetenv("LIBPFM_FORCE_PMU");
	if (ret == PFM_SUCCESS && !pmu->perf)
		pmu->pfm_pmu = pfmon_native_pfm_pmu();
	if (ret != PFM_SUCCESS) {
		pfmon_err("libpfm4 cannot start: %s", pfm_strerror(ret));
		pfmon_pmu_desc_free(&pmu->desc);
		return -1;
	}
	if (!pmu->perf && pmu->pfm_pmu < 0) {
		pfmon_err("libpfm4 has no event table for this core's %s PMU (LIBPFM_FORCE_PMU names one)",
			  pmu->desc.model);
		pfmon_pmu_close(pmu);
		return -1;
	}
	return 0;
}

void pfmon_pmu_close(struct pfmon_pmu *pmu)
{
	pfm_terminate();
	pfmon_pmu_desc_free(&pmu->desc);
}

/* Is libpfm4's PMU @pmu_id the one pfmon encodes events for? */
bool pfmon_event_in_pmu(struct pfmon_pmu *pmu, int pmu_id)
{
	if (pmu->perf)
		return pmu_id == PFM_PMU_PERF_EVENT;
	return pmu_id == pmu->pfm_pmu;
}

/*
 * Can the kernel count event @idx of the perf_events PMU? The
 * perf_events-backed description counts what perf_event_open() accepts
 * for the calling thread; native events are all usable.
 */
int pfmon_event_usable(struct pfmon_pmu *pmu, int idx)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	pfm_event_info_t info;
	char name[256];
	int fd;

	if (!pmu->perf)
		return 1;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	if (pfm_get_event_info(idx, PFM_OS_PERF_EVENT_EXT, &info) != PFM_SUCCESS)
		return 0;
	snprintf(name, sizeof(name), "perf::%s", info.name);
	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	if (pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg) != PFM_SUCCESS)
		return 0;
	attr.size = sizeof(attr);
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* The privilege levels of the command line, in libpfm4's terms. */
static int pfmon_plm(const struct pfmon_opts *opts)
{
	int plm = 0;

	if (opts->user)
		plm |= PFM_PLM3;
	if (opts->kernel)
		plm |= PFM_PLM0;
	return plm ? plm : PFM_PLM3;
}

static int pfmon_encode_perf(struct pfmon_pmu *pmu, struct pfmon_event *ev, int plm, int n)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	int ret, ctl, cfg, cfg1;
	char *fstr = NULL;

	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	arg.fstr = &fstr;
	ret = pfm_get_os_event_encoding(ev->name, plm, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS)
		return ret;
	ev->fqname = fstr;
	ctl = pfmon_pmc_named(&pmu->desc, "PERF_CTL", n);
	cfg = pfmon_pmc_named(&pmu->desc, "PERF_CFG", n);
	cfg1 = pfmon_pmc_named(&pmu->desc, "PERF_CFG1_", n);
	if (ctl < 0 || cfg < 0 || cfg1 < 0)
		return PFM_ERR_NOTSUPP;
	ev->npmcs = 3;
	ev->pmc_num[0] = ctl;
	ev->pmc_val[0] = PERF_CTL_EN | attr.type |
			 (attr.exclude_user ? PERF_CTL_EXCL_USER : 0) |
			 (attr.exclude_kernel ? PERF_CTL_EXCL_KERNEL : 0) |
			 (attr.exclude_hv ? PERF_CTL_EXCL_HV : 0);
	ev->pmc_num[1] = cfg;
	ev->pmc_val[1] = attr.config;
	ev->pmc_num[2] = cfg1;
	ev->pmc_val[2] = attr.config1;
	ev->pmd = pmu->counters[n];
	return PFM_SUCCESS;
}

static int pfmon_encode_armv8(struct pfmon_pmu *pmu, struct pfmon_set *set,
			      struct pfmon_event *ev, int plm, int *next)
{
	pfm_pmu_encode_arg_t arg;
	uint64_t code, filter;
	char *fstr = NULL;
	int ret, i;

	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.fstr = &fstr;
	ret = pfm_get_os_event_encoding(ev->name, plm, PFM_OS_NONE, &arg);
	if (ret != PFM_SUCCESS)
		return ret;
	ev->fqname = fstr;
	code = arg.codes[0];
	free(arg.codes);
	/* the privilege levels are ours to set: libpfm4 tables differ */
	filter = (plm & PFM_PLM3 ? 0 : ARMV8_EXCL_EL0) | (plm & PFM_PLM0 ? 0 : ARMV8_EXCL_EL1);
	ev->npmcs = 1;
	if ((code & ARMV8_EVT_MASK) == ARMV8_CPU_CYCLES && pmu->cycle_pmd >= 0) {
		for (i = 0; i < set->nevents; i++)
			if (set->events[i].pmd == pmu->cycle_pmd)
				break;
		if (i == set->nevents) {
			ev->pmd = pmu->cycle_pmd;
			ev->pmc_num[0] = ARMV8_CCNT;
			ev->pmc_val[0] = filter;
			return PFM_SUCCESS;
		}
	}
	if (*next >= pmu->ncounters)
		return PFM_ERR_NOMEM;
	ev->pmd = pmu->counters[*next];
	ev->pmc_num[0] = ev->pmd;
	ev->pmc_val[0] = (code & ARMV8_EVT_MASK) | filter;
	(*next)++;
	return PFM_SUCCESS;
}

/* Counters of @set not used by a dedicated cycle counter. */
static int pfmon_set_general(struct pfmon_pmu *pmu, const struct pfmon_set *set)
{
	int i, n = 0;

	for (i = 0; i < set->nevents; i++)
		n += set->events[i].pmd != pmu->cycle_pmd || pmu->cycle_pmd < 0;
	return n;
}

/*
 * Add the comma-separated events of @list to @set. An unknown event, or
 * more events than the set's counters, is an error that says what to do.
 */
int pfmon_set_add_events(struct pfmon_pmu *pmu, struct pfmon_opts *opts,
			 struct pfmon_set *set, const char *list)
{
	int plm = pfmon_plm(opts), ret, next, total = 0;
	char *copy, *tok, *save = NULL, *pending = NULL;
	struct pfmon_event *ev;

	copy = strdup(list);
	if (!copy) {
		pfmon_err("out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		total++;
	free(copy);
	copy = strdup(list);
	if (!copy) {
		pfmon_err("out of memory");
		return -1;
	}
	if (!total) {
		pfmon_err("-e needs at least one event");
		goto fail;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (set->nevents == PFMON_MAX_EVENTS)
			goto too_many;
		ev = &set->events[set->nevents];
		memset(ev, 0, sizeof(*ev));
		ev->name = pending = strdup(tok);
		if (!ev->name) {
			pfmon_err("out of memory");
			goto fail;
		}
		if (pmu->perf) {
			if (set->nevents >= pmu->ncounters)
				goto too_many;
			ret = pfmon_encode_perf(pmu, ev, plm, set->nevents);
		} else {
			next = pfmon_set_general(pmu, set);
			ret = pfmon_encode_armv8(pmu, set, ev, plm, &next);
			if (ret == PFM_ERR_NOMEM)
				goto too_many;
		}
		if (ret == PFM_ERR_NOTFOUND) {
			pfmon_err("unknown event '%s' ('%s -l' lists the events of the %s PMU)",
				  tok, pfmon_prog, pmu->desc.model);
			goto fail;
		}
		if (ret != PFM_SUCCESS) {
			pfmon_err("event '%s': %s", tok, pfm_strerror(ret));
			goto fail;
		}
		set->nevents++;
		pending = NULL;
	}
	free(copy);
	return 0;
too_many:
	pfmon_err("%d events in one set, but the %s PMU counts %d at a time%s: give the others their own -e to multiplex them in another set",
		  total, pmu->desc.model, pmu->ncounters + (pmu->cycle_pmd >= 0),
		  pmu->cycle_pmd >= 0 ? " (one of them cycles only)" : "");
fail:
	free(pending);
	free(copy);
	return -1;
}
