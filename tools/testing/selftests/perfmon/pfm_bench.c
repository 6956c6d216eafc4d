// SPDX-License-Identifier: GPL-2.0
/*
 * What perfmon2's operations cost next to perf_events doing the same work
 * on the same events, in the same kernel:
 *
 *   read            pfm_read_pmds() of 1 and of 4 counters (and of none:
 *                   the call's own cost), one value of a set view (no
 *                   system call), read() of one perf event and of a
 *                   4-event group; baselines: a null system call
 *                   (getppid) and a memory read
 *   start_stop      pfm_start() + pfm_stop() against
 *                   PERF_EVENT_IOC_ENABLE + DISABLE (of the group for 4)
 *   context_switch  two threads ping-ponging a byte over pipes on one
 *                   CPU: unmonitored, each thread with its own perfmon
 *                   context (1 and 4 counters), each with its own perf
 *                   events (1 and 4)
 *   sampling        a workload unmonitored, then sampled at the same
 *                   period by the default format and by perf's ring
 *                   buffer (sample ip, tid, time, cpu, period)
 *   session         create + write PMCs and PMDs + load + start + stop +
 *                   unload + close against perf_event_open() of the same
 *                   events + enable + disable + close
 *
 * Events: where the Armv8 PMU is perfmon's (armv8_pmuv3) or perf's (raw
 * events open), CPU_CYCLES, INST_RETIRED twice and SW_INCR, user level;
 * sampling on user cycles of a busy loop. Otherwise (x86 under TCG has
 * no PMU) the software events context-switches, page-faults,
 * minor-faults and cpu-migrations, all levels (a context switch is a
 * kernel-level event), through the perf_events description; sampling
 * on user page faults of fresh pages. A side whose events cannot be
 * programmed in this kernel is skipped, and says so.
 *
 * Every measurement prints "# @@BENCH TEST NAME NS OPS": NS is the median
 * over 5 timed runs of OPS operations, in nanoseconds per operation;
 * under QEMU's -icount shift=0 a nanosecond is one executed instruction.
 * scripts/bench.py turns the lines into tables. PFM_BENCH_SCALE (1 by
 * default: the smoke run of make test) multiplies OPS. The checks are on
 * what the operations did (values read, switches and samples counted),
 * not on their cost.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/perfmon_dfl_smpl.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_workload.h"

#define RUNS		5
#define NEV		4
#define EXCL_EL1	(1ULL << 31)
#define ARMV8_CCNT	31
#define SMPL_PERIOD_CYCLES	20000
#define BENCH_TIMEOUT	1800

/* The events of both sides, and which sides this kernel has. */
static struct bench_env {
	int		pfm;		/* a perfmon PMU description is active */
	int		native;		/* ... and it is armv8_pmuv3 */
	int		armv8;		/* the events are the Armv8 PMU's */
	int		perf;		/* perf_event_open() takes them */
	int		icount;		/* the guest's clock counts instructions */
	uint32_t	type;		/* their perf type */
	uint64_t	config[NEV];
	long		scale;
} env;

static const uint64_t armv8_events[NEV] = { 0x11, 0x08, 0x08, 0x00 };
static const uint64_t sw_events[NEV] = {
	PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_PAGE_FAULTS,
	PERF_COUNT_SW_PAGE_FAULTS_MIN, PERF_COUNT_SW_CPU_MIGRATIONS,
};

/* Where the measured operations' results go (not static: the stores stay). */
uint64_t sink;
static uint64_t memory_word = 1;
static int op_errors;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static void perf_attr(struct perf_event_attr *attr, int i)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = env.type;
	attr->config = env.config[i];
	attr->exclude_kernel = env.armv8;
	attr->exclude_hv = 1;
}

static int perf_open(struct perf_event_attr *attr, int group)
{
	return syscall(SYS_perf_event_open, attr, 0, -1, group, 0);
}

