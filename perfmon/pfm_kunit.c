// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the perfmon core's internal logic: sysfs formatting and
 * parsing, PMU description checks, vector-argument bounds, register
 * validation, session exclusion.
 */
#include <kunit/test.h>
#include <linux/perfmon.h>
#include <linux/perfmon_fmt.h>
#include <linux/perfmon_pmu.h>
#include <linux/string.h>
#include <asm/unistd.h>
#include <uapi/linux/perfmon_dfl_smpl.h>

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

struct pfm_group_case {
	const char	*in;
	int		ret;
	s64		val;
};

static const struct pfm_group_case pfm_group_cases[] = {
	{ "-1\n", 0, PFM_GROUP_PERM_ANY },
	{ "-1", 0, PFM_GROUP_PERM_ANY },
	{ "0\n", 0, 0 },
	{ "1000\n", 0, 1000 },
	{ "4294967294", 0, 4294967294LL },
	{ "4294967295", -EINVAL, 0 },	/* (gid_t)-1 is no gid */
	{ "4294967296", -EINVAL, 0 },
	{ "-2", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	{ "12abc", -EINVAL, 0 },
	{ "1 2", -EINVAL, 0 },
};

static void pfm_group_desc(const struct pfm_group_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->in);
}
KUNIT_ARRAY_PARAM(pfm_group, pfm_group_cases, pfm_group_desc);

static void pfm_test_parse_group(struct kunit *test)
{
	const struct pfm_group_case *c = test->param_value;
	s64 v = 12345;

	KUNIT_EXPECT_EQ(test, pfm_parse_group(c->in, &v), c->ret);
	KUNIT_EXPECT_EQ(test, v, c->ret ? 12345 : c->val);
}

struct pfm_limit_case {
	const char	*in;
	bool		unlimited_ok;
	int		ret;
	u64		val;
};

static const struct pfm_limit_case pfm_limit_cases[] = {
	{ "-1\n", true, 0, PFM_MEM_UNLIMITED },
	{ "-1\n", false, -EINVAL, 0 },
	{ "4096\n", false, 0, 4096 },
	{ "4095\n", false, -EINVAL, 0 },	/* below one page */
	{ "1048576", true, 0, 1048576 },
	{ "2147483647", false, 0, 2147483647 },
	{ "2147483648", false, -EINVAL, 0 },	/* above kvmalloc's limit */
	{ "-2", true, -EINVAL, 0 },
	{ "0x1000", false, -EINVAL, 0 },
	{ "", true, -EINVAL, 0 },
};

static void pfm_limit_desc(const struct pfm_limit_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"%s", c->in,
		 c->unlimited_ok ? " unlimited ok" : "");
}
KUNIT_ARRAY_PARAM(pfm_limit, pfm_limit_cases, pfm_limit_desc);

static void pfm_test_parse_mem_limit(struct kunit *test)
{
	const struct pfm_limit_case *c = test->param_value;
	u64 v = 777;

	KUNIT_EXPECT_EQ(test, pfm_parse_mem_limit(c->in, 4096, PFM_ARG_MEM_LIMIT,
						  c->unlimited_ok, &v), c->ret);
	KUNIT_EXPECT_EQ(test, v, c->ret ? 777 : c->val);
}

/* A description that is never loaded: its operations do nothing. */
static bool pfm_test_counts_kernel(unsigned int cnum, u64 val)
{
	return false;
}

static int pfm_test_load(struct pfm_context *ctx, struct pfm_event_set *set)
{
	return 0;
}

static void pfm_test_set_op(struct pfm_context *ctx, struct pfm_event_set *set)
{
}

static u64 pfm_test_read_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			     unsigned int cnum)
{
	return 0;
}

static void pfm_test_write_pmd(struct pfm_context *ctx, struct pfm_event_set *set,
			       unsigned int cnum, u64 val)
{
}

static int pfm_test_write_pmc(struct pfm_context *ctx, struct pfm_event_set *set,
			      unsigned int cnum, u64 val)
{
	return 0;
}

static const struct pfm_pmu_ops pfm_test_good_ops = {
	.pmc_counts_kernel	= pfm_test_counts_kernel,
	.load			= pfm_test_load,
	.unload			= pfm_test_set_op,
	.start			= pfm_test_set_op,
	.stop			= pfm_test_set_op,
	.read_pmd		= pfm_test_read_pmd,
	.write_pmd		= pfm_test_write_pmd,
	.write_pmc		= pfm_test_write_pmc,
};

