// SPDX-License-Identifier: GPL-2.0
/*
 * System-wide monitoring (--system-wide): one context per CPU of
 * --cpu-list, each created, loaded, read and unloaded by a helper thread
 * pinned to its CPU (the ABI wants those calls on the bound CPU). The
 * session lasts -t seconds, or as long as a command, or until SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pfmon.h"

struct pfmon_cpu {
	int		cpu;
	pthread_t	thread;
	const struct pfmon_opts *opts;
	struct pfmon_ctx ctx;
	pthread_mutex_t	lock;		/* counts, snapshot */
	struct pfmon_counts counts;	/* latest read */
	bool		snapshot;	/* main asks for a fresh read */
	int		status;		/* 0 loaded; -1 failed */
	char		label[16];
};

static struct pfmon_cpu *cpus;
static int ncpus;
static struct pfmon_profile *profile;
static pthread_mutex_t profile_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t loaded;
static int stop_fd[2] = { -1, -1 };	/* readable: the session ends */
static int interrupted;			/* SIGINT or SIGTERM came */

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	__atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED);
	/* a full pipe is readable already */
	(void)!write(stop_fd[1], "", 1);
	errno = saved;
}

/* Drain full-buffer notifications; restarts must come from this CPU. */
static void cpu_messages(struct pfmon_cpu *c)
{
	union pfarg_msg msg;

	while (read(c->ctx.fd, &msg, sizeof(msg)) == sizeof(msg)) {
		if (msg.type != PFM_MSG_OVFL || !profile)
			continue;
		pthread_mutex_lock(&profile_lock);
		pfmon_profile_collect(profile, &c->ctx, false);
		pthread_mutex_unlock(&profile_lock);
		pfm_restart(c->ctx.fd);
	}
}

