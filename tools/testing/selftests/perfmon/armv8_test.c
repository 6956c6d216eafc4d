// SPDX-License-Identifier: GPL-2.0
/*
 * The native Armv8 PMUv3 description, under QEMU's virt machine with
 * -icount shift=0:
 *
 * - every guest instruction takes exactly 1 ns of virtual time and the
 *   emulated cycle counter runs at 1 GHz of virtual time, so user-level
 *   cycles equal user-level instructions;
 * - INST_RETIRED counts every executed instruction.
 *
 * The tests measure a loop of exactly 2 instructions per iteration twice,
 * with different iteration counts: the fixed cost of the system calls'
 * user-level code around the loop cancels out and the difference must be
 * exact. QEMU 7.2 raises event-counter overflow interrupts late (an
 * off-by-one in its overflow timer), so the wrap tests assert final 64-bit
 * values only, never when an interrupt arrived.
 */
#include <sched.h>
#include <sys/klog.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"

#define INST_RETIRED	0x08
#define EXCL_EL1	(1ULL << 31)
#define EXCL_EL0	(1ULL << 30)
#define CCNT		31		/* the cycle counter's PMC and PMD */

/* Exactly 2 * n user instructions (n >= 1). */
static void loop(uint64_t n)
{
#ifdef __aarch64__
	__asm__ __volatile__("1:	subs	%0, %0, #1\n"
			     "	b.ne	1b\n"
			     : "+r" (n) : : "cc");
#endif
}

static int write_pmc(int fd, int num, uint64_t val)
{
	struct pfarg_pmc pmc = { .reg_num = num, .reg_value = val };

	return pfm_write_pmcs(fd, &pmc, 1);
}

static int write_pmd(int fd, int num, uint64_t val)
{
	struct pfarg_pmd pmd = { .reg_num = num, .reg_value = val };

	return pfm_write_pmds(fd, &pmd, 1);
}

static uint64_t read_pmd(int fd, int num)
{
	struct pfarg_pmd pmd = { .reg_num = num };

	if (pfm_read_pmds(fd, &pmd, 1))
		return ~0ULL;
	return pmd.reg_value;
}

/* PMD @num from @start over one run of loop(n): its final value. */
static uint64_t run(int fd, int num, uint64_t start, uint64_t n)
{
	if (write_pmd(fd, num, start) || pfm_start(fd, NULL))
		return ~0ULL;
	loop(n);
	if (pfm_stop(fd))
		return ~0ULL;
	return read_pmd(fd, num);
}

/* PMCR_EL0.N as the description reported it at boot. */
static int boot_counters(void)
{
	static char buf[1 << 17];
	const char *key = "armv8_pmuv3: PMUv3 version ";
	int len = klogctl(3, buf, sizeof(buf) - 1);
	unsigned int ver, n;
	char *p;

	if (len < 0)
		return -1;
	buf[len] = 0;
	p = strstr(buf, key);
	if (!p || sscanf(p + strlen(key), "%u, %u event counters", &ver, &n) != 2)
		return -1;
	return n;
}

FIXTURE(armv8) {
	int fd;		/* context loaded on the test thread */
};

FIXTURE_SETUP(armv8)
{
	struct pfarg_load load = { 0 };
	struct pfarg_ctx ctx = { 0 };
	char model[64];

	if (pfm_sysfs_read("pmu_desc/model", model, sizeof(model)) <= 0 ||
	    strcmp(model, "armv8_pmuv3\n"))
		SKIP(return, "the active PMU description is not armv8_pmuv3");
	self->fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, self->fd);
	load.load_pid = gettid();
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
}

FIXTURE_TEARDOWN(armv8)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Exactly the PMCR_EL0.N event counters and the cycle counter. */
TEST_F(armv8, pmu_desc)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	int n = boot_counters(), i, pmcs = 0, pmds = 0;
	char path[64], buf[64];

	ASSERT_LT(0, n);
	for (i = 0; i < 320; i++) {
		snprintf(path, sizeof(path), "pmu_desc/pmc%d/name", i);
		if (pfm_sysfs_read(path, buf, sizeof(buf)) > 0) {
			EXPECT_TRUE(i < n || i == CCNT) TH_LOG("pmc%d", i);
			pmcs++;
		}
		snprintf(path, sizeof(path), "pmu_desc/pmd%d/name", i);
		if (pfm_sysfs_read(path, buf, sizeof(buf)) > 0) {
			EXPECT_TRUE(i < n || i == CCNT) TH_LOG("pmd%d", i);
			pmds++;
		}
	}
	EXPECT_EQ(n + 1, pmcs);
	EXPECT_EQ(n + 1, pmds);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmd0/width", buf, sizeof(buf)));
	EXPECT_STREQ("32\n", buf);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmd31/width", buf, sizeof(buf)));
	EXPECT_STREQ("64\n", buf);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmd31/name", buf, sizeof(buf)));
	EXPECT_STREQ("PMCCNTR_EL0\n", buf);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmc0/name", buf, sizeof(buf)));
	EXPECT_STREQ("PMEVTYPER0_EL0\n", buf);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmc0/rsvd_msk", buf, sizeof(buf)));
	EXPECT_STREQ("0xffffffff3fff0000\n", buf);
	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/pmc31/rsvd_msk", buf, sizeof(buf)));
	EXPECT_STREQ("0xffffffff3fffffff\n", buf);
}

