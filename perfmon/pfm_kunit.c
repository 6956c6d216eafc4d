// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the perfmon core's internal logic.
 */
#include <kunit/test.h>
#include <linux/perfmon.h>
#include <linux/string.h>
#include <asm/unistd.h>

#include "pfm_priv.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* The sysfs version string must be MAJ.MIN of the compiled-in ABI. */
static void pfm_test_version_string(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char want[16];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	snprintf(want, sizeof(want), "%u.%u\n", PFM_VERSION_MAJ, PFM_VERSION_MIN);
	KUNIT_EXPECT_EQ(test, pfm_version_show(NULL, NULL, buf), 4);
	KUNIT_EXPECT_STREQ(test, buf, "2.5\n");
	KUNIT_EXPECT_STREQ(test, buf, want);
	KUNIT_EXPECT_EQ(test, PFM_VERSION, 0x00020005U);
}

/* libpfm-3.x computes every call number from the published base. */
static void pfm_test_syscall_base(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	int nr;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_GT(test, pfm_syscall_show(NULL, NULL, buf), 0);
	KUNIT_ASSERT_EQ(test, kstrtoint(strim(buf), 10, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 451);
	KUNIT_EXPECT_EQ(test, nr, __NR_pfm_create_context);
}

static struct kunit_case pfm_sysfs_cases[] = {
	KUNIT_CASE(pfm_test_version_string),
	KUNIT_CASE(pfm_test_syscall_base),
	{}
};

static struct kunit_suite pfm_sysfs_suite = {
	.name = "perfmon_sysfs",
	.test_cases = pfm_sysfs_cases,
};

kunit_test_suite(pfm_sysfs_suite);

MODULE_DESCRIPTION("KUnit tests for the perfmon2 core");
MODULE_LICENSE("GPL");
