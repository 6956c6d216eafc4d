// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon, the command-line tool (tools/perfmon), run on pfmon_work: its
 * counts agree with a direct measurement through the system calls, its
 * instruction counts are exact on the Armv8 PMU, its flat profile finds
 * the hot function, its CSV and JSON outputs parse and carry the table's
 * numbers, and every bad input gets a one-line error and a non-zero
 * status. Programs run without address-space randomization, so that a
 * program's page faults are the same from one run to the next.
 */
#include <ctype.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"

#define PFMON	"/usr/bin/pfmon"
#define WORK	"/tests/bin/pfmon_work"
#define OUT_MAX	(256 * 1024)

/* What the tests count and sample on the active PMU description. */
struct flavor {
	const char	*count_ev;	/* exact for its workload */
	const char	*work;		/* pfmon_work mode counting it */
	unsigned long	n;		/* its size */
	unsigned long	per;		/* events per unit of size, at least */
	const char	*smpl_ev;
	const char	*smpl_period;
	const char	*hotcold_n;
	const char	*many_ev;	/* an event, and how many times it */
	int		many;		/* is more than one set holds */
};

static const struct flavor perf_flavor = {
	.count_ev = "PERF_COUNT_SW_PAGE_FAULTS", .work = "faults", .n = 2000, .per = 1,
	.smpl_ev = "PERF_COUNT_SW_CPU_CLOCK", .smpl_period = "1000000",
	.hotcold_n = "2000000",
	/* the description has eight counters */
	.many_ev = "PERF_COUNT_SW_PAGE_FAULTS", .many = 9,
};

static const struct flavor armv8_flavor = {
	.count_ev = "INST_RETIRED", .work = "loop", .n = 100000, .per = 2,
	.smpl_ev = "CPU_CYCLES", .smpl_period = "100000", .hotcold_n = "1000000",
	/* six event counters on QEMU's -cpu max, and the cycle counter */
	.many_ev = "INST_RETIRED", .many = 8,
};

static const struct flavor *flavor(void)
{
	char model[64];

	if (access(PFMON, X_OK) || pfm_sysfs_read("pmu_desc/model", model, sizeof(model)) <= 0)
		return NULL;
	if (!strcmp(model, "perf_events\n"))
		return &perf_flavor;
	if (!strcmp(model, "armv8_pmuv3\n"))
		return &armv8_flavor;
	return NULL;
}

struct run {
	int	status;			/* exit status, or -1 */
	char	out[OUT_MAX];		/* standard output */
	char	err[4096];		/* standard error */
};

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run @argv (NULL-terminated) without address randomization. */
static int run(struct run *r, const char *const argv[])
{
	FILE *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	r->status = -1;
	r->out[0] = r->err[0] = '\0';
	if (!out || !err)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		personality(ADDR_NO_RANDOMIZE);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
	return 0;
}

/* The count of @event in a table: "  1,234  EVENT ..." */
static long long table_count(const char *out, const char *event)
{
	const char *line = out;
	char num[32], name[128];
	long long v = -1;
	int i, j;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "%31s %127s", num, name) != 2 || strcmp(name, event))
			continue;
		for (i = j = 0; num[i]; i++)
			if (num[i] != ',')
				num[j++] = num[i];
		num[j] = '\0';
		v = strtoll(num, NULL, 10);
		break;
	}
	return v;
}

