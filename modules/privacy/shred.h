/**
 * @file shred.h  Deleting personal data: overwrite, then unlink
 *
 * shred_file() overwrites a regular file's every byte with random data
 * (libsodium), fsyncs it, and only then unlinks it and fsyncs the
 * directory: another hard link to the file, a backup taken later of the
 * same inode, or an undelete tool finds random bytes, not the content.
 * On journaling, copy-on-write or flash storage the old blocks may still
 * survive physically (PRIVACY.md says so); this is the best a program
 * can do without the device.
 *
 * shred_sqlite() empties every table of an SQLite database with
 * secure_delete on (freed pages are zeroed), VACUUMs it (the file is
 * rebuilt without free pages) and truncates its WAL.  The schema and
 * PRAGMA user_version stay.
 *
 * All return 0 or an errno value.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SHRED_H
#define OCTASIP_SHRED_H

#include <stdbool.h>
#include <stddef.h>

/* ENOENT if there is no such file; EISDIR etc. for non-regular files */
int shred_file(const char *path);

/* every byte of an open regular file overwritten with random data and
 * fsynced; the file keeps its size and names */
int shred_fd(int fd);

int shred_sqlite(const char *path, char *errbuf, size_t errsz);

/*
 * shred_file() on every regular file in dir whose name starts with one
 * of the prefixes (all files if prefixv is NULL); *count gets the number
 * shredded.  A missing dir is not an error.  The first error is returned
 * after trying every file; its file name goes to errbuf.
 */
int shred_dir(const char *dir, const char *const *prefixv, size_t prefixc,
	      unsigned *count, char *errbuf, size_t errsz);

#endif
