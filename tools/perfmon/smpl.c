// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling: the default format's buffer of a context, drained into the
 * --smpl-outfile text file and into a flat profile whose instruction
 * addresses are resolved with the monitored program's ELF symbol table
 * (libelf).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pfmon.h"

struct pfmon_sym {
	uint64_t	start;		/* run-time address */
	uint64_t	size;
	char		*name;
};

/* The monitored program's symbols, at their run-time addresses. */
struct pfmon_image {
	char		path[PATH_MAX];
	struct pfmon_sym *syms;		/* sorted by start */
	int		nsyms;
};

struct pfmon_profile {
	FILE		*outfile;
	struct pfmon_image image;
	uint64_t	*ips;
	size_t		nips, cap;
	uint64_t	overflows;	/* times a buffer was full */
	uint8_t		nvals[PFM_MAX_PMDS];	/* no sampled PMDs: all zero */
};

int pfmon_smpl_open(struct pfmon_ctx *ctx, const struct pfmon_opts *opts)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	ctx->smpl_size = (opts->smpl_buf_size + page - 1) & ~(uint64_t)(page - 1);
	p = mmap(NULL, ctx->smpl_size, PROT_READ, MAP_SHARED, ctx->fd, 0);
	if (p == MAP_FAILED) {
		pfmon_err("cannot map the sampling buffer: %s", strerror(errno));
		ctx->smpl_size = 0;
		return -1;
	}
	ctx->smpl_buf = p;
	return 0;
}

struct pfmon_profile *pfmon_profile_new(const struct pfmon_opts *opts)
{
	struct pfmon_profile *prof = calloc(1, sizeof(*prof));

	if (!prof) {
		pfmon_err("out of memory");
		return NULL;
	}
	if (opts->smpl_outfile) {
		prof->outfile = fopen(opts->smpl_outfile, "w");
		if (!prof->outfile) {
			pfmon_err("cannot write samples to '%s': %s", opts->smpl_outfile,
				  strerror(errno));
			free(prof);
			return NULL;
		}
		fprintf(prof->outfile, "# pfmon samples of %s every %llu events\n",
			opts->sets[0].events[0].name, (unsigned long long)opts->smpl_period);
		fprintf(prof->outfile, "# tid tgid cpu set pmd timestamp_ns ip symbol\n");
	}
	return prof;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct pfmon_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The symbol holding @ip, or NULL. */
static const struct pfmon_sym *sym_find(const struct pfmon_image *img, uint64_t ip)
{
	int lo = 0, hi = img->nsyms - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (ip < img->syms[mid].start)
			hi = mid - 1;
		else if (ip >= img->syms[mid].start + img->syms[mid].size)
			lo = mid + 1;
		else
			return &img->syms[mid];
	}
	return NULL;
}

/* Where the first page of @path is mapped in @pid, or 0 if it is not. */
static uint64_t image_base(pid_t pid, const char *path)
{
	char maps[64], line[PATH_MAX + 128], file[PATH_MAX];
	unsigned long long start, off;
	uint64_t base = 0;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	f = fopen(maps, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		file[0] = '\0';
		if (sscanf(line, "%llx-%*x %*s %llx %*s %*s %4095s", &start, &off, file) < 2)
			continue;
		if (off == 0 && !strcmp(file, path)) {
			base = start;
			break;
		}
	}
	fclose(f);
	return base;
}

