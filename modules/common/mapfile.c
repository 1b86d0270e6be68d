/**
 * @file mapfile.c  A fixed-size file in the profile, mapped shared and
 *                  held by one process
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mapfile.h"


/*
 * The file written with zeros once: its blocks are allocated and written
 * (not merely reserved), so a store into the mapping never needs disk
 * space and a page's first store after the kernel wrote it back costs no
 * block conversion on the event loop.
 */
static int zero_fill(int fd, size_t size)
{
	static const uint8_t zero[65536];
	size_t off;

	if (ftruncate(fd, 0))
		return errno;

	for (off = 0; off < size; off += sizeof(zero)) {
		size_t n = size - off < sizeof(zero) ? size - off :
			sizeof(zero);
		ssize_t w = pwrite(fd, zero, n, (off_t)off);

		if (w < 0)
			return errno;
		if ((size_t)w != n)
			return ENOSPC;
	}

	return 0;
}


int mapfile_open(struct mapfile *mf, const char *path, size_t size,
		 bool create, mapfile_ok_h *okh)
{
	struct stat st;
	int err = 0, fd;

	if (!mf || !path || !size)
		return EINVAL;

	memset(mf, 0, sizeof(*mf));
	mf->fd = -1;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
		  (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return errno;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = errno ? errno : EINVAL;
		goto out;
	}

	/* P-FILE-1 */
	if ((st.st_mode & 077) && fchmod(fd, st.st_mode & 0600)) {
		err = errno;
		goto out;
	}

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? EBUSY : errno;
		goto out;
	}

	if ((size_t)st.st_size != size || (okh && !okh(fd))) {
		err = zero_fill(fd, size);
		if (err) {
			(void)ftruncate(fd, 0);
			goto out;
		}
		mf->fresh = true;
	}

	mf->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       0);
	if (mf->map == MAP_FAILED) {
		err = errno;
		mf->map = NULL;
		goto out;
	}

	mf->fd = fd;
	mf->size = size;

	return 0;

 out:
	(void)close(fd);
	return err;
}


void mapfile_close(struct mapfile *mf)
{
	if (!mf)
		return;

	if (mf->map)
		(void)munmap(mf->map, mf->size);
	if (mf->fd >= 0)
		(void)close(mf->fd);

	mf->map = NULL;
	mf->fd = -1;
}
