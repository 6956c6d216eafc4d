// SPDX-License-Identifier: GPL-2.0
/*
 * Event sets: time-based multiplexing, overflow-based switching,
 * explicit-next chains and round robin, timeouts, and set views read
 * without system calls while the kernel switches sets.
 *
 * The counters are those of pfm_counter.h: user instructions or cycles
 * of pfm_loop() on the native Armv8 PMU (exact under -icount shift=0),
 * page faults of pfm_touch() on the perf_events PMU. With HZ=250 a timer
 * tick, and so the shortest switch timeout, is 4 ms.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

static int create_sets(int fd, const uint16_t *ids, int n, uint32_t flags,
		       const uint16_t *next, uint64_t timeout)
{
	struct pfarg_setdesc sd[8];
	int i;

	memset(sd, 0, sizeof(sd));
	for (i = 0; i < n; i++) {
		sd[i].set_id = ids[i];
		sd[i].set_flags = flags | (next ? PFM_SETFL_EXPL_NEXT : 0);
		sd[i].set_id_next = next ? next[i] : 0;
		sd[i].set_timeout = timeout;
	}
	return pfm_create_evtsets(fd, sd, n);
}

/* Count @c's events from -@start in PMD @pmd of @set, switching after @cnt overflows. */
static int write_counter(int fd, int pmd, uint16_t set, uint64_t start, uint64_t cnt)
{
	struct pfarg_pmd req = {
		.reg_num = pmd, .reg_set = set, .reg_value = -start,
		.reg_short_reset = -start, .reg_long_reset = -start,
		.reg_ovfl_switch_cnt = cnt,
	};

	return pfm_write_pmds(fd, &req, 1);
}

static uint64_t read_pmd(int fd, int pmd, uint16_t set)
{
	struct pfarg_pmd req = { .reg_num = pmd, .reg_set = set };

	if (pfm_read_pmds(fd, &req, 1))
		return ~0ULL;
	return req.reg_value;
}

static int set_info(int fd, uint16_t id, struct pfarg_setinfo *info)
{
	memset(info, 0, sizeof(*info));
	info->set_id = id;
	return pfm_getinfo_evtsets(fd, info, 1);
}

FIXTURE(sets) {
	const struct counter *c;	/* the counter of the active PMU */
	int fd;				/* self-monitoring context, unloaded */
};

FIXTURE_SETUP(sets)
{

	self->fd = -1;
	self->c = active_counter();
	if (!self->c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	self->fd = counter_context(PFM_FL_MAP_SETS);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(sets)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int load_self(int fd, uint16_t set)
{
	struct pfarg_load load = { .load_pid = gettid(), .load_set = set };

	return pfm_load_context(fd, &load);
}

/*
 * A steady workload of @scale hundredths of the multiplexing test's and
 * its exact event count: user instructions of pfm_loop(), or page faults
 * of 256-page rounds.
 */
static uint64_t steady_work(const struct counter *c, int scale)
{
	int i, rounds = 120 * scale / 100;

	if (c->pmd == CCNT) {
		pfm_loop(1000000ULL * scale);
		return 2000000ULL * scale;
	}
	for (i = 0; i < rounds; i++)
		c->burn(256);
	return rounds * 256;
}

/*
 * Two sets time-switched every tick count the same steady workload: each
 * one's count scaled by the total time over its own active time is within
 * 10% of the workload's count, and each ran more than once. A loaded
 * debug kernel needs more than the harness's default 30 s for it.
 */
TEST_F_TIMEOUT(sets, multiplex_accuracy, 120)
{
	const uint16_t ids[] = { 0, 1 };
	struct pfarg_setinfo info[2];
	uint64_t n, cnt[2], total, d;
	int i, other;

	if (_metadata->skip)
		return;
	other = self->c->other;
	ASSERT_EQ(0, create_sets(self->fd, ids, 2, PFM_SETFL_TIME_SWITCH, NULL, 1000000));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, self->c->program(self->fd, i));
		ASSERT_EQ(0, write_counter(self->fd, other, i, 0, 0));
	}
	ASSERT_EQ(0, load_self(self->fd, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	n = steady_work(self->c, 100);
	ASSERT_EQ(0, pfm_stop(self->fd));
	d = 0;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, set_info(self->fd, i, &info[i]));
		cnt[i] = read_pmd(self->fd, other, i);
		d += info[i].set_act_duration;
	}
	total = cnt[0] + cnt[1];
	for (i = 0; i < 2; i++) {
		double scaled = (double)cnt[i] * d / info[i].set_act_duration;

		TH_LOG("set %d: %llu events in %llu ns over %llu runs, scaled %.0f of %llu",
		       i, (unsigned long long)cnt[i],
		       (unsigned long long)info[i].set_act_duration,
		       (unsigned long long)info[i].set_runs, scaled, (unsigned long long)n);
		EXPECT_LT(1, info[i].set_runs);
		EXPECT_LT(0.9 * n, scaled);
		EXPECT_GT(1.1 * n, scaled);
	}
	/* every event was counted by exactly one set */
	EXPECT_GE(n + 1000, total);
	EXPECT_LE(n, total);
}

