// SPDX-License-Identifier: GPL-2.0
/*
 * Self-monitoring counts on the perf_events-backed PMU: page faults of a
 * known number of fresh pages, context switches of pipe round trips,
 * task clock against CLOCK_THREAD_CPUTIME_ID; stop freezes the counts,
 * start continues them, written initial values are honoured.
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"

#define NPAGES		4096
/* faults of the test's own code and stack between start and stop */
#define FAULT_SLACK	32

FIXTURE(self) {
	int fd;		/* the context, loaded on the test thread */
	long page;	/* page size */
};

FIXTURE_SETUP(self)
{
	struct pfarg_ctx ctx = { 0 };
	struct pfarg_load load = { 0 };

	if (access(PFM_SYSFS, F_OK))
		SKIP(return, "kernel without CONFIG_PERFMON");
	if (!pfm_pmu_is_perf())
		SKIP(return, "these counts need the perf_events-backed PMU");
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, self->fd);
	load.load_pid = gettid();
	ASSERT_EQ(0, pfm_load_context(self->fd, &load)) TH_LOG("%s", strerror(errno));
}

FIXTURE_TEARDOWN(self)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Program counter 0 with a software event and counter 1 with another. */
static int program(int fd, uint64_t ev0, uint64_t ev1, uint64_t excl)
{
	struct pfarg_pmc pmc[4];

	pfm_perf_event(&pmc[0], 0, PERF_TYPE_SOFTWARE, ev0, excl);
	pfm_perf_event(&pmc[2], 1, PERF_TYPE_SOFTWARE, ev1, excl);
	return pfm_write_pmcs(fd, pmc, 4);
}

static uint64_t read_pmd(int fd, int n)
{
	struct pfarg_pmd pmd = { .reg_num = n };

	if (pfm_read_pmds(fd, &pmd, 1))
		return ~0ULL;
	return pmd.reg_value;
}

static void touch_pages(long npages, long page)
{
	char *p = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i;

	if (p == MAP_FAILED)
		return;
	for (i = 0; i < npages; i++)
		p[i * page] = 1;
	munmap(p, npages * page);
}

/* N fresh anonymous pages written once: N faults, plus a few. */
TEST_F(self, page_faults)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t n;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_PAGE_FAULTS,
			     PERF_COUNT_SW_PAGE_FAULTS_MIN, PFM_PERF_CTL_EXCL_KERNEL));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	touch_pages(NPAGES, self->page);
	ASSERT_EQ(0, pfm_stop(self->fd));
	n = read_pmd(self->fd, 0);
	TH_LOG("page faults %llu, minor %llu", (unsigned long long)n,
	       (unsigned long long)read_pmd(self->fd, 1));
	EXPECT_LE(NPAGES, n);
	EXPECT_GE(NPAGES + FAULT_SLACK, n);
	EXPECT_LE(NPAGES, read_pmd(self->fd, 1));
	EXPECT_GE(NPAGES + FAULT_SLACK, read_pmd(self->fd, 1));
}

/*
 * K round trips over pipes with a child on the same CPU: the parent must
 * leave the CPU at each one, so at least K switches.
 */
TEST_F(self, context_switches)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	int a[2], b[2], i, status;
	const int k = 200;
	uint64_t n;
	pid_t pid;
	char c = 0;

	ASSERT_EQ(0, pfm_pin_cpu(0));
	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_CONTEXT_SWITCHES,
			     PERF_COUNT_SW_TASK_CLOCK, 0));
	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (i = 0; i < k; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	for (i = 0; i < k; i++) {
		ASSERT_EQ(1, write(a[1], &c, 1));
		ASSERT_EQ(1, read(b[0], &c, 1));
	}
	ASSERT_EQ(0, pfm_stop(self->fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	n = read_pmd(self->fd, 0);
	TH_LOG("%d round trips, %llu context switches", k, (unsigned long long)n);
	EXPECT_LE(k, n);
	/* and not absurdly many: a few per round trip at most */
	EXPECT_GE(4 * k + 50, n);
}

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* task-clock of a busy loop tracks the thread's CPU clock within 5%. */
TEST_F(self, task_clock)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t t0, t1, n, i, sink = 0;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_TASK_CLOCK,
			     PERF_COUNT_SW_CPU_CLOCK, PFM_PERF_CTL_EXCL_KERNEL));
	t0 = thread_ns();
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	for (i = 0; i < 60000000; i++) {
		sink += i;
		__asm__ __volatile__("" : "+r" (sink));
	}
	ASSERT_EQ(0, pfm_stop(self->fd));
	t1 = thread_ns();
	n = read_pmd(self->fd, 0);
	TH_LOG("task clock %llu ns, thread cputime %llu ns", (unsigned long long)n,
	       (unsigned long long)(t1 - t0));
	EXPECT_LE((t1 - t0) * 95 / 100, n);
	EXPECT_GE((t1 - t0) * 105 / 100, n);
}

