// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: every allocation and user copy a call makes is made to
 * fail in turn through /proc/self/task/<tid>/fail-nth (n = 1, 2, ...
 * until the call no longer reaches an n-th site). Each failure must be a
 * clean one: an error the ABI allows for the call, no charge or session
 * left behind, and a context that still works. kmemleak, run by the
 * harness after the tests, finds what would have leaked.
 *
 * Needs a kernel with FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_USERCOPY (the debug kernels); skipped elsewhere.
 */
#include <sys/mman.h>
#include <linux/perfmon_dfl_smpl.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

#define FAULT_DIR	"/sys/kernel/debug"

/* This thread's fail-nth, kept open: opening it would be a site too. */
static int nth_fd = -1;

/* Arm the n-th injectable site of this thread's next calls. */
static int arm(int n)
{
	char val[16];
	int len = snprintf(val, sizeof(val), "%d", n);

	return pwrite(nth_fd, val, len, 0) == len ? 0 : -1;
}

/* Was the armed fault injected (fail-nth reads 0)? Disarms it if not. */
static int injected(void)
{
	char val[16] = "";

	if (pread(nth_fd, val, sizeof(val) - 1, 0) <= 0)
		return -1;
	if (atoi(val))
		arm(0);
	return atoi(val) == 0;
}

/* Let injection reach GFP_KERNEL allocations of any order. */
static int setup_injection(void)
{
	char path[64];

	/* libpfmon reads the system call base once: not under injection */
	if (pfmon_syscall_base() < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	if (nth_fd < 0)
		nth_fd = open(path, O_RDWR);
	if (nth_fd < 0)
		return -1;
	/* quietly: each injected failure would print a stack otherwise */
	if (pfmon_write_file(FAULT_DIR "/failslab/ignore-gfp-wait", "N") ||
	    pfmon_write_file(FAULT_DIR "/fail_page_alloc/ignore-gfp-wait", "N") ||
	    pfmon_write_file(FAULT_DIR "/fail_page_alloc/min-order", "0") ||
	    pfmon_write_file(FAULT_DIR "/failslab/verbose", "0") ||
	    pfmon_write_file(FAULT_DIR "/fail_page_alloc/verbose", "0") ||
	    pfmon_write_file(FAULT_DIR "/fail_usercopy/verbose", "0"))
		return -1;
	return 0;
}

/**
 * struct walk - one call walked through its fault sites
 * @name: what is called
 * @prepare: set up the call's context (not under injection); returns a
 *	descriptor or -1
 * @call: the call, under injection; returns its result
 * @check: after a failed call, is everything as before? 0 if so
 * @errors: the errnos a failure may report, 0-terminated
 */
struct walk {
	const char	*name;
	int		(*prepare)(void);
	int		(*call)(int fd);
	int		(*check)(int fd);
	int		errors[5];
};

static const struct counter *cnt;

static int plain_context(void)
{
	struct pfarg_ctx ctx = { .ctx_flags = PFM_FL_MAP_SETS };

	return pfm_create_context(&ctx, NULL, NULL, 0);
}

static int loaded_context(void)
{
	struct pfarg_load load = { .load_pid = gettid() };
	int fd = plain_context();

	if (fd < 0 || cnt->program(fd, 0) || pfm_load_context(fd, &load))
		return -1;
	return fd;
}

static int call_create(int fd)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = 1 << 16 };
	struct pfarg_ctx ctx = { .ctx_flags = PFM_FL_MAP_SETS };
	int ret = pfm_create_context(&ctx, "default", &arg, sizeof(arg));

	if (ret >= 0) {
		close(ret);
		return 0;
	}
	return ret;
}

static int call_write_pmcs(int fd)
{
	struct pfarg_pmc pmc[16];
	int i;

	memset(pmc, 0, sizeof(pmc));
	for (i = 0; i < 16; i++)
		pmc[i].reg_num = cnt->pmd == CCNT ? (i % 2 ? CCNT : 0) : i % 8;
	return pfm_write_pmcs(fd, pmc, 16);
}

static int call_write_pmds(int fd)
{
	struct pfarg_pmd pmd[8];
	int i;

	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < 8; i++)
		pmd[i].reg_num = cnt->pmd == CCNT ? CCNT : 0;
	return pfm_write_pmds(fd, pmd, 8);
}

static int call_read_pmds(int fd)
{
	struct pfarg_pmd pmd[8];

	memset(pmd, 0, sizeof(pmd));
	return pfm_read_pmds(fd, pmd, 8);
}

static int call_create_sets(int fd)
{
	struct pfarg_setdesc sd[3] = { { .set_id = 1 }, { .set_id = 2 }, { .set_id = 3 } };

	return pfm_create_evtsets(fd, sd, 3);
}

static int call_getinfo(int fd)
{
	struct pfarg_setinfo si = { .set_id = 0 };

	return pfm_getinfo_evtsets(fd, &si, 1);
}

static int call_load(int fd)
{
	struct pfarg_load load = { .load_pid = gettid() };

	return pfm_load_context(fd, &load);
}

static int call_start_stop(int fd)
{
	int ret = pfm_start(fd, NULL);

	return ret ? ret : pfm_stop(fd);
}

static int call_unload(int fd)
{
	return pfm_unload_context(fd);
}

