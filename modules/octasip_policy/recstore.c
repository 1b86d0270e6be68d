/**
 * @file recstore.c  Recordings on disk: the retention limit
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "recstore.h"


static int is_recording(const char *name)
{
	size_t n = strlen(name);

	return n > 9 && !strncmp(name, "dump-", 5) &&
		!strcmp(name + n - 4, ".wav");
}


int recstore_prune(const char *dir, long long now, long long max_age_s,
		   size_t *deleted)
{
	struct dirent *de;
	DIR *dh;
	size_t n = 0;

	if (!dir)
		return EINVAL;

	dh = opendir(dir);
	if (!dh)
		return errno;

	while ((de = readdir(dh)) != NULL) {

		char path[4096];
		struct stat st;

		if (!is_recording(de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name)
		    >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if ((long long)st.st_mtime > now - max_age_s)
			continue;
		if (unlink(path) == 0)
			++n;
	}

	(void)closedir(dh);

	if (deleted)
		*deleted = n;

	return 0;
}