/*
 * Overflow switching: the set moves on at exactly the reg_ovfl_switch_cnt
 * -th overflow. The earlier ones have no switch due and mask monitoring
 * (no format), so they are restarted.
 */
TEST_F(sets, overflow_switch_count)
{
	const uint16_t ids[] = { 0, 1 };
	const struct counter *c = self->c;
	struct pfarg_setinfo info;
	struct pfarg_pmd pmd = { .reg_num = c->pmd };
	int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, create_sets(self->fd, ids, 2, PFM_SETFL_OVFL_SWITCH, NULL, 0));
	ASSERT_EQ(0, c->program(self->fd, 0));
	ASSERT_EQ(0, c->program(self->fd, 1));
	ASSERT_EQ(0, write_counter(self->fd, c->pmd, 0, c->period, 3));
	ASSERT_EQ(0, load_self(self->fd, 0));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	for (i = 0; i < 2; i++) {
		c->burn(2 * c->period);
		ASSERT_EQ(-1, pfm_start(self->fd, NULL)) TH_LOG("overflow %d did not mask", i + 1);
		ASSERT_EQ(0, pfm_read_pmds(self->fd, &pmd, 1));
		EXPECT_EQ(2 - i, pmd.reg_ovfl_switch_cnt);
		ASSERT_EQ(0, set_info(self->fd, 1, &info));
		EXPECT_EQ(0, info.set_runs);
		ASSERT_EQ(0, pfm_restart(self->fd));
	}
	c->burn(2 * c->period);
	/* the third overflow switched without masking */
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, pfm_stop(self->fd));
	ASSERT_EQ(0, set_info(self->fd, 1, &info));
	EXPECT_EQ(1, info.set_runs);
	ASSERT_EQ(0, set_info(self->fd, 0, &info));
	EXPECT_EQ(1, info.set_runs);
	EXPECT_EQ(1ULL << c->pmd, info.set_ovfl_pmds[0]);
	/* set 1 counted what followed the switch */
	EXPECT_LT(0, read_pmd(self->fd, c->other, 1));
}

/*
 * Switch at every overflow through a chain of sets; @next NULL means
 * round robin. After three overflows from set @ids[0], the runs of each
 * set must be @runs.
 */
static void follow_chain(struct __test_metadata *_metadata, const struct counter *c,
			 int fd, const uint16_t *ids, const uint16_t *next, int n,
			 const uint64_t *runs)
{
	struct pfarg_setinfo info;
	int i;

	ASSERT_EQ(0, create_sets(fd, ids, n, PFM_SETFL_OVFL_SWITCH, next, 0));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, c->program(fd, ids[i]));
		ASSERT_EQ(0, write_counter(fd, c->pmd, ids[i], c->period, 1));
	}
	ASSERT_EQ(0, load_self(fd, ids[0]));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	c->burn(3 * c->period + c->period / 2);
	ASSERT_EQ(0, pfm_stop(fd));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, set_info(fd, ids[i], &info));
		EXPECT_EQ(runs[i], info.set_runs) TH_LOG("set %u", ids[i]);
	}
}