static int perf_takes(uint32_t type, uint64_t config)
{
	struct perf_event_attr attr;
	int fd;

	env.type = type;
	env.config[0] = config;
	perf_attr(&attr, 0);
	fd = perf_open(&attr, -1);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Is @word one of the kernel command line's words? */
static int on_cmdline(const char *word)
{
	char line[4096], *w, *save;
	FILE *f = fopen("/proc/cmdline", "r");
	int found = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		for (w = strtok_r(line, "\n ", &save); w && !found;
		     w = strtok_r(NULL, "\n ", &save))
			found = !strcmp(w, word);
	fclose(f);
	return found;
}

static void bench_env_init(void)
{
	char model[64] = "";
	const char *s = getenv("PFM_BENCH_SCALE");

	env.scale = s ? strtol(s, NULL, 10) : 1;
	if (env.scale < 1)
		env.scale = 1;
	env.icount = on_cmdline("pfm.icount=1");
	env.pfm = pfm_sysfs_read("pmu_desc/model", model, sizeof(model)) > 0;
	env.native = !strcmp(model, "armv8_pmuv3\n");
	if (env.pfm && !env.native && strcmp(model, "perf_events\n"))
		env.pfm = 0;
#if defined(__aarch64__)
	/* a raw event number means an Armv8 event only on arm64 */
	env.perf = perf_takes(PERF_TYPE_RAW, armv8_events[1]);
#endif
	env.armv8 = env.native || env.perf;
	if (env.armv8) {
		env.type = PERF_TYPE_RAW;
		memcpy(env.config, armv8_events, sizeof(env.config));
	} else {
		env.perf = perf_takes(PERF_TYPE_SOFTWARE, sw_events[0]);
		env.type = PERF_TYPE_SOFTWARE;
		memcpy(env.config, sw_events, sizeof(env.config));
	}
}

static const char *pfm_missing(void)
{
	return env.pfm ? NULL : "no perfmon PMU description programs these events";
}

static const char *perf_missing(void)
{
	if (env.perf)
		return NULL;
	return env.armv8 ? "perf has no Armv8 PMU in this kernel (CONFIG_ARM_PMU)" :
			   "perf_event_open() refuses the software events";
}

static void report(const char *test, const char *name, double ns, long n)
{
	printf("# @@BENCH %s %s %.1f %ld\n", test, name, ns, n);
	fflush(stdout);
}

/* Report and return the median of @v, the time per operation of RUNS runs. */
static double report_median(const char *test, const char *name, double v[RUNS], long n)
{
	double t;
	int i, j;

	for (i = 1; i < RUNS; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	report(test, name, v[RUNS / 2], n);
	return v[RUNS / 2];
}

/* The median, over RUNS runs of @fn(@arg, @n), of the time per operation. */
static double measure(const char *test, const char *name,
		      void (*fn)(void *arg, long n), void *arg, long n)
{
	double v[RUNS];
	uint64_t t0;
	int i;

	fn(arg, n / 10 + 1);
	for (i = 0; i < RUNS; i++) {
		t0 = now_ns();
		fn(arg, n);
		v[i] = (double)(now_ns() - t0) / n;
	}
	return report_median(test, name, v, n);
}

/* perfmon: the PMCs of @n counters of the events, and their PMDs. */
static int pfm_program(int fd, int n)
{
	struct pfarg_pmc pmc[2 * NEV];
	struct pfarg_pmd pmd[NEV];
	int i, npmc = 0;

	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < n; i++) {
		if (env.native) {
			memset(&pmc[npmc], 0, sizeof(pmc[npmc]));
			pmc[npmc].reg_num = i;
			pmc[npmc++].reg_value = env.config[i] | EXCL_EL1;
		} else {
			pfm_perf_event(&pmc[npmc], i, env.type, env.config[i],
				       env.armv8 ? PFM_PERF_CTL_EXCL_KERNEL : 0);
			npmc += 2;
		}
		pmd[i].reg_num = i;
	}
	if (pfm_write_pmcs(fd, pmc, npmc))
		return -1;
	return pfm_write_pmds(fd, pmd, n);
}

/* A context with @n counters loaded on the calling thread, or -1. */
static int pfm_self(int n, uint32_t flags)
{
	struct pfarg_ctx ctx = { .ctx_flags = flags };
	struct pfarg_load load = { .load_pid = gettid() };
	int fd = pfm_create_context(&ctx, NULL, NULL, 0);

	if (fd < 0)
		return -1;
	if (pfm_program(fd, n) || pfm_load_context(fd, &load)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* perf: a group of @n of the events on the calling thread, leader first. */
static int perf_group(int n, int fds[NEV], int disabled)
{
	struct perf_event_attr attr;
	int i;

	for (i = 0; i < n; i++) {
		perf_attr(&attr, i);
		if (!i) {
			attr.disabled = disabled;
			attr.read_format = n > 1 ? PERF_FORMAT_GROUP : 0;
		}
		fds[i] = perf_open(&attr, i ? fds[0] : -1);
		if (fds[i] < 0) {
			while (i--)
				close(fds[i]);
			return -1;
		}
	}
	return 0;
}

static void perf_close(int n, int fds[NEV])
{
	while (n--)
		close(fds[n]);
}

struct op_arg {
	int			fd;
	int			n;
	struct pfarg_pmd	pmd[NEV];
	uint64_t		buf[1 + NEV];
	const struct pfm_set_view *view;
};

static void op_getppid(void *a, long n)
{
	while (n--)
		sink += syscall(SYS_getppid);
}

static void op_memory(void *a, long n)
{
	while (n--)
		sink += __atomic_load_n(&memory_word, __ATOMIC_RELAXED);
}

static void op_pfm_read(void *a, long n)
{
	struct op_arg *o = a;

	while (n--)
		if (pfm_read_pmds(o->fd, o->pmd, o->n))
			op_errors++;
}

static void op_view_read(void *a, long n)
{
	struct op_arg *o = a;

	while (n--)
		sink += pfmon_view_read_pmd(o->view, 0);
}

static void op_perf_read(void *a, long n)
{
	struct op_arg *o = a;
	ssize_t len = (o->n > 1 ? 1 + o->n : 1) * sizeof(uint64_t);

	while (n--)
		if (read(o->fd, o->buf, len) != len)
			op_errors++;
}

static void op_pfm_start_stop(void *a, long n)
{
	struct op_arg *o = a;

	while (n--)
		if (pfm_start(o->fd, NULL) || pfm_stop(o->fd))
			op_errors++;
}

static void op_perf_start_stop(void *a, long n)
{
	struct op_arg *o = a;
	unsigned long flag = o->n > 1 ? PERF_IOC_FLAG_GROUP : 0;

	while (n--)
		if (ioctl(o->fd, PERF_EVENT_IOC_ENABLE, flag) ||
		    ioctl(o->fd, PERF_EVENT_IOC_DISABLE, flag))
			op_errors++;
}

FIXTURE(bench) {
	int unused;
};

FIXTURE_SETUP(bench)
{
	bench_env_init();
	ASSERT_EQ(0, pfm_pin_cpu(0));
	op_errors = 0;
}

FIXTURE_TEARDOWN(bench)
{
}

/* Reads of 1 and 4 counters by both sides, and the baselines. */
TEST_F_TIMEOUT(bench, read, BENCH_TIMEOUT)
{
	long ops = 200 * env.scale;
	struct pfarg_setinfo si = { 0 };
	struct op_arg o = { 0 };
	int i, fds[NEV];

	measure("read", "null_syscall", op_getppid, NULL, ops);
	measure("read", "memory_read", op_memory, NULL, ops);
	if (!pfm_missing()) {
		o.fd = pfm_self(NEV, PFM_FL_MAP_SETS);
		ASSERT_LE(0, o.fd);
		ASSERT_EQ(0, pfm_start(o.fd, NULL));
		for (i = 0; i < NEV; i++)
			o.pmd[i].reg_num = i;
		/* The part of a read that is not the vector: the call's preamble. */
		o.n = 0;
		measure("read", "pfm_read_0", op_pfm_read, &o, ops);
		for (o.n = 1; o.n <= NEV; o.n += NEV - 1)
			measure("read", o.n == 1 ? "pfm_read_1" : "pfm_read_4",
				op_pfm_read, &o, ops);
		ASSERT_EQ(0, pfm_getinfo_evtsets(o.fd, &si, 1));
		o.view = pfmon_view_map(o.fd, si.set_mmap_offset);
		ASSERT_NE(NULL, o.view);
		measure("read", "pfm_view_read_1", op_view_read, &o, ops);
		ASSERT_EQ(0, pfm_stop(o.fd));
		/* Stopped, the view holds exactly what pfm_read_pmds() returns. */
		ASSERT_EQ(0, pfm_read_pmds(o.fd, o.pmd, 1));
		EXPECT_EQ(o.pmd[0].reg_value, pfmon_view_read_pmd(o.view, 0));
		if (env.armv8)	/* user cycles went by */
			EXPECT_LT(0, o.pmd[0].reg_value);
		pfmon_view_unmap(o.view);
		close(o.fd);
	} else {
		TH_LOG("perfmon side skipped: %s", pfm_missing());
	}
	if (!perf_missing()) {
		for (o.n = 1; o.n <= NEV; o.n += NEV - 1) {
			ASSERT_EQ(0, perf_group(o.n, fds, 0));
			o.fd = fds[0];
			measure("read", o.n == 1 ? "perf_read_1" : "perf_read_4",
				op_perf_read, &o, ops);
			if (o.n > 1)
				EXPECT_EQ(o.n, o.buf[0]);
			perf_close(o.n, fds);
		}
	} else {
		TH_LOG("perf side skipped: %s", perf_missing());
	}
	EXPECT_EQ(0, op_errors);
}

/* Monitoring started and stopped, 1 and 4 counters. */
TEST_F_TIMEOUT(bench, start_stop, BENCH_TIMEOUT)
{
	long ops = 100 * env.scale;
	struct op_arg o = { 0 };
	int fds[NEV];

	if (pfm_missing() && perf_missing())
		SKIP(return, "%s", pfm_missing());
	for (o.n = 1; o.n <= NEV; o.n += NEV - 1) {
		if (!pfm_missing()) {
			o.fd = pfm_self(o.n, 0);
			ASSERT_LE(0, o.fd);
			measure("start_stop", o.n == 1 ? "pfm_1" : "pfm_4",
				op_pfm_start_stop, &o, ops);
			close(o.fd);
		}
		if (!perf_missing()) {
			ASSERT_EQ(0, perf_group(o.n, fds, 1));
			o.fd = fds[0];
			measure("start_stop", o.n == 1 ? "perf_1" : "perf_4",
				op_perf_start_stop, &o, ops);
			perf_close(o.n, fds);
		}
	}
	EXPECT_EQ(0, op_errors);
}

enum monitor { NONE, PFM, PERF };

/* Two threads, a byte going back and forth over two pipes. */
struct pingpong {
	enum monitor		how;
	int			n;
	long			rounds;
	int			pipes[2][2];
	pthread_barrier_t	ready;
	uint64_t		elapsed;
	uint64_t		counted[2];
	int			failed;
};

struct player {
	struct pingpong	*pp;
	int		me;
};

static void *player_run(void *arg)
{
	struct player *pl = arg;
	struct pingpong *pp = pl->pp;
	int fd = -1, fds[NEV], me = pl->me;
	struct pfarg_pmd pmd = { .reg_num = 0 };
	uint64_t t0 = 0, val[1 + NEV];
	long r;
	char c = 0;

	if (pfm_pin_cpu(0))
		pp->failed = 1;
	if (pp->how == PFM) {
		fd = pfm_self(pp->n, 0);
		if (fd < 0 || pfm_start(fd, NULL))
			pp->failed = 1;
	} else if (pp->how == PERF && perf_group(pp->n, fds, 0)) {
		pp->failed = 1;
		pp->how = NONE;
	}
	pthread_barrier_wait(&pp->ready);
	if (!me)
		t0 = now_ns();
	for (r = 0; r < pp->rounds; r++) {
		if (me == 0 && write(pp->pipes[0][1], &c, 1) != 1)
			pp->failed = 1;
		if (read(pp->pipes[!me][0], &c, 1) != 1)
			pp->failed = 1;
		if (me == 1 && write(pp->pipes[1][1], &c, 1) != 1)
			pp->failed = 1;
	}
	if (!me)
		pp->elapsed = now_ns() - t0;
	if (pp->how == PFM && fd >= 0) {
		if (pfm_stop(fd) || pfm_read_pmds(fd, &pmd, 1))
			pp->failed = 1;
		pp->counted[me] = pmd.reg_value;
		close(fd);
	} else if (pp->how == PERF) {
		if (read(fds[0], val, sizeof(val)) <= 0)
			pp->failed = 1;
		pp->counted[me] = pp->n > 1 ? val[1] : val[0];
		perf_close(pp->n, fds);
	}
	return NULL;
}

/* One ping-pong of @rounds round trips; the time per switch, or -1. */
static double pingpong_once(struct pingpong *pp)
{
	struct player pl[2] = { { pp, 0 }, { pp, 1 } };
	pthread_t t[2];
	int i;

	pp->failed = 0;
	if (pipe(pp->pipes[0]) || pipe(pp->pipes[1]))
		return -1;
	pthread_barrier_init(&pp->ready, NULL, 2);
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, player_run, &pl[i]))
			return -1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&pp->ready);
	for (i = 0; i < 4; i++)
		close(pp->pipes[i / 2][i % 2]);
	return pp->failed ? -1 : (double)pp->elapsed / (2 * pp->rounds);
}


