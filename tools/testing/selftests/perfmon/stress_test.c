// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: many monitored threads forking and exiting, descriptors closed
 * while attached and while their thread is blocked in a notification,
 * several controllers attaching and detaching at once, set switching at
 * the shortest timeout on every CPU, CPUs going offline under load, and
 * thousands of contexts up to the descriptor limit. Each case checks the
 * session and memory counters come back to their starting values; the
 * debug kernels' checkers judge the rest.
 */
#include <pthread.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

static int self_context(const struct counter *c)
{
	struct pfarg_load load = { .load_pid = gettid() };
	int fd = counter_context(0);

	if (fd < 0 || c->program(fd, 0) || pfm_load_context(fd, &load) || pfm_start(fd, NULL))
		return -1;
	return fd;
}

/* Debug kernels take minutes over the heavier cases. */
#define STRESS_TIMEOUT	240

FIXTURE(stress) {
	const struct counter *c;	/* the active description's counter */
};

FIXTURE_SETUP(stress)
{
	self->c = active_counter();
	if (!self->c)
		SKIP(return, "no PMU description with counters is active");
}

FIXTURE_TEARDOWN(stress)
{
}

/* 100 processes each monitor themselves and exit with the context loaded. */
TEST_F_TIMEOUT(stress, fork_exit_storm, STRESS_TIMEOUT)
{
	const struct counter *c = self->c;
	int i, status, failed = 0;
	pid_t pid;

	if (_metadata->skip)
		return;
	for (i = 0; i < 100; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (self_context(c) < 0)
				_exit(1);
			c->burn(c->period / 8);
			if (fork() == 0)	/* a child of a monitored thread */
				_exit(0);
			wait(NULL);
			_exit(0);
		}
	}
	while ((pid = wait(&status)) > 0)
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* Contexts attached to running children are closed: they turn zombie. */
TEST_F_TIMEOUT(stress, close_while_attached, STRESS_TIMEOUT)
{
	const struct counter *c = self->c;
	struct pfarg_load load = { 0 };
	int i, fd, status;
	pid_t pid;

	if (_metadata->skip)
		return;
	for (i = 0; i < 50; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (ptrace(PTRACE_TRACEME, 0, 0, 0) || raise(SIGSTOP))
				_exit(1);
			c->burn(c->period);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
		fd = counter_context(i % 2 ? PFM_FL_NOTIFY_BLOCK : 0);
		ASSERT_LE(0, fd);
		load.load_pid = pid;
		ASSERT_EQ(0, c->program(fd, 0));
		ASSERT_EQ(0, pfm_load_context(fd, &load));
		ASSERT_EQ(0, pfm_start(fd, NULL));
		ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
		close(fd);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/*
 * Blocked at each notification: the descriptor closes, at once or after
 * the first message, and the thread goes on to exit by itself.
 */
TEST_F_TIMEOUT(stress, close_while_blocked, STRESS_TIMEOUT)
{
	const struct counter *c = self->c;
	struct pfarg_load load = { 0 };
	union pfarg_msg msg;
	int i, fd, status;
	pid_t pid;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, pfm_pin_cpu(0));
	for (i = 0; i < 40; i++) {
		struct pfarg_pmd pmd = {
			.reg_num = c->pmd, .reg_flags = PFM_REGFL_OVFL_NOTIFY,
			.reg_value = -c->period, .reg_short_reset = -c->period,
			.reg_long_reset = -c->period,
		};

		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (ptrace(PTRACE_TRACEME, 0, 0, 0) || raise(SIGSTOP))
				_exit(1);
			c->burn(4 * c->period);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
		fd = counter_context(PFM_FL_NOTIFY_BLOCK);
		ASSERT_LE(0, fd);
		load.load_pid = pid;
		ASSERT_EQ(0, c->program(fd, 0));
		ASSERT_EQ(0, pfm_write_pmds(fd, &pmd, 1));
		ASSERT_EQ(0, pfm_load_context(fd, &load));
		ASSERT_EQ(0, pfm_start(fd, NULL));
		ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, 0, 0));
		/* one round in two closes while the thread waits for a restart */
		if (i % 2)
			ASSERT_EQ(sizeof(msg), read(fd, &msg, sizeof(msg)));
		close(fd);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

#define CONTROLLERS	4

/* The descriptors the controllers hold now, for the prober to hit. */
static int controller_fd[CONTROLLERS];
static int probing;

/*
 * Every child is forked before any context exists: a child forked later
 * would inherit another controller's descriptors, and that controller's
 * close would not release its context (it stays loaded: EEXIST).
 */
static pthread_barrier_t forked;

/*
 * Errors a call on somebody else's context may return while it is being
 * loaded, unloaded and closed under it: gone (EBADF), not stopped by
 * this thread (ESRCH), in a state that does not allow it (EBUSY), or
 * unloaded again (EINVAL for a non-self call needing L).
 */
static int probe_errno_ok(int err)
{
	return err == EBADF || err == ESRCH || err == EBUSY || err == EINVAL;
}

static void *prober(void *arg)
{
	int i = 0, fd, pmd_num = active_counter()->pmd;
	long bad = 0;

	while (__atomic_load_n(&probing, __ATOMIC_ACQUIRE)) {
		struct pfarg_pmd pmd = { .reg_num = pmd_num };
		struct pfarg_setinfo si = { 0 };

		fd = __atomic_load_n(&controller_fd[i++ % CONTROLLERS], __ATOMIC_RELAXED);
		if (fd < 0)
			continue;
		if (pfm_read_pmds(fd, &pmd, 1) && !probe_errno_ok(errno))
			bad++;
		if (pfm_getinfo_evtsets(fd, &si, 1) && !probe_errno_ok(errno))
			bad++;
	}
	return (void *)bad;
}

/* Stop a running traced child: 0 once it is in its ptrace stop. */
static int stop_again(pid_t pid)
{
	int status;

	if (kill(pid, SIGSTOP) || waitpid(pid, &status, WUNTRACED) != pid)
		return -1;
	if (WIFSTOPPED(status))
		return 0;
	errno = ECHILD;		/* it is gone */
	return -1;
}

/* Work done by each controller's child, in memory shared with it. */
static uint64_t *progress;

/*
 * Resume a ptrace-stopped child and stop it again once it has worked in
 * user mode. A SIGSTOP sent before the resumed child got a CPU would stop
 * it again inside the kernel, without a return to user mode, where its
 * pending task work (a zombie's cleanup) runs.
 */
static int run_briefly(long id, pid_t pid)
{
	uint64_t before = __atomic_load_n(&progress[id], __ATOMIC_RELAXED);
	int waited = 0;

	if (ptrace(PTRACE_CONT, pid, 0, 0))
		return -1;
	while (__atomic_load_n(&progress[id], __ATOMIC_RELAXED) == before && waited++ < 100000)
		usleep(100);
	return stop_again(pid);
}

/*
 * Load on a ptrace-stopped child. A context closed while the child ran
 * is a zombie until the child returns to user mode, and the last
 * reference may have been the prober's: EEXIST until the child has run.
 */
static int load_stopped(long id, int fd, pid_t pid, struct pfarg_load *load)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (!pfm_load_context(fd, load))
			return 0;
		if (errno != EEXIST || run_briefly(id, pid))
			return -1;
		/* ten seconds of a working thread that keeps its zombie: a bug */
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10) {
			errno = EEXIST;
			return -1;
		}
	}
}