/* CSV: the count of the first row for @event whose target starts @target. */
static long long csv_count(const char *out, const char *target, const char *event,
			   double *scaling)
{
	char tgt[64], ev[128];
	const char *line;
	long long v;
	int set, n;
	double k;

	if (strncmp(out, "target,set,event,count,scaled,scaling,duration_ns,runs\n", 55))
		return -2;
	for (line = strchr(out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		n = sscanf(line + 1, "%63[^,],%d,%127[^,],%lld,%*u,%lf", tgt, &set, ev, &v, &k);
		if (n != 5)
			return -3;
		if (strncmp(tgt, target, strlen(target)) || strcmp(ev, event))
			continue;
		if (scaling)
			*scaling = k;
		return v;
	}
	return -1;
}

/*
 * A strict JSON reader, enough to check pfmon's output is JSON and to
 * pick the values of its "count" keys in order.
 */
struct json {
	const char	*p;
	long long	counts[16];
	double		scalings[16];
	int		ncounts, nscalings;
};

static int json_value(struct json *j, const char *key);

static void json_ws(struct json *j)
{
	while (isspace((unsigned char)*j->p))
		j->p++;
}

static int json_string(struct json *j, char *buf, size_t size)
{
	size_t n = 0;

	if (*j->p++ != '"')
		return -1;
	while (*j->p != '"') {
		if (!*j->p || (unsigned char)*j->p < 0x20)
			return -1;
		if (*j->p == '\\') {
			j->p++;
			if (*j->p == 'u') {
				if (!isxdigit(j->p[1]) || !isxdigit(j->p[2]) ||
				    !isxdigit(j->p[3]) || !isxdigit(j->p[4]))
					return -1;
				j->p += 4;
			} else if (!strchr("\"\\/bfnrt", *j->p)) {
				return -1;
			}
		}
		if (n + 1 < size)
			buf[n++] = *j->p;
		j->p++;
	}
	j->p++;
	buf[n] = '\0';
	return 0;
}

static int json_number(struct json *j, const char *key)
{
	const char *start = j->p;
	char *end;
	double d;

	if (*j->p == '-')
		j->p++;
	if (!isdigit((unsigned char)*j->p))
		return -1;
	d = strtod(start, &end);
	j->p = end;
	if (key && !strcmp(key, "count") && j->ncounts < 16)
		j->counts[j->ncounts++] = strtoll(start, NULL, 10);
	if (key && !strcmp(key, "scaling") && j->nscalings < 16)
		j->scalings[j->nscalings++] = d;
	return 0;
}

static int json_value(struct json *j, const char *key)
{
	char name[128];

	json_ws(j);
	if (*j->p == '{') {
		j->p++;
		json_ws(j);
		if (*j->p == '}')
			return j->p++, 0;
		for (;;) {
			json_ws(j);
			if (json_string(j, name, sizeof(name)))
				return -1;
			json_ws(j);
			if (*j->p++ != ':' || json_value(j, name))
				return -1;
			json_ws(j);
			if (*j->p == '}')
				return j->p++, 0;
			if (*j->p++ != ',')
				return -1;
		}
	}
	if (*j->p == '[') {
		j->p++;
		json_ws(j);
		if (*j->p == ']')
			return j->p++, 0;
		for (;;) {
			if (json_value(j, NULL))
				return -1;
			json_ws(j);
			if (*j->p == ']')
				return j->p++, 0;
			if (*j->p++ != ',')
				return -1;
		}
	}
	if (*j->p == '"')
		return json_string(j, name, sizeof(name));
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "null", 4))
		return j->p += 4, 0;
	if (!strncmp(j->p, "false", 5))
		return j->p += 5, 0;
	return json_number(j, key);
}

/* Parse one JSON document that is all of @text (but trailing space). */
static int json_parse(struct json *j, const char *text)
{
	memset(j, 0, sizeof(*j));
	j->p = text;
	if (json_value(j, NULL))
		return -1;
	json_ws(j);
	return *j->p ? -1 : 0;
}

/* One line on standard error, holding @what. */
static int one_line_error(const struct run *r, const char *what)
{
	const char *nl = strchr(r->err, '\n');

	return nl && !nl[1] && strstr(r->err, what) && !strncmp(r->err, "pfmon: ", 7);
}

