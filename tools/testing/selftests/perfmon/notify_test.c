// SPDX-License-Identifier: GPL-2.0
/*
 * Overflow processing without a sampling format: 64-bit overflows of a
 * counter mask monitoring, queue PFM_MSG_OVFL, wake readers and send
 * SIGIO; pfm_restart() resumes with the long reset values.
 *
 * The counter depends on the active PMU description (pfm_counter.h).
 * QEMU 7.2 raises the Armv8 event counters' overflow interrupts late (the
 * cycle counter's are exact): the one test of a 32-bit event counter does
 * not depend on the timing.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "perfmon_util.h"
#include "pfm_counter.h"

/* Program the counter to overflow every @c->period events with @flags. */
static int arm_counter(const struct counter *c, int fd, uint32_t flags, uint64_t long_reset)
{
	struct pfarg_pmd pmd = {
		.reg_num = c->pmd, .reg_flags = flags, .reg_value = -c->period,
		.reg_short_reset = -c->period, .reg_long_reset = long_reset,
	};

	if (c->program(fd, 0))
		return -1;
	return pfm_write_pmds(fd, &pmd, 1);
}

static int read_pmd(int fd, int num, struct pfarg_pmd *pmd)
{
	memset(pmd, 0, sizeof(*pmd));
	pmd->reg_num = num;
	return pfm_read_pmds(fd, pmd, 1);
}

/* Is a message queued? Reads it without blocking; 0 if none. */
static int next_msg(int fd, union pfarg_msg *msg)
{
	ssize_t n = read(fd, msg, sizeof(*msg));

	if (n == sizeof(*msg))
		return 1;
	return n < 0 && errno == EAGAIN ? 0 : -1;
}

FIXTURE(notify) {
	const struct counter *c;	/* the overflowing counter */
	int fd;				/* self-monitoring context, O_NONBLOCK */
};

FIXTURE_VARIANT(notify) {
	uint32_t ctx_flags;
};

FIXTURE_VARIANT_ADD(notify, queued) { .ctx_flags = 0 };
FIXTURE_VARIANT_ADD(notify, no_msg) { .ctx_flags = PFM_FL_OVFL_NO_MSG };

FIXTURE_SETUP(notify)
{
	struct pfarg_load load = { .load_pid = gettid() };

	self->fd = -1;
	self->c = active_counter();
	if (!self->c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	self->fd = counter_context(variant->ctx_flags);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
}

FIXTURE_TEARDOWN(notify)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * One overflow: the context is masked (pfm_start refuses, counting is
 * frozen at the wrap), the message describes the interrupt, and
 * pfm_restart() resumes from the long reset value.
 */
TEST_F(notify, overflow_masks_and_restarts)
{
	int queued = !(variant->ctx_flags & PFM_FL_OVFL_NO_MSG);
	struct pfarg_setinfo info = { .set_id = 0 };
	const struct counter *c = self->c;
	struct pfarg_pmd pmd;
	union pfarg_msg msg;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, arm_counter(c, self->fd, PFM_REGFL_OVFL_NOTIFY, -2 * c->period));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	c->burn(2 * c->period);		/* one wrap */
	ASSERT_EQ(-1, pfm_start(self->fd, NULL));
	EXPECT_EQ(EINVAL, errno);	/* MASKED */
	ASSERT_EQ(0, read_pmd(self->fd, c->pmd, &pmd));
	EXPECT_GE(c->slack, pmd.reg_value) TH_LOG("after the wrap: %llu",
						  (unsigned long long)pmd.reg_value);
	EXPECT_EQ(-c->period, pmd.reg_last_reset_val);
	ASSERT_EQ(0, pfm_getinfo_evtsets(self->fd, &info, 1));
	EXPECT_EQ(1ULL << c->pmd, info.set_ovfl_pmds[0]);

	ASSERT_EQ(queued, next_msg(self->fd, &msg));
	if (queued) {
		struct pfarg_ovfl_msg *m = &msg.pfm_ovfl_msg;

		EXPECT_EQ(PFM_MSG_OVFL, m->msg_type);
		EXPECT_EQ(1ULL << c->pmd, m->msg_ovfl_pmds[0]);
		EXPECT_EQ(0, m->msg_ovfl_pmds[1] | m->msg_ovfl_pmds[2] | m->msg_ovfl_pmds[3]);
		EXPECT_EQ(0, m->msg_active_set);
		EXPECT_EQ(0, m->msg_ovfl_cpu);
		EXPECT_EQ(gettid(), m->msg_ovfl_pid);
		EXPECT_EQ(getpid(), m->msg_ovfl_tid);
		EXPECT_LE((uintptr_t)c->code, m->msg_ovfl_ip);
		EXPECT_GT((uintptr_t)c->code_end, m->msg_ovfl_ip);
		EXPECT_EQ(0, next_msg(self->fd, &msg));
	}

	ASSERT_EQ(0, pfm_restart(self->fd));
	ASSERT_EQ(0, read_pmd(self->fd, c->pmd, &pmd));
	EXPECT_EQ(-2 * c->period, pmd.reg_last_reset_val);
	/* live: the long reset value plus the read call's own cycles */
	EXPECT_GT(1000, pmd.reg_value + 2 * c->period) TH_LOG("after restart: %#llx",
							     (unsigned long long)pmd.reg_value);
	/* LOADED again, without a format: nothing to restart */
	ASSERT_EQ(-1, pfm_restart(self->fd));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, pfm_stop(self->fd));
}