/*
 * One round of controller @id on its ptrace-stopped child @pid, in one of
 * four ways: run, stop and unload; close while the child runs; unload at
 * once; detach while loaded (calls then need a stop: ESRCH) and attach
 * again. Returns 0, or the number of the failing step.
 */
static int controller_round(long id, pid_t pid, int way)
{
	const struct counter *c = active_counter();
	struct pfarg_load load = { .load_pid = pid };
	int fd, step = 1;

	fd = pfm_create_context(&(struct pfarg_ctx){ 0 }, NULL, NULL, 0);
	if (fd < 0)
		return step;
	if (step++, c->program(fd, 0) || load_stopped(id, fd, pid, &load) || pfm_start(fd, NULL))
		goto out;
	__atomic_store_n(&controller_fd[id], fd, __ATOMIC_RELAXED);
	switch (way) {
	case 0:
		if (step++, run_briefly(id, pid))
			goto out;
		if (step++, pfm_stop(fd) || pfm_unload_context(fd))
			goto out;
		break;
	case 1:
		if (step++, ptrace(PTRACE_CONT, pid, 0, 0))
			goto out;
		usleep(1000);
		__atomic_store_n(&controller_fd[id], -1, __ATOMIC_RELAXED);
		close(fd);
		fd = -1;
		if (step++, stop_again(pid))
			goto out;
		break;
	case 2:
		if (step++, pfm_unload_context(fd))
			goto out;
		break;
	default:
		if (step++, ptrace(PTRACE_DETACH, pid, 0, 0))
			goto out;
		usleep(1000);
		if (step++, !pfm_unload_context(fd) || errno != ESRCH)
			goto out;
		if (step++, ptrace(PTRACE_ATTACH, pid, 0, 0))
			goto out;
		if (step++, waitpid(pid, NULL, WUNTRACED) != pid || pfm_unload_context(fd))
			goto out;
	}
	step = 0;
out:
	__atomic_store_n(&controller_fd[id], -1, __ATOMIC_RELAXED);
	if (fd >= 0)
		close(fd);
	return step;
}