/* After pfm_stop nothing counts; pfm_start continues from the value. */
TEST_F(self, stop_freezes_start_continues)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t a, b, c;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_PAGE_FAULTS,
			     PERF_COUNT_SW_PAGE_FAULTS_MIN, PFM_PERF_CTL_EXCL_KERNEL));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	touch_pages(512, self->page);
	ASSERT_EQ(0, pfm_stop(self->fd));
	a = read_pmd(self->fd, 0);
	touch_pages(512, self->page);
	b = read_pmd(self->fd, 0);
	EXPECT_EQ(a, b);
	EXPECT_EQ(0, pfm_stop(self->fd));	/* stopping twice changes nothing */
	EXPECT_EQ(a, read_pmd(self->fd, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	touch_pages(512, self->page);
	ASSERT_EQ(0, pfm_stop(self->fd));
	c = read_pmd(self->fd, 0);
	EXPECT_LE(a + 512, c);
	EXPECT_GE(a + 512 + FAULT_SLACK, c);
}

/* A value written before start is where counting begins. */
TEST_F(self, initial_value)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_pmd pmd = { 0 };
	const uint64_t start = 1000000000000ULL;
	uint64_t n;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_PAGE_FAULTS,
			     PERF_COUNT_SW_PAGE_FAULTS_MIN, PFM_PERF_CTL_EXCL_KERNEL));
	pmd.reg_num = 0;
	pmd.reg_value = start;
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &pmd, 1));
	EXPECT_EQ(0, pmd.reg_flags);
	EXPECT_EQ(start, read_pmd(self->fd, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	touch_pages(1024, self->page);
	/* a live read while counting */
	n = read_pmd(self->fd, 0);
	EXPECT_LE(start + 1024, n);
	ASSERT_EQ(0, pfm_stop(self->fd));
	n = read_pmd(self->fd, 0);
	EXPECT_LE(start + 1024, n);
	EXPECT_GE(start + 1024 + FAULT_SLACK, n);

	/* a write while stopped replaces the value; last_reset_val follows */
	pmd.reg_value = 7;
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &pmd, 1));
	memset(&pmd, 0, sizeof(pmd));
	ASSERT_EQ(0, pfm_read_pmds(self->fd, &pmd, 1));
	EXPECT_EQ(7, pmd.reg_value);
	EXPECT_EQ(7, pmd.reg_last_reset_val);
}

/* Values survive unload and stay readable until close. */
TEST_F(self, values_survive_unload)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t a;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_PAGE_FAULTS,
			     PERF_COUNT_SW_PAGE_FAULTS_MIN, PFM_PERF_CTL_EXCL_KERNEL));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	touch_pages(256, self->page);
	ASSERT_EQ(0, pfm_unload_context(self->fd));
	a = read_pmd(self->fd, 0);
	EXPECT_LE(256, a);
	EXPECT_GE(256 + FAULT_SLACK, a);
	touch_pages(256, self->page);
	EXPECT_EQ(a, read_pmd(self->fd, 0));
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* A forked child has no context and does not count in the parent's. */
TEST_F(self, not_inherited)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_ctx ctx = { 0 };
	int status;
	uint64_t n;
	pid_t pid;

	ASSERT_EQ(0, program(self->fd, PERF_COUNT_SW_PAGE_FAULTS,
			     PERF_COUNT_SW_PAGE_FAULTS_MIN, PFM_PERF_CTL_EXCL_KERNEL));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pfarg_load load = { .load_pid = gettid() };
		int fd = pfm_create_context(&ctx, NULL, NULL, 0);

		touch_pages(2048, sysconf(_SC_PAGESIZE));
		/* no context inherited: loading one on itself works */
		_exit(fd >= 0 && pfm_load_context(fd, &load) == 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, pfm_stop(self->fd));
	EXPECT_EQ(0, status);
	n = read_pmd(self->fd, 0);
	/* fork's copy-on-write faults in the parent, none of the child's 2048 */
	EXPECT_GT(1024, n);
}

TEST_HARNESS_MAIN
