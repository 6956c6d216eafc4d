// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/perfmon: the interface's self-description, as libpfm-3.x
 * reads it (version, syscall).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/unistd.h>
#include <linux/perfmon.h>

#include "../kselftest_harness.h"

#define PFM_SYSFS "/sys/kernel/perfmon"

/* Read a whole sysfs file into buf; return its length or -errno. */
static int read_attr(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), PFM_SYSFS "/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		len = -errno;
	else
		buf[len] = '\0';
	close(fd);
	return len;
}

FIXTURE(sysfs) {
	/* text of the attribute read by the test */
	char buf[128];
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
	unsigned long maj, min;
	char *end;

	ASSERT_EQ(4, read_attr("version", self->buf, sizeof(self->buf)));
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
	char *end;
	long nr;

	ASSERT_EQ(4, read_attr("syscall", self->buf, sizeof(self->buf)));
	nr = strtol(self->buf, &end, 10);
	EXPECT_STREQ("\n", end);
	EXPECT_EQ(451, nr);
#ifdef __NR_pfm_create_context
	EXPECT_EQ(__NR_pfm_create_context, nr);
#endif
}

/* Both are read-only, for everybody, root included. */
TEST_F(sysfs, read_only)
{
	static const char *const names[] = { "version", "syscall" };
	char path[256];
	struct stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), PFM_SYSFS "/%s", names[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0444, st.st_mode & 07777);
		EXPECT_EQ(-1, open(path, O_WRONLY));
		EXPECT_EQ(EACCES, errno);
	}
}

TEST_HARNESS_MAIN