/* User-level INST_RETIRED: the loop's 2 instructions per iteration, exactly. */
TEST_F(armv8, instructions_exact)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t a, b;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	a = run(self->fd, 0, 0, 1000);
	b = run(self->fd, 0, 0, 101000);
	TH_LOG("1000 iterations: %llu, 101000: %llu", (unsigned long long)a,
	       (unsigned long long)b);
	EXPECT_EQ(200000, b - a);
	/* the fixed cost around the loop is small and the same each time */
	EXPECT_GT(1000, a - 2000);
	EXPECT_EQ(a, run(self->fd, 0, 0, 1000));
}

/*
 * Reads while counting: between two live reads the counter advances by
 * the loop plus the read call's own user code, the same each time.
 */
static uint64_t live_delta(int fd, uint64_t n)
{
	uint64_t a, b;

	if (write_pmd(fd, 0, 0) || pfm_start(fd, NULL))
		return 0;
	a = read_pmd(fd, 0);
	loop(n);
	b = read_pmd(fd, 0);
	pfm_stop(fd);
	return b - a;
}

TEST_F(armv8, live_reads)
{
	uint64_t d1, d2;

	if (_metadata->skip)	/* fixture setup skipped */
		return;
	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	d1 = live_delta(self->fd, 2000);
	d2 = live_delta(self->fd, 52000);
	TH_LOG("between live reads: %llu and %llu", (unsigned long long)d1,
	       (unsigned long long)d2);
	EXPECT_LE(4000, d1);
	EXPECT_EQ(100000, d2 - d1);
}

/* Cycles equal instructions at user level under -icount shift=0. */
TEST_F(armv8, cycles_equal_instructions)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t i1, i2, c1, c2;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	ASSERT_EQ(0, write_pmc(self->fd, CCNT, EXCL_EL1));
	ASSERT_EQ(0, write_pmd(self->fd, CCNT, 0));
	i1 = run(self->fd, 0, 0, 5000);
	c1 = read_pmd(self->fd, CCNT);
	ASSERT_EQ(0, write_pmd(self->fd, CCNT, 0));
	i2 = run(self->fd, 0, 0, 505000);
	c2 = read_pmd(self->fd, CCNT);
	TH_LOG("instructions %llu/%llu, cycles %llu/%llu", (unsigned long long)i1,
	       (unsigned long long)i2, (unsigned long long)c1, (unsigned long long)c2);
	EXPECT_EQ(1000000, i2 - i1);
	EXPECT_EQ(1000000, c2 - c1);
	EXPECT_EQ(i1, c1);
	EXPECT_EQ(i2, c2);
}

/* Reserved PMC bits are replaced by the default's: counting is unchanged. */
TEST_F(armv8, reserved_bits)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t plain, rsvd;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	plain = run(self->fd, 0, 0, 3000);
	/* NSK, NSU, NSH, M, high event bits, and bits 32-63 */
	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1 | 0x3c000000ULL |
			       0x00ff0000ULL | 0xdead000000000000ULL));
	rsvd = run(self->fd, 0, 0, 3000);
	EXPECT_EQ(plain, rsvd);
}

/* Two counters on the same event, and kernel-level counting adds to it. */
TEST_F(armv8, levels)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t user, all;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	ASSERT_EQ(0, write_pmc(self->fd, 1, INST_RETIRED));
	ASSERT_EQ(0, write_pmd(self->fd, 1, 0));
	user = run(self->fd, 0, 0, 20000);
	all = read_pmd(self->fd, 1);
	TH_LOG("user %llu, user+kernel %llu", (unsigned long long)user,
	       (unsigned long long)all);
	EXPECT_LE(40000, user);
	EXPECT_LT(user, all);
}

