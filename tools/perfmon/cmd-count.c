// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread monitoring: a command pfmon starts (and, with --follow-fork,
 * every process and thread it creates), or a running thread
 * (--attach-task). One context per thread, loaded while the thread is
 * ptrace-stopped; counts are read when the thread exits, or after
 * stopping it again at the end of an --attach-task session.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pfmon.h"

struct pfmon_task {
	pid_t		tid;
	bool		live;		/* context loaded, thread running */
	bool		reading;	/* stopped by pfmon for an interval read */
	bool		read;		/* counts hold this interval's read */
	struct pfmon_ctx ctx;
	struct pfmon_counts counts;	/* final, or the last interval read */
	char		label[48];
};

static struct pfmon_task *tasks;
static int ntasks;
static struct pfmon_profile *profile;
static int wake_pipe[2] = { -1, -1 };	/* SIGCHLD, SIGINT, SIGTERM */
static int interrupted;			/* SIGINT or SIGTERM came */

static void on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD)
		__atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED);
	/* a full pipe already holds a wakeup */
	(void)!write(wake_pipe[1], "", 1);
	errno = saved;
}

static int setup_signals(bool catch_int)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK)) {
		pfmon_err("pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	if (catch_int) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	} else {
		/* the command gets the terminal's signals; pfmon reports */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	return 0;
}

static struct pfmon_task *task_find(pid_t tid)
{
	int i;

	for (i = 0; i < ntasks; i++)
		if (tasks[i].tid == tid)
			return &tasks[i];
	return NULL;
}

/* The thread's command name, in its label. */
static void task_label(struct pfmon_task *t)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", t->tid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(t->label, sizeof(t->label), "thread %d (%s)", t->tid, comm);
}

/* Monitor @tid, ptrace-stopped by us: a new context, loaded and started. */
static struct pfmon_task *task_add(const struct pfmon_opts *opts, pid_t tid)
{
	struct pfmon_task *t;

	t = realloc(tasks, (ntasks + 1) * sizeof(*tasks));
	if (!t) {
		pfmon_err("out of memory");
		return NULL;
	}
	tasks = t;
	t = &tasks[ntasks];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	task_label(t);
	if (pfmon_ctx_create(&t->ctx, opts, false))
		return NULL;
	if (pfmon_ctx_load(&t->ctx, opts, tid, -1)) {
		pfmon_ctx_destroy(&t->ctx, opts);
		return NULL;
	}
	t->live = true;
	ntasks++;
	return t;
}

/* The thread is gone or stopped: its counts, and its context closed. */
static int task_finish(const struct pfmon_opts *opts, struct pfmon_task *t)
{
	int ret = 0;

	if (!t->live)
		return 0;
	if (profile && pfmon_profile_collect(profile, &t->ctx, true) < 0)
		ret = -1;
	if (pfmon_ctx_read(&t->ctx, opts, &t->counts)) {
		pfmon_err("cannot read the counts of %s: %s", t->label, strerror(errno));
		ret = -1;
	}
	/* a thread stopped at the end of a session: detach it cleanly */
	pfm_unload_context(t->ctx.fd);
	pfmon_ctx_destroy(&t->ctx, opts);
	t->live = false;
	return ret;
}

