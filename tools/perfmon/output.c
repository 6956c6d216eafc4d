// SPDX-License-Identifier: GPL-2.0
/*
 * Printing counts: a table like perf stat's, CSV or JSON. With several
 * event sets each count also gets its scaled estimate (the count times
 * the time all sets ran over the time its set ran) and that factor.
 * And the clock of --print-interval.
 */
#include <string.h>
#include <time.h>

#include "pfmon.h"

/* Seconds on the monotonic clock. */
double pfmon_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Milliseconds until @t, rounded up, 0 when it is past (never negative). */
int pfmon_ms_until(double t)
{
	double ms = (t - pfmon_now()) * 1000;

	return ms > 0 ? (int)ms + 1 : 0;
}

/* The next interval after now: intervals a slow run missed are skipped. */
double pfmon_next_interval(double next, const struct pfmon_opts *opts)
{
	double t = pfmon_now();

	do
		next += opts->interval_ms / 1000.0;
	while (next <= t);
	return next;
}

/* @v with thousands separators, right-aligned in @width. */
static void print_grouped(FILE *f, uint64_t v, int width)
{
	char digits[32], out[48];
	int n, i, o = 0;

	n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	fprintf(f, "%*s", width, out);
}

static uint64_t total_duration(const struct pfmon_counts *c, const struct pfmon_opts *opts)
{
	uint64_t t = 0;
	int s;

	for (s = 0; s < opts->nsets; s++)
		t += c->duration[s];
	return t;
}

/* The factor that turns a count of set @s into an estimate for the run. */
static double scaling(const struct pfmon_counts *c, const struct pfmon_opts *opts, int s)
{
	if (opts->nsets == 1)
		return 1.0;
	if (!c->duration[s])
		return 0.0;
	return (double)total_duration(c, opts) / (double)c->duration[s];
}

/* JSON string: only the characters JSON requires escaping are escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* CSV field: quoted when it holds a comma or a quote. */
static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_table(const struct pfmon_opts *opts, const char *what, double seconds,
			const struct pfmon_result *res, int nres, double at)
{
	FILE *f = opts->out;
	const struct pfmon_counts *c;
	int r, s, i;
	double k;

	if (at >= 0)
		fprintf(f, "\n# %.3f s\n", at);
	else
		fprintf(f, "\n Performance counter stats for %s:\n", what);
	for (r = 0; r < nres; r++) {
		c = res[r].counts;
		fprintf(f, "\n %s\n", res[r].label);
		for (s = 0; s < opts->nsets; s++) {
			k = scaling(c, opts, s);
			for (i = 0; i < opts->sets[s].nevents; i++) {
				fputs("  ", f);
				print_grouped(f, c->vals[s][i], 18);
				fprintf(f, "  %-32s", opts->sets[s].events[i].name);
				if (opts->nsets > 1) {
					fprintf(f, " set %-2d ", s);
					print_grouped(f, (uint64_t)(c->vals[s][i] * k + 0.5), 18);
					fprintf(f, "  x%.3f", k);
				}
				fputc('\n', f);
			}
		}
	}
	if (at < 0)
		fprintf(f, "\n %14.6f seconds time elapsed\n\n", seconds);
	fflush(f);
}

static void print_csv(const struct pfmon_opts *opts, const struct pfmon_result *res, int nres,
		      double at, double seconds)
{
	bool timed = opts->interval_ms > 0;
	static bool header;
	FILE *f = opts->out;
	const struct pfmon_counts *c;
	int r, s, i;
	double k;

	if (!header) {
		fprintf(f, "%starget,set,event,count,scaled,scaling,duration_ns,runs\n",
			timed ? "time," : "");
		header = true;
	}
	for (r = 0; r < nres; r++) {
		c = res[r].counts;
		for (s = 0; s < opts->nsets; s++) {
			k = scaling(c, opts, s);
			for (i = 0; i < opts->sets[s].nevents; i++) {
				/* with intervals, the last rows are the totals */
				if (timed)
					fprintf(f, "%.3f,", at >= 0 ? at : seconds);
				csv_str(f, res[r].label);
				fprintf(f, ",%d,", s);
				csv_str(f, opts->sets[s].events[i].name);
				fprintf(f, ",%llu,%llu,%.6f,%llu,%llu\n",
					(unsigned long long)c->vals[s][i],
					(unsigned long long)(c->vals[s][i] * k + 0.5), k,
					(unsigned long long)c->duration[s],
					(unsigned long long)c->runs[s]);
			}
		}
	}
	fflush(f);
}

static void print_json(const struct pfmon_opts *opts, const char *what, double seconds,
		       const struct pfmon_result *res, int nres, double at)
{
	FILE *f = opts->out;
	const struct pfmon_counts *c;
	int r, s, i;
	double k;

	fputs("{", f);
	if (at >= 0)
		fprintf(f, "\"time\": %.3f, ", at);
	fputs("\"monitored\": ", f);
	json_str(f, what);
	fprintf(f, ", \"elapsed_s\": %.6f, \"results\": [", seconds);
	for (r = 0; r < nres; r++) {
		c = res[r].counts;
		fprintf(f, "%s{\"target\": ", r ? ", " : "");
		json_str(f, res[r].label);
		fputs(", \"sets\": [", f);
		for (s = 0; s < opts->nsets; s++) {
			k = scaling(c, opts, s);
			fprintf(f, "%s{\"set\": %d, \"duration_ns\": %llu, ", s ? ", " : "", s,
				(unsigned long long)c->duration[s]);
			fprintf(f, "\"runs\": %llu, \"events\": [", (unsigned long long)c->runs[s]);
			for (i = 0; i < opts->sets[s].nevents; i++) {
				fprintf(f, "%s{\"event\": ", i ? ", " : "");
				json_str(f, opts->sets[s].events[i].name);
				fprintf(f, ", \"count\": %llu, \"scaled\": %llu, ",
					(unsigned long long)c->vals[s][i],
					(unsigned long long)(c->vals[s][i] * k + 0.5));
				fprintf(f, "\"scaling\": %.6f}", k);
			}
			fputs("]}", f);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
	fflush(f);
}

/**
 * pfmon_print - print counts
 * @opts: format and events
 * @what: what was monitored ("'cmd args'", "CPUs 0-1", "thread 12")
 * @seconds: elapsed time
 * @res: one result per context, then their sum when there are several
 * @nres: results
 * @at: seconds since the start for an interval print, or -1 at the end
 *
 * An interval print in JSON is one object per line (JSON Lines).
 */
void pfmon_print(const struct pfmon_opts *opts, const char *what, double seconds,
		 const struct pfmon_result *res, int nres, double at)
{
	switch (opts->format) {
	case PFMON_CSV:
		print_csv(opts, res, nres, at, seconds);
		break;
	case PFMON_JSON:
		print_json(opts, what, seconds, res, nres, at);
		break;
	default:
		print_table(opts, what, seconds, res, nres, at);
	}
}
