// SPDX-License-Identifier: GPL-2.0
/*
 * System-wide contexts: counting what runs on one CPU, the CPU rules of
 * the calls, session reservation, the privilege policy, CPU hotplug and
 * sampling several processes.
 *
 * The workloads are page faults (perf_events PMU) of child processes
 * pinned to a CPU; a child faults in the pages of a fresh mapping only
 * when told to, so its fork and exit cost the same with or without them.
 * Tests that need a second CPU are skipped on single-CPU machines (the
 * arm64 VM); there the native PMU counts a child's loop on CPU 0.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/perfmon_dfl_smpl.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

static int ncpus(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

static int sys_context(void)
{
	struct pfarg_ctx ctx = { .ctx_flags = PFM_FL_SYSTEM_WIDE };

	return pfm_create_context(&ctx, NULL, NULL, 0);
}

static int load_cpu(int fd, int cpu)
{
	struct pfarg_load load = { .load_pid = cpu };

	return pfm_load_context(fd, &load);
}

/* Counter 0 counts user page faults (perf_events PMU). */
static int count_faults(int fd)
{
	struct pfarg_pmc pmc[2];

	pfm_perf_event(pmc, 0, PERF_SW, SW_PAGE_FAULTS, PFM_PERF_CTL_EXCL_KERNEL);
	return pfm_write_pmcs(fd, pmc, 2);
}

static uint64_t read_pmd0(int fd)
{
	struct pfarg_pmd pmd = { .reg_num = 0 };

	if (pfm_read_pmds(fd, &pmd, 1))
		return ~0ULL;
	return pmd.reg_value;
}

/*
 * A child on @cpu that causes @n events of @c once started; returns when
 * it has exited. @c NULL: @n page faults.
 */
static int run_child(int cpu, const struct counter *c, uint64_t n)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (pfm_pin_cpu(cpu))
			_exit(1);
		if (c)
			c->burn(n);
		else if (n)
			perf_faults.burn(n);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Run a test counting page faults on CPU 1 there: NULL, or why it cannot
 * run.
 */
static const char *cpu1_setup(void)
{
	if (!pfm_pmu_is_perf())
		return "page faults are perf_events events";
	if (ncpus() < 2)
		return "needs a second CPU";
	if (pfm_pin_cpu(1))
		return "cannot run on CPU 1";
	return NULL;
}

/* What a context loaded on @cpu counts of a child running on @child_cpu. */
static uint64_t counted(int fd, int child_cpu, uint64_t n)
{
	uint64_t before = read_pmd0(fd);

	if (pfm_start(fd, NULL) || run_child(child_cpu, NULL, n) || pfm_stop(fd))
		return ~0ULL;
	return read_pmd0(fd) - before;
}

/*
 * A context on CPU 1 counts the page faults of a child on CPU 1, and not
 * those of a child on CPU 0. The fork and exit of the child cost the same
 * with or without its faults; the difference is the faults, give or take
 * what else ran on the CPU.
 */
TEST(counts_its_cpu_only)
{
	uint64_t base, mine, other;
	const char *why;
	int fd;

	why = cpu1_setup();
	if (why)
		SKIP(return, "%s", why);
	fd = sys_context();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, count_faults(fd));
	ASSERT_EQ(0, load_cpu(fd, 1));
	base = counted(fd, 1, 0);
	mine = counted(fd, 1, 2000);
	other = counted(fd, 0, 2000);
	TH_LOG("faults seen on CPU 1: %llu idle, %llu with 2000 there, %llu with 2000 on CPU 0",
	       (unsigned long long)base, (unsigned long long)mine,
	       (unsigned long long)other);
	EXPECT_LE(2000 + base - 50, mine);
	EXPECT_GE(2000 + base + 50, mine);
	EXPECT_GE(base + 50, other);
	ASSERT_EQ(0, pfm_unload_context(fd));
	close(fd);
}

