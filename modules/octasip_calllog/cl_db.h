/**
 * @file cl_db.h  calllog.db: open, migrate, write, read, purge
 *
 * Everything that touches SQLite lives here; the module's writer thread
 * and the octasip tool both use it.  Statements are prepared once and
 * bound (never built from data).  Pragmas: journal_mode=WAL,
 * synchronous=NORMAL, busy_timeout=5000, secure_delete=ON.  The file is
 * created 0600 before SQLite opens it (the -wal/-shm files inherit the
 * mode) and an existing file with a wider mode is narrowed.
 *
 * Schema history (PRAGMA user_version):
 *   0  empty file
 *   1  table calls with the INTERFACE.md columns
 *   2  + ukey (unique row key), updated_at, RTCP summary columns,
 *      table meta (peer-hash key), indexes on started_at, status, call_id
 * cldb_open() migrates forward from any of them, in one transaction per
 * step.  A newer version than CLDB_SCHEMA is refused (EPROTO): the file
 * is left as it is.
 *
 * A file that is not SQLite or is corrupt is renamed (with its -wal and
 * -shm) to calllog.db.corrupt-YYYYmmdd-HHMMSS[-N] when CLDB_RECOVER is
 * given, and a fresh database is created; the new name is reported.
 *
 * Functions return 0 or an errno: ENOSPC (disk full), EROFS (read-only),
 * EBADMSG (corrupt / not a database), EBUSY, EIO, ENOMEM, EPROTO.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_DB_H
#define OCTASIP_CL_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cl_rec.h"

#define CLDB_SCHEMA 2
#define CLDB_HKEY_LEN 32   /* peer-hash key bytes                   */

enum cl_peer_mode {
	CL_PEER_FULL = 0,   /* peer URI and display name as received      */
	CL_PEER_HASH,       /* keyed hash of the URI; no display name      */
	CL_PEER_NONE,       /* neither                                     */
};

enum {
	CLDB_CREATE  = 1 << 0,  /* create the file if missing             */
	CLDB_RECOVER = 1 << 1,  /* move a corrupt file aside, start fresh  */
	CLDB_CHECK   = 1 << 2,  /* run PRAGMA quick_check at open          */
	CLDB_READONLY = 1 << 3, /* read only, as the file is on disk: for a
				 * read-only profile (no WAL, no -shm, no
				 * migration; reading functions only)    */
};

struct cldb;

struct cldb_query {
	uint32_t limit;         /* 0: no limit                           */
	bool missed;            /* only status missed                    */
	int64_t since_ms;       /* started_at >= since_ms (0: all)       */
	bool ascending;         /* oldest first (export)                 */
};

/* r's strings point into SQLite's memory: valid during the call only */
typedef int (cldb_row_h)(const struct cl_rec *r, void *arg);

int  cldb_open(struct cldb **dbp, const char *path, int flags,
	       char *aside, size_t asz);
void cldb_close(struct cldb *db);
const char *cldb_errmsg(const struct cldb *db);
int  cldb_user_version(struct cldb *db, int *v);

int  cldb_begin(struct cldb *db);
int  cldb_commit(struct cldb *db);
void cldb_rollback(struct cldb *db);

int  cldb_put(struct cldb *db, const struct cl_rec *r,
	      enum cl_peer_mode mode);
int  cldb_block(struct cldb *db, const struct cl_rec *r,
		enum cl_peer_mode mode);
int  cldb_interrupt(struct cldb *db, int *n);
/*
 * Retention: rows older than days; the newest max_rows of the user's
 * history (every status but "blocked"; "in_progress" is never deleted);
 * and, capped apart so that a flood of refused calls never pushes the
 * history out, the newest CLDB_BLOCKED_ROWS(max_rows) "blocked" rows.
 * 0 = no limit.
 */
#define CLDB_BLOCKED_ROWS(max_rows) ((max_rows) / 10 ? (max_rows) / 10 : 1)

int  cldb_retention(struct cldb *db, int64_t now_ms, uint32_t days,
		    uint32_t max_rows, int *n);

int  cldb_list(struct cldb *db, const struct cldb_query *q,
	       cldb_row_h *h, void *arg);
int  cldb_count(struct cldb *db, int64_t *n);

int  cldb_purge_all(struct cldb *db, int *n);
int  cldb_purge_older(struct cldb *db, int64_t before_ms, int *n);
int  cldb_purge_peer(struct cldb *db, const char *uri, int *n);
int  cldb_checkpoint(struct cldb *db);

/* The stored form of a peer URI under mode (hash: "h:" + 32 hex);
 * cl_peer_*() are in cl_peer.c */
int  cldb_peer_store(const struct cldb *db, enum cl_peer_mode mode,
		     const char *uri, char *out, size_t sz);
int  cl_peer_store(const uint8_t key[CLDB_HKEY_LEN], enum cl_peer_mode mode,
		   const char *uri, char *out, size_t sz);
void cldb_hkey(const struct cldb *db, uint8_t key[CLDB_HKEY_LEN]);
int  cl_peer_mode_from_name(const char *name, enum cl_peer_mode *m);
const char *cl_peer_mode_name(enum cl_peer_mode m);

int  cldb_sqlite_err(int rc);

#endif
