/**
 * @file dburi.h  SQLite URIs for reading a database as it is on disk
 *
 * A WAL database needs a -shm file next to it even to be read, which a
 * read-only directory cannot hold.  SQLite's immutable URI mode reads the
 * main file only: nothing is created, changes still in a -wal file are
 * not seen.  Used where a read-only profile must still be readable
 * (octasip calllog list/export, octasip data export).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_DBURI_H
#define OCTASIP_DBURI_H

#include <stdbool.h>
#include <stddef.h>

/* "file:<path, percent-escaped>?mode=ro&immutable=1"; 0 or ENAMETOOLONG */
int dburi_immutable(char *uri, size_t sz, const char *path);

/* true if <path>-wal exists and is not empty */
bool dburi_wal_pending(const char *path);

#endif