/*
 * A context switch between two threads, monitored or not. A round trip
 * is two switches; the operation measured is one switch. Each thread's
 * first counter must have counted its part: at least one context switch
 * (software events) or user cycle (Armv8) per round trip.
 */
TEST_F_TIMEOUT(bench, context_switch, BENCH_TIMEOUT)
{
	static const char * const names[3][2] = {
		{ "none", "none" }, { "pfm_1", "pfm_4" }, { "perf_1", "perf_4" },
	};
	struct pingpong pp = { .rounds = 100 * env.scale };
	double v[RUNS];
	int how, i, r;

	for (how = NONE; how <= PERF; how++) {
		if ((how == PFM && pfm_missing()) || (how == PERF && perf_missing()))
			continue;
		for (pp.n = 1; pp.n <= (how == NONE ? 1 : NEV); pp.n += NEV - 1) {
			for (r = 0; r < RUNS; r++) {
				pp.how = how;
				pp.counted[0] = pp.counted[1] = 0;
				v[r] = pingpong_once(&pp);
				ASSERT_LT(0, v[r]);
				if (how == NONE)
					continue;
				for (i = 0; i < 2; i++)
					EXPECT_LE(pp.rounds, pp.counted[i]);
			}
			report_median("context_switch", names[how][pp.n > 1], v,
				      2 * pp.rounds);
		}
	}
}