static void *cpu_thread(void *arg)
{
	struct pfmon_cpu *c = arg;
	const struct pfmon_opts *opts = c->opts;
	struct pfmon_counts counts;
	struct pollfd pfd[2];
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	c->status = -1;
	if (sched_setaffinity(0, sizeof(set), &set)) {
		pfmon_err("CPU %d is offline or does not exist (--cpu-list)", c->cpu);
		goto fail;
	}
	if (pfmon_ctx_create(&c->ctx, opts, true))
		goto fail;
	if (pfmon_ctx_load(&c->ctx, opts, 0, c->cpu)) {
		pfmon_ctx_destroy(&c->ctx, opts);
		goto fail;
	}
	c->status = 0;
	pthread_barrier_wait(&loaded);
	pfd[0] = (struct pollfd){ .fd = stop_fd[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = c->ctx.fd, .events = POLLIN };
	for (;;) {
		poll(pfd, 2, opts->interval_ms ? 10 : -1);
		if (pfd[1].revents & POLLIN)
			cpu_messages(c);
		if (pfd[0].revents & POLLIN)
			break;
		if (__atomic_load_n(&c->snapshot, __ATOMIC_ACQUIRE)) {
			if (!pfmon_ctx_read(&c->ctx, opts, &counts)) {
				pthread_mutex_lock(&c->lock);
				c->counts = counts;
				pthread_mutex_unlock(&c->lock);
			}
			__atomic_store_n(&c->snapshot, false, __ATOMIC_RELEASE);
		}
	}
	pfm_stop(c->ctx.fd);
	cpu_messages(c);
	if (profile) {
		pthread_mutex_lock(&profile_lock);
		pfmon_profile_collect(profile, &c->ctx, true);
		pthread_mutex_unlock(&profile_lock);
	}
	if (pfmon_ctx_read(&c->ctx, opts, &counts)) {
		pfmon_err("cannot read the counts of CPU %d: %s", c->cpu, strerror(errno));
		c->status = -1;
	}
	pthread_mutex_lock(&c->lock);
	c->counts = counts;
	pthread_mutex_unlock(&c->lock);
	pfm_unload_context(c->ctx.fd);
	pfmon_ctx_destroy(&c->ctx, opts);
	return NULL;
fail:
	pthread_barrier_wait(&loaded);
	return NULL;
}

/* Parse "0-2,5" into cpus[]; every CPU must be online. */
static int parse_cpus(const char *list)
{
	long nconf = sysconf(_SC_NPROCESSORS_CONF), a, b, i;
	char *end, path[64], online[8];
	const char *p = list;
	FILE *f;

	if (!list) {
		for (i = 0; i < nconf; i++) {
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%ld/online", i);
			f = fopen(path, "r");
			if (f) {
				bool off = fgets(online, sizeof(online), f) && online[0] == '0';

				fclose(f);
				if (off)
					continue;
			}
			cpus[ncpus++].cpu = i;
		}
		return 0;
	}
	while (*p) {
		a = strtol(p, &end, 10);
		if (end == p || a < 0)
			goto bad;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		for (i = a; i <= b; i++) {
			if (i >= nconf) {
				pfmon_err("no CPU %ld: this machine has CPUs 0-%ld (--cpu-list)",
					  i, nconf - 1);
				return -1;
			}
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%ld/online", i);
			f = fopen(path, "r");
			if (f) {
				bool off = fgets(online, sizeof(online), f) && online[0] == '0';

				fclose(f);
				if (off) {
					pfmon_err("CPU %ld is offline (--cpu-list)", i);
					return -1;
				}
			}
			if (ncpus == nconf) {
				pfmon_err("CPU %ld is listed twice (--cpu-list)", i);
				return -1;
			}
			cpus[ncpus++].cpu = i;
		}
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	if (!ncpus)
		goto bad;
	return 0;
bad:
	pfmon_err("bad CPU list '%s': use numbers and ranges, as in 0-2,5", list);
	return -1;
}

static void report(const struct pfmon_opts *opts, const char *what, double seconds, double at)
{
	struct pfmon_result *res = calloc(ncpus + 1, sizeof(*res));
	struct pfmon_counts *snap = calloc(ncpus + 1, sizeof(*snap));
	int i;

	if (!res || !snap) {
		pfmon_err("out of memory");
		goto out;
	}
	for (i = 0; i < ncpus; i++) {
		pthread_mutex_lock(&cpus[i].lock);
		snap[i] = cpus[i].counts;
		pthread_mutex_unlock(&cpus[i].lock);
		res[i].label = cpus[i].label;
		res[i].counts = &snap[i];
		pfmon_counts_add(&snap[ncpus], &snap[i], opts);
	}
	res[ncpus].label = "all CPUs";
	res[ncpus].counts = &snap[ncpus];
	pfmon_print(opts, what, seconds, res, ncpus > 1 ? ncpus + 1 : ncpus, at);
out:
	free(res);
	free(snap);
}

int cmd_system_wide(struct pfmon_pmu *pmu, struct pfmon_opts *opts)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int i, status, started = 0, cmd_status = 0;
	double t0, end, next_print;
	bool failed = false;
	char what[64];
	pid_t pid = 0;

	(void)pmu;
	cpus = calloc(sysconf(_SC_NPROCESSORS_CONF), sizeof(*cpus));
	if (!cpus || pipe2(stop_fd, O_CLOEXEC | O_NONBLOCK)) {
		pfmon_err("out of memory");
		return 1;
	}
	if (parse_cpus(opts->cpu_list))
		return 1;
	snprintf(what, sizeof(what), "%d CPU%s", ncpus, ncpus > 1 ? "s" : "");
	if (opts->smpl_period) {
		profile = pfmon_profile_new(opts);
		if (!profile)
			return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_barrier_init(&loaded, NULL, ncpus + 1);
	for (i = 0; i < ncpus; i++) {
		cpus[i].opts = opts;
		pthread_mutex_init(&cpus[i].lock, NULL);
		snprintf(cpus[i].label, sizeof(cpus[i].label), "CPU %d", cpus[i].cpu);
		if (pthread_create(&cpus[i].thread, NULL, cpu_thread, &cpus[i])) {
			/* the others wait at the barrier for a thread that never comes */
			pfmon_err("cannot start a thread for CPU %d", cpus[i].cpu);
			exit(1);
		}
		started++;
	}
	pthread_barrier_wait(&loaded);
	t0 = pfmon_now();
	for (i = 0; i < ncpus; i++)
		failed |= cpus[i].status != 0;
	if (failed)
		goto stop;
	if (opts->argv) {
		pid = fork();
		if (!pid) {
			execvp(opts->argv[0], opts->argv);
			pfmon_err("cannot execute '%s': %s", opts->argv[0], strerror(errno));
			_exit(127);
		}
	}
	end = opts->timeout ? t0 + opts->timeout : 0;
	next_print = t0 + opts->interval_ms / 1000.0;
	while (!__atomic_load_n(&interrupted, __ATOMIC_RELAXED) && (!end || pfmon_now() < end)) {
		if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
			cmd_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				     128 + WTERMSIG(status);
			pid = 0;
			break;
		}
		if (opts->interval_ms && pfmon_now() >= next_print) {
			for (i = 0; i < ncpus; i++)
				__atomic_store_n(&cpus[i].snapshot, true, __ATOMIC_RELEASE);
			for (i = 0; i < ncpus; i++)
				while (__atomic_load_n(&cpus[i].snapshot, __ATOMIC_ACQUIRE))
					usleep(1000);
			report(opts, what, pfmon_now() - t0, pfmon_now() - t0);
			next_print = pfmon_next_interval(next_print, opts);
		}
		usleep(10000);
	}
stop:
	(void)!write(stop_fd[1], "", 1);
	for (i = 0; i < started; i++)
		pthread_join(cpus[i].thread, NULL);
	for (i = 0; i < ncpus; i++)
		failed |= cpus[i].status != 0;
	if (!failed) {
		report(opts, what, pfmon_now() - t0, -1);
		if (profile && pfmon_profile_report(profile, opts))
			failed = true;
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	pfmon_profile_free(profile);
	return failed ? 1 : cmd_status;
}
