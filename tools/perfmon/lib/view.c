// SPDX-License-Identifier: GPL-2.0
/*
 * Set views: mapping one, and copying it consistently while the kernel
 * updates it (the reader side of the protocol in <linux/perfmon.h>).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpfmon.h"

static size_t pfmon_view_len(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (sizeof(struct pfm_set_view) + page - 1) & ~(size_t)(page - 1);
}

const struct pfm_set_view *pfmon_view_map(int fd, uint64_t offset)
{
	void *p = mmap(NULL, pfmon_view_len(), PROT_READ, MAP_SHARED, fd, (off_t)offset);

	return p == MAP_FAILED ? NULL : p;
}

void pfmon_view_unmap(const struct pfm_set_view *view)
{
	if (view)
		munmap((void *)view, pfmon_view_len());
}

/*
 * Wait for an even set_seq, copy, and start over if set_seq moved. The
 * fences are the reader's read barriers (C and D in the kernel's
 * pairing diagram).
 */
void pfmon_view_read(const struct pfm_set_view *view, struct pfm_set_view *out)
{
	unsigned long seq;

	do {
		while ((seq = view->set_seq) & 1)
			;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* C */
		memcpy(out, (const void *)view, offsetof(struct pfm_set_view, set_seq));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* D */
	} while (view->set_seq != seq);
	out->set_seq = seq;
}

/* One value of the view, read with the same protocol. */
uint64_t pfmon_view_read_pmd(const struct pfm_set_view *view, unsigned int n)
{
	unsigned long seq;
	uint64_t val;

	do {
		while ((seq = view->set_seq) & 1)
			;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* C */
		val = view->set_pmds[n];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* D */
	} while (view->set_seq != seq);
	return val;
}
