// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling with the "default" format: entries recorded at each overflow,
 * the full buffer's notification and masking, pfm_restart(), blocking
 * notification, randomized periods, and the errors of buffers and
 * mappings.
 *
 * Counters as in pfm_counter.h. On the native Armv8 PMU the cycle
 * counter's overflow interrupt is exact under -icount shift=0, so sample
 * counts and instruction distances are exact; on the perf_events PMU,
 * page faults give exact sample counts and the CPU clock samples a busy
 * loop by time.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/perfmon_dfl_smpl.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

#define SW_CPU_CLOCK	0	/* PERF_COUNT_SW_CPU_CLOCK */

/* A context sampling into a default-format buffer of @size bytes. */
static int smpl_context(uint32_t flags, uint64_t size)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = size };
	struct pfarg_ctx ctx = { .ctx_flags = flags };

	return pfm_create_context(&ctx, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
}

static int load_self(int fd)
{
	struct pfarg_load load = { .load_pid = gettid() };

	return pfm_load_context(fd, &load);
}

/* Sample every @period events of @c's counter, recording PMD @smpl too. */
static int sample_counter(const struct counter *c, int fd, uint64_t period, uint32_t flags,
			  int smpl, uint64_t random_mask)
{
	struct pfarg_pmd pmd = {
		.reg_num = c->pmd, .reg_flags = flags, .reg_value = -period,
		.reg_short_reset = -period, .reg_long_reset = -period,
		.reg_random_mask = random_mask, .reg_smpl_eventid = 77,
	};

	if (smpl >= 0)
		pmd.reg_smpl_pmds[0] = 1ULL << smpl;
	if (c->program(fd, 0))
		return -1;
	return pfm_write_pmds(fd, &pmd, 1);
}

static struct pfm_dfl_smpl_entry *entry_at(void *buf, uint64_t offs)
{
	return (struct pfm_dfl_smpl_entry *)((char *)buf + offs);
}

FIXTURE(smpl) {
	const struct counter *c;	/* the counter of the active PMU */
	int fd;				/* self-monitoring sampling context */
	void *buf;			/* its buffer, mapped read-only */
	struct pfm_dfl_smpl_hdr *hdr;	/* the buffer's header */
	size_t size;			/* mapped length */
};