/* The same without stop: a required operation is missing. */
static const struct pfm_pmu_ops pfm_test_ops = {
	.pmc_counts_kernel	= pfm_test_counts_kernel,
	.load			= pfm_test_load,
	.unload			= pfm_test_set_op,
	.start			= pfm_test_set_op,
	.read_pmd		= pfm_test_read_pmd,
	.write_pmd		= pfm_test_write_pmd,
	.write_pmc		= pfm_test_write_pmc,
};

static const struct pfm_regmap_desc pfm_test_pmcs[] = {
	[0] = PFM_PMC_DESC(PFM_REG_I, "CTL0", 0x1, 0xf0, 0x100),
	[5] = PFM_PMC_DESC(PFM_REG_I, "CTL5", 0, 0, 0x105),
};

static const struct pfm_regmap_desc pfm_test_pmds[] = {
	[0] = PFM_PMD_DESC(PFM_REG_I | PFM_REG_C, "CNT0", 32, 0x200),
	[1] = PFM_PMD_DESC(PFM_REG_I | PFM_REG_RO, "STATUS", 64, 0x201),
	[3] = PFM_PMD_DESC(PFM_REG_I | PFM_REG_C | PFM_REG_INTR, "CNT3", 48, 0x203),
};

static void pfm_test_init_pmu(struct pfm_pmu *pmu)
{
	memset(pmu, 0, sizeof(*pmu));
	pmu->model = "kunit";
	pmu->ops = &pfm_test_good_ops;
	pmu->pmc_desc = pfm_test_pmcs;
	pmu->num_pmc_desc = ARRAY_SIZE(pfm_test_pmcs);
	pmu->pmd_desc = pfm_test_pmds;
	pmu->num_pmd_desc = ARRAY_SIZE(pfm_test_pmds);
}

/* A consistent table gives exact bitmaps and limits, holes included. */
static void pfm_test_pmu_scan(struct kunit *test)
{
	struct pfm_pmu *pmu = kunit_kzalloc(test, sizeof(*pmu), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pmu);
	pfm_test_init_pmu(pmu);
	KUNIT_ASSERT_EQ(test, pfm_pmu_scan(pmu), 0);
	KUNIT_EXPECT_EQ(test, pmu->max_pmc, 6);
	KUNIT_EXPECT_EQ(test, pmu->max_pmd, 4);
	KUNIT_EXPECT_EQ(test, pmu->impl_pmcs[0], 0x21ULL);
	KUNIT_EXPECT_EQ(test, pmu->impl_pmds[0], 0xbULL);
	KUNIT_EXPECT_EQ(test, pmu->cnt_pmds[0], 0x9ULL);
	KUNIT_EXPECT_EQ(test, pmu->rw_pmds[0], 0x9ULL);
	KUNIT_EXPECT_EQ(test, pmu->impl_pmcs[4], 0ULL);
}

/* Tables the core cannot serve are refused before anything is exposed. */
static void pfm_test_pmu_scan_rejects(struct kunit *test)
{
	struct pfm_pmu *pmu = kunit_kzalloc(test, sizeof(*pmu), GFP_KERNEL);
	struct pfm_regmap_desc *pmds;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pmu);
	pmds = kunit_kmalloc_array(test, ARRAY_SIZE(pfm_test_pmds), sizeof(*pmds),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pmds);

	pfm_test_init_pmu(pmu);
	pmu->ops = &pfm_test_ops;		/* no stop operation */
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	pfm_test_init_pmu(pmu);
	pmu->model = NULL;
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	pfm_test_init_pmu(pmu);
	pmu->num_pmd_desc = PFM_MAX_PMDS + 1;
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	pfm_test_init_pmu(pmu);
	memcpy(pmds, pfm_test_pmds, sizeof(pfm_test_pmds));
	pmds[0].width = 65;			/* counter wider than 64 */
	pmu->pmd_desc = pmds;
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	memcpy(pmds, pfm_test_pmds, sizeof(pfm_test_pmds));
	pmds[0].width = 0;
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	memcpy(pmds, pfm_test_pmds, sizeof(pfm_test_pmds));
	pmds[1].width = 32;			/* narrow non-counter */
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	memcpy(pmds, pfm_test_pmds, sizeof(pfm_test_pmds));
	pmds[3].name = NULL;
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);

	pfm_test_init_pmu(pmu);
	pmu->num_pmd_desc = 0;			/* no PMD at all */
	KUNIT_EXPECT_EQ(test, pfm_pmu_scan(pmu), -EINVAL);
}