/* On a single CPU, the native PMU counts a child's user cycles exactly enough. */
TEST(counts_other_processes)
{
	const struct counter *c = active_counter();
	struct pfarg_pmd pmd = { .reg_num = CCNT };
	int fd;

	if (!c || c->pmd != CCNT)
		SKIP(return, "counts cycles with the armv8_pmuv3 description");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	fd = sys_context();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, c->program(fd, 0));
	ASSERT_EQ(0, load_cpu(fd, 0));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	ASSERT_EQ(0, run_child(0, c, 10000000));
	ASSERT_EQ(0, pfm_stop(fd));
	ASSERT_EQ(0, pfm_read_pmds(fd, &pmd, 1));
	TH_LOG("%llu user cycles for a child's 10000000", (unsigned long long)pmd.reg_value);
	EXPECT_LE(10000000, pmd.reg_value);
	EXPECT_GT(11000000, pmd.reg_value);
	close(fd);
}

/*
 * The CPU rules and sessions: a load names the caller's CPU, later calls
 * come from it, one system-wide session per CPU, and system-wide and
 * per-thread sessions exclude each other; the counters stay exact.
 */
TEST(cpu_rules_and_sessions)
{
	struct pfarg_ctx thread = { 0 };
	int fd, fd2, tfd, two = ncpus() >= 2;
	struct pfarg_load self = { 0 };

	if (!active_counter())
		SKIP(return, "no PMU description is active");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	fd = sys_context();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, load_cpu(fd, 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, load_cpu(fd, 0));
	EXPECT_EQ(1, pfm_sysfs_long("sys_sessions_count"));
	fd2 = sys_context();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, load_cpu(fd2, 0));
	EXPECT_EQ(EBUSY, errno);
	tfd = pfm_create_context(&thread, NULL, NULL, 0);
	ASSERT_LE(0, tfd);
	self.load_pid = gettid();
	EXPECT_EQ(-1, pfm_load_context(tfd, &self));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(1, pfm_sysfs_long("sys_sessions_count"));
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	if (two) {
		/* from another CPU, every call but close is refused */
		struct pfarg_pmd pmd = { .reg_num = 0 };
		struct pfarg_setinfo si = { .set_id = 0 };

		ASSERT_EQ(0, pfm_pin_cpu(1));
		EXPECT_EQ(-1, pfm_start(fd, NULL));
		EXPECT_EQ(EBUSY, errno);
		EXPECT_EQ(-1, pfm_read_pmds(fd, &pmd, 1));
		EXPECT_EQ(EBUSY, errno);
		EXPECT_EQ(-1, pfm_getinfo_evtsets(fd, &si, 1));
		EXPECT_EQ(EBUSY, errno);
		EXPECT_EQ(-1, pfm_unload_context(fd));
		EXPECT_EQ(EBUSY, errno);
		/* a second CPU takes its own session */
		ASSERT_EQ(0, load_cpu(fd2, 1));
		EXPECT_EQ(2, pfm_sysfs_long("sys_sessions_count"));
		ASSERT_EQ(0, pfm_unload_context(fd2));
		ASSERT_EQ(0, pfm_pin_cpu(0));
	}
	ASSERT_EQ(0, pfm_unload_context(fd));
	EXPECT_EQ(0, pfm_sysfs_long("sys_sessions_count"));
	ASSERT_EQ(0, pfm_load_context(tfd, &self));
	EXPECT_EQ(1, pfm_sysfs_long("task_sessions_count"));
	EXPECT_EQ(-1, load_cpu(fd, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, pfm_sysfs_long("sys_sessions_count"));
	close(tfd);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	if (two) {
		/* closed from another CPU, the context is unloaded on its own */
		ASSERT_EQ(0, load_cpu(fd, 0));
		ASSERT_EQ(0, pfm_start(fd, NULL));
		ASSERT_EQ(0, pfm_pin_cpu(1));
	}
	close(fd);
	close(fd2);
	EXPECT_EQ(0, pfm_sysfs_long("sys_sessions_count"));
}

static int nobody_creates_sys(void)
{
	int fd;

	if (setgid(65534) || setuid(65534))
		return -1;
	fd = sys_context();
	return fd >= 0 ? 0 : errno;
}

