/**
 * @file shred.c  Deleting personal data: overwrite, then unlink
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#include "common/fileio.h"
#include "shred.h"


static int overwrite(int fd, off_t size)
{
	unsigned char buf[65536];
	off_t off = 0;

	while (off < size) {

		size_t n = sizeof(buf);
		ssize_t w;

		if ((off_t)n > size - off)
			n = (size_t)(size - off);
		randombytes_buf(buf, n);

		w = pwrite(fd, buf, n, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (w == 0)
			return EIO;
		off += w;
	}

	return fsync(fd) ? errno : 0;
}


int shred_fd(int fd)
{
	struct stat st;

	if (sodium_init() < 0)
		return EIO;

	if (fstat(fd, &st))
		return errno;
	if (!S_ISREG(st.st_mode))
		return EISDIR;

	return overwrite(fd, st.st_size);
}


int shred_file(const char *path)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		/* a symlink or something we may not write: do not follow */
		if (errno == ELOOP)
			return unlink(path) ? errno : fio_fsync_dir(path);
		return errno;
	}

	err = shred_fd(fd);
	if (close(fd) && !err)
		err = errno;
	if (err)
		return err;

	if (unlink(path))
		return errno;

	return fio_fsync_dir(path);
}


static int exec(sqlite3 *db, const char *sql, char *errbuf, size_t errsz)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;

	(void)snprintf(errbuf, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);

	return EBADMSG;
}


static int empty_tables(sqlite3 *db, char *errbuf, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE"
				" type = 'table' AND name NOT LIKE"
				" 'sqlite_%'", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		(void)snprintf(errbuf, errsz, "%s", sqlite3_errmsg(db));
		return EBADMSG;
	}

	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {

		const char *name = (const char *)sqlite3_column_text(st, 0);
		char *sql;

		if (!name)
			continue;
		sql = sqlite3_mprintf("DELETE FROM \"%w\"", name);
		if (!sql)
			return ENOMEM;
		err = exec(db, sql, errbuf, errsz);
		sqlite3_free(sql);
	}
	if (!err && rc != SQLITE_DONE) {
		(void)snprintf(errbuf, errsz, "%s", sqlite3_errmsg(db));
		err = EBADMSG;
	}

	(void)sqlite3_finalize(st);

	return err;
}


int shred_sqlite(const char *path, char *errbuf, size_t errsz)
{
	sqlite3 *db = NULL;
	int err;

	if (!fio_exists(path))
		return ENOENT;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		(void)snprintf(errbuf, errsz, "%s",
			       db ? sqlite3_errmsg(db) : "out of memory");
		(void)sqlite3_close(db);
		return EBADMSG;
	}
	(void)sqlite3_busy_timeout(db, 5000);

	err = exec(db, "PRAGMA secure_delete = ON", errbuf, errsz);
	if (!err)
		err = exec(db, "BEGIN IMMEDIATE", errbuf, errsz);
	if (!err) {
		err = empty_tables(db, errbuf, errsz);
		if (!err)
			err = exec(db, "COMMIT", errbuf, errsz);
		else
			(void)exec(db, "ROLLBACK", NULL, 0);
	}
	if (!err)
		err = exec(db, "VACUUM", errbuf, errsz);
	if (!err)
		err = exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", errbuf,
			   errsz);

	(void)sqlite3_close(db);

	return err;
}


static bool wanted(const char *name, const char *const *prefixv,
		   size_t prefixc)
{
	size_t i;

	if (!prefixv)
		return true;

	for (i = 0; i < prefixc; ++i) {
		if (!strncmp(name, prefixv[i], strlen(prefixv[i])))
			return true;
	}

	return false;
}


int shred_dir(const char *dir, const char *const *prefixv, size_t prefixc,
	      unsigned *count, char *errbuf, size_t errsz)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (count)
		*count = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : errno;

	while ((de = readdir(d))) {

		char path[4400];
		struct stat st;
		int e;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!wanted(de->d_name, prefixv, prefixc))
			continue;
		if (fio_path(path, sizeof(path), dir, de->d_name))
			continue;
		if (lstat(path, &st) || S_ISDIR(st.st_mode))
			continue;

		e = shred_file(path);
		if (e == ENOENT)
			continue;
		if (e && !err) {
			err = e;
			(void)snprintf(errbuf, errsz, "%s: %s", path,
				       strerror(e));
		}
		if (!e && count)
			++*count;
	}

	(void)closedir(d);

	return err;
}