/* A second description cannot replace the active one. */
static void pfm_test_pmu_register_busy(struct kunit *test)
{
	struct pfm_pmu *pmu = kunit_kzalloc(test, sizeof(*pmu), GFP_KERNEL);
	struct pfm_pmu *active;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pmu);
	active = pfm_pmu_get();
	if (!active)
		kunit_skip(test, "no PMU description registered");
	pfm_test_init_pmu(pmu);
	KUNIT_EXPECT_EQ(test, pfm_pmu_register(pmu), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, pmu->kobj, NULL);
	pfm_pmu_put(active);
}

struct pfm_vec_case {
	int		count;
	size_t		esize;
	unsigned int	fast;
	bool		invalid;
	bool		too_big;
};

/* With a 4096-byte arg_mem_max: the limits of ABI.md section 6. */
static const struct pfm_vec_case pfm_vec_cases[] = {
	{ -1, sizeof(struct pfarg_pmc), PFM_PMC_FAST_ARG, true, false },
	{ 0, sizeof(struct pfarg_pmc), PFM_PMC_FAST_ARG, false, false },
	{ 85, sizeof(struct pfarg_pmc), PFM_PMC_FAST_ARG, false, false },
	{ 86, sizeof(struct pfarg_pmc), PFM_PMC_FAST_ARG, false, true },
	{ 23, sizeof(struct pfarg_pmd), PFM_PMD_FAST_ARG, false, false },
	{ 24, sizeof(struct pfarg_pmd), PFM_PMD_FAST_ARG, false, true },
	{ 64, sizeof(struct pfarg_setdesc), 0, false, false },
	{ 65, sizeof(struct pfarg_setdesc), 0, false, true },
	{ 21, sizeof(struct pfarg_setinfo), 0, false, false },
	{ 22, sizeof(struct pfarg_setinfo), 0, false, true },
	{ INT_MAX / 176 - 1, sizeof(struct pfarg_pmd), PFM_PMD_FAST_ARG, false, true },
	{ INT_MAX / 176, sizeof(struct pfarg_pmd), PFM_PMD_FAST_ARG, true, true },
	{ INT_MAX, sizeof(struct pfarg_pmc), PFM_PMC_FAST_ARG, true, true },
};

static void pfm_vec_desc(const struct pfm_vec_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d x %zu", c->count, c->esize);
}
KUNIT_ARRAY_PARAM(pfm_vec, pfm_vec_cases, pfm_vec_desc);

static void pfm_test_vector_bounds(struct kunit *test)
{
	const struct pfm_vec_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, pfm_count_invalid(c->count, c->esize), c->invalid);
	if (!c->invalid)
		KUNIT_EXPECT_EQ(test, pfm_vector_too_big(c->count, c->esize, c->fast, 4096),
				c->too_big);
}

/* The fast path is taken whatever arg_mem_max says. */
static void pfm_test_vector_fast_path(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, pfm_vector_too_big(PFM_PMD_FAST_ARG,
						    sizeof(struct pfarg_pmd),
						    PFM_PMD_FAST_ARG, 1));
	KUNIT_EXPECT_TRUE(test, pfm_vector_too_big(PFM_PMD_FAST_ARG + 1,
						   sizeof(struct pfarg_pmd),
						   PFM_PMD_FAST_ARG, 1));
}

/* Reserved bits keep the default's value; the others are the user's. */
static void pfm_test_pmc_reserved_bits(struct kunit *test)
{
	const struct pfm_regmap_desc d = PFM_PMC_DESC(PFM_REG_I, "T", 0x50, 0xf0, 0);

	KUNIT_EXPECT_EQ(test, pfm_pmc_value(&d, 0xff), 0x5fULL);
	KUNIT_EXPECT_EQ(test, pfm_pmc_value(&d, 0x00), 0x50ULL);
	KUNIT_EXPECT_EQ(test, pfm_pmc_value(&d, 0xa0f), 0xa5fULL);
	KUNIT_EXPECT_EQ(test, pfm_pmc_value(&pfm_test_pmcs[5], ~0ULL), ~0ULL);
}