/* A 32-bit counter crossing 2^32 once: exact 64-bit result. */
TEST_F(armv8, wrap_once)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	const uint64_t start = (5ULL << 32) | 0xfffff000ULL;
	uint64_t ref, v;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	ref = run(self->fd, 0, 0, 100000);
	v = run(self->fd, 0, start, 100000);
	TH_LOG("from %#llx: %#llx", (unsigned long long)start, (unsigned long long)v);
	EXPECT_EQ(start + ref, v);
	EXPECT_EQ(6ULL, v >> 32);
}

/* Crossing 2^32 and 2^33: two wraps, one run. */
TEST_F(armv8, wrap_twice)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	const uint64_t start = 0xffffff00ULL;
	const uint64_t n = (1ULL << 31) + 1000;	/* 2^32 + 2000 instructions */
	uint64_t fixed, v;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	fixed = run(self->fd, 0, 0, 1000) - 2000;
	v = run(self->fd, 0, start, n);
	TH_LOG("from %#llx: %#llx", (unsigned long long)start, (unsigned long long)v);
	EXPECT_EQ(start + fixed + 2 * n, v);
	EXPECT_EQ(2ULL, v >> 32);
}

/*
 * A wrap whose interrupt may still be pending when the thread leaves the
 * CPU: the counter is about to wrap when the thread goes to sleep.
 */
TEST_F(armv8, wrap_at_switch_out)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t ref, v, start = 0xffffffffULL - 40;

	ASSERT_EQ(0, write_pmc(self->fd, 0, INST_RETIRED | EXCL_EL1));
	ASSERT_EQ(0, write_pmd(self->fd, 0, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	usleep(1000);
	ASSERT_EQ(0, pfm_stop(self->fd));
	ref = read_pmd(self->fd, 0);
	ASSERT_EQ(0, write_pmd(self->fd, 0, start));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	usleep(1000);
	ASSERT_EQ(0, pfm_stop(self->fd));
	v = read_pmd(self->fd, 0);
	TH_LOG("sleep costs %llu user instructions; from %#llx: %#llx",
	       (unsigned long long)ref, (unsigned long long)start, (unsigned long long)v);
	ASSERT_LT(40, ref);
	EXPECT_EQ(start + ref, v);
}

/*
 * Two processes on one CPU ping-pong through pipes, each counting its own
 * loop in its own context. Run twice with different loop sizes: each one's
 * difference is exactly its own loop's, so nothing leaks across switches.
 */
static uint64_t pingpong_side(int rfd, int wfd, int first, uint64_t n, int rounds)
{
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_ctx ctx = { 0 };
	uint64_t v;
	int fd, i;
	char c = 0;

	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	if (fd < 0 || pfm_load_context(fd, &load) ||
	    write_pmc(fd, 0, INST_RETIRED | EXCL_EL1) || pfm_start(fd, NULL))
		return ~0ULL;
	for (i = 0; i < rounds; i++) {
		if (!first && read(rfd, &c, 1) != 1)
			return ~0ULL;
		loop(n);
		if (write(wfd, &c, 1) != 1)
			return ~0ULL;
		if (first && read(rfd, &c, 1) != 1)
			return ~0ULL;
	}
	pfm_stop(fd);
	v = read_pmd(fd, 0);
	close(fd);
	return v;
}

static int pingpong(uint64_t na, uint64_t nb, int rounds, uint64_t *a, uint64_t *b)
{
	int ab[2], ba[2], res[2], status;
	pid_t pid;

	if (pipe(ab) || pipe(ba) || pipe(res))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		uint64_t v = pingpong_side(ab[0], ba[1], 0, nb, rounds);

		_exit(write(res[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	*a = pingpong_side(ba[0], ab[1], 1, na, rounds);
	if (read(res[0], b, sizeof(*b)) != sizeof(*b) || waitpid(pid, &status, 0) != pid)
		return -1;
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	close(res[0]);
	close(res[1]);
	return status;
}

TEST(pingpong_exact)
{
	uint64_t a1, b1, a2, b2;
	const int rounds = 50;
	char model[64];

	if (pfm_sysfs_read("pmu_desc/model", model, sizeof(model)) <= 0 ||
	    strcmp(model, "armv8_pmuv3\n"))
		SKIP(return, "the active PMU description is not armv8_pmuv3");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	ASSERT_EQ(0, pingpong(1000, 3000, rounds, &a1, &b1));
	ASSERT_EQ(0, pingpong(11000, 3500, rounds, &a2, &b2));
	TH_LOG("A %llu -> %llu, B %llu -> %llu", (unsigned long long)a1,
	       (unsigned long long)a2, (unsigned long long)b1, (unsigned long long)b2);
	EXPECT_EQ(2ULL * rounds * 10000, a2 - a1);
	EXPECT_EQ(2ULL * rounds * 500, b2 - b1);
}

TEST_HARNESS_MAIN
