// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/perfmon: its controls, and the active PMU description
 * under pmu_desc/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpfmon.h"

int pfmon_sysfs_read(const char *name, char *buf, size_t size)
{
	char path[256];
	ssize_t len;
	int fd;

	if (snprintf(path, sizeof(path), PFMON_SYSFS "/%s", name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0) {
		len = -errno;
	} else {
		buf[len] = '\0';
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
	}
	close(fd);
	return len;
}

int pfmon_sysfs_u64(const char *name, uint64_t *val)
{
	char buf[64], *end;
	int len = pfmon_sysfs_read(name, buf, sizeof(buf));

	if (len < 0)
		return len;
	if (!strcmp(buf, "-1")) {
		*val = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int pfmon_sysfs_write(const char *name, const char *val)
{
	char path[256];

	if (snprintf(path, sizeof(path), PFMON_SYSFS "/%s", name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return pfmon_write_file(path, val);
}

int pfmon_write_file(const char *path, const char *val)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int reg_cmp(const void *a, const void *b)
{
	const struct pfmon_reg *x = a, *y = b;

	return (int)x->num - (int)y->num;
}

/* Read pmu_desc/<kind>N/ for every N there is, sorted by N. */
static int pfmon_read_regs(const char *kind, struct pfmon_reg **regs, int *nregs)
{
	struct pfmon_reg *r = NULL, *tmp;
	char name[64];
	int n = 0, ret = 0;
	struct dirent *de;
	uint64_t width;
	DIR *dir;

	dir = opendir(PFMON_SYSFS "/pmu_desc");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		unsigned long num;

		if (strncmp(de->d_name, kind, 3))
			continue;
		num = strtoul(de->d_name + 3, &end, 10);
		if (end == de->d_name + 3 || *end || num > UINT16_MAX)
			continue;
		tmp = realloc(r, (n + 1) * sizeof(*r));
		if (!tmp) {
			ret = -ENOMEM;
			break;
		}
		r = tmp;
		memset(&r[n], 0, sizeof(r[n]));
		r[n].num = num;
		snprintf(name, sizeof(name), "pmu_desc/%.3s%lu/name", kind, num);
		if (pfmon_sysfs_read(name, r[n].name, sizeof(r[n].name)) < 0)
			r[n].name[0] = '\0';
		snprintf(name, sizeof(name), "pmu_desc/%.3s%lu/width", kind, num);
		r[n].width = pfmon_sysfs_u64(name, &width) ? 64 : width;
		snprintf(name, sizeof(name), "pmu_desc/%.3s%lu/dfl_val", kind, num);
		pfmon_sysfs_u64(name, &r[n].dfl_val);
		snprintf(name, sizeof(name), "pmu_desc/%.3s%lu/rsvd_msk", kind, num);
		pfmon_sysfs_u64(name, &r[n].rsvd_msk);
		snprintf(name, sizeof(name), "pmu_desc/%.3s%lu/addr", kind, num);
		pfmon_sysfs_u64(name, &r[n].addr);
		n++;
	}
	closedir(dir);
	if (ret) {
		free(r);
		return ret;
	}
	if (n)
		qsort(r, n, sizeof(*r), reg_cmp);
	*regs = r;
	*nregs = n;
	return 0;
}

int pfmon_pmu_desc_read(struct pfmon_pmu_desc *desc)
{
	int ret;

	memset(desc, 0, sizeof(*desc));
	ret = pfmon_sysfs_read("pmu_desc/model", desc->model, sizeof(desc->model));
	if (ret < 0)
		return ret;
	ret = pfmon_read_regs("pmc", &desc->pmcs, &desc->npmcs);
	if (!ret)
		ret = pfmon_read_regs("pmd", &desc->pmds, &desc->npmds);
	if (ret)
		pfmon_pmu_desc_free(desc);
	return ret;
}

void pfmon_pmu_desc_free(struct pfmon_pmu_desc *desc)
{
	free(desc->pmcs);
	free(desc->pmds);
	desc->pmcs = NULL;
	desc->pmds = NULL;
	desc->npmcs = 0;
	desc->npmds = 0;
}

const struct pfmon_reg *pfmon_pmu_desc_pmd(const struct pfmon_pmu_desc *desc, int num)
{
	int i;

	for (i = 0; i < desc->npmds; i++)
		if (desc->pmds[i].num == num)
			return &desc->pmds[i];
	return NULL;
}