/* Read the function symbols of @elf, relocated by @bias. */
static int image_symbols(struct pfmon_image *img, Elf *elf, uint64_t bias)
{
	Elf_Scn *scn = NULL, *dyn = NULL, *use;
	struct pfmon_sym *s;
	GElf_Shdr shdr;
	GElf_Sym sym;
	Elf_Data *data;
	size_t i, n;
	const char *name;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			return -1;
		if (shdr.sh_type == SHT_SYMTAB)
			break;
		if (shdr.sh_type == SHT_DYNSYM)
			dyn = scn;
	}
	use = scn ? scn : dyn;
	if (!use)
		return 0;
	gelf_getshdr(use, &shdr);
	data = elf_getdata(use, NULL);
	if (!data || !shdr.sh_entsize)
		return -1;
	n = shdr.sh_size / shdr.sh_entsize;
	img->syms = calloc(n ? n : 1, sizeof(*img->syms));
	if (!img->syms)
		return -1;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !sym.st_size || sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		if (!name)
			continue;
		s = &img->syms[img->nsyms];
		s->start = sym.st_value + bias;
		s->size = sym.st_size;
		s->name = strdup(name);
		if (!s->name)
			return -1;
		img->nsyms++;
	}
	qsort(img->syms, img->nsyms, sizeof(*img->syms), sym_cmp);
	return 0;
}

/**
 * pfmon_profile_add_binary - the program @pid runs, for symbols
 * @prof: the profile
 * @pid: a stopped process that has just exec'd its program
 *
 * Position-independent executables are relocated by where /proc/PID/maps
 * shows their first page; shared libraries are not resolved.
 *
 * Return: 0, or -1 after printing why.
 */
int pfmon_profile_add_binary(struct pfmon_profile *prof, pid_t pid)
{
	struct pfmon_image *img = &prof->image;
	uint64_t bias = 0, lowest = UINT64_MAX, pagemask = sysconf(_SC_PAGESIZE) - 1;
	char exe[64];
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, nph;
	ssize_t len;
	Elf *elf;
	int fd, ret = -1;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	len = readlink(exe, img->path, sizeof(img->path) - 1);
	if (len < 0) {
		pfmon_err("cannot find the program of %d: %s", pid, strerror(errno));
		return -1;
	}
	img->path[len] = '\0';
	elf_version(EV_CURRENT);
	fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pfmon_err("cannot read '%s': %s", img->path, strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph)) {
		pfmon_err("'%s' is not an ELF file pfmon can read: %s", img->path,
			  elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type == ET_DYN) {
		for (i = 0; i < nph; i++) {
			if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD &&
			    ph.p_vaddr < lowest)
				lowest = ph.p_vaddr;
		}
		if (lowest != UINT64_MAX)
			bias = image_base(pid, img->path) - (lowest & ~pagemask);
	}
	if (image_symbols(img, elf, bias)) {
		pfmon_err("cannot read the symbols of '%s': %s", img->path, elf_errmsg(-1));
		goto out;
	}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

/* "name+0xoff", "[unknown]": the symbol of @ip, for the sample file. */
static void format_ip(const struct pfmon_image *img, uint64_t ip, char *buf, size_t size)
{
	const struct pfmon_sym *s = sym_find(img, ip);

	if (s)
		snprintf(buf, size, "%s+0x%llx", s->name, (unsigned long long)(ip - s->start));
	else
		snprintf(buf, size, "[unknown]");
}

/**
 * pfmon_profile_collect - take the samples of a context's buffer
 * @prof: the profile
 * @ctx: a sampling context, masked (after a notification) or stopped
 * @last: the context is done: count the times its buffer filled
 *
 * Otherwise the caller restarts the context afterwards, which empties
 * the buffer.
 *
 * Return: samples taken, or -1 after printing why.
 */