/* Session rules of ABI.md 5.5, checked against a quiescent machine. */
static void pfm_test_sessions(struct kunit *test)
{
	unsigned int task0 = pfm_sessions_task(), sys0 = pfm_sessions_sys();

	if (task0 || sys0)
		kunit_skip(test, "sessions in use");
	KUNIT_ASSERT_EQ(test, pfm_session_acquire(true, 0), 0);
	KUNIT_EXPECT_EQ(test, pfm_session_acquire(true, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, pfm_session_acquire(false, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, pfm_sessions_sys(), 1U);
	if (num_possible_cpus() > 1) {
		KUNIT_EXPECT_EQ(test, pfm_session_acquire(true, 1), 0);
		KUNIT_EXPECT_EQ(test, pfm_sessions_sys(), 2U);
		pfm_session_release(true, 1);
	}
	pfm_session_release(true, 0);
	KUNIT_EXPECT_EQ(test, pfm_sessions_sys(), 0U);

	KUNIT_ASSERT_EQ(test, pfm_session_acquire(false, 0), 0);
	KUNIT_EXPECT_EQ(test, pfm_session_acquire(false, 0), 0);
	KUNIT_EXPECT_EQ(test, pfm_sessions_task(), 2U);
	KUNIT_EXPECT_EQ(test, pfm_session_acquire(true, 0), -EBUSY);
	pfm_session_release(false, 0);
	pfm_session_release(false, 0);
	KUNIT_EXPECT_EQ(test, pfm_sessions_task(), 0U);
	KUNIT_EXPECT_EQ(test, pfm_session_acquire(true, 0), 0);
	pfm_session_release(true, 0);
}

/*
 * Set chains: a context holding sets @ids (increasing), set i naming
 * @next[i] explicitly unless it is -1. Only the set list is real.
 */
static struct pfm_context *pfm_test_sets_ctx(struct kunit *test, const u16 *ids,
					     const int *next, int n)
{
	struct pfm_context *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct pfm_pmu *pmu = kunit_kzalloc(test, sizeof(*pmu), GFP_KERNEL);
	struct pfm_event_set *set;
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pmu);
	pfm_test_init_pmu(pmu);
	KUNIT_ASSERT_EQ(test, pfm_pmu_scan(pmu), 0);
	mutex_init(&ctx->mutex);
	raw_spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->sets);
	spin_lock_init(&ctx->sets_lock);
	ctx->pmu = pmu;
	for (i = 0; i < n; i++) {
		set = pfm_set_alloc(pmu, ids[i], false);
		KUNIT_ASSERT_NOT_NULL(test, set);
		if (next[i] >= 0) {
			set->flags = PFM_SETFL_EXPL_NEXT;
			set->id_next = next[i];
		}
		list_add_tail(&set->list, &ctx->sets);
	}
	return ctx;
}

static void pfm_test_sets_free(struct pfm_context *ctx)
{
	struct pfm_event_set *set, *tmp;

	list_for_each_entry_safe(set, tmp, &ctx->sets, list) {
		list_del(&set->list);
		pfm_set_free(set);
	}
}

/* Link the chain; expect @want[i] as the next of set i (-1: link fails). */
static void pfm_test_chain(struct kunit *test, const u16 *ids, const int *next,
			   const int *want, int n)
{
	struct pfm_context *ctx = pfm_test_sets_ctx(test, ids, next, n);
	struct pfm_event_set *set;
	int ret, i = 0;

	mutex_lock(&ctx->mutex);
	ret = pfm_set_link(ctx);
	mutex_unlock(&ctx->mutex);
	if (want[0] < 0) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	} else {
		KUNIT_EXPECT_EQ(test, ret, 0);
		list_for_each_entry(set, &ctx->sets, list) {
			KUNIT_EXPECT_EQ_MSG(test, set->next->id, want[i], "next of set %u",
					    set->id);
			i++;
		}
	}
	pfm_test_sets_free(ctx);
}

static void pfm_test_round_robin(struct kunit *test)
{
	static const u16 ids[] = { 0, 3, 9, 65535 };
	static const int next[] = { -1, -1, -1, -1 }, want[] = { 3, 9, 65535, 0 };
	static const u16 one[] = { 0 };
	static const int one_next[] = { -1 }, one_want[] = { 0 };

	pfm_test_chain(test, ids, next, want, ARRAY_SIZE(ids));
	pfm_test_chain(test, one, one_next, one_want, 1);
}

