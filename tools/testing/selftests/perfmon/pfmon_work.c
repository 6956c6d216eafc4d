// SPDX-License-Identifier: GPL-2.0
/*
 * pfmon_work MODE N: the workloads pfmon_test runs under pfmon.
 *   faults N    write one byte to each of N fresh pages: N page faults
 *   loop N      pfm_loop(N): exactly 2N user instructions
 *   hotcold N   ten rounds of hot() for 3N iterations and cold() for N:
 *               a flat profile gives hot() 75% of the samples
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pfm_workload.h"

static unsigned long sink;

/*
 * The same loop twice; noipa keeps them two functions of their own, the
 * relaxed atomics keep every iteration's memory accesses.
 */
__attribute__((noipa)) void hot(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		__atomic_store_n(&sink, __atomic_load_n(&sink, __ATOMIC_RELAXED) + i,
				 __ATOMIC_RELAXED);
}

__attribute__((noipa)) void cold(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		__atomic_store_n(&sink, __atomic_load_n(&sink, __ATOMIC_RELAXED) + i,
				 __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long n;
	char *end;
	void *p;
	int r;

	if (argc != 3)
		goto usage;
	n = strtoul(argv[2], &end, 0);
	if (*end || !n)
		goto usage;
	if (!strcmp(argv[1], "faults")) {
		p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		pfm_touch(p, n, page);
	} else if (!strcmp(argv[1], "loop")) {
		pfm_loop(n);
	} else if (!strcmp(argv[1], "hotcold")) {
		for (r = 0; r < 10; r++) {
			hot(3 * n);
			cold(n);
		}
	} else {
		goto usage;
	}
	return 0;
usage:
	fprintf(stderr, "usage: pfmon_work faults|loop|hotcold N\n");
	return 2;
}