/* Without OVFL_NOTIFY an overflow saturates: masked, silent, restartable. */
TEST_F(notify, saturation_is_silent)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	union pfarg_msg msg;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, arm_counter(self->c, self->fd, 0, -self->c->period));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	self->c->burn(2 * self->c->period);
	ASSERT_EQ(-1, pfm_start(self->fd, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, next_msg(self->fd, &msg));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, pfm_restart(self->fd));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
}

/*
 * Rounds of overflow and restart: each round has exactly one overflow,
 * and the queue keeps at most 7 overflow messages while every restart
 * still succeeds.
 */
TEST_F(notify, rounds_and_full_queue)
{
	int queued = !(variant->ctx_flags & PFM_FL_OVFL_NO_MSG);
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	union pfarg_msg msg;
	int i, n = 0;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, arm_counter(self->c, self->fd, PFM_REGFL_OVFL_NOTIFY, -self->c->period));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	for (i = 0; i < 10; i++) {
		self->c->burn(2 * self->c->period);
		ASSERT_EQ(-1, pfm_start(self->fd, NULL)) TH_LOG("round %d not masked", i);
		ASSERT_EQ(0, pfm_restart(self->fd)) TH_LOG("round %d", i);
	}
	EXPECT_EQ(queued, poll(&pfd, 1, 0));
	EXPECT_EQ(queued ? POLLIN : 0, pfd.revents);
	while (next_msg(self->fd, &msg) == 1) {
		EXPECT_EQ(PFM_MSG_OVFL, msg.type);
		n++;
	}
	EXPECT_EQ(queued ? 7 : 0, n);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

/* Read only after calls the compiler cannot see through. */
static sig_atomic_t sig_count, sig_code, sig_fd;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	sig_count++;
	sig_code = si->si_code;
	sig_fd = si->si_fd;
}

/* F_SETOWN + O_ASYNC + F_SETSIG: one signal per notification. */
TEST_F(notify, sigio_with_setsig)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	int sig = SIGRTMIN + 1;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, sigaction(sig, &sa, NULL));
	ASSERT_EQ(0, fcntl(self->fd, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(self->fd, F_SETSIG, sig));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_ASYNC | O_NONBLOCK));
	sig_count = 0;
	ASSERT_EQ(0, arm_counter(self->c, self->fd, PFM_REGFL_OVFL_NOTIFY, -self->c->period));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	self->c->burn(2 * self->c->period);
	EXPECT_EQ(1, sig_count);
	EXPECT_EQ(POLL_IN, sig_code);
	EXPECT_EQ(self->fd, sig_fd);
	ASSERT_EQ(0, pfm_restart(self->fd));
	self->c->burn(2 * self->c->period);
	EXPECT_EQ(2, sig_count);
	signal(sig, SIG_DFL);
}

/*
 * reg_reset_pmds: the counter's overflow also resets a second counter,
 * with its own long value at pfm_restart(); PFM_REGFL_RANDOM subtracts a
 * fresh amount within the mask at each reset.
 */
TEST_F(notify, reset_pmds_and_random)
{
	const struct counter *c = self->c;
	uint64_t lval, first = 0, mask = c->period / 16 - 1;
	struct pfarg_pmd other = { .reg_num = c->other, .reg_long_reset = 12345 };
	struct pfarg_pmd pmd = {
		.reg_num = c->pmd, .reg_flags = PFM_REGFL_RANDOM, .reg_value = -c->period,
		.reg_long_reset = -c->period, .reg_random_mask = mask,
	};
	int i, distinct = 0;

	if (_metadata->skip)
		return;
	pmd.reg_reset_pmds[0] = 1ULL << c->other;
	ASSERT_EQ(0, c->program(self->fd, 0));
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &other, 1));
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &pmd, 1));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	for (i = 0; i < 16; i++) {
		c->burn(2 * c->period);
		ASSERT_EQ(-1, pfm_start(self->fd, NULL)) TH_LOG("round %d not masked", i);
		ASSERT_EQ(0, pfm_restart(self->fd));
		ASSERT_EQ(0, pfm_stop(self->fd));
		ASSERT_EQ(0, read_pmd(self->fd, c->other, &pmd));
		EXPECT_EQ(12345, pmd.reg_last_reset_val);
		EXPECT_LE(12345, pmd.reg_value);
		EXPECT_GT(12345 + 1000, pmd.reg_value);
		ASSERT_EQ(0, read_pmd(self->fd, c->pmd, &pmd));
		lval = pmd.reg_last_reset_val;
		EXPECT_LE(-c->period - mask, lval);
		EXPECT_GE(-c->period, lval);
		if (!i)
			first = lval;
		else if (lval != first)
			distinct++;
		ASSERT_EQ(0, pfm_start(self->fd, NULL));
	}
	EXPECT_LT(0, distinct);
}