TEST_F(sets, explicit_next_chain)
{
	/* 0 -> 5 -> 2 -> 0; set 1 is never visited */
	const uint16_t ids[] = { 0, 1, 2, 5 }, next[] = { 5, 0, 0, 2 };
	const uint64_t runs[] = { 2, 0, 1, 1 };

	if (_metadata->skip)
		return;
	follow_chain(_metadata, self->c, self->fd, ids, next, 4, runs);
}

TEST_F(sets, round_robin)
{
	/* by increasing id, wrapping: 0 -> 3 -> 9 -> 0 */
	const uint16_t ids[] = { 0, 3, 9 };
	const uint64_t runs[] = { 2, 1, 1 };

	if (_metadata->skip)
		return;
	follow_chain(_metadata, self->c, self->fd, ids, NULL, 3, runs);
}

/* A chain naming a missing set is refused at load, and nothing changes. */
TEST_F(sets, missing_next_refused_at_load)
{
	struct pfarg_setdesc sd = {
		.set_id = 3, .set_flags = PFM_SETFL_EXPL_NEXT, .set_id_next = 7,
	};

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(-1, load_self(self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	sd.set_id = 7;
	sd.set_flags = 0;
	ASSERT_EQ(0, pfm_create_evtsets(self->fd, &sd, 1));
	ASSERT_EQ(0, load_self(self->fd, 3));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, pfm_stop(self->fd));
}

/* Effective timeouts: whole ticks, at least what was asked; 0 and absurd refused. */
TEST_F(sets, timeouts)
{
	struct pfarg_setdesc sd = { .set_id = 1, .set_flags = PFM_SETFL_TIME_SWITCH };
	const uint64_t tick = 1000000000ULL / 250;
	struct pfarg_setinfo info;
	uint64_t asked[] = { 1, 1000000, tick, tick + 1, 1000000000ULL };
	unsigned int i;

	if (_metadata->skip)
		return;
	for (i = 0; i < ARRAY_SIZE(asked); i++) {
		sd.set_timeout = asked[i];
		ASSERT_EQ(0, pfm_create_evtsets(self->fd, &sd, 1));
		EXPECT_LE(asked[i], sd.set_timeout);
		EXPECT_GT(asked[i] + tick, sd.set_timeout);
		EXPECT_EQ(0, sd.set_timeout % tick);
	}
	ASSERT_EQ(0, set_info(self->fd, 1, &info));
	EXPECT_EQ(1000000000ULL, info.set_timeout);
	sd.set_timeout = ~0ULL;
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(PFM_REG_RETFL_EINVAL | PFM_SETFL_TIME_SWITCH, sd.set_flags);
	sd.set_timeout = 0;
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EINVAL, errno);
	/* the failed redefinitions left set 1 as it was */
	ASSERT_EQ(0, set_info(self->fd, 1, &info));
	EXPECT_EQ(1000000000ULL, info.set_timeout);
	/* while it runs, the active set's timeout counts down */
	ASSERT_EQ(0, load_self(self->fd, 1));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	self->c->burn(self->c->period);
	ASSERT_EQ(0, pfm_stop(self->fd));
	ASSERT_EQ(0, set_info(self->fd, 1, &info));
	EXPECT_GT(1000000000ULL, info.set_timeout);
	EXPECT_LT(0, info.set_timeout);
	ASSERT_EQ(0, set_info(self->fd, 0, &info));
	EXPECT_EQ(0, info.set_timeout);
}

