// SPDX-License-Identifier: GPL-2.0
/*
 * A walk over the entries of a default-format sampling buffer, checking
 * every length against the buffer so that a malformed header cannot send
 * the reader out of it.
 */
#include <errno.h>

#include "libpfmon.h"

#define PFMON_SMPL_HDR	128

void pfmon_smpl_begin(struct pfmon_smpl_walk *walk, const void *buf, size_t size,
		      const uint8_t *nvals)
{
	const struct pfm_dfl_smpl_hdr *hdr = buf;

	walk->buf = buf;
	walk->size = size;
	walk->nvals = nvals;
	/* pairs with the kernel's write barrier (A) before hdr_count++ */
	walk->count = __atomic_load_n(&hdr->hdr_count, __ATOMIC_ACQUIRE);
	walk->index = 0;
	walk->offs = PFMON_SMPL_HDR;
}

int pfmon_smpl_next(struct pfmon_smpl_walk *walk, struct pfmon_smpl_sample *sample)
{
	const struct pfm_dfl_smpl_entry *e;
	size_t len;

	if (walk->index >= walk->count)
		return 0;
	if (walk->offs + sizeof(*e) > walk->size)
		return -EINVAL;
	e = (const void *)(walk->buf + walk->offs);
	if (e->ovfl_pmd >= PFM_MAX_PMDS)
		return -EINVAL;
	len = sizeof(*e) + walk->nvals[e->ovfl_pmd] * sizeof(uint64_t);
	if (walk->offs + len > walk->size)
		return -EINVAL;
	sample->entry = e;
	sample->vals = (const uint64_t *)(e + 1);
	sample->nvals = walk->nvals[e->ovfl_pmd];
	walk->offs += len;
	walk->index++;
	return 1;
}