FIXTURE_SETUP(smpl)
{
	self->fd = -1;
	self->c = active_counter();
	if (!self->c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	self->size = 1 << 16;
	self->fd = smpl_context(0, self->size);
	ASSERT_LE(0, self->fd);
	self->buf = mmap(NULL, self->size, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	self->hdr = self->buf;
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, load_self(self->fd));
}

FIXTURE_TEARDOWN(smpl)
{
	if (self->fd < 0)
		return;
	munmap(self->buf, self->size);
	close(self->fd);
}

/*
 * A run of known length: the expected number of samples (within one),
 * each entry describing its overflow, the IPs inside the workload.
 */
TEST_F(smpl, samples_of_a_known_run)
{
	const struct counter *c = self->c;
	uint64_t period = c->pmd == CCNT ? 10000 : 10, n = 200 * period, i, inside = 0;
	struct pfm_dfl_smpl_hdr *hdr = self->hdr;
	struct pfm_dfl_smpl_entry *e;
	uint64_t offs, prev_val = 0, prev_ts = 0;

	if (_metadata->skip)
		return;
	EXPECT_EQ(0, hdr->hdr_count);
	EXPECT_EQ(128, hdr->hdr_cur_offs);
	EXPECT_EQ(PFM_DFL_SMPL_VERSION, hdr->hdr_version);
	EXPECT_EQ(self->size, hdr->hdr_buf_size);
	ASSERT_EQ(0, sample_counter(c, self->fd, period, 0, c->other, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	c->burn(n);
	ASSERT_EQ(0, pfm_stop(self->fd));
	TH_LOG("%llu samples for %llu events, period %llu", (unsigned long long)hdr->hdr_count,
	       (unsigned long long)n, (unsigned long long)period);
	EXPECT_LE(n / period - 1, hdr->hdr_count);
	EXPECT_GE(n / period + 1, hdr->hdr_count);
	EXPECT_EQ(0, hdr->hdr_overflows);
	EXPECT_EQ(128 + hdr->hdr_count * 48, hdr->hdr_cur_offs);
	for (i = 0, offs = 128; i < hdr->hdr_count; i++, offs += 48) {
		uint64_t val;

		e = entry_at(self->buf, offs);
		val = *(uint64_t *)(e + 1);
		EXPECT_EQ(c->pmd, e->ovfl_pmd);
		EXPECT_EQ(gettid(), e->pid);
		EXPECT_EQ(getpid(), e->tgid);
		EXPECT_EQ(0, e->cpu);
		EXPECT_EQ(0, e->set);
		EXPECT_EQ(-period, e->last_reset_val);
		EXPECT_LE(prev_ts, e->tstamp);
		if ((uintptr_t)c->code <= e->ip && e->ip < (uintptr_t)c->code_end)
			inside++;
		/* the other counter counts the same events: one period apart */
		if (i)
			EXPECT_EQ(period, val - prev_val) TH_LOG("entry %llu",
								 (unsigned long long)i);
		prev_val = val;
		prev_ts = e->tstamp;
	}
	EXPECT_LE(hdr->hdr_count * 95, inside * 100);
}

/*
 * The full buffer: room for exactly four entries, then hdr_overflows,
 * a notification and masking; pfm_restart() empties it and sampling
 * resumes. Round after round, nothing goes unaccounted.
 */
TEST(buffer_full_rounds)
{
	const struct counter *c = active_counter();
	struct pfm_dfl_smpl_hdr *hdr;
	uint64_t size, period;
	union pfarg_msg msg;
	int fd, round;
	void *buf;

	if (!c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	period = c->pmd == CCNT ? 20000 : 20;
	/* a first context tells the largest entry of this PMU */
	fd = smpl_context(0, 4096);
	ASSERT_LE(0, fd);
	buf = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	size = 128 + 4 * 40 + ((struct pfm_dfl_smpl_hdr *)buf)->hdr_min_buf_space - 1;
	munmap(buf, 4096);
	close(fd);

	fd = smpl_context(0, size);
	ASSERT_LE(0, fd);
	buf = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	hdr = buf;
	ASSERT_EQ(0, load_self(fd));
	ASSERT_EQ(0, sample_counter(c, fd, period, PFM_REGFL_OVFL_NOTIFY, -1, 0));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	for (round = 0; round < 20; round++) {
		c->burn(6 * period);
		ASSERT_EQ(-1, pfm_start(fd, NULL)) TH_LOG("round %d: not masked", round);
		EXPECT_EQ(4, hdr->hdr_count);
		EXPECT_EQ(round + 1, hdr->hdr_overflows);
		EXPECT_EQ(128 + 4 * 40, hdr->hdr_cur_offs);
		ASSERT_EQ(sizeof(msg), read(fd, &msg, sizeof(msg)));
		EXPECT_EQ(PFM_MSG_OVFL, msg.type);
		EXPECT_EQ(1ULL << c->pmd, msg.pfm_ovfl_msg.msg_ovfl_pmds[0]);
		ASSERT_EQ(0, pfm_restart(fd));
		EXPECT_EQ(0, hdr->hdr_count);
		EXPECT_EQ(128, hdr->hdr_cur_offs);
	}
	/* LOADED: a restart empties the buffer while sampling goes on */
	c->burn(2 * period);
	EXPECT_LE(1, hdr->hdr_count);
	ASSERT_EQ(0, pfm_restart(fd));
	EXPECT_EQ(0, hdr->hdr_count);
	ASSERT_EQ(0, pfm_start(fd, NULL));
	munmap(buf, 4096);
	close(fd);
}

/*
 * PFM_REGFL_RANDOM: each period is the reset value less a random amount
 * within the mask; the recorded last_reset_val tells which. On the
 * native PMU the periods are exact: the instructions between two samples
 * are the second one's period.
 */
TEST_F(smpl, random_periods)
{
	const struct counter *c = self->c;
	uint64_t period = c->pmd == CCNT ? 40000 : 32, mask = period / 4 - 1;
	struct pfm_dfl_smpl_hdr *hdr = self->hdr;
	uint64_t i, offs, sum = 0, lo = ~0ULL, hi = 0, val, prev = 0;
	struct pfm_dfl_smpl_entry *e;
	double mean, want;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, sample_counter(c, self->fd, period, PFM_REGFL_RANDOM, c->other, mask));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	c->burn(400 * period);
	ASSERT_EQ(0, pfm_stop(self->fd));
	/*
	 * Natively the periods are exact: 400 / (1 + 1/8) on average. The
	 * perf_events PMU may see an overflow up to one period late after
	 * a period changes (Documentation/userspace-api/perfmon2.rst).
	 */
	ASSERT_LT(c->pmd == CCNT ? 300 : 150, hdr->hdr_count);
	for (i = 0, offs = 128; i < hdr->hdr_count; i++, offs += 48) {
		uint64_t p;

		e = entry_at(self->buf, offs);
		p = -e->last_reset_val;
		val = *(uint64_t *)(e + 1);
		if (i) {
			EXPECT_LE(period, p);
			EXPECT_GE(period + mask, p);
			if (c->pmd == CCNT)
				EXPECT_EQ(p, val - prev) TH_LOG("entry %llu",
								(unsigned long long)i);
			sum += p;
			lo = p < lo ? p : lo;
			hi = p > hi ? p : hi;
		}
		prev = val;
	}
	mean = (double)sum / (hdr->hdr_count - 1);
	want = period + mask / 2.0;
	TH_LOG("%llu periods in [%llu, %llu], mean %.1f (expected %.1f)",
	       (unsigned long long)hdr->hdr_count - 1, (unsigned long long)lo,
	       (unsigned long long)hi, mean, want);
	EXPECT_LT(lo + mask / 2, hi);
	/*
	 * A draw is uniform in [0, mask]: standard deviation (mask + 1) / 3.46.
	 * The mean of n > 150 draws stays within 5 of its deviations,
	 * (mask + 1) / 3.46 / sqrt(150) each.
	 */
	EXPECT_GT(5 * (mask + 1) / 3.46 / 12.2, mean > want ? mean - want : want - mean);
}

/* A busy loop sampled with perf's CPU clock every millisecond. */
TEST(cpu_clock_ips)
{
	struct pfarg_pmd pmd = { .reg_num = 0 };
	struct pfm_dfl_smpl_hdr *hdr;
	uint64_t i, inside = 0, offs;
	struct pfarg_pmc pmc[2];
	struct timespec t0, t;
	void *buf;
	int fd;

	if (!pfm_pmu_is_perf())
		SKIP(return, "the CPU clock is a perf_events event");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	fd = smpl_context(0, 1 << 16);
	ASSERT_LE(0, fd);
	buf = mmap(NULL, 1 << 16, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	hdr = buf;
	ASSERT_EQ(0, load_self(fd));
	pfm_perf_event(pmc, 0, PERF_SW, SW_CPU_CLOCK, PFM_PERF_CTL_EXCL_KERNEL);
	ASSERT_EQ(0, pfm_write_pmcs(fd, pmc, 2));
	pmd.reg_value = pmd.reg_short_reset = pmd.reg_long_reset = -1000000ULL;
	ASSERT_EQ(0, pfm_write_pmds(fd, &pmd, 1));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pfm_loop(1000000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000LL + t.tv_nsec - t0.tv_nsec < 250000000);
	ASSERT_EQ(0, pfm_stop(fd));
	for (i = 0, offs = 128; i < hdr->hdr_count; i++, offs += 40) {
		struct pfm_dfl_smpl_entry *e = entry_at(buf, offs);

		if ((uintptr_t)pfm_loop <= e->ip && e->ip < (uintptr_t)pfm_loop_end)
			inside++;
	}
	TH_LOG("%llu samples, %llu in the loop", (unsigned long long)hdr->hdr_count,
	       (unsigned long long)inside);
	EXPECT_LT(100, hdr->hdr_count);
	EXPECT_LE(hdr->hdr_count * 90, inside * 100);
	munmap(buf, 1 << 16);
	close(fd);
}

/* Creation errors change nothing, smpl_buffer_mem_cur included. */
TEST(create_errors)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = 1 << 16 };
	struct pfarg_ctx ctx = { 0 };
	char version[16], max[32];
	long cur = pfm_sysfs_long("smpl_buffer_mem_cur");
	int fd;

	if (!active_counter())
		SKIP(return, "no PMU description with overflow interrupts is active");
	ASSERT_LT(0, pfm_sysfs_read("formats/default/version", version, sizeof(version)));
	EXPECT_STREQ("1.0\n", version);
	EXPECT_EQ(-1, pfm_create_context(&ctx, "nosuch", &arg, sizeof(arg)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default/../x", &arg, sizeof(arg)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", &arg, sizeof(arg) - 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", NULL, sizeof(arg)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, (char *)8, &arg, sizeof(arg)));
	EXPECT_EQ(EFAULT, errno);
	arg.buf_size = 128 + 40;
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", &arg, sizeof(arg)));
	EXPECT_EQ(EINVAL, errno);
	/* above smpl_buffer_mem_max: ENOMEM */
	ASSERT_LT(0, pfm_sysfs_read("smpl_buffer_mem_max", max, sizeof(max)));
	ASSERT_EQ(0, pfmon_sysfs_write("smpl_buffer_mem_max", "65536"));
	arg.buf_size = 65537;
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", &arg, sizeof(arg)));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(cur, pfm_sysfs_long("smpl_buffer_mem_cur"));
	arg.buf_size = 65536;
	fd = pfm_create_context(&ctx, "default", &arg, sizeof(arg));
	ASSERT_LE(0, fd);
	EXPECT_EQ(cur + 65536, pfm_sysfs_long("smpl_buffer_mem_cur"));
	arg.buf_size = 4096;
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", &arg, sizeof(arg)));
	EXPECT_EQ(ENOMEM, errno);
	close(fd);
	EXPECT_EQ(0, pfmon_sysfs_write("smpl_buffer_mem_max", max));
	EXPECT_EQ(cur, pfm_sysfs_long("smpl_buffer_mem_cur"));
	arg.buf_size = 1ULL << 62;
	EXPECT_EQ(-1, pfm_create_context(&ctx, "default", &arg, sizeof(arg)));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(cur, pfm_sysfs_long("smpl_buffer_mem_cur"));
}

/* RLIMIT_MEMLOCK applies to users without CAP_IPC_LOCK. */
TEST(memlock_limit)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = 1 << 16 };
	struct rlimit rl = { 32768, 32768 };
	struct pfarg_ctx ctx = { 0 };
	int status;
	pid_t pid;

	if (!active_counter())
		SKIP(return, "no PMU description with overflow interrupts is active");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgid(65534) || setuid(65534))
			_exit(10);
		fd = pfm_create_context(&ctx, "default", &arg, sizeof(arg));
		if (fd >= 0 || errno != ENOMEM)
			_exit(11);
		arg.buf_size = 16384;
		fd = pfm_create_context(&ctx, "default", &arg, sizeof(arg));
		_exit(fd < 0 ? 12 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Mapping rules of the buffer: offset 0, read-only, at most its size. */
TEST_F(smpl, mapping_errors)
{
	struct pfarg_ctx plain = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int fd;

	if (_metadata->skip)
		return;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->size, PROT_READ | PROT_WRITE, MAP_SHARED,
				   self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->size + page, PROT_READ, MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mprotect(self->buf, self->size, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* a shorter mapping is fine */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(128, ((struct pfm_dfl_smpl_hdr *)p)->hdr_cur_offs);
	munmap(p, page);
	fd = pfm_create_context(&plain, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* A thousand sampling contexts leave no charge behind. */
TEST(thousand_buffers)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = 3 * 4096 + 100 };
	long cur = pfm_sysfs_long("smpl_buffer_mem_cur");
	struct pfarg_ctx ctx = { 0 };
	int i, fd;
	void *p;

	if (!active_counter())
		SKIP(return, "no PMU description with overflow interrupts is active");
	for (i = 0; i < 1000; i++) {
		fd = pfm_create_context(&ctx, "default", &arg, sizeof(arg));
		ASSERT_LE(0, fd) TH_LOG("context %d", i);
		if (i % 100 == 0) {
			EXPECT_EQ(cur + 4 * 4096, pfm_sysfs_long("smpl_buffer_mem_cur"));
			p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
			ASSERT_NE(MAP_FAILED, p);
			close(fd);
			/* the mapping outlives the context */
			EXPECT_EQ(128, ((struct pfm_dfl_smpl_hdr *)p)->hdr_cur_offs);
			munmap(p, 4096);
			continue;
		}
		close(fd);
	}
	EXPECT_EQ(cur, pfm_sysfs_long("smpl_buffer_mem_cur"));
}

/* Shared with the blocked child: how far it got. */
static uint64_t *progress;

static void on_usr1(int sig)
{
}

/* A traced child that samples into a tiny buffer forever. */
static pid_t blocked_child(const struct counter *c)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	signal(SIGUSR1, on_usr1);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) || raise(SIGSTOP))
		_exit(1);
	for (;;) {
		c->burn(c->period / 4);
		__atomic_fetch_add(progress, 1, __ATOMIC_RELAXED);
	}
}

/* Does the child make progress within @ms milliseconds? */
static int advances(int ms)
{
	uint64_t before = __atomic_load_n(progress, __ATOMIC_RELAXED);

	usleep(ms * 1000);
	return __atomic_load_n(progress, __ATOMIC_RELAXED) != before;
}

/*
 * PFM_FL_NOTIFY_BLOCK on a ptrace-attached child: it blocks at each full
 * buffer until pfm_restart(); a signal lets it go on unrestarted, and so
 * does the controller's death.
 */
TEST(blocking_notification)
{
	const struct counter *c = active_counter();
	union pfarg_msg msg;
	int fd, status, up[2], down[2];
	pid_t child, controller;

	if (!c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	/* the child outlives the controller: reap it here */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	progress = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, progress);
	/* up: controller to test; down: test to controller */
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	controller = fork();
	ASSERT_LE(0, controller);
	if (!controller) {
		struct pfarg_load load = { 0 };
		char go;

		child = blocked_child(c);
		if (child < 0 || waitpid(child, &status, WUNTRACED) != child)
			_exit(1);
		fd = smpl_context(PFM_FL_NOTIFY_BLOCK, 128 + 2 * 40 + 8 * 40);
		load.load_pid = child;
		/* detached once started: restarts need no ptrace stop */
		if (fd < 0 || pfm_load_context(fd, &load) ||
		    sample_counter(c, fd, c->period, PFM_REGFL_OVFL_NOTIFY, -1, 0) ||
		    pfm_start(fd, NULL) || ptrace(PTRACE_DETACH, child, 0, 0))
			_exit(2);
		/* round 1: blocked until the restart */
		if (read(fd, &msg, sizeof(msg)) != sizeof(msg) ||
		    write(up[1], &child, sizeof(child)) != sizeof(child))
			_exit(3);
		if (read(down[0], &go, 1) != 1 || pfm_restart(fd))
			_exit(4);
		/* round 2: blocked again; the test kills this controller */
		if (read(fd, &msg, sizeof(msg)) != sizeof(msg) ||
		    write(up[1], &child, sizeof(child)) != sizeof(child))
			_exit(5);
		pause();
		_exit(6);
	}
	ASSERT_EQ(sizeof(child), read(up[0], &child, sizeof(child)));
	EXPECT_FALSE(advances(100));
	/* a signal releases it; it stays masked, so it counts on unsampled */
	kill(child, SIGUSR1);
	EXPECT_TRUE(advances(200));
	ASSERT_EQ(1, write(down[1], "g", 1));
	ASSERT_EQ(sizeof(child), read(up[0], &child, sizeof(child)));
	usleep(100000);
	EXPECT_FALSE(advances(100));
	/* the controller dies: its descriptor closes and the child goes on */
	kill(controller, SIGKILL);
	ASSERT_EQ(controller, waitpid(controller, &status, 0));
	EXPECT_TRUE(advances(200));
	kill(child, SIGKILL);
	EXPECT_EQ(child, waitpid(child, &status, 0));
	munmap(progress, 4096);
}

TEST_HARNESS_MAIN