/* A direct measurement: @mode @n counted from exec to exit, like pfmon. */
static long long direct_count(const struct flavor *f, const char *mode, const char *n)
{
	struct pfarg_pmc pmc[3];
	struct pfarg_pmd pmd = { .reg_num = 0 };
	struct pfarg_load load = { 0 };
	struct pfarg_ctx ctx = { 0 };
	int fd, status, npmc;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		personality(ADDR_NO_RANDOMIZE);
		if (!ptrace(PTRACE_TRACEME, 0, 0, 0))
			execl(WORK, WORK, mode, n, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return -1;
	memset(pmc, 0, sizeof(pmc));
	if (f == &perf_flavor) {
		pfm_perf_event(pmc, 0, 1 /* software */, 2 /* page faults */,
			       PFM_PERF_CTL_EXCL_KERNEL);
		npmc = 2;
	} else {
		pmc[0].reg_value = 0x08 | (1ULL << 31);	/* INST_RETIRED, EL0 only */
		npmc = 1;
	}
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	load.load_pid = pid;
	if (fd < 0 || pfm_write_pmcs(fd, pmc, npmc) || pfm_load_context(fd, &load) ||
	    pfm_start(fd, NULL) || ptrace(PTRACE_DETACH, pid, 0, 0)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
	waitpid(pid, &status, 0);
	if (pfm_read_pmds(fd, &pmd, 1))
		pmd.reg_value = -1;
	close(fd);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? (long long)pmd.reg_value : -1;
}

#define NO_FLAVOR	"no pfmon, or no PMU description it knows"

/* Every case runs pfmon several times: debug kernels need minutes. */
#define PFMON_TIMEOUT	180

FIXTURE(pfmon) {
	const struct flavor *f;
};

FIXTURE_SETUP(pfmon)
{
	self->f = flavor();
	if (!self->f)
		SKIP(return, NO_FLAVOR);
}

FIXTURE_TEARDOWN(pfmon)
{
}

/* pfmon and the system calls count the same program the same. */
TEST_F_TIMEOUT(pfmon, counts_agree_with_syscalls, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	char n[32];
	long long direct, pfmon;

	if (_metadata->skip)
		return;
	snprintf(n, sizeof(n), "%lu", f->n);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "-e", f->count_ev, WORK,
					       f->work, n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	pfmon = csv_count(r.out, "thread", f->count_ev, NULL);
	direct = direct_count(f, f->work, n);
	TH_LOG("%s of '%s %s': pfmon %lld, direct %lld", f->count_ev, f->work, n, pfmon, direct);
	EXPECT_LE((long long)f->n, pfmon);
	EXPECT_EQ(direct, pfmon);
}

/* Armv8 under -icount: two loop lengths differ by exactly 2 per iteration. */
TEST_F_TIMEOUT(pfmon, instructions_exact, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	long long a, b;

	if (_metadata->skip)
		return;
	if (f != &armv8_flavor)
		SKIP(return, "instruction counts are exact on the Armv8 PMU only");
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "-e", "INST_RETIRED", WORK,
					       "loop", "100000", NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	a = csv_count(r.out, "thread", "INST_RETIRED", NULL);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "-e", "INST_RETIRED", WORK,
					       "loop", "900000", NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	b = csv_count(r.out, "thread", "INST_RETIRED", NULL);
	TH_LOG("100000 iterations: %lld instructions, 900000: %lld", a, b);
	EXPECT_LT(200000, a);
	EXPECT_EQ(1600000, b - a);
}

/* The flat profile: hot() first, with 75% of the samples, +- 10 points. */
TEST_F_TIMEOUT(pfmon, profile_hot_symbol, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	char *line, sym[64];
	unsigned long samples;
	double pct;
	int n;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "-e", f->smpl_ev, "--smpl-period",
					       f->smpl_period, "--smpl-outfile",
					       "/tmp/pfmon_samples", WORK, "hotcold",
					       f->hotcold_n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	line = strstr(r.out, "symbol\n");
	ASSERT_NE(NULL, line) TH_LOG("no profile in: %s", r.out);
	n = sscanf(line + 7, "%lu %lf %63s", &samples, &pct, sym);
	ASSERT_EQ(3, n);
	TH_LOG("top symbol %s: %lu samples, %.2f%%", sym, samples, pct);
	EXPECT_STREQ("hot", sym);
	EXPECT_LE(65.0, pct);
	EXPECT_GE(85.0, pct);
	EXPECT_LE(100, samples);
	EXPECT_EQ(0, access("/tmp/pfmon_samples", R_OK));
	unlink("/tmp/pfmon_samples");
}

/*
 * A one-page buffer (about 97 samples) with randomized periods: pfmon drains
 * it at every full-buffer notification while the thread waits, so the
 * sample file holds every sample the profile counts.
 */
TEST_F_TIMEOUT(pfmon, small_buffer_random_periods, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	unsigned long samples, lines = 0;
	static struct run r;
	const char *p;
	char buf[256];
	FILE *file;
	int n;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "-e", f->smpl_ev, "--smpl-period",
					       f->smpl_period, "--smpl-random-mask", "0xff",
					       "--smpl-buf-size", "4096", "--smpl-outfile",
					       "/tmp/pfmon_small", WORK, "hotcold", f->hotcold_n,
					       NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	p = strstr(r.out, "Flat profile of ");
	ASSERT_NE(NULL, p);
	p = strstr(p, ": ");
	ASSERT_NE(NULL, p);
	n = sscanf(p + 2, "%lu", &samples);
	ASSERT_EQ(1, n);
	ASSERT_NE(NULL, strstr(r.out, "(randomized)"));
	ASSERT_NE(NULL, strstr(r.out, "the buffer filled")) TH_LOG("%s", r.out);
	file = fopen("/tmp/pfmon_small", "r");
	ASSERT_NE(NULL, file);
	while (fgets(buf, sizeof(buf), file))
		lines += buf[0] != '#';
	fclose(file);
	unlink("/tmp/pfmon_small");
	TH_LOG("%lu samples, %lu lines", samples, lines);
	EXPECT_LT(100, samples);
	EXPECT_EQ(samples, lines);
}

/* The same deterministic count in the table, in CSV and in JSON. */
TEST_F_TIMEOUT(pfmon, formats_agree, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	long long table, csv;
	struct json j;
	char n[32];

	if (_metadata->skip)
		return;
	snprintf(n, sizeof(n), "%lu", f->n);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "-e", f->count_ev, WORK, f->work, n,
					       NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	table = table_count(r.out, f->count_ev);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "-e", f->count_ev, WORK,
					       f->work, n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	csv = csv_count(r.out, "thread", f->count_ev, NULL);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--json", "-e", f->count_ev, WORK,
					       f->work, n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, json_parse(&j, r.out)) TH_LOG("not JSON: %s", r.out);
	ASSERT_EQ(1, j.ncounts);
	TH_LOG("table %lld, csv %lld, json %lld", table, csv, j.counts[0]);
	EXPECT_LE((long long)f->n, table);
	EXPECT_EQ(table, csv);
	EXPECT_EQ(table, j.counts[0]);
}

/* Two sets multiplexed: each ran about half the time, scaled by about 2. */
TEST_F_TIMEOUT(pfmon, multiplexed_sets, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	struct json j;
	double share;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--json", "-e", f->smpl_ev, "-e",
					       f->smpl_ev, "--switch-timeout", "4", WORK,
					       "hotcold", f->hotcold_n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, json_parse(&j, r.out)) TH_LOG("not JSON: %s", r.out);
	ASSERT_EQ(2, j.ncounts);
	ASSERT_EQ(2, j.nscalings);
	TH_LOG("counts %lld and %lld, scaling %.3f and %.3f", j.counts[0], j.counts[1],
	       j.scalings[0], j.scalings[1]);
	EXPECT_LE(1.6, j.scalings[0]);
	EXPECT_GE(2.5, j.scalings[0]);
	EXPECT_LE(1.6, j.scalings[1]);
	EXPECT_GE(2.5, j.scalings[1]);
	/* 1/k0 + 1/k1 = 1: the two sets share the run */
	share = 1 / j.scalings[0] + 1 / j.scalings[1] - 1;
	EXPECT_GT(0.01, share < 0 ? -share : share);
}

