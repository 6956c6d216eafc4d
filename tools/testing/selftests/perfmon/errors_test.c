// SPDX-License-Identifier: GPL-2.0
/*
 * Error paths of the system calls, in the order the ABI checks them:
 * argument counts, descriptors, sizes, pointers, states, registers and
 * their error bits, privileges and groups. After each error the context
 * must still work.
 */
#include <grp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "abi_layout.h"
#include "perfmon_util.h"

#define BAD_PTR ((void *)16)

FIXTURE(err) {
	int fd;		/* an unloaded context */
};

FIXTURE_SETUP(err)
{
	struct pfarg_ctx ctx = { 0 };

	if (access(PFM_SYSFS, F_OK))
		SKIP(return, "kernel without CONFIG_PERFMON");
	self->fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(err)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Set 0's implemented registers, from pfm_getinfo_evtsets(). */
static int avail_regs(int fd, uint64_t *pmcs, uint64_t *pmds)
{
	struct pfarg_setinfo si = { .set_id = 0 };

	if (pfm_getinfo_evtsets(fd, &si, 1))
		return -1;
	memcpy(pmcs, si.set_avail_pmcs, sizeof(si.set_avail_pmcs));
	memcpy(pmds, si.set_avail_pmds, sizeof(si.set_avail_pmds));
	return 0;
}

/* The lowest register index with bit state @set in @bv (or -1). */
static int find_reg(const uint64_t *bv, int set)
{
	int i;

	for (i = 0; i < 64 * PFM_PMD_BV; i++)
		if (!!(bv[i / 64] & (1ULL << (i % 64))) == set)
			return i;
	return -1;
}

/* The default value of PMC @n, which is always a valid value. */
static uint64_t pmc_default(int n)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "pmu_desc/pmc%d/dfl_val", n);
	if (pfm_sysfs_read(path, buf, sizeof(buf)) <= 0)
		return 0;
	return strtoull(buf, NULL, 16);
}

/* The context works: a PMD round trip. */
static int works(int fd)
{
	struct pfarg_pmd pmd = { .reg_num = 0, .reg_value = 42 };

	if (pfm_write_pmds(fd, &pmd, 1))
		return 0;
	pmd.reg_value = 0;
	return !pfm_read_pmds(fd, &pmd, 1) && pmd.reg_value == 42;
}

TEST_F(err, create_context)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_ctx ctx = { .ctx_flags = PFM_FL_SYSTEM_WIDE | PFM_FL_NOTIFY_BLOCK };
	char arg[64] = { 0 };

	EXPECT_EQ(-1, pfm_create_context(NULL, NULL, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pfm_create_context(BAD_PTR, NULL, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, NULL, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	ctx.ctx_flags = 0;
	EXPECT_EQ(-1, pfm_create_context(&ctx, "no-such-format", arg, sizeof(arg)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_create_context(&ctx, BAD_PTR, arg, sizeof(arg)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	EXPECT_TRUE(works(self->fd));
}

/* EBADF for a closed descriptor and for one that is not a context. */
TEST_F(err, bad_descriptors)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_pmd pmd = { 0 };
	struct pfarg_load load = { .load_pid = gettid() };
	int devnull = open("/dev/null", O_RDWR);
	int bad[] = { -1, 1000, devnull };
	unsigned int i;

	ASSERT_LE(0, devnull);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int fd = bad[i];

		TH_LOG("fd %d", fd);
		errno = 0;
		EXPECT_EQ(-1, pfm_write_pmds(fd, &pmd, 1));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_read_pmds(fd, &pmd, 1));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_load_context(fd, &load));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_start(fd, NULL));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_stop(fd));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_restart(fd));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_unload_context(fd));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(-1, pfm_getinfo_evtsets(fd, NULL, 0));
		EXPECT_EQ(EBADF, errno);
	}
	close(devnull);
}