static int call_mmap_view(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 16384 * page);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, page);
	return 0;
}

/* Nothing charged or held beyond the contexts the test has open. */
static long base_mem, base_sessions;

static int check_resources(int fd)
{
	return pfm_sysfs_long("smpl_buffer_mem_cur") != base_mem;
}

/* The context still loads, counts and unloads. */
static int check_usable(int fd)
{
	struct pfarg_load load = { .load_pid = gettid() };

	if (pfm_sysfs_long("task_sessions_count") != base_sessions)
		return 1;
	if (pfm_load_context(fd, &load) || pfm_start(fd, NULL) || pfm_stop(fd))
		return 1;
	return pfm_unload_context(fd);
}

/* A loaded context still starts, stops and unloads. */
static int check_loaded(int fd)
{
	if (pfm_sysfs_long("task_sessions_count") != base_sessions + 1)
		return 1;
	return pfm_start(fd, NULL) || pfm_stop(fd) || pfm_unload_context(fd);
}

static const struct walk walks[] = {
	{ "create with a buffer", plain_context, call_create, check_resources,
	  { ENOMEM, EFAULT, ENFILE } },
	{ "write_pmcs", plain_context, call_write_pmcs, check_usable, { ENOMEM, EFAULT } },
	{ "write_pmds", plain_context, call_write_pmds, check_usable, { ENOMEM, EFAULT } },
	{ "read_pmds", loaded_context, call_read_pmds, check_loaded, { ENOMEM, EFAULT } },
	{ "create_evtsets", plain_context, call_create_sets, check_usable, { ENOMEM, EFAULT } },
	{ "getinfo_evtsets", plain_context, call_getinfo, check_usable, { ENOMEM, EFAULT } },
	{ "load", plain_context, call_load, check_usable, { ENOMEM, EFAULT, EINVAL } },
	{ "start and stop", loaded_context, call_start_stop, check_loaded, { ENOMEM } },
	{ "unload", loaded_context, call_unload, check_usable, { ENOMEM } },
	{ "mmap of a set view", plain_context, call_mmap_view, check_usable, { ENOMEM } },
};

static int allowed(const struct walk *w, int err)
{
	int i;

	for (i = 0; w->errors[i]; i++)
		if (w->errors[i] == err)
			return 1;
	return 0;
}

FIXTURE(fault) {
	int unused;
};

FIXTURE_VARIANT(fault) {
	int walk;	/* index in walks[] */
};

FIXTURE_VARIANT_ADD(fault, create) { .walk = 0 };
FIXTURE_VARIANT_ADD(fault, write_pmcs) { .walk = 1 };
FIXTURE_VARIANT_ADD(fault, write_pmds) { .walk = 2 };
FIXTURE_VARIANT_ADD(fault, read_pmds) { .walk = 3 };
FIXTURE_VARIANT_ADD(fault, create_evtsets) { .walk = 4 };
FIXTURE_VARIANT_ADD(fault, getinfo_evtsets) { .walk = 5 };
FIXTURE_VARIANT_ADD(fault, load) { .walk = 6 };
FIXTURE_VARIANT_ADD(fault, start_stop) { .walk = 7 };
FIXTURE_VARIANT_ADD(fault, unload) { .walk = 8 };
FIXTURE_VARIANT_ADD(fault, mmap_view) { .walk = 9 };

FIXTURE_SETUP(fault)
{
	cnt = active_counter();
	if (!cnt)
		SKIP(return, "no PMU description with counters is active");
	if (setup_injection())
		SKIP(return, "no fault injection in this kernel (fail-nth, failslab)");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	base_mem = pfm_sysfs_long("smpl_buffer_mem_cur");
	base_sessions = pfm_sysfs_long("task_sessions_count");
}

FIXTURE_TEARDOWN(fault)
{
}

/* Fail the 1st, 2nd, ... site of the call until it succeeds. */
TEST_F(fault, walk)
{
	const struct walk *w = &walks[variant->walk];
	int n, fd, ret, err, sites = 0;

	if (_metadata->skip)
		return;
	for (n = 1; n < 1000; n++) {
		fd = w->prepare();
		ASSERT_LE(0, fd) TH_LOG("%s: preparing for site %d", w->name, n);
		ASSERT_EQ(0, arm(n));
		ret = w->call(fd);
		err = errno;
		if (!injected()) {
			/* the call has fewer than n sites: it must have worked */
			EXPECT_EQ(0, ret) TH_LOG("%s: errno %d without a fault", w->name, err);
			close(fd);
			break;
		}
		sites++;
		if (ret) {
			EXPECT_TRUE(allowed(w, err)) TH_LOG("%s: site %d gave errno %d",
							    w->name, n, err);
			EXPECT_EQ(0, w->check(fd)) TH_LOG("%s: not clean after site %d",
							  w->name, n);
		}
		close(fd);
	}
	TH_LOG("%s: %d fault sites", w->name, sites);
	EXPECT_LT(n, 1000);
	EXPECT_EQ(base_mem, pfm_sysfs_long("smpl_buffer_mem_cur"));
	EXPECT_EQ(base_sessions, pfm_sysfs_long("task_sessions_count"));
}

TEST_HARNESS_MAIN