/*
 * --follow-fork on a shell running the workload twice: the forked child
 * counts the first run (size n), the shell itself, which execs the
 * second (size 2n), the rest; a row per thread and their sum.
 */
TEST_F_TIMEOUT(pfmon, follow_fork, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static struct run r;
	char cmd[256];
	const char *line;
	long long v, sum = 0, all = -1, small = 0, big = 0;
	char tgt[64], ev[128];
	int set, n;

	if (_metadata->skip)
		return;
	snprintf(cmd, sizeof(cmd), "%s %s %lu; %s %s %lu", WORK, f->work, f->n, WORK, f->work,
		 2 * f->n);
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "--follow-fork", "-e",
					       f->count_ev, "/bin/sh", "-c", cmd, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	for (line = strchr(r.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		n = sscanf(line + 1, "%63[^,],%d,%127[^,],%lld", tgt, &set, ev, &v);
		ASSERT_EQ(4, n);
		if (!strcmp(tgt, "all threads")) {
			all = v;
			continue;
		}
		sum += v;
		small += v >= (long long)(f->per * f->n) && v < (long long)(2 * f->per * f->n);
		big += v >= (long long)(2 * f->per * f->n);
	}
	TH_LOG("%s", r.out);
	EXPECT_EQ(sum, all);
	EXPECT_EQ(1, small);
	EXPECT_EQ(1, big);
}

/*
 * --print-interval: the thread is stopped and read at each interval, so
 * its counts grow from one interval to the next; the last rows are the
 * totals.
 */
TEST_F_TIMEOUT(pfmon, print_interval, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	long long v, prev = 0, rows = 0;
	double at, last_at = 0;
	static struct run r;
	char tgt[64], ev[128];
	const char *line;
	int set, n;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "--print-interval", "20", "-e",
					       f->smpl_ev, WORK, "hotcold", f->hotcold_n, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, strncmp(r.out, "time,target,", 12));
	for (line = strchr(r.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		n = sscanf(line + 1, "%lf,%63[^,],%d,%127[^,],%lld", &at, tgt, &set, ev, &v);
		ASSERT_EQ(5, n);
		EXPECT_LE(last_at, at);
		EXPECT_LT(prev, v) TH_LOG("at %.3f s: %lld after %lld", at, v, prev);
		prev = v;
		last_at = at;
		rows++;
	}
	TH_LOG("%lld rows, the last at %.3f s: %lld", rows, last_at, prev);
	EXPECT_LE(3, rows);
}

/* --attach-task: a running workload, counted for a third of a second. */
TEST_F_TIMEOUT(pfmon, attach_task, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	char tid[16], path[64], comm[32];
	static struct run r;
	int status, tries;
	FILE *f_comm;
	long long v;
	pid_t pid;

	if (_metadata->skip)
		return;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* busy for far longer than the session: the test kills it */
		execl(WORK, WORK, "hotcold", "1000000000", (char *)NULL);
		_exit(127);
	}
	/* attach once it runs the workload: an exec in progress refuses ptrace */
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (tries = 0; tries < 500; tries++) {
		f_comm = fopen(path, "r");
		comm[0] = '\0';
		if (f_comm) {
			if (!fgets(comm, sizeof(comm), f_comm))
				comm[0] = '\0';
			fclose(f_comm);
		}
		if (!strcmp(comm, "pfmon_work\n"))
			break;
		usleep(10000);
	}
	snprintf(tid, sizeof(tid), "%d", pid);
	run(&r, (const char *[]){ PFMON, "--csv", "--attach-task", tid, "-t", "0.3", "-e",
				  f->smpl_ev, NULL });
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	v = csv_count(r.out, "thread", f->smpl_ev, NULL);
	TH_LOG("%s of thread %d: %lld", f->smpl_ev, pid, v);
	EXPECT_LT(0, v) TH_LOG("%s", r.out);
}