/*
 * The sampled workload: @samples periods of the sampling event. Armv8:
 * user cycles of pfm_loop() (2 per iteration); software: faults on
 * fresh pages, one per period.
 */
static uint64_t smpl_period(void)
{
	return env.armv8 ? SMPL_PERIOD_CYCLES : 1;
}

/* The sampling event: CPU_CYCLES, or page faults. */
static uint64_t smpl_config(void)
{
	return env.armv8 ? armv8_events[0] : PERF_COUNT_SW_PAGE_FAULTS;
}

static void smpl_workload(long samples)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (env.armv8) {
		pfm_loop(samples * SMPL_PERIOD_CYCLES / 2);
		return;
	}
	p = mmap(NULL, samples * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		op_errors++;
		return;
	}
	pfm_touch(p, samples, page);
	munmap(p, samples * page);
}

struct smpl_run {
	long		samples;	/* periods in the workload */
	uint64_t	got[RUNS];	/* samples recorded, per run */
	int		run;
};

/* Time of one unmonitored run of the workload. */
static uint64_t none_once(struct smpl_run *s)
{
	uint64_t t0 = now_ns();

	smpl_workload(s->samples);
	return now_ns() - t0;
}

static size_t page_round(size_t len)
{
	long page = sysconf(_SC_PAGESIZE);

	return (len + page - 1) & ~(size_t)(page - 1);
}

