// SPDX-License-Identifier: GPL-2.0
/*
 * Monitoring another thread: attaching to a ptrace-stopped child,
 * counting only its events, PFM_MSG_END through read(), poll() and
 * SIGIO when it exits, closing the descriptor while it runs, and the
 * attach errors (not stopped, no ptrace rights, kernel thread, a second
 * context).
 */
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"

#define NPAGES		4096
#define FAULT_SLACK	64

static void touch_pages(long npages)
{
	long page = sysconf(_SC_PAGESIZE), i;
	char *p = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	for (i = 0; i < npages; i++)
		p[i * page] = 1;
	munmap(p, npages * page);
}

/* The context descriptor, which traced children must not keep open. */
static int parent_ctx_fd = -1;

/* A child that stops under ptrace, then runs @fn and exits 0. */
static pid_t traced_child(void (*fn)(int), int arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (parent_ctx_fd >= 0)
			close(parent_ctx_fd);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(2);
		raise(SIGSTOP);
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
		return -1;
	return pid;
}

static void child_faults(int n)
{
	touch_pages(n);
}

/* Wait for a child that exits; ptrace stops on the way are resumed. */
static int reap(pid_t pid)
{
	int status;

	for (;;) {
		if (waitpid(pid, &status, 0) != pid) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		ptrace(PTRACE_CONT, pid, 0, WIFSTOPPED(status) &&
		       WSTOPSIG(status) != SIGSTOP ? WSTOPSIG(status) : 0);
	}
}

static int page_fault_context(void)
{
	struct pfarg_ctx ctx = { 0 };
	struct pfarg_pmc pmc[2];
	int fd = pfm_create_context(&ctx, NULL, NULL, 0);

	if (fd < 0)
		return -1;
	pfm_perf_event(pmc, 0, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS,
		       PFM_PERF_CTL_EXCL_KERNEL);
	if (pfm_write_pmcs(fd, pmc, 2)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(attach) {
	int fd;		/* page-fault context, not loaded */
	pid_t child;	/* traced child, or 0 */
};

FIXTURE_SETUP(attach)
{
	if (access(PFM_SYSFS, F_OK))
		SKIP(return, "kernel without CONFIG_PERFMON");
	if (!pfm_pmu_is_perf())
		SKIP(return, "these counts need the perf_events-backed PMU");
	self->child = 0;
	self->fd = page_fault_context();
	ASSERT_LE(0, self->fd);
	parent_ctx_fd = self->fd;
}

FIXTURE_TEARDOWN(attach)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* Count a stopped child's faults; END arrives through read() on exit. */
TEST_F(attach, count_child_then_end_by_read)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { 0 };
	struct pfarg_pmd pmd = { .reg_num = 0 };
	union pfarg_msg msg;

	self->child = traced_child(child_faults, NPAGES);
	ASSERT_LT(0, self->child);
	load.load_pid = self->child;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, pfm_sysfs_long("task_sessions_count"));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	/* the parent's own faults must not count in the child's context */
	touch_pages(2 * NPAGES);
	ASSERT_EQ(sizeof(msg), read(self->fd, &msg, sizeof(msg)));
	EXPECT_EQ(PFM_MSG_END, msg.type);
	EXPECT_EQ(0, reap(self->child));
	self->child = 0;
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	ASSERT_EQ(0, pfm_read_pmds(self->fd, &pmd, 1));
	TH_LOG("child page faults %llu", (unsigned long long)pmd.reg_value);
	EXPECT_LE(NPAGES, pmd.reg_value);
	EXPECT_GE(NPAGES + FAULT_SLACK, pmd.reg_value);
	/* the context is unloaded again and can be loaded anew */
	EXPECT_EQ(-1, pfm_stop(self->fd));
	EXPECT_EQ(EINVAL, errno);
}

/* END wakes poll(); the other bytes of the message are zero. */
TEST_F(attach, end_by_poll)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { 0 };
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	union pfarg_msg msg, zero = { .type = PFM_MSG_END };

	self->child = traced_child(child_faults, 16);
	ASSERT_LT(0, self->child);
	load.load_pid = self->child;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_EQ(POLLIN, pfd.revents & (POLLIN | POLLRDNORM | POLLERR));
	ASSERT_EQ(sizeof(msg), read(self->fd, &msg, sizeof(msg)));
	EXPECT_EQ(0, memcmp(&msg, &zero, sizeof(msg)));
	EXPECT_EQ(0, reap(self->child));
	self->child = 0;
}

static volatile sig_atomic_t sigio_code;

static void on_sigio(int sig, siginfo_t *si, void *uc)
{
	sigio_code = si->si_code;
}

