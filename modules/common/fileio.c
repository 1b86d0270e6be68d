/**
 * @file fileio.c  Private-file helpers: atomic writes, mode checks, paths
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fileio.h"


int fio_path(char *buf, size_t sz, const char *dir, const char *name)
{
	int n;

	if (!buf || !dir || !name)
		return EINVAL;

	n = snprintf(buf, sz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sz)
		return ENAMETOOLONG;

	return 0;
}


int fio_exists(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0;
}


bool fio_locked(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool held;

	if (fd < 0)
		return false;

	held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	(void)close(fd);

	return held;
}


int fio_fsync_dir(const char *path)
{
	char tmp[4096];
	int fd, err = 0;

	if (strlen(path) >= sizeof(tmp))
		return ENAMETOOLONG;

	memcpy(tmp, path, strlen(path) + 1);

	fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	if (fsync(fd) != 0 && errno != EINVAL)
		err = errno;

	(void)close(fd);

	return err;
}


int fio_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;

		p   += n;
		len -= (size_t)n;
	}

	return 0;
}


/*
 * The signals that end a process politely (SIGTERM, SIGINT, SIGHUP,
 * SIGQUIT) are held back in this thread while a temp file exists: one
 * that arrives during a write takes effect right after it, so a stopped
 * process leaves the old or the new file and no temp file behind.
 */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	(void)pthread_sigmask(SIG_BLOCK, &set, old);
}


static int write_atomic(const char *path, const void *buf, size_t len,
			mode_t mode)
{
	char tmp[4096];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path)
	    >= (int)sizeof(tmp))
		return ENAMETOOLONG;

	fd = mkstemp(tmp);
	if (fd < 0)
		return errno;

	if (fchmod(fd, mode) != 0) {
		err = errno;
		goto fail;
	}

	err = fio_write_full(fd, buf, len);
	if (err)
		goto fail;

	if (fsync(fd) != 0) {
		err = errno;
		goto fail;
	}

	if (close(fd) != 0) {
		err = errno;
		fd = -1;
		goto fail;
	}
	fd = -1;

	if (rename(tmp, path) != 0) {
		err = errno;
		goto fail;
	}

	return fio_fsync_dir(path);

 fail:
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(tmp);
	return err;
}


/* P-FILE-1: private files are written 0600 and atomically */
int fio_write_atomic(const char *path, const void *buf, size_t len,
		     mode_t mode)
{
	sigset_t old;
	int err;

	if (!path || (!buf && len))
		return EINVAL;

	hold_signals(&old);
	err = write_atomic(path, buf, len, mode);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);

	return err;
}


int fio_read_all(const char *path, uint8_t **bufp, size_t *lenp,
		 size_t maxlen)
{
	struct stat st;
	uint8_t *buf;
	size_t have = 0;
	int fd, err = 0;

	if (!path || !bufp || !lenp)
		return EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	if (fstat(fd, &st) != 0) {
		err = errno;
		(void)close(fd);
		return err;
	}

	if ((size_t)st.st_size > maxlen) {
		(void)close(fd);
		return EFBIG;
	}

	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		(void)close(fd);
		return ENOMEM;
	}

	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}

	(void)close(fd);

	if (err) {
		free(buf);
		return err;
	}

	buf[have] = '\0';
	*bufp = buf;
	*lenp = have;

	return 0;
}


int fio_check_private(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno;

	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return EPERM;

	return 0;
}


/* P-FILE-1: private directories are 0700 */
int fio_mkdir_private(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return errno;

	if (stat(path, &st) != 0)
		return errno;

	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;

	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		if (chmod(path, st.st_mode & S_IRWXU) != 0)
			return errno;
	}

	return 0;
}


int fio_mkdir_parents(const char *path)
{
	char tmp[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp))
		return ENAMETOOLONG;

	memcpy(tmp, path, n + 1);

	for (i = 1; i < n; ++i) {

		if (tmp[i] != '/')
			continue;

		tmp[i] = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return errno;
		tmp[i] = '/';
	}

	return 0;
}