/* perfmon: sampling counter 0 (the cycle counter on armv8_pmuv3). */
static int pfm_sampler(size_t size, void **buf)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = size };
	struct pfarg_ctx ctx = { 0 };
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_pmc pmc[2];
	struct pfarg_pmd pmd = { 0 };
	uint64_t period = smpl_period();
	int fd = pfm_create_context(&ctx, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));

	if (fd < 0)
		return -1;
	memset(pmc, 0, sizeof(pmc));
	if (env.native) {
		pmc[0].reg_num = pmd.reg_num = ARMV8_CCNT;
		pmc[0].reg_value = EXCL_EL1;
	} else {
		pfm_perf_event(pmc, 0, env.type, smpl_config(), PFM_PERF_CTL_EXCL_KERNEL);
	}
	pmd.reg_value = pmd.reg_short_reset = pmd.reg_long_reset = -period;
	*buf = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (*buf == MAP_FAILED || pfm_write_pmcs(fd, pmc, env.native ? 1 : 2) ||
	    pfm_write_pmds(fd, &pmd, 1) || pfm_load_context(fd, &load)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Time of one run of the workload sampled by perfmon. */
static uint64_t pfm_once(struct smpl_run *s)
{
	size_t size = page_round(sizeof(struct pfm_dfl_smpl_hdr) +
				 (s->samples + 64) * sizeof(struct pfm_dfl_smpl_entry));
	struct pfm_dfl_smpl_hdr *hdr;
	uint64_t t0, t;
	void *buf;
	int fd = pfm_sampler(size, &buf);

	if (fd < 0)
		return 0;
	t0 = now_ns();
	if (pfm_start(fd, NULL))
		op_errors++;
	smpl_workload(s->samples);
	if (pfm_stop(fd))
		op_errors++;
	t = now_ns() - t0;
	hdr = buf;
	s->got[s->run++ % RUNS] = hdr->hdr_count;
	munmap(buf, size);
	close(fd);
	return t;
}

/* Time of one run sampled by perf: same event, period and fields, a ring. */
static uint64_t perf_once(struct smpl_run *s)
{
	long page = sysconf(_SC_PAGESIZE), pages = 1;
	struct perf_event_mmap_page *meta;
	struct perf_event_attr attr;
	uint64_t head, offs, got = 0, t0, t;
	struct perf_event_header *h;
	size_t len;
	int fd;

	while ((size_t)pages * page < (size_t)(s->samples + 64) * 48)
		pages *= 2;
	len = (1 + pages) * page;
	perf_attr(&attr, 0);
	attr.config = smpl_config();
	attr.exclude_kernel = 1;
	attr.sample_period = smpl_period();
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			   PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	attr.disabled = 1;
	fd = perf_open(&attr, -1);
	if (fd < 0)
		return 0;
	meta = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED) {
		close(fd);
		return 0;
	}
	t0 = now_ns();
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0))
		op_errors++;
	smpl_workload(s->samples);
	if (ioctl(fd, PERF_EVENT_IOC_DISABLE, 0))
		op_errors++;
	t = now_ns() - t0;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	for (offs = 0; offs < head; offs += h->size) {
		h = (void *)((char *)meta + page + offs % (pages * page));
		if (h->type == PERF_RECORD_SAMPLE)
			got++;
		else if (h->type == PERF_RECORD_LOST)
			op_errors++;
		if (!h->size)
			break;
	}
	s->got[s->run++ % RUNS] = got;
	munmap(meta, len);
	close(fd);
	return t;
}