/*
 * A controller: its own traced child, 60 rounds of every way in turn.
 * Returns 0, or round * 1000 + step * 100 + errno of the first failure.
 */
static void *controller(void *arg)
{
	const struct counter *c = active_counter();
	long id = (long)arg, ret = 0;
	int i, status, step;
	pid_t pid;

	pid = fork();
	if (!pid) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) || raise(SIGSTOP))
			_exit(1);
		for (;;) {
			c->burn(c->period / 8);
			__atomic_fetch_add(&progress[id], 1, __ATOMIC_RELAXED);
		}
	}
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		ret = 1;
	pthread_barrier_wait(&forked);
	if (pid < 0)
		return (void *)ret;
	for (i = 0; !ret && i < 60; i++) {
		step = controller_round(id, pid, i % 4);
		if (step)
			ret = i * 1000 + step * 100 + (errno % 100);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return (void *)ret;
}

/*
 * Several controllers attach to and detach from their threads at once,
 * while one more thread makes calls on whatever contexts they hold.
 */
TEST_F_TIMEOUT(stress, concurrent_controllers, STRESS_TIMEOUT)
{
	pthread_t threads[CONTROLLERS], probe;
	void *ret;
	long i;

	if (_metadata->skip)
		return;
	progress = mmap(NULL, CONTROLLERS * sizeof(*progress), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, progress);
	for (i = 0; i < CONTROLLERS; i++)
		controller_fd[i] = -1;
	ASSERT_EQ(0, pthread_barrier_init(&forked, NULL, CONTROLLERS));
	probing = 1;
	ASSERT_EQ(0, pthread_create(&probe, NULL, prober, NULL));
	for (i = 0; i < CONTROLLERS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, controller, (void *)i));
	for (i = 0; i < CONTROLLERS; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], &ret));
		EXPECT_EQ(0, (long)ret) TH_LOG("controller %ld: round %ld, step %ld, errno %ld",
					      i, (long)ret / 1000, (long)ret / 100 % 10,
					      (long)ret % 100);
	}
	__atomic_store_n(&probing, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(probe, &ret));
	EXPECT_EQ(0, (long)ret) TH_LOG("unexpected errors from calls on others' contexts");
	munmap(progress, CONTROLLERS * sizeof(*progress));
	pthread_barrier_destroy(&forked);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* A thread on @cpu switching two sets every tick while it works. */
