// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon: the command line, and the table of modes it selects: list
 * events, explain one, show the PMU description, or monitor a command,
 * a running thread or CPUs (Documentation/pfmon.rst).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pfmon.h"

#define PFMON_VERSION		"1.0"
#define DFL_SWITCH_MS		10
#define DFL_SMPL_BUF		(256 * 1024)
#define DFL_SMPL_TOP		10

const char *pfmon_prog = "pfmon";

void pfmon_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", pfmon_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum {
	OPT_SHOW_PMU = 256, OPT_FOLLOW_FORK, OPT_ATTACH, OPT_SYSTEM_WIDE, OPT_CPU_LIST,
	OPT_SWITCH, OPT_SMPL_PERIOD, OPT_SMPL_BUF, OPT_SMPL_RANDOM, OPT_SMPL_OUT,
	OPT_SMPL_TOP, OPT_CSV, OPT_JSON, OPT_INTERVAL,
};

static const struct option long_opts[] = {
	{ "events",		required_argument, NULL, 'e' },
	{ "user-level",		no_argument,	   NULL, 'u' },
	{ "kernel-level",	no_argument,	   NULL, 'k' },
	{ "output",		required_argument, NULL, 'o' },
	{ "session-timeout",	required_argument, NULL, 't' },
	{ "list",		optional_argument, NULL, 'l' },
	{ "event-info",		required_argument, NULL, 'i' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "show-pmu",		no_argument,	   NULL, OPT_SHOW_PMU },
	{ "follow-fork",	no_argument,	   NULL, OPT_FOLLOW_FORK },
	{ "attach-task",	required_argument, NULL, OPT_ATTACH },
	{ "system-wide",	no_argument,	   NULL, OPT_SYSTEM_WIDE },
	{ "cpu-list",		required_argument, NULL, OPT_CPU_LIST },
	{ "switch-timeout",	required_argument, NULL, OPT_SWITCH },
	{ "smpl-period",	required_argument, NULL, OPT_SMPL_PERIOD },
	{ "smpl-buf-size",	required_argument, NULL, OPT_SMPL_BUF },
	{ "smpl-random-mask",	required_argument, NULL, OPT_SMPL_RANDOM },
	{ "smpl-outfile",	required_argument, NULL, OPT_SMPL_OUT },
	{ "smpl-top",		required_argument, NULL, OPT_SMPL_TOP },
	{ "csv",		no_argument,	   NULL, OPT_CSV },
	{ "json",		no_argument,	   NULL, OPT_JSON },
	{ "print-interval",	required_argument, NULL, OPT_INTERVAL },
	{ NULL, 0, NULL, 0 },
};

static void print_help(FILE *f)
{
	fprintf(f,
"usage: %s [options] [--] command [args...]\n"
"       %s [options] --attach-task PID\n"
"       %s [options] --system-wide [--cpu-list LIST] [-t SECONDS] [command...]\n"
"       %s -l [PATTERN] | -i EVENT | --show-pmu\n"
"\n"
"  -e, --events LIST        events of one set, comma-separated; repeat -e for\n"
"                           more sets, multiplexed every --switch-timeout\n"
"  -u, --user-level         count at user level (the default)\n"
"  -k, --kernel-level       count at kernel level (both with -u -k)\n"
"      --follow-fork        also monitor the command's children and threads\n"
"      --attach-task PID    monitor a running thread\n"
"      --system-wide        monitor CPUs (all online ones, or --cpu-list)\n"
"      --cpu-list LIST      CPUs as in 0-2,5\n"
"  -t, --session-timeout S  end an --attach-task or --system-wide session\n"
"      --switch-timeout MS  time each set runs (default %d ms)\n"
"      --smpl-period N      sample the first event every N occurrences\n"
"      --smpl-buf-size B    sampling buffer bytes (default %d)\n"
"      --smpl-random-mask M randomize each period by up to M (a 2^k-1 mask)\n"
"      --smpl-outfile FILE  write every sample to FILE\n"
"      --smpl-top N         symbols in the flat profile (default %d)\n"
"  -o, --output FILE        results to FILE instead of standard output\n"
"      --csv, --json        results for scripts\n"
"      --print-interval MS  print counts every MS milliseconds too\n"
"  -l, --list[=PATTERN]     list the events of the active PMU\n"
"  -i, --event-info EVENT   explain an event\n"
"      --show-pmu           print the active PMU description\n",
		pfmon_prog, pfmon_prog, pfmon_prog, pfmon_prog, DFL_SWITCH_MS, DFL_SMPL_BUF,
		DFL_SMPL_TOP);
}