/* Sets are created and deleted only while unloaded; the context survives. */
TEST_F(sets, no_set_changes_while_loaded)
{
	struct pfarg_setdesc sd = { .set_id = 4 };

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, pfm_create_evtsets(self->fd, &sd, 1));
	ASSERT_EQ(0, self->c->program(self->fd, 4));
	ASSERT_EQ(0, load_self(self->fd, 4));
	EXPECT_EQ(-1, pfm_delete_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, pfm_create_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	self->c->burn(self->c->period);
	ASSERT_EQ(0, pfm_stop(self->fd));
	EXPECT_LE(self->c->period, read_pmd(self->fd, self->c->other, 4));
	ASSERT_EQ(0, pfm_unload_context(self->fd));
	/* unloaded, the set that was active may go */
	EXPECT_EQ(0, pfm_delete_evtsets(self->fd, &sd, 1));
	EXPECT_EQ(-1, load_self(self->fd, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, load_self(self->fd, 0));
}

static void *map_view(int fd, uint64_t offset, int prot, size_t len)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, offset);
}

/* Mapping rules: read-only, one page, an existing set, MAP_SETS only. */
TEST_F(sets, view_mapping_errors)
{
	long page = sysconf(_SC_PAGESIZE);
	struct pfarg_ctx plain = { 0 };
	struct pfarg_setinfo info;
	void *v;
	int fd;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, set_info(self->fd, 0, &info));
	EXPECT_EQ((uint64_t)PFM_SET_REMAP_OFFS * page, info.set_mmap_offset);
	EXPECT_EQ(MAP_FAILED, map_view(self->fd, info.set_mmap_offset,
				       PROT_READ | PROT_WRITE, page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map_view(self->fd, info.set_mmap_offset, PROT_READ, 2 * page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map_view(self->fd, info.set_mmap_offset + page, PROT_READ, page));
	EXPECT_EQ(EINVAL, errno);
	v = map_view(self->fd, info.set_mmap_offset, PROT_READ, page);
	ASSERT_NE(MAP_FAILED, v);
	EXPECT_EQ(-1, mprotect(v, page, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(v, page);
	/* a private mapping shows the same page, still read-only */
	v = mmap(NULL, page, PROT_READ, MAP_PRIVATE, self->fd, info.set_mmap_offset);
	ASSERT_NE(MAP_FAILED, v);
	EXPECT_EQ(-1, mprotect(v, page, PROT_READ | PROT_WRITE));
	munmap(v, page);
	fd = pfm_create_context(&plain, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_info(fd, 0, &info));
	EXPECT_EQ(0, info.set_mmap_offset);
	EXPECT_EQ(MAP_FAILED, map_view(fd, (uint64_t)PFM_SET_REMAP_OFFS * page, PROT_READ, page));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/*
 * The lock order of view mappings (found by pfm_bench on the x86_64
 * debug kernel): mapping a view took the context's mutex under
 * mmap_lock, while a PMC write on a loaded context takes perf's context
 * mutex under the context's mutex (the perf_events description creates
 * the counter's event again), and perf's read() copies to user space,
 * which may take mmap_lock, under that perf mutex. Each step below makes
 * lockdep see one of the three orders; on the debug kernels a report
 * fails the run.
 */
TEST_F(sets, view_mmap_lock_order)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr), .type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_PAGE_FAULTS,
	};
	long page = sysconf(_SC_PAGESIZE);
	struct pfarg_setinfo info;
	uint64_t count;
	void *v;
	int pfd;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, self->c->program(self->fd, 0));
	ASSERT_EQ(0, load_self(self->fd, 0));
	ASSERT_EQ(0, set_info(self->fd, 0, &info));
	v = map_view(self->fd, info.set_mmap_offset, PROT_READ, page);
	ASSERT_NE(MAP_FAILED, v);
	ASSERT_EQ(0, self->c->program(self->fd, 0));
	pfd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	ASSERT_LE(0, pfd);
	EXPECT_EQ(sizeof(count), read(pfd, &count, sizeof(count)));
	close(pfd);
	munmap(v, page);
}