/* Run @fn as user nobody; its result, or -1. */
static int as_nobody(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* sys_group, and perf's policy for system-wide monitoring. */
TEST(privileges)
{
	char paranoid[16] = "", group[32] = "";
	int fd;

	if (!active_counter())
		SKIP(return, "no PMU description is active");
	ASSERT_LT(0, pfm_sysfs_read("sys_group", group, sizeof(group)));
	ASSERT_EQ(0, pfmon_sysfs_write("sys_group", "4242"));
	fd = sys_context();
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, pfmon_sysfs_write("sys_group", group));
	fd = sys_context();
	ASSERT_LE(0, fd);
	close(fd);

	fd = open("/proc/sys/kernel/perf_event_paranoid", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, paranoid, sizeof(paranoid) - 1));
	close(fd);
	ASSERT_EQ(0, pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", "1\n"));
	EXPECT_EQ(EPERM, as_nobody(nobody_creates_sys));
	ASSERT_EQ(0, pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", "0\n"));
	EXPECT_EQ(0, as_nobody(nobody_creates_sys));
	EXPECT_EQ(0, pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", paranoid));
}

/* Run a test taking CPU 1 offline on CPU 1: NULL, or why it cannot run. */
static const char *hotplug_setup(void)
{
	if (access(CPU1_ONLINE, W_OK))
		return "needs a second CPU that can go offline";
	return cpu1_setup();
}

/* How many lines of debugfs perfmon/stats name CPU @cpu. */
static int stats_lines(int cpu)
{
	char line[256];
	int n = 0, c;
	FILE *f = fopen("/sys/kernel/debug/perfmon/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d ", &c) == 1 && c == cpu)
			n++;
	fclose(f);
	return n;
}

/*
 * CPU 1 goes offline under a loaded, started context: the context is
 * unloaded with its counts, its session released, and it loads again
 * once the CPU is back. A thread counting per-thread keeps its counts
 * when it is moved off the CPU.
 */
TEST(cpu_hotplug)
{
	const char *why;
	uint64_t v;
	int fd;

	why = hotplug_setup();
	if (why)
		SKIP(return, "%s", why);
	fd = sys_context();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, count_faults(fd));
	ASSERT_EQ(0, load_cpu(fd, 1));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	ASSERT_EQ(0, run_child(1, NULL, 500));
	EXPECT_EQ(1, stats_lines(1));
	ASSERT_EQ(0, pfm_pin_cpu(0));
	ASSERT_EQ(0, pfmon_write_file(CPU1_ONLINE, "0\n"));
	EXPECT_EQ(0, stats_lines(1));
	EXPECT_EQ(0, pfm_sysfs_long("sys_sessions_count"));
	/* unloaded: readable from any CPU, and unloading again is a no-op */
	v = read_pmd0(fd);
	EXPECT_LE(500, v);
	EXPECT_GT(700, v);
	EXPECT_EQ(-1, pfm_start(fd, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, pfm_unload_context(fd));
	ASSERT_EQ(0, pfmon_write_file(CPU1_ONLINE, "1\n"));
	EXPECT_EQ(1, stats_lines(1));
	ASSERT_EQ(0, pfm_pin_cpu(1));
	ASSERT_EQ(0, load_cpu(fd, 1));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	ASSERT_EQ(0, run_child(1, NULL, 100));
	ASSERT_EQ(0, pfm_stop(fd));
	EXPECT_LE(v + 100, read_pmd0(fd));
	close(fd);
	EXPECT_EQ(0, pfm_sysfs_long("sys_sessions_count"));
}

TEST(thread_moved_off_offline_cpu)
{
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_ctx ctx = { 0 };
	const char *why;
	uint64_t v;
	int fd;

	why = hotplug_setup();
	if (why)
		SKIP(return, "%s", why);
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, count_faults(fd));
	ASSERT_EQ(0, pfm_load_context(fd, &load));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	perf_faults.burn(300);
	/* the thread itself takes its CPU offline and is moved to CPU 0 */
	ASSERT_EQ(0, pfmon_write_file(CPU1_ONLINE, "0\n"));
	EXPECT_EQ(0, sched_getcpu());
	perf_faults.burn(300);
	ASSERT_EQ(0, pfm_stop(fd));
	v = read_pmd0(fd);
	TH_LOG("%llu faults for 600", (unsigned long long)v);
	EXPECT_LE(600, v);
	EXPECT_GT(650, v);
	close(fd);
	ASSERT_EQ(0, pfmon_write_file(CPU1_ONLINE, "1\n"));
}