/*
 * The cost of a sample: the sampled workload's time less the unmonitored
 * workload's, per sample taken. Where the event count is exact (page
 * faults; user cycles under QEMU's -icount shift=0, pfm.icount=1 on the
 * command line, where a cycle is an instruction) each run must have
 * recorded every period, and at most a few more periods of the code
 * around the workload; on the host's clock, the cycles of the workload
 * vary with the host and only some samples are required.
 */
TEST_F_TIMEOUT(bench, sampling, BENCH_TIMEOUT)
{
	static uint64_t (* const once[3])(struct smpl_run *) = {
		none_once, pfm_once, perf_once,
	};
	static const char * const names[3][3] = {
		{ "none", NULL, NULL },
		{ "pfm_run", "pfm_per_sample", "pfm_samples_per_period" },
		{ "perf_run", "perf_per_sample", "perf_samples_per_period" },
	};
	struct smpl_run s = { .samples = 50 * env.scale };
	double v[RUNS], got[RUNS], none = 0, t;
	int side, i, exact = !env.armv8 || env.icount;

	for (side = NONE; side <= PERF; side++) {
		if ((side == PFM && pfm_missing()) || (side == PERF && perf_missing()))
			continue;
		s.run = 0;
		for (i = 0; i < RUNS; i++) {
			v[i] = (double)once[side](&s) / s.samples;
			ASSERT_LT(0, v[i]);
		}
		t = report_median("sampling", names[side][0], v, s.samples);
		if (side == NONE) {
			none = t;
			continue;
		}
		for (i = 0; i < RUNS; i++) {
			if (exact) {
				EXPECT_LE(s.samples, s.got[i]);
				EXPECT_GE(s.samples + 8, s.got[i]);
			} else {
				EXPECT_LT(0, s.got[i]);
			}
			got[i] = s.got[i] ? (double)s.got[i] / s.samples : 1;
		}
		/* per sample taken: the time per period over the samples per period */
		report("sampling", names[side][1],
		       (t - none) / report_median("sampling", names[side][2], got, s.samples),
		       s.samples);
	}
	EXPECT_EQ(0, op_errors);
}