/* Messages of the contexts: full sampling buffers to drain. */
static int drain_messages(const struct pfmon_opts *opts)
{
	union pfarg_msg msg;
	int i;

	for (i = 0; i < ntasks; i++) {
		struct pfmon_task *t = &tasks[i];

		if (!t->live)
			continue;
		while (read(t->ctx.fd, &msg, sizeof(msg)) == sizeof(msg)) {
			if (msg.type != PFM_MSG_OVFL)
				continue;
			if (profile && pfmon_profile_collect(profile, &t->ctx, false) < 0)
				return -1;
			if (pfm_restart(t->ctx.fd) && errno != EBUSY) {
				pfmon_err("cannot restart sampling of %s: %s", t->label,
					  strerror(errno));
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Wait for something to do: a signal (SIGCHLD included), a context
 * message, or @timeout_ms.
 */
static void wait_events(int timeout_ms)
{
	struct pollfd pfd[1 + 256];
	char buf[64];
	int i, n = 0;

	pfd[n++] = (struct pollfd){ .fd = wake_pipe[0], .events = POLLIN };
	for (i = 0; i < ntasks && n < (int)ARRAY_SIZE(pfd); i++)
		if (tasks[i].live)
			pfd[n++] = (struct pollfd){ .fd = tasks[i].ctx.fd, .events = POLLIN };
	if (poll(pfd, n, timeout_ms) > 0 && (pfd[0].revents & POLLIN))
		while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
			;
}

/* Print the results: each thread, then their sum when there are several. */
static void report(const struct pfmon_opts *opts, const char *what, double seconds, double at)
{
	struct pfmon_result *res = calloc(ntasks + 1, sizeof(*res));
	struct pfmon_counts *live = calloc(ntasks + 1, sizeof(*live));
	struct pfmon_counts *sum = &live[ntasks];
	int i, n = 0;

	if (!res || !live) {
		pfmon_err("out of memory");
		goto out;
	}
	for (i = 0; i < ntasks; i++) {
		res[n].label = tasks[i].label;
		res[n].counts = &tasks[i].counts;
		/* a traced thread was read stopped; an attached one has views */
		if (at >= 0 && tasks[i].live && !tasks[i].read) {
			if (pfmon_ctx_read_views(&tasks[i].ctx, opts, &live[i]))
				continue;
			res[n].counts = &live[i];
		}
		tasks[i].read = false;
		pfmon_counts_add(sum, res[n].counts, opts);
		n++;
	}
	if (n > 1) {
		res[n].label = "all threads";
		res[n++].counts = sum;
	}
	pfmon_print(opts, what, seconds, res, n, at);
out:
	free(res);
	free(live);
}

/*
 * A traced thread stopped: at an event (fork, clone, exec), at its
 * first stop (a new thread: it gets its context), or for a signal,
 * which it gets back.
 */
static void handle_stop(const struct pfmon_opts *opts, pid_t tid, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;
	struct pfmon_task *t = task_find(tid);

	if (event) {
		if (event == PTRACE_EVENT_EXEC && t)
			task_label(t);
		ptrace(PTRACE_CONT, tid, 0, 0);
		return;
	}
	if (!t && sig == SIGSTOP) {
		/* a failure leaves the new thread unmonitored, and says so */
		task_add(opts, tid);
		sig = 0;
	} else if (t && t->reading && sig == SIGSTOP) {
		/* pfmon's own stop: the exact counts, then on */
		if (!pfmon_ctx_read(&t->ctx, opts, &t->counts))
			t->read = true;
		t->reading = false;
		sig = 0;
	}
	ptrace(PTRACE_CONT, tid, 0, sig);
}

/*
 * --print-interval: stop every monitored thread (they stay traced) to
 * read its counts exactly; the report waits for the stops.
 */
static void request_reads(void)
{
	int i;

	for (i = 0; i < ntasks; i++) {
		if (!tasks[i].live || tasks[i].reading)
			continue;
		if (!syscall(SYS_tkill, tasks[i].tid, SIGSTOP))
			tasks[i].reading = true;
	}
}

static bool reads_pending(void)
{
	int i;

	for (i = 0; i < ntasks; i++)
		if (tasks[i].live && tasks[i].reading)
			return true;
	return false;
}

static void build_what(const struct pfmon_opts *opts, char *what, size_t size)
{
	size_t len = 0;
	int i;

	len += snprintf(what + len, size - len, "'");
	for (i = 0; opts->argv[i] && len < size; i++)
		len += snprintf(what + len, size - len, "%s%s", i ? " " : "", opts->argv[i]);
	if (len < size)
		snprintf(what + len, size - len, "'");
}

int cmd_count(struct pfmon_pmu *pmu, struct pfmon_opts *opts)
{
	int errpipe[2], status, err, ret = 1, exit_code = 0;
	bool running = true, traced, reading = false;
	double t0, next_print;
	char what[512];
	pid_t pid, w;

	(void)pmu;
	build_what(opts, what, sizeof(what));
	if (setup_signals(false))
		return 1;
	if (pipe2(errpipe, O_CLOEXEC)) {
		pfmon_err("pipe: %s", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		pfmon_err("fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		close(errpipe[0]);
		if (!ptrace(PTRACE_TRACEME, 0, 0, 0))
			execvp(opts->argv[0], opts->argv);
		err = errno;
		if (write(errpipe[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(errpipe[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		if (read(errpipe[0], &err, sizeof(err)) != sizeof(err))
			err = ECHILD;
		pfmon_err("cannot execute '%s': %s", opts->argv[0], strerror(err));
		close(errpipe[0]);
		return 1;
	}
	close(errpipe[0]);
	if (opts->smpl_period) {
		profile = pfmon_profile_new(opts);
		if (!profile || pfmon_profile_add_binary(profile, pid))
			goto kill;
	}
	if (!task_add(opts, pid))
		goto kill;
	/* interval reads stop the threads: they stay traced then */
	traced = opts->follow_fork || opts->interval_ms;
	if (opts->follow_fork)
		ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
	else if (traced)
		ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
	t0 = pfmon_now();
	next_print = t0 + opts->interval_ms / 1000.0;
	if (traced ? ptrace(PTRACE_CONT, pid, 0, 0) : ptrace(PTRACE_DETACH, pid, 0, 0)) {
		pfmon_err("cannot resume '%s': %s", opts->argv[0], strerror(errno));
		goto kill;
	}
	for (;;) {
		while ((w = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
			struct pfmon_task *t = task_find(w);

			if (WIFSTOPPED(status)) {
				handle_stop(opts, w, status);
				continue;
			}
			if (t)
				task_finish(opts, t);
			if (w == pid) {
				running = false;
				exit_code = WIFEXITED(status) ? WEXITSTATUS(status) :
					    128 + WTERMSIG(status);
			}
		}
		if (!running && (!traced || w < 0))
			break;
		if (drain_messages(opts))
			goto kill;
		if (opts->interval_ms && pfmon_now() >= next_print && !reading) {
			request_reads();
			reading = true;
		}
		if (reading && !reads_pending()) {
			report(opts, what, pfmon_now() - t0, pfmon_now() - t0);
			next_print = pfmon_next_interval(next_print, opts);
			reading = false;
		}
		wait_events(opts->interval_ms && !reading ? pfmon_ms_until(next_print) : 100);
	}
	report(opts, what, pfmon_now() - t0, -1);
	ret = exit_code;
	if (profile && pfmon_profile_report(profile, opts))
		ret = ret ? ret : 1;
	goto out;
kill:
	kill(pid, SIGKILL);
	while (waitpid(-1, &status, __WALL) > 0)
		;
out:
	pfmon_profile_free(profile);
	return ret;
}

/* Stop @tid with ptrace: 0 once it is in a ptrace stop. */
static int attach_stop(pid_t tid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, tid, 0, 0))
		return -1;
	if (waitpid(tid, &status, __WALL) != tid)
		return -1;
	if (!WIFSTOPPED(status)) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

int cmd_attach(struct pfmon_pmu *pmu, struct pfmon_opts *opts)
{
	pid_t tid = opts->attach_pid;
	double t0, end, next_print;
	struct pfmon_task *t;
	union pfarg_msg msg;
	bool exited = false;
	char what[64];
	int ret = 1;

	(void)pmu;
	snprintf(what, sizeof(what), "thread %d", tid);
	if (setup_signals(true))
		return 1;
	if (attach_stop(tid)) {
		if (errno == ESRCH)
			pfmon_err("no thread %d (--attach-task)", tid);
		else
			pfmon_err("cannot attach to thread %d: %s", tid, strerror(errno));
		return 1;
	}
	if (opts->smpl_period) {
		profile = pfmon_profile_new(opts);
		if (!profile || pfmon_profile_add_binary(profile, tid))
			goto detach;
	}
	t = task_add(opts, tid);
	if (!t)
		goto detach;
	ptrace(PTRACE_DETACH, tid, 0, 0);
	t0 = pfmon_now();
	end = opts->timeout ? t0 + opts->timeout : 0;
	next_print = t0 + opts->interval_ms / 1000.0;
	for (;;) {
		double wake = end ? end : pfmon_now() + 3600;

		if (__atomic_load_n(&interrupted, __ATOMIC_RELAXED) || exited ||
		    (end && pfmon_now() >= end))
			break;

		if (opts->interval_ms && next_print < wake)
			wake = next_print;
		wait_events(pfmon_ms_until(wake));
		/* END (the thread exited) or OVFL (a full buffer) */
		while (read(t->ctx.fd, &msg, sizeof(msg)) == sizeof(msg)) {
			if (msg.type == PFM_MSG_END) {
				exited = true;
			} else if (profile) {
				if (pfmon_profile_collect(profile, &t->ctx, false) < 0)
					goto out;
				pfm_restart(t->ctx.fd);
			}
		}
		if (opts->interval_ms && pfmon_now() >= next_print) {
			report(opts, what, pfmon_now() - t0, pfmon_now() - t0);
			next_print = pfmon_next_interval(next_print, opts);
		}
	}
	/* a thread that exited meanwhile has its final counts */
	if (!exited && attach_stop(tid))
		exited = true;
	if (!exited)
		pfm_stop(t->ctx.fd);
	ret = task_finish(opts, t) ? 1 : 0;
	if (!exited)
		ptrace(PTRACE_DETACH, tid, 0, 0);
	report(opts, what, pfmon_now() - t0, -1);
	if (profile && pfmon_profile_report(profile, opts))
		ret = 1;
	goto out;
detach:
	ptrace(PTRACE_DETACH, tid, 0, 0);
out:
	pfmon_profile_free(profile);
	return ret;
}