/* A number for option @opt in [@min, @max], or exit with the reason. */
static uint64_t parse_number(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		pfmon_err("bad value '%s' for %s: give a number from %llu to %llu", arg, opt,
			  (unsigned long long)min, (unsigned long long)max);
		exit(1);
	}
	return v;
}

static double seconds_arg(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) || v > 1e7) {
		pfmon_err("bad value '%s' for -t: give a positive number of seconds", arg);
		exit(1);
	}
	return v;
}

/* The default events when no -e is given, per description. */
static const char *default_events(const struct pfmon_pmu *pmu)
{
	return pmu->perf ? "PERF_COUNT_SW_TASK_CLOCK,PERF_COUNT_SW_PAGE_FAULTS" :
			   "CPU_CYCLES,INST_RETIRED";
}

int main(int argc, char **argv)
{
	static struct pfmon_opts opts;
	const char *ev_lists[PFMON_MAX_SETS], *list_pat = NULL, *info = NULL, *out = NULL;
	bool list = false, show_pmu = false;
	struct pfmon_pmu pmu;
	int c, i, ret, nlists = 0;

	opts.smpl_buf_size = DFL_SMPL_BUF;
	opts.smpl_top = DFL_SMPL_TOP;
	while ((c = getopt_long(argc, argv, "+e:uko:t:l::i:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (nlists == PFMON_MAX_SETS) {
				pfmon_err("more than %d -e options: pfmon multiplexes up to %d sets",
					  PFMON_MAX_SETS, PFMON_MAX_SETS);
				return 1;
			}
			ev_lists[nlists++] = optarg;
			break;
		case 'u':
			opts.user = true;
			break;
		case 'k':
			opts.kernel = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			opts.timeout = seconds_arg(optarg);
			break;
		case 'l':
			list = true;
			list_pat = optarg ? optarg : (optind < argc && argv[optind][0] != '-' ?
						      argv[optind++] : NULL);
			break;
		case 'i':
			info = optarg;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		case 'V':
			printf("pfmon %s\n", PFMON_VERSION);
			return 0;
		case OPT_SHOW_PMU:
			show_pmu = true;
			break;
		case OPT_FOLLOW_FORK:
			opts.follow_fork = true;
			break;
		case OPT_ATTACH:
			opts.attach_pid = parse_number("--attach-task", optarg, 1, INT32_MAX);
			break;
		case OPT_SYSTEM_WIDE:
			opts.system_wide = true;
			break;
		case OPT_CPU_LIST:
			opts.cpu_list = optarg;
			break;
		case OPT_SWITCH:
			opts.switch_ns = parse_number("--switch-timeout", optarg, 1, 3600000);
			opts.switch_ns *= 1000000;
			break;
		case OPT_SMPL_PERIOD:
			opts.smpl_period = parse_number("--smpl-period", optarg, 1, 1ULL << 62);
			break;
		case OPT_SMPL_BUF:
			opts.smpl_buf_size = parse_number("--smpl-buf-size", optarg, 4096,
							  1ULL << 40);
			break;
		case OPT_SMPL_RANDOM:
			opts.smpl_random_mask = parse_number("--smpl-random-mask", optarg, 1,
							     1ULL << 62);
			if (opts.smpl_random_mask & (opts.smpl_random_mask + 1)) {
				pfmon_err("bad value '%s' for --smpl-random-mask: give a mask of low bits, as in 0xfff",
					  optarg);
				return 1;
			}
			break;
		case OPT_SMPL_OUT:
			opts.smpl_outfile = optarg;
			break;
		case OPT_SMPL_TOP:
			opts.smpl_top = parse_number("--smpl-top", optarg, 1, 100000);
			break;
		case OPT_CSV:
			opts.format = PFMON_CSV;
			break;
		case OPT_JSON:
			opts.format = PFMON_JSON;
			break;
		case OPT_INTERVAL:
			opts.interval_ms = parse_number("--print-interval", optarg, 1, 3600000);
			break;
		default:
			fprintf(stderr, "%s: see '%s --help'\n", pfmon_prog, pfmon_prog);
			return 1;
		}
	}
	if (optind < argc)
		opts.argv = &argv[optind];

	if (show_pmu)
		return cmd_show_pmu();
	/* what the options ask must make sense together */
	if (!list && !info) {
		if (!opts.argv && !opts.attach_pid && !opts.system_wide) {
			pfmon_err("nothing to monitor: give a command, --attach-task PID or --system-wide (see --help)");
			return 1;
		}
		if (opts.attach_pid && (opts.argv || opts.system_wide)) {
			pfmon_err("--attach-task monitors one thread: no command, no --system-wide");
			return 1;
		}
		if (opts.cpu_list && !opts.system_wide) {
			pfmon_err("--cpu-list goes with --system-wide");
			return 1;
		}
		if (opts.timeout && !opts.attach_pid && !opts.system_wide) {
			pfmon_err("-t ends --attach-task and --system-wide sessions; a command ends its own");
			return 1;
		}
		if (opts.follow_fork && !opts.argv) {
			pfmon_err("--follow-fork follows a command pfmon starts");
			return 1;
		}
		if (opts.follow_fork && opts.system_wide) {
			pfmon_err("--follow-fork is for per-thread monitoring, not --system-wide");
			return 1;
		}
		if ((opts.smpl_outfile || opts.smpl_random_mask) && !opts.smpl_period) {
			pfmon_err("--smpl-outfile and --smpl-random-mask need --smpl-period");
			return 1;
		}
		if (opts.smpl_random_mask && opts.smpl_random_mask >= opts.smpl_period) {
			pfmon_err("--smpl-random-mask 0x%llx is not below --smpl-period %llu",
				  (unsigned long long)opts.smpl_random_mask,
				  (unsigned long long)opts.smpl_period);
			return 1;
		}
	}
	opts.out = stdout;
	if (out) {
		opts.out = fopen(out, "w");
		if (!opts.out) {
			pfmon_err("cannot write '%s': %s", out, strerror(errno));
			return 1;
		}
	}
	if (pfmon_pmu_open(&pmu))
		return 1;
	if (list) {
		ret = cmd_list(&pmu, list_pat);
		goto out;
	}
	if (info) {
		ret = cmd_info(&pmu, info);
		goto out;
	}
	if (!nlists)
		ev_lists[nlists++] = default_events(&pmu);
	if (nlists > 1 && !opts.switch_ns)
		opts.switch_ns = DFL_SWITCH_MS * 1000000ULL;
	if (nlists == 1 && opts.switch_ns) {
		pfmon_err("--switch-timeout multiplexes sets: give a second -e");
		ret = 1;
		goto out;
	}
	ret = 1;
	for (i = 0; i < nlists; i++)
		if (pfmon_set_add_events(&pmu, &opts, &opts.sets[opts.nsets++], ev_lists[i]))
			goto out;
	if (opts.system_wide)
		ret = cmd_system_wide(&pmu, &opts);
	else if (opts.attach_pid)
		ret = cmd_attach(&pmu, &opts);
	else
		ret = cmd_count(&pmu, &opts);
out:
	pfmon_pmu_close(&pmu);
	if (opts.out != stdout && fclose(opts.out)) {
		pfmon_err("cannot write '%s': %s", out, strerror(errno));
		ret = 1;
	}
	return ret;
}
