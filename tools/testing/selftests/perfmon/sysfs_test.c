// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/perfmon: the interface's self-description as libpfm-3.x
 * reads it, the controls (modes, defaults, validated writes), and the
 * PMU description under pmu_desc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/unistd.h>

#include "../kselftest_harness.h"

#include "perfmon_util.h"

static int attr_mode(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), PFM_SYSFS "/%s", name);
	if (stat(path, &st))
		return -errno;
	return st.st_mode & 07777;
}

FIXTURE(sysfs) {
	/* text of the attribute read by the test */
	char buf[256];
};

FIXTURE_SETUP(sysfs)
{
	struct stat st;

	if (stat(PFM_SYSFS, &st))
		SKIP(return, "%s absent: kernel without CONFIG_PERFMON", PFM_SYSFS);
}

FIXTURE_TEARDOWN(sysfs)
{
}

/* "MAJ.MIN\n" matching the header libpfm-3.x programs are built with. */
TEST_F(sysfs, version)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	unsigned long maj, min;
	char *end;

	ASSERT_EQ(4, pfm_sysfs_read("version", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("2.5\n", self->buf);
	maj = strtoul(self->buf, &end, 10);
	ASSERT_EQ('.', *end);
	min = strtoul(end + 1, &end, 10);
	EXPECT_STREQ("\n", end);
	EXPECT_EQ(PFM_VERSION_MAJ, maj);
	EXPECT_EQ(PFM_VERSION_MIN, min);
	EXPECT_EQ(PFM_VERSION, (maj << 16) | min);
}

/* The published base is the number of pfm_create_context. */
TEST_F(sysfs, syscall)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char *end;
	long nr;

	ASSERT_EQ(4, pfm_sysfs_read("syscall", self->buf, sizeof(self->buf)));
	nr = strtol(self->buf, &end, 10);
	EXPECT_STREQ("\n", end);
	EXPECT_EQ(451, nr);
#ifdef __NR_pfm_create_context
	EXPECT_EQ(__NR_pfm_create_context, nr);
#endif
}

/* Every entry of ABI.md section 6, with its mode. */
TEST_F(sysfs, modes)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	static const struct {
		const char *name;
		int mode;
	} entries[] = {
		{ "version", 0444 }, { "syscall", 0444 },
		{ "debug", 0644 }, { "debug_ovfl", 0644 },
		{ "pmc_max_fast_arg", 0444 }, { "pmd_max_fast_arg", 0444 },
		{ "reset_stats", 0200 },
		{ "smpl_buffer_mem_cur", 0444 }, { "smpl_buffer_mem_max", 0644 },
		{ "sys_group", 0644 }, { "task_group", 0644 },
		{ "sys_sessions_count", 0444 }, { "task_sessions_count", 0444 },
		{ "arg_mem_max", 0644 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		TH_LOG("%s", entries[i].name);
		EXPECT_EQ(entries[i].mode, attr_mode(entries[i].name));
	}
	/* the directories */
	EXPECT_EQ(0755, attr_mode("formats"));
	EXPECT_EQ(0755, attr_mode("pmu_desc"));
}

/* Read-only entries refuse writers, root included; reset_stats readers. */
TEST_F(sysfs, access)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	EXPECT_EQ(-EACCES, pfmon_sysfs_write("version", "3.0\n"));
	EXPECT_EQ(-EACCES, pfmon_sysfs_write("syscall", "1\n"));
	EXPECT_EQ(-EACCES, pfmon_sysfs_write("task_sessions_count", "5\n"));
	EXPECT_EQ(-EACCES, pfm_sysfs_read("reset_stats", self->buf, sizeof(self->buf)));
	EXPECT_EQ(0, pfmon_sysfs_write("reset_stats", "1\n"));
}

