/**
 * @file cli_rollback.c  `octasip init` is all or nothing
 *
 * Before init writes anything it notes which entries the profile
 * directory already has (and whether the directory exists).  If a step
 * fails (a locked keyring, a full disk ...), everything init created is
 * removed again: regular files are shredded (a key file may be among
 * them), directories emptied and removed, and the profile directory
 * itself if init created it.  What was there before is never touched.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "common/fileio.h"
#include "privacy/shred.h"


static bool noted(const struct cli_snap *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; ++i) {
		if (!strcmp(s->names[i], name))
			return true;
	}

	return false;
}


int cli_snap_take(struct cli_snap *s, const char *dir)
{
	struct dirent *de;
	DIR *d;

	memset(s, 0, sizeof(*s));

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : errno;

	s->dir_existed = true;

	while ((de = readdir(d))) {

		char **nv;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;

		nv = realloc(s->names, (s->n + 1) * sizeof(*nv));
		if (!nv || !(nv[s->n] = strdup(de->d_name))) {
			if (nv)
				s->names = nv;
			(void)closedir(d);
			return ENOMEM;
		}
		s->names = nv;
		++s->n;
	}

	(void)closedir(d);

	return 0;
}


void cli_snap_free(struct cli_snap *s)
{
	size_t i;

	for (i = 0; i < s->n; ++i)
		free(s->names[i]);
	free(s->names);
	memset(s, 0, sizeof(*s));
}


/* Removes path: a directory with everything in it; never follows links */
static void remove_tree(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;

	if (S_ISREG(st.st_mode)) {
		if (shred_file(path))
			(void)unlink(path);
		return;
	}

	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}

	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {

			char sub[4200];

			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if (!fio_path(sub, sizeof(sub), path, de->d_name))
				remove_tree(sub);
		}
		(void)closedir(d);
	}

	(void)rmdir(path);
}


void cli_snap_rollback(const struct cli_snap *s, const char *dir)
{
	struct dirent *de;
	DIR *d;

	if (!s->dir_existed) {
		remove_tree(dir);
		return;
	}

	d = opendir(dir);
	if (!d)
		return;

	while ((de = readdir(d))) {

		char sub[4200];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    noted(s, de->d_name))
			continue;
		if (!fio_path(sub, sizeof(sub), dir, de->d_name))
			remove_tree(sub);
	}

	(void)closedir(d);
	(void)fio_fsync_dir(dir);
}
