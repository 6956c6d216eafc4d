// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-check: a kselftest with one passing and one failing case.
 * scripts/selfcheck.sh asserts that the runner reports the failure.
 */
#include "kselftest_harness.h"

TEST(passes)
{
	EXPECT_EQ(2, 1 + 1);
}

TEST(fails_on_purpose)
{
	EXPECT_EQ(3, 1 + 1);
}

TEST_HARNESS_MAIN