static void pfm_test_explicit_next(struct kunit *test)
{
	static const u16 ids[] = { 0, 3, 9 };
	/* 0 -> 9 -> 3, and 3 follows the round robin to 9 */
	static const int next[] = { 9, -1, 3 }, want[] = { 9, 9, 3 };
	/* a set naming itself is a valid chain */
	static const int self_next[] = { 0, 3, 9 }, self_want[] = { 0, 3, 9 };
	/* set 3 names a set that does not exist */
	static const int bad_next[] = { -1, 7, -1 }, bad_want[] = { -1 };

	pfm_test_chain(test, ids, next, want, ARRAY_SIZE(ids));
	pfm_test_chain(test, ids, self_next, self_want, ARRAY_SIZE(ids));
	pfm_test_chain(test, ids, bad_next, bad_want, ARRAY_SIZE(ids));
}

struct pfm_timeout_case {
	u64	in;
	u64	out;	/* 0: refused */
};

static const struct pfm_timeout_case pfm_timeout_cases[] = {
	{ 0, 0 },
	{ 1, TICK_NSEC },
	{ TICK_NSEC - 1, TICK_NSEC },
	{ TICK_NSEC, TICK_NSEC },
	{ TICK_NSEC + 1, 2 * TICK_NSEC },
	{ 1000 * TICK_NSEC, 1000 * TICK_NSEC },
	{ KTIME_MAX, 0 },
	{ U64_MAX, 0 },
};

static void pfm_timeout_desc(const struct pfm_timeout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%llu ns", c->in);
}

KUNIT_ARRAY_PARAM(pfm_timeout, pfm_timeout_cases, pfm_timeout_desc);

static void pfm_test_timeout_rounding(struct kunit *test)
{
	const struct pfm_timeout_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, pfm_set_round_timeout(c->in), c->out);
}

/*
 * The default format on a synthetic overflow sequence: 4 implemented
 * PMDs (largest entry 72 bytes), entries of 48 bytes (one sampled PMD),
 * and room for exactly three of them before the buffer is full.
 */