static void *switcher(void *arg)
{
	const struct counter *c = active_counter();
	struct pfarg_setdesc sd[2] = {
		{ .set_id = 0, .set_flags = PFM_SETFL_TIME_SWITCH, .set_timeout = 1 },
		{ .set_id = 1, .set_flags = PFM_SETFL_TIME_SWITCH, .set_timeout = 1 },
	};
	struct pfarg_setinfo si[2] = { { .set_id = 0 }, { .set_id = 1 } };
	struct pfarg_load load = { .load_pid = gettid() };
	long cpu = (long)arg, ok = 0;
	struct timespec t0, t;
	int fd;

	if (pfm_pin_cpu(cpu))
		return (void *)0;
	fd = pfm_create_context(&(struct pfarg_ctx){ 0 }, NULL, NULL, 0);
	if (fd < 0 || pfm_create_evtsets(fd, sd, 2) || c->program(fd, 0) ||
	    c->program(fd, 1) || pfm_load_context(fd, &load) || pfm_start(fd, NULL))
		goto out;
	/* 50 ms of work at least: a dozen ticks */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		c->burn(c->period);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000LL + t.tv_nsec - t0.tv_nsec < 50000000);
	if (pfm_stop(fd) || pfm_getinfo_evtsets(fd, si, 2))
		goto out;
	ok = si[0].set_runs > 1 && si[1].set_runs > 1;
out:
	if (fd >= 0)
		close(fd);
	return (void *)ok;
}

/* Every CPU switches sets at the shortest timeout at once. */
TEST_F_TIMEOUT(stress, set_switching_everywhere, STRESS_TIMEOUT)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN), i;
	pthread_t threads[8];
	void *ok;

	if (_metadata->skip)
		return;
	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, switcher, (void *)i));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], &ok));
		EXPECT_EQ(1, (long)ok) TH_LOG("thread on CPU %ld", i);
	}
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* CPU 1 goes offline and comes back while a monitored thread works on it. */
TEST_F_TIMEOUT(stress, cpu_offline_under_load, STRESS_TIMEOUT)
{
	const char *online = "/sys/devices/system/cpu/cpu1/online";
	const struct counter *c = self->c;
	int i, status;
	pid_t pid;

	if (_metadata->skip)
		return;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || access(online, W_OK))
		SKIP(return, "needs a second CPU that can go offline");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (pfm_pin_cpu(1) || self_context(c) < 0)
			_exit(1);
		for (;;)
			c->burn(c->period);
	}
	usleep(100000);
	for (i = 0; i < 10; i++) {
		EXPECT_EQ(0, pfmon_write_file(online, "0\n"));
		usleep(20000);
		EXPECT_EQ(0, pfmon_write_file(online, "1\n"));
		usleep(20000);
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/*
 * Contexts up to the descriptor limit: ENFILE there, and all close. Ten
 * thousand creations take a while on a debug kernel.
 */
TEST_F_TIMEOUT(stress, descriptor_limit, STRESS_TIMEOUT)
{
	struct rlimit rl = { 10240, 10240 };
	static int fds[10240];
	struct pfarg_ctx ctx = { 0 };
	int n, i, err = 0;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (n = 0; n < 10240; n++) {
		fds[n] = pfm_create_context(&ctx, NULL, NULL, 0);
		if (fds[n] < 0) {
			err = errno;
			break;
		}
	}
	TH_LOG("%d contexts open", n);
	EXPECT_LT(10000, n);
	EXPECT_EQ(ENFILE, err);
	for (i = 0; i < n; i++)
		close(fds[i]);
	/* and the next one works */
	n = pfm_create_context(&ctx, NULL, NULL, 0);
	EXPECT_LE(0, n);
	close(n);
}

TEST_HARNESS_MAIN