/*
 * --system-wide for a fifth of a second: a row per CPU and, with two
 * CPUs, their sum.
 */
TEST_F_TIMEOUT(pfmon, system_wide, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	bool two = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	long long cpu0, cpu1, all;
	static struct run r;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, run(&r, (const char *[]){ PFMON, "--csv", "--system-wide", "--cpu-list",
					       two ? "0-1" : "0", "-t", "0.2", "-e",
					       f->smpl_ev, NULL }));
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	cpu0 = csv_count(r.out, "CPU 0", f->smpl_ev, NULL);
	EXPECT_LT(0, cpu0) TH_LOG("%s", r.out);
	if (!two)
		return;
	cpu1 = csv_count(r.out, "CPU 1", f->smpl_ev, NULL);
	all = csv_count(r.out, "all CPUs", f->smpl_ev, NULL);
	TH_LOG("CPU 0 %lld, CPU 1 %lld, all %lld", cpu0, cpu1, all);
	EXPECT_LT(0, cpu1);
	EXPECT_EQ(cpu0 + cpu1, all);
}

/* Every bad input: one line naming the problem, and a non-zero status. */
TEST_F_TIMEOUT(pfmon, bad_input, PFMON_TIMEOUT)
{
	const struct flavor *f = self->f;
	static char too_many[512];
	static struct run r;
	const struct {
		const char *argv[12];
		const char *error;
	} cases[] = {
		{ { PFMON, "-e", "NO_SUCH_EVENT", WORK, "loop", "1" },
		  "unknown event 'NO_SUCH_EVENT' ('pfmon -l' lists" },
		{ { PFMON, "-e", too_many, WORK, "loop", "1" },
		  "in one set, but the" },
		{ { PFMON, "--attach-task", "999999" }, "no thread 999999 (--attach-task)" },
		{ { PFMON, "--system-wide", "--cpu-list", "4096", "-t", "1" }, "no CPU 4096" },
		{ { PFMON, "--system-wide", "--cpu-list", "1-0", "-t", "1" },
		  "bad CPU list '1-0'" },
		{ { PFMON, "/no/such/program" },
		  "cannot execute '/no/such/program': No such file or directory" },
		{ { PFMON, "--smpl-period", "0", WORK, "loop", "1" },
		  "bad value '0' for --smpl-period" },
		{ { PFMON, "--switch-timeout", "5", WORK, "loop", "1" },
		  "--switch-timeout multiplexes sets: give a second -e" },
		{ { PFMON }, "nothing to monitor" },
		{ { PFMON, "-t", "1", WORK, "loop", "1" }, "-t ends --attach-task" },
		{ { PFMON, "-i", "NO_SUCH_EVENT" }, "unknown event 'NO_SUCH_EVENT'" },
	};
	unsigned int i;

	if (_metadata->skip)
		return;
	for (i = 0; i < (unsigned int)f->many; i++)
		snprintf(too_many + strlen(too_many), sizeof(too_many) - strlen(too_many),
			 "%s%s", i ? "," : "", f->many_ev);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, run(&r, cases[i].argv));
		EXPECT_NE(0, r.status) TH_LOG("case %u", i);
		EXPECT_TRUE(one_line_error(&r, cases[i].error))
			TH_LOG("case %u: want '%s', got '%s'", i, cases[i].error, r.err);
	}
}