int pfmon_profile_collect(struct pfmon_profile *prof, struct pfmon_ctx *ctx, bool last)
{
	const struct pfm_dfl_smpl_hdr *hdr = ctx->smpl_buf;
	struct pfmon_smpl_sample smp;
	struct pfmon_smpl_walk walk;
	const struct pfm_dfl_smpl_entry *e;
	char sym[256];
	uint64_t *ips;
	int n = 0, ret;

	if (!hdr)
		return 0;
	if (last)
		prof->overflows += hdr->hdr_overflows;
	pfmon_smpl_begin(&walk, ctx->smpl_buf, ctx->smpl_size, prof->nvals);
	while ((ret = pfmon_smpl_next(&walk, &smp)) > 0) {
		e = smp.entry;
		if (prof->nips == prof->cap) {
			prof->cap = prof->cap ? 2 * prof->cap : 4096;
			ips = realloc(prof->ips, prof->cap * sizeof(*ips));
			if (!ips) {
				pfmon_err("out of memory for %zu samples", prof->nips);
				return -1;
			}
			prof->ips = ips;
		}
		prof->ips[prof->nips++] = e->ip;
		if (prof->outfile) {
			format_ip(&prof->image, e->ip, sym, sizeof(sym));
			fprintf(prof->outfile, "%u %u %u %u %u %llu 0x%llx %s\n", e->pid, e->tgid,
				e->cpu, e->set, e->ovfl_pmd, (unsigned long long)e->tstamp,
				(unsigned long long)e->ip, sym);
		}
		n++;
	}
	ctx->nsamples += n;
	if (ret < 0) {
		pfmon_err("the sampling buffer is malformed after %d samples", n);
		return -1;
	}
	return n;
}

struct pfmon_bucket {
	const char	*name;
	uint64_t	count;
};

static int bucket_cmp(const void *a, const void *b)
{
	const struct pfmon_bucket *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/**
 * pfmon_profile_report - print the flat profile: top symbols by samples
 * @prof: the profile
 * @opts: output and its length (--smpl-top)
 *
 * Return: 0, or -1 after printing why.
 */
int pfmon_profile_report(struct pfmon_profile *prof, const struct pfmon_opts *opts)
{
	struct pfmon_image *img = &prof->image;
	struct pfmon_bucket *b;
	const struct pfmon_sym *s;
	uint64_t unknown = 0;
	size_t i, nb = 0;
	int shown;

	if (prof->outfile && fflush(prof->outfile)) {
		pfmon_err("cannot write '%s': %s", opts->smpl_outfile, strerror(errno));
		return -1;
	}
	b = calloc(img->nsyms + 1, sizeof(*b));
	if (!b) {
		pfmon_err("out of memory");
		return -1;
	}
	for (i = 0; i < (size_t)img->nsyms; i++)
		b[i].name = img->syms[i].name;
	for (i = 0; i < prof->nips; i++) {
		s = sym_find(img, prof->ips[i]);
		if (s)
			b[s - img->syms].count++;
		else
			unknown++;
	}
	nb = img->nsyms;
	b[nb].name = "[unknown]";
	b[nb++].count = unknown;
	qsort(b, nb, sizeof(*b), bucket_cmp);
	fprintf(opts->out, "\n Flat profile of %s: %zu samples, one every %llu %s%s\n",
		img->path[0] ? img->path : "the monitored code", prof->nips,
		(unsigned long long)opts->smpl_period, opts->sets[0].events[0].name,
		opts->smpl_random_mask ? " (randomized)" : "");
	if (prof->overflows)
		fprintf(opts->out, " (the buffer filled %llu times)\n",
			(unsigned long long)prof->overflows);
	fprintf(opts->out, "\n  %10s  %7s  %s\n", "samples", "%", "symbol");
	for (i = 0, shown = 0; i < nb && shown < opts->smpl_top; i++) {
		if (!b[i].count)
			break;
		fprintf(opts->out, "  %10llu  %7.2f  %s\n", (unsigned long long)b[i].count,
			100.0 * b[i].count / prof->nips, b[i].name);
		shown++;
	}
	fflush(opts->out);
	free(b);
	return 0;
}

void pfmon_profile_free(struct pfmon_profile *prof)
{
	int i;

	if (!prof)
		return;
	if (prof->outfile)
		fclose(prof->outfile);
	for (i = 0; i < prof->image.nsyms; i++)
		free(prof->image.syms[i].name);
	free(prof->image.syms);
	free(prof->ips);
	free(prof);
}