/* Two sets time-switched on CPU 1 share a child's faults there. */
TEST(sets_switch_system_wide)
{
	struct pfarg_setdesc sd = { .set_id = 1, .set_flags = PFM_SETFL_TIME_SWITCH,
				    .set_timeout = 1 };
	struct pfarg_setinfo si[2] = { { .set_id = 0 }, { .set_id = 1 } };
	struct pfarg_pmd pmd[2] = { { .reg_num = 0 }, { .reg_num = 0, .reg_set = 1 } };
	struct pfarg_pmc pmc[2];
	const char *why;
	int fd, i;

	why = cpu1_setup();
	if (why)
		SKIP(return, "%s", why);
	fd = sys_context();
	ASSERT_LE(0, fd);
	sd.set_id = 0;
	ASSERT_EQ(0, pfm_create_evtsets(fd, &sd, 1));
	sd.set_id = 1;
	sd.set_timeout = 1;
	ASSERT_EQ(0, pfm_create_evtsets(fd, &sd, 1));
	ASSERT_EQ(0, count_faults(fd));
	pfm_perf_event(pmc, 0, PERF_SW, SW_PAGE_FAULTS, PFM_PERF_CTL_EXCL_KERNEL);
	pmc[0].reg_set = pmc[1].reg_set = 1;
	ASSERT_EQ(0, pfm_write_pmcs(fd, pmc, 2));
	ASSERT_EQ(0, load_cpu(fd, 1));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, run_child(1, NULL, 500));
	ASSERT_EQ(0, pfm_stop(fd));
	ASSERT_EQ(0, pfm_read_pmds(fd, pmd, 2));
	ASSERT_EQ(0, pfm_getinfo_evtsets(fd, si, 2));
	TH_LOG("set 0: %llu faults, %llu runs; set 1: %llu faults, %llu runs",
	       (unsigned long long)pmd[0].reg_value, (unsigned long long)si[0].set_runs,
	       (unsigned long long)pmd[1].reg_value, (unsigned long long)si[1].set_runs);
	for (i = 0; i < 2; i++) {
		EXPECT_LT(1, si[i].set_runs);
		EXPECT_LT(0, pmd[i].reg_value);
	}
	EXPECT_LE(20 * 500, pmd[0].reg_value + pmd[1].reg_value);
	close(fd);
}

/*
 * Sampling on CPU 1 records the faults of two processes with their pids.
 * The children run one after the other: the counter is the CPU's, so a
 * sample goes to whoever makes the tenth fault, and two children
 * interleaving on the CPU could each lose one sample per turn. Run one at
 * a time, a child's 200 (and more) faults cross at least 20 multiples of
 * the period; the parent's few copy-on-write faults between fork() and
 * waitpid() can take at most one of them.
 */
TEST(sampling_several_processes)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = 1 << 16 };
	struct pfarg_ctx ctx = { .ctx_flags = PFM_FL_SYSTEM_WIDE };
	struct pfarg_pmd pmd = { .reg_num = 0 };
	int fd, i, j, status, per_child[2] = { 0, 0 };
	const char *why;
	struct pfm_dfl_smpl_hdr *hdr;
	pid_t pids[2];
	void *buf;

	why = cpu1_setup();
	if (why)
		SKIP(return, "%s", why);
	fd = pfm_create_context(&ctx, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
	ASSERT_LE(0, fd);
	buf = mmap(NULL, 1 << 16, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	hdr = buf;
	ASSERT_EQ(0, count_faults(fd));
	pmd.reg_value = pmd.reg_short_reset = pmd.reg_long_reset = -10ULL;
	ASSERT_EQ(0, pfm_write_pmds(fd, &pmd, 1));
	ASSERT_EQ(0, load_cpu(fd, 1));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			perf_faults.burn(200);
			_exit(0);
		}
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
	}
	ASSERT_EQ(0, pfm_stop(fd));
	for (j = 0; j < (int)hdr->hdr_count; j++) {
		struct pfm_dfl_smpl_entry *e = (void *)((char *)buf + 128 + 40 * j);

		EXPECT_EQ(1, e->cpu);
		for (i = 0; i < 2; i++)
			if (e->pid == (uint32_t)pids[i] && e->tgid == (uint32_t)pids[i])
				per_child[i]++;
	}
	TH_LOG("%llu samples: %d and %d from the children", (unsigned long long)hdr->hdr_count,
	       per_child[0], per_child[1]);
	EXPECT_LE(19, per_child[0]);
	EXPECT_LE(19, per_child[1]);
	munmap(buf, 1 << 16);
	close(fd);
}

TEST_HARNESS_MAIN