/* Checks 1, 2, 4, 5 and 7: counts, unreadable arguments, sizes. */
TEST_F(err, arguments)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	static struct pfarg_setdesc sd[65];
	static struct pfarg_pmc pmcs[86];
	uint64_t apmcs[PFM_PMC_BV], apmds[PFM_PMD_BV];
	struct pfarg_pmd pmd = { 0 };
	unsigned int i;
	int pmc;

	/* count checks come before the descriptor */
	EXPECT_EQ(-1, pfm_write_pmcs(-1, pmcs, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_write_pmds(self->fd, &pmd, INT32_MAX / 176));
	EXPECT_EQ(EINVAL, errno);
	/* so does an unreadable pfm_load_context argument */
	EXPECT_EQ(-1, pfm_load_context(-1, BAD_PTR));
	EXPECT_EQ(EFAULT, errno);
	/* pfm_start's argument is read after the descriptor */
	EXPECT_EQ(-1, pfm_start(-1, BAD_PTR));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, pfm_start(self->fd, BAD_PTR));
	EXPECT_EQ(EFAULT, errno);
	/* unreadable vectors */
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, NULL, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pfm_read_pmds(self->fd, BAD_PTR, 2));
	EXPECT_EQ(EFAULT, errno);
	/* count 0 is a no-op, even with NULL */
	EXPECT_EQ(0, pfm_write_pmcs(self->fd, NULL, 0));
	EXPECT_EQ(0, pfm_read_pmds(self->fd, NULL, 0));
	/* 85 pfarg_pmc fit in one page, 86 do not */
	ASSERT_EQ(0, avail_regs(self->fd, apmcs, apmds));
	pmc = find_reg(apmcs, 1);
	ASSERT_LE(0, pmc);
	for (i = 0; i < ARRAY_SIZE(pmcs); i++) {
		pmcs[i].reg_num = pmc;
		pmcs[i].reg_value = pmc_default(pmc);
	}
	EXPECT_EQ(0, pfm_write_pmcs(self->fd, pmcs, 85));
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, pmcs, 86));
	EXPECT_EQ(E2BIG, errno);
	/* a larger arg_mem_max admits it */
	ASSERT_EQ(0, pfmon_sysfs_write("arg_mem_max", "8192\n"));
	EXPECT_EQ(0, pfm_write_pmcs(self->fd, pmcs, 86));
	ASSERT_EQ(0, pfmon_sysfs_write("arg_mem_max", "4096\n"));
	/* the sets calls have no fast path: 65 pfarg_setdesc are E2BIG */
	EXPECT_EQ(-1, pfm_delete_evtsets(self->fd, sd, 65));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_TRUE(works(self->fd));
}

/* Register indexes and sets: one error bit on the failing entry only. */
TEST_F(err, register_errors)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t apmcs[PFM_PMC_BV], apmds[PFM_PMD_BV];
	struct pfarg_pmc pmc[3];
	struct pfarg_pmd pmd[3];
	int good_pmc, good_pmd, bad_pmd;

	ASSERT_EQ(0, avail_regs(self->fd, apmcs, apmds));
	good_pmc = find_reg(apmcs, 1);
	good_pmd = find_reg(apmds, 1);
	bad_pmd = find_reg(apmds, 0);
	ASSERT_LE(0, good_pmc);
	ASSERT_LE(0, good_pmd);
	ASSERT_LT(0, bad_pmd);
	ASSERT_GT(64, bad_pmd);
	memset(pmc, 0, sizeof(pmc));
	pmc[0].reg_num = good_pmc;
	pmc[0].reg_value = pmc_default(good_pmc);
	pmc[0].reg_flags = 0xff000000;		/* ignored on input */
	pmc[1].reg_num = 400;			/* beyond 320 */
	pmc[2].reg_num = good_pmc;
	pmc[2].reg_flags = 0x12;
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, pmc, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, pmc[0].reg_flags);
	EXPECT_EQ(PFM_REG_RETFL_NOTAVAIL, pmc[1].reg_flags);
	EXPECT_EQ(0x12, pmc[2].reg_flags);	/* not processed, unchanged */

	pmc[0].reg_num = 100;			/* not implemented */
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, pmc, 1));
	EXPECT_EQ(PFM_REG_RETFL_NOTAVAIL, pmc[0].reg_flags);
	pmc[0].reg_num = good_pmc;
	pmc[0].reg_set = 5;			/* no such set */
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, pmc, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PFM_REG_RETFL_NOSET, pmc[0].reg_flags);
	pmc[0].reg_set = 0;
	pmc[0].reg_flags = PFM_REGFL_NO_EMUL64;	/* not supported here */
	EXPECT_EQ(-1, pfm_write_pmcs(self->fd, pmc, 1));
	EXPECT_EQ(PFM_REG_RETFL_EINVAL | PFM_REGFL_NO_EMUL64, pmc[0].reg_flags);

	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_num = bad_pmd;		/* not implemented */
	EXPECT_EQ(-1, pfm_read_pmds(self->fd, pmd, 1));
	EXPECT_EQ(PFM_REG_RETFL_NOTAVAIL, pmd[0].reg_flags);
	pmd[0].reg_num = good_pmd;
	pmd[0].reg_smpl_pmds[0] = 1ULL << bad_pmd;
	EXPECT_EQ(-1, pfm_write_pmds(self->fd, pmd, 1));
	EXPECT_EQ(PFM_REG_RETFL_EINVAL, pmd[0].reg_flags);
	pmd[0].reg_smpl_pmds[0] = 0;
	pmd[0].reg_reset_pmds[4] = 1;		/* PMD 256 */
	pmd[0].reg_flags = 0;
	EXPECT_EQ(-1, pfm_write_pmds(self->fd, pmd, 1));
	EXPECT_EQ(PFM_REG_RETFL_EINVAL, pmd[0].reg_flags);
	pmd[0].reg_reset_pmds[4] = 0;
	pmd[0].reg_flags = 0x100;		/* undefined flag */
	EXPECT_EQ(-1, pfm_write_pmds(self->fd, pmd, 1));
	EXPECT_EQ(PFM_REG_RETFL_EINVAL | 0x100, pmd[0].reg_flags);
	pmd[0].reg_flags = PFM_REGFL_OVFL_NOTIFY | PFM_REGFL_RANDOM;
	memcpy(pmd[0].reg_smpl_pmds, apmds, sizeof(apmds));
	memcpy(pmd[0].reg_reset_pmds, apmds, sizeof(apmds));
	EXPECT_EQ(0, pfm_write_pmds(self->fd, pmd, 1));
	EXPECT_EQ(PFM_REGFL_OVFL_NOTIFY | PFM_REGFL_RANDOM, pmd[0].reg_flags);
	EXPECT_TRUE(works(self->fd));
}