/* With O_ASYNC and F_SETSIG, END sends SIGIO with POLL_IN. */
TEST_F(attach, end_by_sigio)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct sigaction sa = { .sa_sigaction = on_sigio, .sa_flags = SA_SIGINFO };
	struct pfarg_load load = { 0 };
	int i;

	ASSERT_EQ(0, sigaction(SIGIO, &sa, NULL));
	ASSERT_EQ(0, fcntl(self->fd, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(self->fd, F_SETSIG, SIGIO));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, fcntl(self->fd, F_GETFL) | O_ASYNC));
	self->child = traced_child(child_faults, 16);
	ASSERT_LT(0, self->child);
	load.load_pid = self->child;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	sigio_code = 0;
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	EXPECT_EQ(0, reap(self->child));
	self->child = 0;
	for (i = 0; i < 1000 && !sigio_code; i++)
		usleep(1000);
	EXPECT_EQ(POLL_IN, sigio_code);
}

static void child_spin_until_pipe(int rfd)
{
	char c;

	fcntl(rfd, F_SETFL, O_NONBLOCK);
	while (read(rfd, &c, 1) != 1)
		touch_pages(8);
}

/* Closing while the monitored thread runs leaves it unharmed. */
TEST_F(attach, close_while_running)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { 0 };
	int p[2], i;
	long sessions = -1;

	ASSERT_EQ(0, pipe(p));
	self->child = traced_child(child_spin_until_pipe, p[0]);
	ASSERT_LT(0, self->child);
	load.load_pid = self->child;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	usleep(100000);
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	/* the zombie is destroyed when the thread next returns to user mode */
	for (i = 0; i < 5000; i++) {
		sessions = pfm_sysfs_long("task_sessions_count");
		if (sessions == 0)
			break;
		usleep(1000);
	}
	EXPECT_EQ(0, sessions);
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap(self->child));
	self->child = 0;
}

/*
 * Once the thread runs again, calls that need it stopped fail with ESRCH
 * and change nothing; those that do not (getinfo) still work.
 */
TEST_F(attach, running_target_needs_stop)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { 0 };
	struct pfarg_pmd pmd = { .reg_num = 0 };
	struct pfarg_setinfo si = { .set_id = 0 };
	int p[2], status;

	ASSERT_EQ(0, pipe(p));
	self->child = traced_child(child_spin_until_pipe, p[0]);
	ASSERT_LT(0, self->child);
	load.load_pid = self->child;
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	/* let it run and fault pages, also on a single CPU */
	usleep(100000);
	EXPECT_EQ(-1, pfm_stop(self->fd));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, pfm_read_pmds(self->fd, &pmd, 1));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(-1, pfm_unload_context(self->fd));
	EXPECT_EQ(ESRCH, errno);
	EXPECT_EQ(0, pfm_getinfo_evtsets(self->fd, &si, 1));
	EXPECT_EQ(1, si.set_runs);
	EXPECT_EQ(1, pfm_sysfs_long("task_sessions_count"));
	/* stopped again, everything works */
	ASSERT_EQ(0, kill(self->child, SIGSTOP));
	ASSERT_EQ(self->child, waitpid(self->child, &status, WUNTRACED));
	EXPECT_EQ(0, pfm_stop(self->fd));
	EXPECT_EQ(0, pfm_read_pmds(self->fd, &pmd, 1));
	EXPECT_LT(0, pmd.reg_value);
	EXPECT_EQ(0, pfm_unload_context(self->fd));
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, self->child, 0, 0));
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap(self->child));
	self->child = 0;
}

/* A thread that is not ptrace-stopped by the caller: ESRCH. */
TEST_F(attach, not_stopped)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { 0 };
	int p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	load.load_pid = pid;
	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(ESRCH, errno);
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap(pid));
	/* the context still works */
	load.load_pid = gettid();
	EXPECT_EQ(0, pfm_load_context(self->fd, &load));
	EXPECT_EQ(0, pfm_unload_context(self->fd));
}

/* No such thread: ESRCH; a kernel thread: EPERM. */
TEST_F(attach, missing_and_kernel_threads)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = 0x3fffffff };

	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(ESRCH, errno);
	load.load_pid = 2;	/* kthreadd */
	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, pfm_sysfs_long("task_sessions_count"));
}

/* A second context on the same thread: EEXIST, the first one unharmed. */
TEST_F(attach, second_context)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = gettid() };
	int fd2 = page_fault_context();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	EXPECT_EQ(-1, pfm_load_context(fd2, &load));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(1, pfm_sysfs_long("task_sessions_count"));
	/* loading a loaded context again: EBUSY */
	EXPECT_EQ(-1, pfm_load_context(self->fd, &load));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, pfm_unload_context(self->fd));
	EXPECT_EQ(0, pfm_load_context(fd2, &load));
	EXPECT_EQ(0, pfm_unload_context(fd2));
	close(fd2);
}

/* Without ptrace rights over the target (another user's process): EPERM. */
TEST_F(attach, no_ptrace_rights)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pfarg_load load = { .load_pid = 1 };
		struct pfarg_ctx ctx = { 0 };
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = pfm_create_context(&ctx, NULL, NULL, 0);
		if (fd < 0)
			_exit(3);
		if (pfm_load_context(fd, &load) != -1 || errno != EPERM)
			_exit(4);
		load.load_pid = gettid();
		_exit(pfm_load_context(fd, &load) ? 5 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