/*
 * A 32-bit Armv8 event counter overflows 64 bits through its interrupt
 * too. QEMU raises it late, so only the outcome is checked, not the
 * timing.
 */
TEST_F(notify, event_counter_overflow)
{
	const uint64_t period = 100000;
	struct pfarg_pmc evt = { .reg_num = 2, .reg_value = INST_RETIRED | EXCL_EL1 };
	struct pfarg_pmd pmd = {
		.reg_num = 2, .reg_flags = PFM_REGFL_OVFL_NOTIFY,
		.reg_value = -period, .reg_long_reset = -period,
	};
	struct pfarg_setinfo info = { .set_id = 0 };
	union pfarg_msg msg;

	if (_metadata->skip)
		return;
	if (self->c != &armv8_cycles)
		SKIP(return, "32-bit event counters are the armv8_pmuv3 description's");
	ASSERT_EQ(0, pfm_write_pmcs(self->fd, &evt, 1));
	ASSERT_EQ(0, pfm_write_pmds(self->fd, &pmd, 1));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	pfm_loop(period);
	ASSERT_EQ(-1, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, read_pmd(self->fd, 2, &pmd));
	/* wrapped 64 bits; the late interrupt let it count on a while */
	EXPECT_GT(period + 1000, pmd.reg_value) TH_LOG("after the wrap: %llu",
						       (unsigned long long)pmd.reg_value);
	ASSERT_EQ(0, pfm_getinfo_evtsets(self->fd, &info, 1));
	EXPECT_EQ(1ULL << 2, info.set_ovfl_pmds[0]);
	if (!(variant->ctx_flags & PFM_FL_OVFL_NO_MSG)) {
		ASSERT_EQ(1, next_msg(self->fd, &msg));
		EXPECT_EQ(1ULL << 2, msg.pfm_ovfl_msg.msg_ovfl_pmds[0]);
	}
}

/* Unload drops the restart credit; a new load starts clean. */
TEST_F(notify, unload_forgets_overflow)
{
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_setinfo info = { .set_id = 0 };
	struct pfarg_pmd pmd;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, arm_counter(self->c, self->fd, PFM_REGFL_OVFL_NOTIFY, -self->c->period));
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	self->c->burn(2 * self->c->period);
	ASSERT_EQ(0, pfm_unload_context(self->fd));
	ASSERT_EQ(-1, pfm_restart(self->fd));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, read_pmd(self->fd, self->c->pmd, &pmd));
	EXPECT_GE(self->c->slack, pmd.reg_value);	/* no long reset was applied */
	ASSERT_EQ(0, pfm_load_context(self->fd, &load));
	ASSERT_EQ(0, pfm_getinfo_evtsets(self->fd, &info, 1));
	EXPECT_EQ(0, info.set_ovfl_pmds[0]);
	ASSERT_EQ(-1, pfm_restart(self->fd));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, pfm_start(self->fd, NULL));
	ASSERT_EQ(0, pfm_stop(self->fd));
}

/*
 * Another thread's context: pfm_restart() needs no ptrace stop, takes
 * effect when the thread next returns to user mode, and a second restart
 * before that is refused.
 */
TEST(non_self_restart)
{
	const struct counter *c = active_counter();
	struct pfarg_ctx ctx = { 0 };
	struct pfarg_load load = { 0 };
	union pfarg_msg msg;
	int fd, status, i;
	pid_t child;

	if (!c)
		SKIP(return, "no PMU description with overflow interrupts is active");
	ASSERT_EQ(0, pfm_pin_cpu(0));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) || raise(SIGSTOP))
			_exit(1);
		for (;;)
			c->burn(c->period);
	}
	ASSERT_EQ(child, waitpid(child, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	load.load_pid = child;
	ASSERT_EQ(0, pfm_load_context(fd, &load));
	ASSERT_EQ(0, arm_counter(c, fd, PFM_REGFL_OVFL_NOTIFY, -4 * c->period));
	ASSERT_EQ(0, pfm_start(fd, NULL));
	ASSERT_EQ(0, ptrace(PTRACE_CONT, child, 0, 0));
	for (i = 0; i < 3; i++) {
		/* blocking read: each message needs the previous restart */
		ASSERT_EQ(sizeof(msg), read(fd, &msg, sizeof(msg))) TH_LOG("round %d", i);
		EXPECT_EQ(PFM_MSG_OVFL, msg.type);
		EXPECT_EQ(child, msg.pfm_ovfl_msg.msg_ovfl_pid);
		ASSERT_EQ(0, pfm_restart(fd));
		ASSERT_EQ(-1, pfm_restart(fd));
		EXPECT_EQ(EBUSY, errno);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	/* the exit queued PFM_MSG_END behind any overflow message */
	while (read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL)
		;
	EXPECT_EQ(PFM_MSG_END, msg.type);
	close(fd);
}

TEST_HARNESS_MAIN