/* Fill @n entries with 0xa5 and make them read PMD @num of set 0. */
static void fill_reads(struct pfarg_pmd *v, int n, int num)
{
	int i;

	memset(v, 0xa5, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].reg_num = num;
		v[i].reg_set = 0;
		v[i].reg_flags = 0;
	}
}

/* Bytes 48..175 of @e (reg_reset_pmds onwards) still hold 0xa5. */
static int tail_kept(const struct pfarg_pmd *e)
{
	const unsigned char *b = (const void *)e;
	size_t i;

	for (i = offsetof(struct pfarg_pmd, reg_reset_pmds); i < sizeof(*e); i++)
		if (b[i] != 0xa5)
			return 0;
	return 1;
}

/*
 * pfm_read_pmds() returns only the first 48 bytes of an entry; the rest
 * comes back unchanged, and the whole vector must still be readable and
 * writable: a vector whose last bytes lie in an unmapped or read-only
 * page fails with EFAULT, on the stack-copied path (up to 4 entries) and
 * on the allocated one.
 */
TEST_F(err, read_vector_pages)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	uint64_t apmcs[PFM_PMC_BV], apmds[PFM_PMD_BV];
	struct pfarg_pmd pmd = { .reg_num = 0, .reg_value = 42 };
	long page = sysconf(_SC_PAGESIZE);
	static const int counts[] = { 1, 2, 6 };
	struct pfarg_pmd *v;
	unsigned char *map;
	unsigned int c;
	int i, n, bad_pmd;

	ASSERT_EQ(0, avail_regs(self->fd, apmcs, apmds));
	bad_pmd = find_reg(apmds, 0);
	ASSERT_LT(0, bad_pmd);
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &pmd, 1));
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		n = counts[c];
		/* the last entry's first 64 bytes end the first page */
		v = (void *)(map + page + 64 - n * (long)sizeof(*v));
		TH_LOG("%d entries", n);
		ASSERT_EQ(0, mprotect(map + page, page, PROT_READ | PROT_WRITE));
		fill_reads(v, n, 0);
		ASSERT_EQ(0, pfm_read_pmds(self->fd, v, n));
		for (i = 0; i < n; i++) {
			EXPECT_EQ(42, v[i].reg_value);
			EXPECT_EQ(42, v[i].reg_last_reset_val);
			EXPECT_EQ(0, v[i].reg_flags);
			EXPECT_TRUE(tail_kept(&v[i]));
		}
		/* a failing entry: it and the later ones keep their other bytes */
		fill_reads(v, n, 0);
		v[0].reg_num = bad_pmd;
		EXPECT_EQ(-1, pfm_read_pmds(self->fd, v, n));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(PFM_REG_RETFL_NOTAVAIL, v[0].reg_flags);
		EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, v[0].reg_value);
		for (i = 0; i < n; i++)
			EXPECT_TRUE(tail_kept(&v[i]));
		if (n > 1)
			EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, v[n - 1].reg_value);
		/* the last 112 bytes unreadable, then read-only */
		fill_reads(v, n, 0);
		ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
		EXPECT_EQ(-1, pfm_read_pmds(self->fd, v, n));
		EXPECT_EQ(EFAULT, errno);
		ASSERT_EQ(0, mprotect(map + page, page, PROT_READ));
		EXPECT_EQ(-1, pfm_read_pmds(self->fd, v, n));
		EXPECT_EQ(EFAULT, errno);
	}
	/* the second entry wholly in an unmapped page */
	v = (void *)(map + page - sizeof(*v));
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	fill_reads(v, 1, 0);
	EXPECT_EQ(-1, pfm_read_pmds(self->fd, v, 2));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, pfm_read_pmds(self->fd, v, 1));
	EXPECT_EQ(42, v->reg_value);
	munmap(map, 2 * page);
	EXPECT_TRUE(works(self->fd));
}

