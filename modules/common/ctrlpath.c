/**
 * @file ctrlpath.c  Where a profile's private control socket lives
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctrlpath.h"
#include "fileio.h"


enum {
	BASE_MAX = 24,   /* characters of the profile's name kept */
};


/* 64-bit FNV-1a: tells profiles apart, not a secret */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; ++s) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}

	return h;
}


/* <base>-<hash>, base made of [A-Za-z0-9._-] only */
static void sock_name(char *buf, size_t sz, const char *real)
{
	const char *slash = strrchr(real, '/');
	const char *base = slash && slash[1] ? slash + 1 : real;
	char clean[BASE_MAX + 1];
	size_t i;

	for (i = 0; i < BASE_MAX && base[i]; ++i) {
		char c = base[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == '-';

		clean[i] = ok ? c : '_';
	}
	clean[i] = '\0';

	(void)snprintf(buf, sz, "%s-%016llx", clean,
		       (unsigned long long)fnv1a(real));
}


/* $XDG_RUNTIME_DIR, if it is an absolute path to a private directory of
 * ours (the systemd-logind contract) */
static const char *runtime_dir(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (!rt || rt[0] != '/')
		return NULL;

	if (stat(rt, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IRWXG | S_IRWXO)))
		return NULL;

	return rt;
}


/* a + b into buf, or ENAMETOOLONG */
static int join(char *buf, size_t sz, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (na + nb >= sz)
		return ENAMETOOLONG;

	memcpy(buf, a, na);
	memcpy(buf + na, b, nb + 1);

	return 0;
}


int ctrlpath_get(struct ctrlpath *p, const char *profile,
		 const char *override)
{
	char real[PATH_MAX], name[64];
	const char *rt;
	int err;

	if (!p || !profile || !*profile)
		return EINVAL;

	memset(p, 0, sizeof(*p));

	if (override && *override) {
		char *slash;

		if (override[0] != '/')
			return EINVAL;

		err  = join(p->sock, sizeof(p->sock), override, "");
		err |= join(p->lock, sizeof(p->lock), override, ".lock");
		err |= join(p->dir, sizeof(p->dir), override, "");
		if (err)
			return ENAMETOOLONG;

		slash = strrchr(p->dir, '/');
		if (slash == p->dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	else {
		if (!realpath(profile, real))
			(void)snprintf(real, sizeof(real), "%s", profile);

		sock_name(name, sizeof(name), real);

		rt = runtime_dir();
		err = join(p->dir, sizeof(p->dir), rt ? rt : real,
			   rt ? "/octasip" : "/run");
		err |= join(p->sock, sizeof(p->sock), p->dir, "/");
		err |= join(p->lock, sizeof(p->lock), p->dir, "/");
		if (err)
			return ENAMETOOLONG;
		err |= join(p->sock + strlen(p->sock),
			    sizeof(p->sock) - strlen(p->sock), name, ".sock");
		err |= join(p->lock + strlen(p->lock),
			    sizeof(p->lock) - strlen(p->lock), name, ".lock");
		if (err)
			return ENAMETOOLONG;
	}

	if (strlen(p->sock) >= CTRLPATH_SUN_MAX)
		return ENAMETOOLONG;

	return 0;
}


int ctrlpath_dir_prepare(const struct ctrlpath *p)
{
	struct stat st;

	if (mkdir(p->dir, 0700) != 0 && errno != EEXIST)
		return errno;

	/* P-LOCAL-2: lstat, so a symlink planted there is no directory */
	if (lstat(p->dir, &st) != 0)
		return errno;

	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;

	if (st.st_uid != geteuid() || (st.st_mode & (S_IRWXG | S_IRWXO)))
		return EPERM;

	return 0;
}


int ctrlpath_lock(const struct ctrlpath *p, int *fdp)
{
	int fd, err;

	fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno;

	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		err = errno == EWOULDBLOCK ? EADDRINUSE : errno;
		(void)close(fd);
		return err;
	}

	*fdp = fd;

	return 0;
}


bool ctrlpath_locked(const struct ctrlpath *p)
{
	return fio_locked(p->lock);
}