/* Values on a kernel with no context: the defaults of ABI.md. */
TEST_F(sysfs, defaults)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char want[32];
	long v;

	snprintf(want, sizeof(want), "%ld\n", sysconf(_SC_PAGESIZE));
	ASSERT_LT(0, pfm_sysfs_read("arg_mem_max", self->buf, sizeof(self->buf)));
	EXPECT_STREQ(want, self->buf);
	ASSERT_LT(0, pfm_sysfs_read("smpl_buffer_mem_max", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("-1\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("smpl_buffer_mem_cur", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("0\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("task_group", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("-1\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("sys_group", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("-1\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("debug", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("0\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("sys_sessions_count", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("0\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("task_sessions_count", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("0\n", self->buf);
	ASSERT_LT(0, pfm_sysfs_read("pmc_max_fast_arg", self->buf, sizeof(self->buf)));
	v = strtol(self->buf, NULL, 10);
	EXPECT_LE(1, v);
	ASSERT_LT(0, pfm_sysfs_read("pmd_max_fast_arg", self->buf, sizeof(self->buf)));
	v = strtol(self->buf, NULL, 10);
	EXPECT_LE(1, v);
}

/*
 * Each writable control: accepted values read back exactly, rejected
 * ones fail with EINVAL and leave the value as it was.
 */
struct write_case {
	const char *name;
	const char *in;
	int ret;
	const char *readback;	/* NULL: the value before the write */
};

static const struct write_case write_cases[] = {
	{ "debug", "3\n", 0, "3\n" },
	{ "debug", "-1\n", -EINVAL, NULL },
	{ "debug", "x\n", -EINVAL, NULL },
	{ "debug_ovfl", "1", 0, "1\n" },
	{ "debug_ovfl", "\n", -EINVAL, NULL },
	{ "task_group", "100\n", 0, "100\n" },
	{ "task_group", "-1\n", 0, "-1\n" },
	{ "task_group", "-2\n", -EINVAL, NULL },
	{ "task_group", "4294967295\n", -EINVAL, NULL },
	{ "task_group", "staff\n", -EINVAL, NULL },
	{ "sys_group", "0\n", 0, "0\n" },
	{ "sys_group", "1.5\n", -EINVAL, NULL },
	{ "arg_mem_max", "8192\n", 0, "8192\n" },
	{ "arg_mem_max", "4095\n", -EINVAL, NULL },
	{ "arg_mem_max", "-1\n", -EINVAL, NULL },
	{ "arg_mem_max", "2147483648\n", -EINVAL, NULL },
	{ "smpl_buffer_mem_max", "65536\n", 0, "65536\n" },
	{ "smpl_buffer_mem_max", "-1\n", 0, "-1\n" },
	{ "smpl_buffer_mem_max", "-5\n", -EINVAL, NULL },
	{ "smpl_buffer_mem_max", "1k\n", -EINVAL, NULL },
};

TEST_F(sysfs, writes)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char before[64], orig[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(write_cases); i++) {
		const struct write_case *c = &write_cases[i];

		TH_LOG("%s <- \"%s\"", c->name, c->in);
		ASSERT_LT(0, pfm_sysfs_read(c->name, orig, sizeof(orig)));
		strcpy(before, orig);
		EXPECT_EQ(c->ret, pfmon_sysfs_write(c->name, c->in));
		ASSERT_LT(0, pfm_sysfs_read(c->name, self->buf, sizeof(self->buf)));
		EXPECT_STREQ(c->readback ? c->readback : before, self->buf);
		ASSERT_EQ(0, pfmon_sysfs_write(c->name, orig));
	}
}

/* RW controls are root's: another user cannot open them for writing. */
TEST_F(sysfs, unprivileged_writes)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(pfmon_sysfs_write("task_group", "0\n") == -EACCES &&
		      pfmon_sysfs_write("arg_mem_max", "8192\n") == -EACCES &&
		      pfmon_sysfs_write("reset_stats", "1\n") == -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_LT(0, pfm_sysfs_read("task_group", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("-1\n", self->buf);
}

/* Sum the ctxsw_in and ctxsw_out columns of debugfs perfmon/stats. */
static long stats_ctxsw(void)
{
	FILE *f = fopen("/sys/kernel/debug/perfmon/stats", "r");
	unsigned long long in, out;
	long sum = 0;
	char line[256];
	int cpu;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		sum = -1;
	while (sum >= 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %llu %llu", &cpu, &in, &out) != 3) {
			sum = -1;
			break;
		}
		sum += in + out;
	}
	fclose(f);
	return sum;
}

/*
 * reset_stats clears the per-CPU statistics; switches of a monitored
 * thread count in them, and nothing else does.
 */
TEST_F(sysfs, reset_stats)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = gettid() };
	struct pfarg_ctx ctx = { 0 };
	int fd, i;

	if (stats_ctxsw() < 0)
		SKIP(return, "debugfs perfmon/stats not available");
	ASSERT_EQ(0, pfmon_sysfs_write("reset_stats", "1\n"));
	usleep(20000);
	EXPECT_EQ(0, stats_ctxsw());
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pfm_load_context(fd, &load));
	/*
	 * A sleep switches the thread out and back in, unless its timer
	 * fired before it got to sleep (a vCPU the host held up): sleep
	 * until five round trips are counted.
	 */
	for (i = 0; i < 500 && stats_ctxsw() < 10; i++)
		usleep(2000);
	ASSERT_EQ(0, pfm_unload_context(fd));
	EXPECT_LE(10, stats_ctxsw());
	close(fd);
	ASSERT_EQ(0, pfmon_sysfs_write("reset_stats", "1\n"));
	EXPECT_EQ(0, stats_ctxsw());
}

/* How often @needle appears in the kernel log buffer. */
static int klog_count(const char *needle)
{
	static char buf[1 << 17];
	int len = klogctl(3, buf, sizeof(buf) - 1);	/* SYSLOG_ACTION_READ_ALL */
	char *p = buf;
	int n = 0;

	if (len < 0)
		return -1;
	buf[len] = 0;
	while ((p = strstr(p, needle))) {
		n++;
		p++;
	}
	return n;
}

/* debug turns on the core's log messages, and off again. */
TEST_F(sysfs, debug_messages)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	struct pfarg_load load = { .load_pid = gettid(), .load_set = 7 };
	struct pfarg_ctx ctx = { 0 };
	char msg[64];
	int fd, before;

	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	ASSERT_LE(0, fd);
	snprintf(msg, sizeof(msg), "perfmon: pfm_call_end: fd %d: error -22", fd);
	before = klog_count(msg);
	ASSERT_LE(0, before);
	EXPECT_EQ(-1, pfm_load_context(fd, &load));
	EXPECT_EQ(before, klog_count(msg));
	ASSERT_EQ(0, pfmon_sysfs_write("debug", "1\n"));
	EXPECT_EQ(-1, pfm_load_context(fd, &load));
	ASSERT_EQ(0, pfmon_sysfs_write("debug", "0\n"));
	EXPECT_EQ(before + 1, klog_count(msg));
	EXPECT_EQ(-1, pfm_load_context(fd, &load));
	EXPECT_EQ(before + 1, klog_count(msg));
	close(fd);
}

/* The perf_events-backed description, register by register. */
TEST_F(sysfs, pmu_desc_perf_events)
{
	if (_metadata->skip)	/* fixture setup skipped */
		return;
	char name[64], want[64];
	int i;

	ASSERT_LT(0, pfm_sysfs_read("pmu_desc/model", self->buf, sizeof(self->buf)));
	if (strcmp(self->buf, "perf_events\n"))
		SKIP(return, "active PMU description is %s", self->buf);

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "pmu_desc/pmc%d/name", i);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		snprintf(want, sizeof(want), "PERF_CTL%d\n", i);
		EXPECT_STREQ(want, self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmc%d/rsvd_msk", i);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		EXPECT_STREQ("0x7ffffff000000000\n", self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmc%d/name", i + 8);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		snprintf(want, sizeof(want), "PERF_CFG%d\n", i);
		EXPECT_STREQ(want, self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmc%d/addr", i + 16);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		snprintf(want, sizeof(want), "0x%x\n", i);
		EXPECT_STREQ(want, self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmd%d/name", i);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		snprintf(want, sizeof(want), "PERF_CNT%d\n", i);
		EXPECT_STREQ(want, self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmd%d/width", i);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		EXPECT_STREQ("64\n", self->buf);
		snprintf(name, sizeof(name), "pmu_desc/pmd%d/dfl_val", i);
		ASSERT_LT(0, pfm_sysfs_read(name, self->buf, sizeof(self->buf)));
		EXPECT_STREQ("0x0\n", self->buf);
	}
	EXPECT_EQ(-ENOENT, pfm_sysfs_read("pmu_desc/pmc24/name", self->buf, sizeof(self->buf)));
	EXPECT_EQ(-ENOENT, pfm_sysfs_read("pmu_desc/pmd8/name", self->buf, sizeof(self->buf)));
	EXPECT_EQ(0444, attr_mode("pmu_desc/pmd3/width"));
	EXPECT_EQ(-EACCES, pfmon_sysfs_write("pmu_desc/pmc0/dfl_val", "0x1\n"));
}

TEST_HARNESS_MAIN
