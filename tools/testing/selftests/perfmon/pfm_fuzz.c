// SPDX-License-Identifier: GPL-2.0
/*
 * pfm_fuzz: random sequences of perfmon2 calls (and read, poll, mmap,
 * close, fork, ptrace, signals, CPU affinity and sysfs writes) with
 * valid, boundary and hostile arguments. The kernel's own checkers
 * (KASAN, lockdep, UBSAN, kmemleak...) judge the run, from the console;
 * the program fails only when a step kills it or a control it changed
 * cannot be restored.
 *
 *   pfm_fuzz [--seed N] [--calls N] [--seconds N] [--trace FILE]
 *            [--replay FILE]
 *
 * Without --replay it makes two passes, reported in TAP: one as root and
 * one as uid 65534, each of --calls steps (default 50000, or
 * $PFM_FUZZ_CALLS, which the test guest's pfm.fuzz_calls= sets) within
 * --seconds (default 75, or $PFM_FUZZ_SECONDS, which the test guest's
 * pfm.fuzz_seconds= sets, without a step limit). Each pass prints how many
 * steps it made.
 * Every step draws its arguments from its own generator, seeded from the
 * pass's seed and the step number, and the trace lists "step op" per
 * line: --replay re-runs exactly the steps a trace lists (as the user it
 * was recorded as), so a trace with lines removed still replays. That is
 * the minimizer's loop: drop lines, replay, keep the drop if the kernel
 * still complains.
 */
#include <getopt.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/perfmon_dfl_smpl.h>

#include "perfmon_util.h"
#include "pfm_workload.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NFDS		8
#define NMAPS		8
#define BUF_BYTES	(64 * 1024)