/* Reserved PMC bits are replaced by the default, not refused. */
TEST_F(err, reserved_bits)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_pmc pmc = { .reg_num = 0 };

	if (!pfm_pmu_is_perf())
		SKIP(return, "the reserved bits checked are the perf PMU's");
	pmc.reg_value = 0x7ffffff000000000ULL;	/* every reserved bit */
	EXPECT_EQ(0, pfm_write_pmcs(self->fd, &pmc, 1));
	EXPECT_EQ(0, pmc.reg_flags);
	EXPECT_TRUE(works(self->fd));
}

/* Calls in the wrong state. */
TEST_F(err, states)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_setdesc sd = { .set_id = 0 };

	EXPECT_EQ(-1, pfm_start(self->fd, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_stop(self->fd));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pfm_restart(self->fd));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, pfm_unload_context(self->fd));	/* no-op in U */
	load.load_set = 3;
	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(EINVAL, errno);
	load.load_set = 0;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, pfm_delete_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, pfm_restart(self->fd));	/* L without a format */
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, pfm_start(self->fd, NULL));
	EXPECT_EQ(0, pfm_start(self->fd, NULL));	/* start while started */
	EXPECT_EQ(0, pfm_stop(self->fd));
	EXPECT_TRUE(works(self->fd));
	EXPECT_EQ(0, pfm_unload_context(self->fd));
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* Set 0 through the set calls. */
TEST_F(err, set0)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_setdesc sd = { .set_id = 0 };
	struct pfarg_setinfo si = { .set_id = 0 };

	EXPECT_EQ(0, pfm_getinfo_evtsets(self->fd, &si, 1));
	EXPECT_EQ(0, si.set_runs);
	EXPECT_EQ(0, si.set_timeout);
	EXPECT_EQ(0, si.set_mmap_offset);
	if (pfm_pmu_is_perf()) {
		EXPECT_EQ(0xffffffULL, si.set_avail_pmcs[0]);
		EXPECT_EQ(0xffULL, si.set_avail_pmds[0]);
	}
	EXPECT_EQ(-1, pfm_delete_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PFM_REG_RETFL_EINVAL, sd.set_flags);
	sd.set_flags = PFM_SETFL_TIME_SWITCH | PFM_SETFL_OVFL_SWITCH;
	sd.set_timeout = 1000000;
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PFM_REG_RETFL_EINVAL | PFM_SETFL_TIME_SWITCH | PFM_SETFL_OVFL_SWITCH,
		  sd.set_flags);
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	sd.set_timeout = 0;
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EINVAL, errno);
	/* a redefinition of set 0: the timeout is rounded up to ticks */
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	sd.set_timeout = 1;
	EXPECT_EQ(0, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(PFM_SETFL_TIME_SWITCH, sd.set_flags);
	EXPECT_LT(1, sd.set_timeout);
	EXPECT_EQ(0, 1000000000ULL % sd.set_timeout);
	si.set_id = 0;
	EXPECT_EQ(0, pfm_getinfo_evtsets(self->fd, &si, 1));
	EXPECT_EQ(sd.set_timeout, si.set_timeout);
	si.set_id = 9;
	si.set_flags = 0;
	EXPECT_EQ(-1, pfm_getinfo_evtsets(self->fd, &si, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PFM_REG_RETFL_EINVAL, si.set_flags);
	EXPECT_TRUE(works(self->fd));
}

/* File operations other than read/poll are refused. */
TEST_F(err, file_operations)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char buf[64], path[64];

	EXPECT_EQ(-1, write(self->fd, buf, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, read(self->fd, buf, 55));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->fd, buf, 56));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->fd);
	EXPECT_EQ(-1, open(path, O_RDONLY));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_TRUE(works(self->fd));
}

