/**
 * @file store.c  The crash/ directory (see store.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/fileio.h"
#include "common/profile.h"
#include "store.h"


int store_crashdir(char *buf, size_t sz, const char *profile)
{
	return fio_path(buf, sz, profile, PROFILE_CRASHDIR);
}


static int cmp_entry(const void *a, const void *b)
{
	const struct store_entry *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;

	return strcmp(x->id, y->id);
}


int store_list(const char *crashdir, struct store_entry **vp, size_t *np)
{
	struct store_entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if (!crashdir || !vp || !np)
		return EINVAL;

	d = opendir(crashdir);
	if (!d) {
		if (errno == ENOENT) {
			*vp = NULL;
			*np = 0;
			return 0;
		}
		return errno;
	}

	while ((de = readdir(d))) {

		char id[REPORT_ID_LEN + 1], path[4200];
		struct stat st;
		size_t len = strlen(de->d_name);

		if (len != REPORT_ID_LEN + 5 ||
		    strcmp(de->d_name + REPORT_ID_LEN, ".json"))
			continue;

		memcpy(id, de->d_name, REPORT_ID_LEN);
		id[REPORT_ID_LEN] = '\0';
		if (!report_id_valid(id))
			continue;

		if (fio_path(path, sizeof(path), crashdir, de->d_name) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;

		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct store_entry *nv = realloc(v, nc * sizeof(*v));

			if (!nv) {
				free(v);
				(void)closedir(d);
				return ENOMEM;
			}
			v = nv;
			cap = nc;
		}

		memcpy(v[n].id, id, sizeof(id));
		v[n].mtime = (int64_t)st.st_mtime;
		v[n].size = (uint64_t)st.st_size;
		++n;
	}

	(void)closedir(d);

	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);

	*vp = v;
	*np = n;

	return 0;
}


int store_report_path(char *buf, size_t sz, const char *crashdir,
		      const char *id)
{
	int n;

	if (!report_id_valid(id))
		return EINVAL;

	n = snprintf(buf, sz, "%s/%s.json", crashdir, id);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


int store_delete(const char *crashdir, const char *id)
{
	char path[4200];
	int err = store_report_path(path, sizeof(path), crashdir, id);

	if (err)
		return err;

	if (unlink(path) != 0)
		return errno;

	return 0;
}


static int is_deletable(const char *name, int with_stats)
{
	static const char *const sufs[] = {".json", ".raw", ".bad",
					   ".rejected"};
	size_t i, n = strlen(name);

	if (!strcmp(name, "stats.json") || !strcmp(name, "send-state"))
		return with_stats;

	for (i = 0; i < sizeof(sufs) / sizeof(sufs[0]); ++i) {
		size_t m = strlen(sufs[i]);

		if (n > m && !strcmp(name + n - m, sufs[i]))
			return 1;
	}

	/* a temp file left by an interrupted atomic write */
	return strstr(name, ".tmp.") != NULL;
}


int store_delete_all(const char *crashdir, int with_stats,
		     unsigned *deleted)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (deleted)
		*deleted = 0;

	d = opendir(crashdir);
	if (!d)
		return errno == ENOENT ? 0 : errno;

	while ((de = readdir(d))) {

		char path[4200];

		if (de->d_name[0] == '.' || !is_deletable(de->d_name,
							   with_stats))
			continue;

		if (fio_path(path, sizeof(path), crashdir, de->d_name))
			continue;

		if (unlink(path) != 0) {
			if (!err)
				err = errno;
			continue;
		}
		if (deleted && strcmp(de->d_name, "stats.json") &&
		    strcmp(de->d_name, "send-state"))
			++*deleted;
	}

	(void)closedir(d);

	return err;
}


/* P-RET-2: reports beyond the caps are deleted, oldest first */
int store_retention(const char *crashdir, const struct store_limits *lim,
		    int64_t now, unsigned *deleted)
{
	struct store_entry *v = NULL;
	uint64_t total = 0;
	size_t n = 0, i;
	int err;

	if (deleted)
		*deleted = 0;

	if (!lim)
		return EINVAL;

	err = store_list(crashdir, &v, &n);
	if (err)
		return err;

	for (i = 0; i < n; ++i)
		total += v[i].size;

	/* oldest first: drop from the front until every cap holds */
	for (i = 0; i < n; ++i) {

		size_t left = n - i;
		bool old = lim->max_age_days &&
			now - v[i].mtime > (int64_t)lim->max_age_days * 86400;
		bool many = lim->max_count && left > lim->max_count;
		bool big = lim->max_bytes && total > lim->max_bytes;

		if (!old && !many && !big)
			break;

		if (!store_delete(crashdir, v[i].id) && deleted)
			++*deleted;
		total -= v[i].size;
	}

	free(v);

	return 0;
}