/* A CPU that is offline is refused by name. */
TEST_F_TIMEOUT(pfmon, offline_cpu, PFMON_TIMEOUT)
{
	const char *online = "/sys/devices/system/cpu/cpu1/online";
	static struct run r;

	if (_metadata->skip)
		return;
	if (access(online, W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	ASSERT_EQ(0, pfmon_write_file(online, "0\n"));
	run(&r, (const char *[]){ PFMON, "--system-wide", "--cpu-list", "1", "-t", "1", NULL });
	ASSERT_EQ(0, pfmon_write_file(online, "1\n"));
	EXPECT_NE(0, r.status);
	EXPECT_TRUE(one_line_error(&r, "CPU 1 is offline (--cpu-list)")) TH_LOG("%s", r.err);
}

/* Without /sys/kernel/perfmon (a kernel without perfmon), pfmon says so. */
TEST_F_TIMEOUT(pfmon, no_perfmon, PFMON_TIMEOUT)
{
	static struct run r;
	int status;
	pid_t pid;

	if (_metadata->skip)
		return;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* a mount namespace where /sys/kernel is an empty directory */
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("none", "/sys/kernel", "tmpfs", 0, NULL))
			_exit(2);
		if (run(&r, (const char *[]){ PFMON, WORK, "loop", "1", NULL }))
			_exit(3);
		_exit(r.status != 0 &&
		      one_line_error(&r, "this kernel has no perfmon2 interface") ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_HARNESS_MAIN