static void pfm_test_dfl_format(struct kunit *test)
{
	const u64 size = 128 + 3 * 48 + 72 - 1;
	struct pfm_dfl_smpl_arg arg = { .buf_size = 128 + 72 - 1, .buf_flags = 0x5a };
	struct pfm_smpl_fmt *fmt = pfm_fmt_get("default");
	struct pfm_dfl_smpl_entry *e;
	struct pfm_dfl_smpl_hdr *hdr;
	struct pfm_ovfl_arg *oa;
	u32 actions = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fmt);
	KUNIT_EXPECT_EQ(test, fmt->arg_size, sizeof(arg));
	KUNIT_EXPECT_EQ(test, fmt->validate(0, 4, &arg), -EINVAL);
	arg.buf_size++;
	KUNIT_EXPECT_EQ(test, fmt->validate(0, 4, &arg), 0);
	arg.buf_size = size;
	hdr = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	oa = kunit_kzalloc(test, sizeof(*oa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	KUNIT_ASSERT_NOT_NULL(test, oa);
	fmt->init(hdr, size, 0, 4, &arg);
	KUNIT_EXPECT_EQ(test, hdr->hdr_count, 0);
	KUNIT_EXPECT_EQ(test, hdr->hdr_cur_offs, 128);
	KUNIT_EXPECT_EQ(test, hdr->hdr_buf_size, size);
	KUNIT_EXPECT_EQ(test, hdr->hdr_min_buf_space, 72);
	KUNIT_EXPECT_EQ(test, hdr->hdr_version, PFM_DFL_SMPL_VERSION);
	KUNIT_EXPECT_EQ(test, hdr->hdr_buf_flags, 0x5a);

	oa->ovfl_pmd = 3;
	oa->active_set = 7;
	oa->nsmpl = 1;
	oa->pid = 100;
	oa->tgid = 99;
	oa->cpu = 1;
	for (i = 0; i < 3; i++) {
		oa->ip = 0x1000 + i;
		oa->tstamp = 500 + i;
		oa->last_reset_val = -10000 - i;
		oa->smpl_pmds[0] = 42 + i;
		KUNIT_EXPECT_EQ(test, fmt->handler(hdr, oa),
				i < 2 ? PFM_ACT_RESET : PFM_ACT_NOTIFY | PFM_ACT_MASK);
		KUNIT_EXPECT_EQ(test, hdr->hdr_count, i + 1);
		KUNIT_EXPECT_EQ(test, hdr->hdr_cur_offs, 128 + (i + 1) * 48);
		e = (void *)hdr + 128 + i * 48;
		KUNIT_EXPECT_EQ(test, e->pid, 100);
		KUNIT_EXPECT_EQ(test, e->tgid, 99);
		KUNIT_EXPECT_EQ(test, e->ovfl_pmd, 3);
		KUNIT_EXPECT_EQ(test, e->set, 7);
		KUNIT_EXPECT_EQ(test, e->cpu, 1);
		KUNIT_EXPECT_EQ(test, e->ip, 0x1000 + i);
		KUNIT_EXPECT_EQ(test, e->tstamp, 500 + i);
		KUNIT_EXPECT_EQ(test, e->last_reset_val, (u64)(-10000 - i));
		KUNIT_EXPECT_EQ(test, *(u64 *)(e + 1), 42 + i);
	}
	KUNIT_EXPECT_EQ(test, hdr->hdr_overflows, 1);
	/* full before recording: counted again, nothing written */
	KUNIT_EXPECT_EQ(test, fmt->handler(hdr, oa), PFM_ACT_NOTIFY | PFM_ACT_MASK);
	KUNIT_EXPECT_EQ(test, hdr->hdr_count, 3);
	KUNIT_EXPECT_EQ(test, hdr->hdr_overflows, 2);
	KUNIT_EXPECT_EQ(test, fmt->restart(hdr, &actions), 0);
	KUNIT_EXPECT_EQ(test, actions, PFM_ACT_RESET);
	KUNIT_EXPECT_EQ(test, hdr->hdr_count, 0);
	KUNIT_EXPECT_EQ(test, hdr->hdr_cur_offs, 128);
	KUNIT_EXPECT_EQ(test, hdr->hdr_overflows, 2);
	pfm_fmt_put(fmt);
}

static struct kunit_case pfm_sysfs_cases[] = {
	KUNIT_CASE(pfm_test_version_string),
	KUNIT_CASE(pfm_test_syscall_base),
	KUNIT_CASE_PARAM(pfm_test_parse_group, pfm_group_gen_params),
	KUNIT_CASE_PARAM(pfm_test_parse_mem_limit, pfm_limit_gen_params),
	{}
};

static struct kunit_suite pfm_sysfs_suite = {
	.name = "perfmon_sysfs",
	.test_cases = pfm_sysfs_cases,
};

static struct kunit_case pfm_pmu_cases[] = {
	KUNIT_CASE(pfm_test_pmu_scan),
	KUNIT_CASE(pfm_test_pmu_scan_rejects),
	KUNIT_CASE(pfm_test_pmu_register_busy),
	{}
};

static struct kunit_suite pfm_pmu_suite = {
	.name = "perfmon_pmu",
	.test_cases = pfm_pmu_cases,
};

static struct kunit_case pfm_args_cases[] = {
	KUNIT_CASE_PARAM(pfm_test_vector_bounds, pfm_vec_gen_params),
	KUNIT_CASE(pfm_test_vector_fast_path),
	KUNIT_CASE(pfm_test_pmc_reserved_bits),
	{}
};

static struct kunit_suite pfm_args_suite = {
	.name = "perfmon_arguments",
	.test_cases = pfm_args_cases,
};

static struct kunit_case pfm_res_cases[] = {
	KUNIT_CASE(pfm_test_sessions),
	{}
};

static struct kunit_suite pfm_res_suite = {
	.name = "perfmon_resources",
	.test_cases = pfm_res_cases,
};

static struct kunit_case pfm_sets_cases[] = {
	KUNIT_CASE(pfm_test_round_robin),
	KUNIT_CASE(pfm_test_explicit_next),
	KUNIT_CASE_PARAM(pfm_test_timeout_rounding, pfm_timeout_gen_params),
	{}
};

static struct kunit_case pfm_smpl_cases[] = {
	KUNIT_CASE(pfm_test_dfl_format),
	{}
};

static struct kunit_suite pfm_smpl_suite = {
	.name = "perfmon_sampling",
	.test_cases = pfm_smpl_cases,
};

static struct kunit_suite pfm_sets_suite = {
	.name = "perfmon_sets",
	.test_cases = pfm_sets_cases,
};

kunit_test_suites(&pfm_sysfs_suite, &pfm_pmu_suite, &pfm_args_suite, &pfm_res_suite,
		  &pfm_sets_suite, &pfm_smpl_suite);

MODULE_DESCRIPTION("KUnit tests for the perfmon2 core");
MODULE_LICENSE("GPL");