/* Run @fn as uid/gid 65534 in a child; return its exit status. */
static int as_nobody(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int nobody_kernel_counting(void)
{
	struct pfarg_ctx ctx = { 0 };
	struct pfarg_pmc pmc[2];
	int fd = pfm_create_context(&ctx, NULL, NULL, 0);

	if (fd < 0)
		return 10;
	pfm_perf_event(pmc, 0, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0);
	if (pfm_write_pmcs(fd, pmc, 2) == 0)
		return 0;
	if (errno == EPERM && pmc[0].reg_flags == PFM_REG_RETFL_EINVAL)
		return 1;
	return 11;
}

static int nobody_create(void)
{
	struct pfarg_ctx ctx = { 0 };
	int fd = pfm_create_context(&ctx, NULL, NULL, 0);

	if (fd >= 0)
		return 0;
	return errno == EPERM ? 1 : 11;
}

/* Kernel-level counting follows perf_event_paranoid: 2 refuses, 1 allows. */
TEST_F(err, kernel_counting_policy)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char old[16] = "2\n";
	int fd = open("/proc/sys/kernel/perf_event_paranoid", O_RDONLY);
	ssize_t n;

	if (!pfm_pmu_is_perf())
		SKIP(return, "the kernel bit checked is the perf PMU's");
	ASSERT_LE(0, fd);
	n = read(fd, old, sizeof(old) - 1);
	ASSERT_LT(0, n);
	old[n] = 0;
	close(fd);
	pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", "2\n");
	EXPECT_EQ(1, as_nobody(nobody_kernel_counting));
	pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", "1\n");
	EXPECT_EQ(0, as_nobody(nobody_kernel_counting));
	pfmon_write_file("/proc/sys/kernel/perf_event_paranoid", old);
	/* root (CAP_PERFMON) may at any level */
	EXPECT_EQ(0, nobody_kernel_counting());
}

/* task_group restricts who creates contexts; -1 lets everybody again. */
TEST_F(err, task_group)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	ASSERT_EQ(0, pfmon_sysfs_write("task_group", "12345\n"));
	EXPECT_EQ(1, as_nobody(nobody_create));
	EXPECT_EQ(1, nobody_create());		/* root is not in it either */
	ASSERT_EQ(0, pfmon_sysfs_write("task_group", "65534\n"));
	EXPECT_EQ(0, as_nobody(nobody_create));
	ASSERT_EQ(0, pfmon_sysfs_write("task_group", "-1\n"));
	EXPECT_EQ(0, nobody_create());
	EXPECT_TRUE(works(self->fd));
}

/* 1000 contexts loaded and closed leave the session counts unchanged. */
TEST_F(err, thousand_contexts)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_ctx ctx = { 0 };
	long task0 = pfm_sysfs_long("task_sessions_count");
	long sys0 = pfm_sysfs_long("sys_sessions_count");
	int i, fd;

	for (i = 0; i < 1000; i++) {
		fd = pfm_create_context(&ctx, NULL, NULL, 0);
		ASSERT_LE(0, fd);
		if (i % 2)
			ASSERT_EQ(0, pfm_load_context(fd, &load));
		ASSERT_EQ(0, close(fd));
	}
	EXPECT_EQ(task0, pfm_sysfs_long("task_sessions_count"));
	EXPECT_EQ(sys0, pfm_sysfs_long("sys_sessions_count"));
}

TEST_HARNESS_MAIN
