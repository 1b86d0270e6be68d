/**
 * @file fileio.h  Private-file helpers: atomic writes, mode checks, paths
 *
 * Every OctaSIP file that holds personal data or secrets is written with
 * fio_write_atomic(): temp file in the same directory (mode set before the
 * first byte), write, fsync, rename over the target, fsync the directory.
 * A crash at any point leaves either the old or the new file, never a mix.
 *
 * All functions return 0 or an errno value.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_FILEIO_H
#define OCTASIP_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int fio_write_atomic(const char *path, const void *buf, size_t len,
		     mode_t mode);
/* all of buf to fd, through EINTR and short writes */
int fio_write_full(int fd, const void *buf, size_t len);
int fio_read_all(const char *path, uint8_t **bufp, size_t *lenp,
		 size_t maxlen);
int fio_check_private(const char *path);
int fio_mkdir_private(const char *path);
int fio_path(char *buf, size_t sz, const char *dir, const char *name);
int fio_fsync_dir(const char *path);
int fio_exists(const char *path);
/* true: another open file description holds a flock() on path (a
 * running process: the ctrl lock, the call log's journal, the pending
 * audit lines); false also when it cannot be opened */
bool fio_locked(const char *path);
int fio_mkdir_parents(const char *path);

#endif