static void op_pfm_setup(void *a, long n)
{
	struct op_arg *o = a;
	int fd;

	while (n--) {
		fd = pfm_self(o->n, 0);
		if (fd < 0 || pfm_start(fd, NULL) || pfm_stop(fd) || pfm_unload_context(fd))
			op_errors++;
		if (fd >= 0)
			close(fd);
	}
}

static void op_perf_setup(void *a, long n)
{
	struct op_arg *o = a;
	unsigned long flag = o->n > 1 ? PERF_IOC_FLAG_GROUP : 0;
	int fds[NEV];

	while (n--) {
		if (perf_group(o->n, fds, 1)) {
			op_errors++;
			continue;
		}
		if (ioctl(fds[0], PERF_EVENT_IOC_ENABLE, flag) ||
		    ioctl(fds[0], PERF_EVENT_IOC_DISABLE, flag))
			op_errors++;
		perf_close(o->n, fds);
	}
}

/* A whole session, from nothing back to nothing. */
TEST_F_TIMEOUT(bench, session, BENCH_TIMEOUT)
{
	long ops = 20 * env.scale;
	struct op_arg o = { 0 };

	if (pfm_missing() && perf_missing())
		SKIP(return, "%s", pfm_missing());
	for (o.n = 1; o.n <= NEV; o.n += NEV - 1) {
		if (!pfm_missing())
			measure("session", o.n == 1 ? "pfm_1" : "pfm_4", op_pfm_setup, &o, ops);
		if (!perf_missing())
			measure("session", o.n == 1 ? "perf_1" : "perf_4", op_perf_setup, &o, ops);
	}
	EXPECT_EQ(0, op_errors);
}

TEST_HARNESS_MAIN