/**
 * struct hammer - a thread reading set views while the kernel switches
 * @views: the mapped views of sets 0 and 1
 * @stop: set by the main thread to end the reads
 * @reads: consistent copies made
 * @errors: copies whose runs or PMD values went backwards
 */
struct hammer {
	const struct pfm_set_view	*views[2];
	int				stop;
	unsigned long			reads;
	unsigned long			errors;
};

static void *hammer_views(void *arg)
{
	struct hammer *h = arg;
	struct pfm_set_view last[2], cur;
	int i, k;

	memset(last, 0, sizeof(last));
	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 2; i++) {
			pfmon_view_read(h->views[i], &cur);
			if (cur.set_runs < last[i].set_runs)
				h->errors++;
			for (k = 0; k < 32; k++)
				if (cur.set_pmds[k] < last[i].set_pmds[k])
					h->errors++;
			last[i] = cur;
			h->reads++;
		}
	}
	return NULL;
}

/*
 * A reader hammers the views of two time-switched sets while they count:
 * no copy ever goes backwards, and once stopped the views hold exactly
 * what the system calls report.
 */
TEST_F(sets, views_under_switching)
{
	const uint16_t ids[] = { 0, 1 };
	long page = sysconf(_SC_PAGESIZE);
	struct hammer h = { .stop = 0 };
	struct pfarg_setinfo info;
	struct pfm_set_view v;
	pthread_attr_t attr;
	pthread_t reader;
	cpu_set_t cpus;
	void *maps[2];
	int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, create_sets(self->fd, ids, 2, PFM_SETFL_TIME_SWITCH, NULL, 1));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, self->c->program(self->fd, i));
		ASSERT_EQ(0, set_info(self->fd, i, &info));
		maps[i] = map_view(self->fd, info.set_mmap_offset, PROT_READ, page);
		ASSERT_NE(MAP_FAILED, maps[i]);
		h.views[i] = maps[i];
	}
	ASSERT_EQ(0, load_self(self->fd, 0));
	pfmon_view_read(h.views[0], &v);
	EXPECT_EQ(PFM_SETVFL_ACTIVE, v.set_status);
	EXPECT_EQ(1, v.set_runs);
	/* the reader gets a CPU of its own when there is one */
	ASSERT_EQ(0, pthread_attr_init(&attr));
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		CPU_ZERO(&cpus);
		CPU_SET(1, &cpus);
		ASSERT_EQ(0, pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus));
	}
	ASSERT_EQ(0, pthread_create(&reader, &attr, hammer_views, &h));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	steady_work(self->c, 40);
	ASSERT_EQ(0, pfm_stop(self->fd));
	__atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(reader, NULL));
	TH_LOG("%lu consistent copies", h.reads);
	EXPECT_EQ(0, h.errors);
	EXPECT_LT(0, h.reads);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, set_info(self->fd, i, &info));
		pfmon_view_read(h.views[i], &v);
		EXPECT_LT(1, v.set_runs);
		EXPECT_EQ(info.set_runs, v.set_runs);
		EXPECT_EQ(read_pmd(self->fd, self->c->other, i), v.set_pmds[self->c->other]);
		EXPECT_EQ(read_pmd(self->fd, self->c->pmd, i), v.set_pmds[self->c->pmd]);
	}
	/* exactly one set is active while loaded, none once unloaded */
	EXPECT_EQ(PFM_SETVFL_ACTIVE, (h.views[0]->set_status ^ h.views[1]->set_status));
	ASSERT_EQ(0, pfm_unload_context(self->fd));
	EXPECT_EQ(0, h.views[0]->set_status | h.views[1]->set_status);
	/* the pages outlive the context, with their last contents */
	close(self->fd);
	self->fd = -1;
	pfmon_view_read(h.views[1], &v);
	EXPECT_EQ(info.set_runs, v.set_runs);
	munmap(maps[0], page);
	munmap(maps[1], page);
}

TEST_HARNESS_MAIN