static uint64_t rng;
static int fds[NFDS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static struct { void *addr; size_t len; } maps[NMAPS];
static pid_t child = -1;		/* a ptrace-stopped child, or -1 */
static uint8_t *buf;			/* argument memory, BUF_BYTES */
static uint8_t *hole;			/* an unmapped page */
static long page;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

/* A 64-bit value: often an interesting one. */
static uint64_t value(void)
{
	static const uint64_t special[] = {
		0, 1, 2, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 1ULL << 32,
		1ULL << 63, ~0ULL, -100ULL, -10000ULL, -1000000ULL, 0x8000000000000002ULL,
	};

	if (below(3))
		return special[below(ARRAY_SIZE(special))];
	return next();
}

/* A descriptor: a context of the pool, a closed one, or junk. */
static int any_fd(void)
{
	switch (below(8)) {
	case 0:
		return (int)value();
	case 1:
		return 0;
	default:
		return fds[below(NFDS)];
	}
}

/*
 * A pointer for a vector of @bytes: mostly valid memory, half of the
 * time the start of the entries just filled in (well-formed arguments
 * reach the deeper states), else an offset that misaligns them.
 */
static void *any_ptr(size_t bytes)
{
	size_t off;

	switch (below(10)) {
	case 0:
		return NULL;
	case 1:
		return hole;
	case 2:
		return (void *)(uintptr_t)value();
	case 3:		/* straddles into the unmapped page */
		return hole - (bytes > 8 ? bytes / 2 : 4);
	case 4:
	case 5:
	case 6:
		return buf;
	default:
		off = bytes < BUF_BYTES ? below(BUF_BYTES - bytes) & ~7UL : 0;
		return buf + off;
	}
}

static int any_count(void)
{
	static const int special[] = {
		0, 1, 2, 4, 5, 8, 9, 23, 24, 85, 86, -1, 1 << 30, 0x7fffffff,
	};

	if (below(4))
		return 1 + below(6);
	return special[below(ARRAY_SIZE(special))];
}

/* Fill the argument memory with register entries worth trying. */
static void fill_regs(void)
{
	struct pfarg_pmd *pmd = (void *)buf;
	unsigned int i;

	for (i = 0; i < BUF_BYTES / sizeof(*pmd); i++) {
		memset(&pmd[i], 0, sizeof(pmd[i]));
		pmd[i].reg_num = below(4) ? below(32) : below(400);
		pmd[i].reg_set = below(3) ? 0 : below(4);
		pmd[i].reg_flags = below(3) ? below(4) : (uint32_t)value();
		pmd[i].reg_value = value();
		pmd[i].reg_long_reset = value();
		pmd[i].reg_short_reset = value();
		pmd[i].reg_ovfl_switch_cnt = below(4);
		pmd[i].reg_reset_pmds[0] = below(2) ? 0 : value();
		pmd[i].reg_smpl_pmds[0] = below(2) ? 0 : value();
		pmd[i].reg_random_mask = below(2) ? 0 : value();
	}
}

/* A PMC value the perf_events PMU accepts often: software events. */
static void fill_pmcs(void)
{
	struct pfarg_pmc *pmc = (void *)buf;
	unsigned int i;

	for (i = 0; i < BUF_BYTES / sizeof(*pmc); i++) {
		memset(&pmc[i], 0, sizeof(pmc[i]));
		pmc[i].reg_num = below(4) ? below(24) : below(400);
		pmc[i].reg_set = below(3) ? 0 : below(4);
		if (below(2))
			pmc[i].reg_value = PFM_PERF_CTL_EN | PFM_PERF_CTL_EXCL_KERNEL | below(2);
		else
			pmc[i].reg_value = below(2) ? below(12) : value();
	}
}

static void fill_sets(void)
{
	struct pfarg_setdesc *sd = (void *)buf;
	unsigned int i;

	for (i = 0; i < BUF_BYTES / sizeof(*sd); i++) {
		memset(&sd[i], 0, sizeof(sd[i]));
		sd[i].set_id = below(3) ? below(4) : (uint16_t)value();
		sd[i].set_id_next = below(4);
		sd[i].set_flags = below(3) ? below(8) : (uint32_t)value();
		sd[i].set_timeout = below(2) ? 1000000 * below(10) : value();
	}
}

static void slot_close(int i)
{
	if (fds[i] >= 0)
		close(fds[i]);
	fds[i] = -1;
}

static void op_create(void)
{
	struct pfm_dfl_smpl_arg arg = { .buf_size = below(2) ? 4096 * (1 + below(8)) : value() };
	struct pfarg_ctx ctx = { .ctx_flags = below(4) ? below(0x100) & 0x93 : (uint32_t)value() };
	int i = below(NFDS), fd;

	if (below(3))
		fd = pfm_create_context(&ctx, NULL, NULL, 0);
	else
		fd = pfm_create_context(below(8) ? &ctx : any_ptr(64),
					below(6) ? "default" : any_ptr(8),
					below(6) ? (void *)&arg : any_ptr(64),
					below(6) ? sizeof(arg) : value());
	if (fd >= 0) {
		/* reads never block the fuzzer */
		fcntl(fd, F_SETFL, O_NONBLOCK | (below(4) ? 0 : O_ASYNC));
		slot_close(i);
		fds[i] = fd;
	}
}

static void op_regs(void)
{
	int fd = any_fd(), n = any_count();

	switch (below(3)) {
	case 0:
		fill_pmcs();
		pfm_write_pmcs(fd, any_ptr((size_t)n * sizeof(struct pfarg_pmc)), n);
		break;
	case 1:
		fill_regs();
		pfm_write_pmds(fd, any_ptr((size_t)n * sizeof(struct pfarg_pmd)), n);
		break;
	default:
		fill_regs();
		pfm_read_pmds(fd, any_ptr((size_t)n * sizeof(struct pfarg_pmd)), n);
	}
}

static void op_sets(void)
{
	int fd = any_fd(), n = any_count();

	fill_sets();
	switch (below(3)) {
	case 0:
		pfm_create_evtsets(fd, any_ptr((size_t)n * 64), n);
		break;
	case 1:
		pfm_delete_evtsets(fd, any_ptr((size_t)n * 64), n);
		break;
	default:
		pfm_getinfo_evtsets(fd, any_ptr((size_t)n * 192), n);
	}
}

static void op_control(void)
{
	struct pfarg_load load = { .load_pid = gettid(), .load_set = below(3) };
	struct pfarg_start start = { .start_set = below(3) };
	int fd = any_fd();

	switch (below(6)) {
	case 0:
		if (below(3) == 0)
			load.load_pid = child > 0 && below(2) ? child : below(4);
		pfm_load_context(fd, below(8) ? &load : any_ptr(32));
		break;
	case 1:
		pfm_start(fd, below(2) ? NULL : below(6) ? &start : any_ptr(32));
		break;
	case 2:
		pfm_stop(fd);
		break;
	case 3:
		pfm_restart(fd);
		break;
	case 4:
		pfm_unload_context(fd);
		break;
	default:
		pfm_loop(1000 + below(100000));
	}
}

static void op_file(void)
{
	struct pollfd pfd = { .fd = any_fd(), .events = POLLIN };
	int i = below(NMAPS), fd = any_fd();
	uint64_t off;
	size_t len;
	void *p;

	switch (below(5)) {
	case 0:
		read(fd, below(4) ? (void *)buf : any_ptr(56), below(4) ? 56 : below(100));
		break;
	case 1:
		poll(&pfd, 1, 0);
		break;
	case 2:
		off = below(2) ? 0 : (uint64_t)(16384 + below(4)) * page;
		len = below(3) ? page * (1 + below(4)) : value() & 0xfffffff;
		p = mmap(NULL, len, below(4) ? PROT_READ : PROT_READ | PROT_WRITE,
			 below(2) ? MAP_SHARED : MAP_PRIVATE, fd, off);
		if (p != MAP_FAILED) {
			if (maps[i].addr)
				munmap(maps[i].addr, maps[i].len);
			maps[i].addr = p;
			maps[i].len = len;
			__atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
		}
		break;
	case 3:
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
		maps[i].addr = NULL;
		break;
	default:
		slot_close(below(NFDS));
	}
}

/* Reap a stop of @pid within a second; a stop may never come. */
static int wait_stopped(pid_t pid)
{
	int status, i;

	for (i = 0; i < 1000; i++) {
		if (waitpid(pid, &status, WUNTRACED | WNOHANG) == pid)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* A child that stops under ptrace, for non-self contexts. */
static void op_process(void)
{
	int status;
	cpu_set_t cpus;
	pid_t pid;

	switch (below(4)) {
	case 0:
		if (child > 0) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			child = -1;
			break;
		}
		child = fork();
		if (!child) {
			ptrace(PTRACE_TRACEME, 0, 0, 0);
			raise(SIGSTOP);
			for (;;)
				pfm_loop(100000);
		}
		if (child > 0 && wait_stopped(child)) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			child = -1;
		}
		break;
	case 1:		/* a child that inherits the descriptors and exits */
		pid = fork();
		if (!pid) {
			if (below(2))
				pfm_unload_context(any_fd());
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
		break;
	case 2:
		CPU_ZERO(&cpus);
		CPU_SET(below(sysconf(_SC_NPROCESSORS_ONLN)), &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		break;
	default:
		if (child > 0 && !ptrace(PTRACE_CONT, child, 0, 0) && below(2)) {
			kill(child, SIGSTOP);
			wait_stopped(child);
		}
	}
}

/* The controls a pass may change, restored when it ends. */
static const char * const controls[] = {
	"arg_mem_max", "smpl_buffer_mem_max", "task_group", "sys_group",
};
static char saved[4][32];

static void op_sysfs(void)
{
	unsigned int i = below(5);
	char val[32];

	if (i == 4) {
		pfmon_sysfs_write("reset_stats", "1");
		return;
	}
	if (below(2))
		snprintf(val, sizeof(val), "%s", saved[i]);
	else if (below(2))
		snprintf(val, sizeof(val), "%lld\n", (long long)value());
	else
		snprintf(val, sizeof(val), "%llu", (unsigned long long)below(1 << 20));
	pfmon_sysfs_write(controls[i], val);
}

static void on_signal(int sig)
{
}

static void op_signal(void)
{
	static const int sigs[] = { SIGUSR1, SIGSTOP, SIGCONT, SIGIO };
	int sig = sigs[below(4)];

	if (below(2) && child > 0)
		kill(child, sig);
	else if (sig != SIGSTOP)
		raise(sig);
}

static const struct {
	const char *name;
	void (*fn)(void);
	int weight;
} ops[] = {
	{ "create", op_create, 3 },
	{ "regs", op_regs, 6 },
	{ "sets", op_sets, 3 },
	{ "control", op_control, 6 },
	{ "file", op_file, 3 },
	{ "process", op_process, 1 },
	{ "sysfs", op_sysfs, 1 },
	{ "signal", op_signal, 1 },
};

/* Run step @n of the run seeded @seed; returns the op's index. */
static int step(uint64_t seed, uint64_t n)
{
	int total = 0, i, pick;

	rng = (seed ^ (n * 0x9e3779b97f4a7c15ULL)) | 1;
	next();
	for (i = 0; i < (int)ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	pick = below(total);
	for (i = 0; pick >= ops[i].weight; i++)
		pick -= ops[i].weight;
	ops[i].fn();
	return i;
}

static void setup(void)
{
	page = sysconf(_SC_PAGESIZE);
	buf = mmap(NULL, BUF_BYTES + page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	hole = buf + BUF_BYTES;
	munmap(hole, page);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_signal);
	signal(SIGIO, on_signal);
}

static void save_controls(void)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (pfm_sysfs_read(controls[i], saved[i], sizeof(saved[i])) <= 0)
			strcpy(saved[i], "-1\n");
}

/* Put the controls back; 0 when every one took its old value. */
static int restore_controls(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 4; i++)
		if (pfmon_sysfs_write(controls[i], saved[i]))
			ret = -1;
	return ret;
}

static void cleanup(void)
{
	int i, status;

	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	child = -1;
	for (i = 0; i < NFDS; i++)
		slot_close(i);
	for (i = 0; i < NMAPS; i++) {
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
		maps[i].addr = NULL;
	}
}

/*
 * One pass in a child process (as uid 65534 with @nobody); its steps
 * go to @trace. Return: the child's exit status, 0 when it survived.
 */
static int pass(uint64_t seed, uint64_t calls, long seconds, const char *trace, int nobody)
{
	int status;
	uint64_t n;
	time_t end;
	FILE *out = NULL;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid) {
		if (waitpid(pid, &status, 0) != pid)
			return -1;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	if (nobody && (setgid(65534) || setuid(65534)))
		_exit(3);
	if (trace) {
		out = fopen(trace, "w");
		if (!out)
			_exit(4);
		fprintf(out, "seed %llu\nnobody %d\n", (unsigned long long)seed, nobody);
	}
	end = time(NULL) + seconds;
	for (n = 0; n < calls && (!seconds || time(NULL) < end); n++) {
		int op = step(seed, n);

		if (out) {
			fprintf(out, "%llu %s\n", (unsigned long long)n, ops[op].name);
			fflush(out);
		}
	}
	cleanup();
	printf("# as uid %d: %llu steps\n", getuid(), (unsigned long long)n);
	fflush(stdout);
	_exit(0);
}

static int replay(const char *path, uint64_t seed)
{
	unsigned long long n;
	char name[32];
	FILE *f = fopen(path, "r");
	long steps = 0;

	if (!f) {
		perror(path);
		return 2;
	}
	if (fscanf(f, "seed %llu\n", &n) == 1)
		seed = n;
	if (fscanf(f, "nobody %llu\n", &n) == 1 && n && (setgid(65534) || setuid(65534))) {
		perror("pfm_fuzz: setuid");
		fclose(f);
		return 2;
	}
	while (fscanf(f, "%llu %31s\n", &n, name) == 2) {
		step(seed, n);
		steps++;
	}
	fclose(f);
	cleanup();
	printf("pfm_fuzz: replayed %ld steps of seed %llu\n", steps, (unsigned long long)seed);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "trace", required_argument, NULL, 'o' },
		{ "replay", required_argument, NULL, 'r' },
		{ }
	};
	uint64_t seed = 0, calls = 50000;
	const char *trace = NULL, *replay_path = NULL;
	char path[256];
	long seconds = 75;
	int c, i, ret, failed = 0;

	/* a fresh seed unless told; guests may have no clock */
	if (getrandom(&seed, sizeof(seed), GRND_INSECURE) != sizeof(seed))
		seed = time(NULL) ^ getpid();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			calls = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtol(optarg, NULL, 0);
			break;
		case 'o':
			trace = optarg;
			break;
		case 'r':
			replay_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: pfm_fuzz [--seed N] [--calls N] [--seconds N]\n"
				"                [--trace FILE] [--replay FILE]\n");
			return 2;
		}
	}
	if (getenv("PFM_FUZZ_CALLS") && strtoull(getenv("PFM_FUZZ_CALLS"), NULL, 0) > 0)
		calls = strtoull(getenv("PFM_FUZZ_CALLS"), NULL, 0);
	if (getenv("PFM_FUZZ_SECONDS") && strtol(getenv("PFM_FUZZ_SECONDS"), NULL, 0) > 0) {
		seconds = strtol(getenv("PFM_FUZZ_SECONDS"), NULL, 0);
		calls = ~0ULL;
	}
	setup();
	if (replay_path)
		return replay(replay_path, seed);
	save_controls();
	printf("TAP version 13\n1..2\n# seed %llu (replay: --seed N --calls N)\n",
	       (unsigned long long)seed);
	if (calls == UINT64_MAX)
		printf("# %ld s per pass\n", seconds);
	else
		printf("# at most %llu steps or %ld s per pass\n", (unsigned long long)calls,
		       seconds);
	fflush(stdout);
	for (i = 0; i < 2; i++) {
		if (trace)
			snprintf(path, sizeof(path), "%s.%s", trace, i ? "nobody" : "root");
		ret = pass(seed + i, calls, seconds, trace ? path : NULL, i);
		if (ret) {
			printf("# the pass died (status %d): replay its trace\n", ret);
		} else if (restore_controls()) {
			printf("# the controls of /sys/kernel/perfmon were not restored\n");
			ret = 5;
		}
		printf("%sok %d %s pass, seed %llu\n", ret ? "not " : "", i + 1,
		       i ? "uid 65534" : "root", (unsigned long long)seed + i);
		fflush(stdout);
		failed |= ret;
	}
	return failed ? 1 : 0;
}
