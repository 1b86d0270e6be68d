/**
 * @file cl_db.c  calllog.db: open, migrate, write, read, purge
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#include "common/fileio.h"
#include "cl_db.h"
#include "common/dburi.h"


enum { HKEY_LEN = CLDB_HKEY_LEN };

enum stmt {
	ST_PUT = 0,
	ST_BLOCK,
	ST_INTERRUPT,
	ST_RET_AGE,
	ST_RET_COUNT,
	ST_RET_BLOCKED,
	ST_COUNT,
	ST_PURGE_ALL,
	ST_PURGE_OLDER,
	ST_PURGE_PEER,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_MAX,
};

struct cldb {
	sqlite3 *h;
	sqlite3_stmt *st[ST_MAX];
	uint8_t hkey[HKEY_LEN];
	char msg[256];
};

static const char *const stmt_sql[ST_MAX] = {
	[ST_PUT] =
	"INSERT INTO calls (ukey, call_id, account, direction, status,"
	" peer_uri, peer_name, started_at, answered_at, ended_at,"
	" duration_ms, sip_code, reason, encryption, updated_at,"
	" rtcp_rx_lost, rtcp_rx_jitter_us, rtcp_tx_lost,"
	" rtcp_tx_jitter_us, rtcp_rtt_us)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	" ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
	" ON CONFLICT(ukey) DO UPDATE SET"
	" call_id = COALESCE(excluded.call_id, call_id),"
	" status = excluded.status, peer_uri = excluded.peer_uri,"
	" peer_name = excluded.peer_name,"
	" answered_at = excluded.answered_at,"
	" ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,"
	" sip_code = excluded.sip_code, reason = excluded.reason,"
	" encryption = excluded.encryption,"
	" updated_at = excluded.updated_at,"
	" rtcp_rx_lost = excluded.rtcp_rx_lost,"
	" rtcp_rx_jitter_us = excluded.rtcp_rx_jitter_us,"
	" rtcp_tx_lost = excluded.rtcp_tx_lost,"
	" rtcp_tx_jitter_us = excluded.rtcp_tx_jitter_us,"
	" rtcp_rtt_us = excluded.rtcp_rtt_us"
	" WHERE calls.status <> 'blocked' OR excluded.status = 'blocked'",

	[ST_BLOCK] =
	"UPDATE calls SET status = 'blocked', reason = ?2,"
	" sip_code = COALESCE(?3, sip_code),"
	" ended_at = COALESCE(ended_at, ?4),"
	" duration_ms = COALESCE(duration_ms, 0), updated_at = ?4"
	" WHERE call_id = ?1",

	[ST_INTERRUPT] =
	"UPDATE calls SET status = 'interrupted',"
	" ended_at = MAX(started_at, COALESCE(updated_at, started_at),"
	"                COALESCE(answered_at, started_at)),"
	" duration_ms = CASE WHEN answered_at IS NULL THEN 0 ELSE"
	"  MAX(0, COALESCE(updated_at, answered_at) - answered_at) END,"
	" reason = COALESCE(reason, 'process ended during the call')"
	" WHERE status = 'in_progress'",

	[ST_RET_AGE] =
	"DELETE FROM calls WHERE started_at < ?1"
	" AND status <> 'in_progress'",

	/* the user's history: refused calls never push it out (P-RET-3) */
	[ST_RET_COUNT] =
	"DELETE FROM calls WHERE status NOT IN ('in_progress', 'blocked')"
	" AND id <= (SELECT id FROM calls WHERE status <> 'blocked'"
	" ORDER BY id DESC LIMIT 1 OFFSET ?1)",

	/* refused calls (a flood): their own, smaller cap */
	[ST_RET_BLOCKED] =
	"DELETE FROM calls WHERE status = 'blocked' AND id <="
	" (SELECT id FROM calls WHERE status = 'blocked'"
	" ORDER BY id DESC LIMIT 1 OFFSET ?1)",

	[ST_COUNT] = "SELECT count(*) FROM calls",
	[ST_PURGE_ALL] = "DELETE FROM calls",
	[ST_PURGE_OLDER] = "DELETE FROM calls WHERE started_at < ?1",
	[ST_PURGE_PEER] =
	"DELETE FROM calls WHERE peer_uri = ?1 OR peer_uri = ?2",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
};

/* Forward migrations: mig[v] takes schema v to v + 1 */
static const char *const mig[CLDB_SCHEMA] = {
	/* 0 -> 1: the columns INTERFACE.md requires */
	"CREATE TABLE calls ("
	" id INTEGER PRIMARY KEY,"
	" call_id TEXT,"
	" account TEXT NOT NULL,"
	" direction TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" peer_uri TEXT,"
	" peer_name TEXT,"
	" started_at INTEGER NOT NULL,"
	" answered_at INTEGER,"
	" ended_at INTEGER,"
	" duration_ms INTEGER,"
	" sip_code INTEGER,"
	" reason TEXT,"
	" encryption TEXT);",

	/* 1 -> 2: row key, liveness, RTCP summary, meta, indexes */
	"ALTER TABLE calls ADD COLUMN ukey TEXT;"
	"ALTER TABLE calls ADD COLUMN updated_at INTEGER;"
	"ALTER TABLE calls ADD COLUMN rtcp_rx_lost INTEGER;"
	"ALTER TABLE calls ADD COLUMN rtcp_rx_jitter_us INTEGER;"
	"ALTER TABLE calls ADD COLUMN rtcp_tx_lost INTEGER;"
	"ALTER TABLE calls ADD COLUMN rtcp_tx_jitter_us INTEGER;"
	"ALTER TABLE calls ADD COLUMN rtcp_rtt_us INTEGER;"
	"CREATE UNIQUE INDEX calls_ukey ON calls(ukey);"
	"CREATE INDEX calls_started ON calls(started_at);"
	"CREATE INDEX calls_status ON calls(status);"
	"CREATE INDEX calls_call_id ON calls(call_id);"
	"CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB NOT NULL);",
};

#define SELECT_COLS \
	"SELECT id, ukey, call_id, account, direction, status, peer_uri," \
	" peer_name, started_at, answered_at, ended_at, duration_ms," \
	" sip_code, reason, encryption, updated_at, rtcp_rx_lost," \
	" rtcp_rx_jitter_us, rtcp_tx_lost, rtcp_tx_jitter_us, rtcp_rtt_us" \
	" FROM calls"


int cldb_sqlite_err(int rc)
{
	switch (rc & 0xff) {

	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:      return 0;
	case SQLITE_FULL:     return ENOSPC;
	case SQLITE_READONLY: return EROFS;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:   return EBADMSG;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:   return EBUSY;
	case SQLITE_NOMEM:    return ENOMEM;
	case SQLITE_CANTOPEN: return EACCES;
	case SQLITE_IOERR:
		/* a write past RLIMIT_FSIZE or a full quota */
		return EIO;
	default:              return EPROTO;
	}
}


static int dberr(struct cldb *db, int rc)
{
	if (db->h)
		(void)snprintf(db->msg, sizeof(db->msg), "%s",
			       sqlite3_errmsg(db->h));
	else
		(void)snprintf(db->msg, sizeof(db->msg), "%s",
			       sqlite3_errstr(rc));

	return cldb_sqlite_err(rc);
}


const char *cldb_errmsg(const struct cldb *db)
{
	return db ? db->msg : "";
}


static int exec(struct cldb *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : dberr(db, rc);
}


/* Run a prepared statement to completion */
static int run(struct cldb *db, sqlite3_stmt *st)
{
	int rc;

	do {
		rc = sqlite3_step(st);
	} while (rc == SQLITE_ROW);

	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);

	return rc == SQLITE_DONE ? 0 : dberr(db, rc);
}


static int user_version(struct cldb *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	(void)sqlite3_finalize(st);

	return rc == SQLITE_OK ? 0 : dberr(db, rc);
}


int cldb_user_version(struct cldb *db, int *v)
{
	return db ? user_version(db, v) : EINVAL;
}


static int migrate(struct cldb *db)
{
	char sql[64];
	int v, err;

	err = user_version(db, &v);
	if (err)
		return err;

	if (v > CLDB_SCHEMA) {
		(void)snprintf(db->msg, sizeof(db->msg), "schema version %d"
			       " is newer than this OctaSIP's (%d)", v,
			       CLDB_SCHEMA);
		return EPROTO;
	}

	while (v < CLDB_SCHEMA) {

		err = exec(db, "BEGIN IMMEDIATE");
		if (err)
			return err;

		(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			       v + 1);

		err = exec(db, mig[v]);
		if (!err)
			err = exec(db, sql);
		if (!err)
			err = exec(db, "COMMIT");
		if (err) {
			(void)sqlite3_exec(db->h, "ROLLBACK", NULL, NULL,
					   NULL);
			return err;
		}

		++v;
	}

	return 0;
}


static int load_hkey(struct cldb *db)
{
	sqlite3_stmt *st;
	int rc, err;

	err = exec(db, "INSERT OR IGNORE INTO meta (k, v) VALUES"
		   " ('peer_hash_key', randomblob(32))");
	if (err)
		return err;

	rc = sqlite3_prepare_v2(db->h, "SELECT v FROM meta WHERE k ="
				" 'peer_hash_key'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == HKEY_LEN) {
		memcpy(db->hkey, sqlite3_column_blob(st, 0), HKEY_LEN);
		rc = SQLITE_OK;
	}
	else if (rc == SQLITE_ROW) {
		rc = SQLITE_CORRUPT;
	}
	(void)sqlite3_finalize(st);

	return rc == SQLITE_OK ? 0 : dberr(db, rc);
}


/* Create the file 0600 (or narrow a wider mode) before SQLite opens it */
static int prepare_file(const char *path, bool create)
{
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW |
		  (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return errno;

	if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EBADMSG;
	else if ((st.st_mode & 0077) && fchmod(fd, 0600))
		err = errno;

	(void)close(fd);

	return err;
}


/* A non-empty file must start with the SQLite header */
static int check_header(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char buf[16];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	n = read(fd, buf, sizeof(buf));
	(void)close(fd);

	if (n == 0)
		return 0;

	if (n != (ssize_t)sizeof(buf) || memcmp(buf, magic, sizeof(buf)))
		return EBADMSG;

	return 0;
}


static int quick_check(struct cldb *db)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db->h, "PRAGMA quick_check(1)", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);

		if (!r || strcmp(r, "ok")) {
			(void)snprintf(db->msg, sizeof(db->msg),
				       "quick_check: %s", r ? r : "?");
			err = EBADMSG;
		}
	}
	else {
		err = dberr(db, rc);
	}
	(void)sqlite3_finalize(st);

	return err;
}


static void close_handle(struct cldb *db)
{
	int i;

	for (i = 0; i < ST_MAX; ++i) {
		(void)sqlite3_finalize(db->st[i]);
		db->st[i] = NULL;
	}

	(void)sqlite3_close(db->h);
	db->h = NULL;
}


/*
 * Read only, without writing anything next to the file: SQLite's
 * immutable URI mode needs no -shm (a WAL database otherwise needs one,
 * which a read-only directory cannot hold).  Changes still in a -wal file
 * are not seen.  The schema must be the current one: migrating writes.
 */
static int open_readonly(struct cldb *db, const char *path)
{
	char uri[8600];
	int rc, v, err;

	err = dburi_immutable(uri, sizeof(uri), path);
	if (err)
		return err;

	rc = sqlite3_open_v2(uri, &db->h, SQLITE_OPEN_READONLY |
			     SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	(void)sqlite3_extended_result_codes(db->h, 1);

	err = user_version(db, &v);
	if (!err && v != CLDB_SCHEMA) {
		(void)snprintf(db->msg, sizeof(db->msg), "schema version %d,"
			       " this OctaSIP reads %d: open it once where"
			       " it is writable", v, CLDB_SCHEMA);
		err = EPROTO;
	}

	return err;
}


/* Read-write: WAL, secure delete, optional check, migration, hash key */
static int open_readwrite(struct cldb *db, const char *path, int flags)
{
	int rc, err;

	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	(void)sqlite3_extended_result_codes(db->h, 1);
	(void)sqlite3_busy_timeout(db->h, 5000);

	err = exec(db, "PRAGMA journal_mode = WAL");
	if (!err)
		err = exec(db, "PRAGMA synchronous = NORMAL");
	if (!err)
		err = exec(db, "PRAGMA secure_delete = ON");
	if (!err && (flags & CLDB_CHECK))
		err = quick_check(db);
	if (!err)
		err = migrate(db);
	if (!err)
		err = load_hkey(db);

	return err;
}


static int open_once(struct cldb *db, const char *path, int flags)
{
	bool ro = flags & CLDB_READONLY;
	int i, rc, err;

	if (!ro) {
		err = prepare_file(path, flags & CLDB_CREATE);
		if (err) {
			(void)snprintf(db->msg, sizeof(db->msg), "%s",
				       strerror(err));
			return err;
		}
	}

	err = check_header(path);
	if (err) {
		(void)snprintf(db->msg, sizeof(db->msg), "not an SQLite"
			       " database");
		return err;
	}

	err = ro ? open_readonly(db, path) :
		open_readwrite(db, path, flags);

	for (i = 0; !err && i < ST_MAX; ++i) {
		rc = sqlite3_prepare_v3(db->h, stmt_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT,
					&db->st[i], NULL);
		if (rc != SQLITE_OK)
			err = dberr(db, rc);
	}

	if (err)
		close_handle(db);

	return err;
}


static int move_aside(const char *path, char *aside, size_t asz)
{
	static const char *const sfx[] = {"-wal", "-shm"};
	char base[4200], from[4300], to[4300];
	struct tm tm;
	time_t t = time(NULL);
	size_t i;
	int n;

	(void)localtime_r(&t, &tm);

	for (n = 0; n < 100; ++n) {

		int k = snprintf(base, sizeof(base), "%s.corrupt-"
				 "%04d%02d%02d-%02d%02d%02d", path,
				 tm.tm_year + 1900, tm.tm_mon + 1,
				 tm.tm_mday, tm.tm_hour, tm.tm_min,
				 tm.tm_sec);
		if (k < 0 || (size_t)k >= sizeof(base))
			return ENAMETOOLONG;
		if (n) {
			size_t l = strlen(base);
			(void)snprintf(base + l, sizeof(base) - l, "-%d", n);
		}
		if (!fio_exists(base))
			break;
	}

	if (rename(path, base))
		return errno;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); ++i) {
		(void)snprintf(from, sizeof(from), "%s%s", path, sfx[i]);
		(void)snprintf(to, sizeof(to), "%s%s", base, sfx[i]);
		if (fio_exists(from))
			(void)rename(from, to);
	}

	(void)fio_fsync_dir(path);

	if (aside)
		(void)snprintf(aside, asz, "%s", base);

	return 0;
}


int cldb_open(struct cldb **dbp, const char *path, int flags,
	      char *aside, size_t asz)
{
	struct cldb *db;
	int err;

	if (!dbp || !path)
		return EINVAL;

	if (aside && asz)
		aside[0] = '\0';

	if (sodium_init() < 0)
		return ENOSYS;

	if (!(flags & CLDB_CREATE) && !fio_exists(path))
		return ENOENT;

	db = calloc(1, sizeof(*db));
	if (!db)
		return ENOMEM;

	err = open_once(db, path, flags);
	if (err == EBADMSG && (flags & CLDB_RECOVER)) {

		err = move_aside(path, aside, asz);
		if (!err)
			err = open_once(db, path, flags | CLDB_CREATE);
	}

	if (err) {
		/* keep the message for the caller's report */
		char msg[sizeof(db->msg)];

		memcpy(msg, db->msg, sizeof(msg));
		cldb_close(db);
		if (aside && asz && !aside[0])
			(void)snprintf(aside, asz, "%s", msg);
		return err;
	}

	*dbp = db;

	return 0;
}


void cldb_close(struct cldb *db)
{
	if (!db)
		return;

	close_handle(db);
	sodium_memzero(db->hkey, sizeof(db->hkey));
	free(db);
}


int cldb_begin(struct cldb *db)
{
	return run(db, db->st[ST_BEGIN]);
}


int cldb_commit(struct cldb *db)
{
	return run(db, db->st[ST_COMMIT]);
}


void cldb_rollback(struct cldb *db)
{
	if (db && db->h && !sqlite3_get_autocommit(db->h))
		(void)run(db, db->st[ST_ROLLBACK]);
}


int cldb_peer_store(const struct cldb *db, enum cl_peer_mode mode,
		    const char *uri, char *out, size_t sz)
{
	return cl_peer_store(db->hkey, mode, uri, out, sz);
}


/* The peer-hash key, for stored forms made elsewhere (the journal) */
void cldb_hkey(const struct cldb *db, uint8_t key[CLDB_HKEY_LEN])
{
	memcpy(key, db->hkey, CLDB_HKEY_LEN);
}


static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		(void)sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		(void)sqlite3_bind_null(st, i);
}


static void bind_i64(sqlite3_stmt *st, int i, int64_t v, bool null)
{
	if (null)
		(void)sqlite3_bind_null(st, i);
	else
		(void)sqlite3_bind_int64(st, i, v);
}


int cldb_put(struct cldb *db, const struct cl_rec *r,
	     enum cl_peer_mode mode)
{
	sqlite3_stmt *st;
	char peer[CL_CAP_URI + 1];
	int64_t dur;
	bool rt;

	if (!db || !r || !r->status)
		return EINVAL;

	st = db->st[ST_PUT];
	dur = cl_duration_ms(r);
	rt = !r->rtcp.valid;

	bind_text(st, 1, r->ukey);
	bind_text(st, 2, r->call_id);
	bind_text(st, 3, r->account ? r->account : "");
	bind_text(st, 4, cl_direction(r->outgoing));
	bind_text(st, 5, r->status);
	if (r->peer_stored) {
		bind_text(st, 6, r->peer_uri);
		bind_text(st, 7, r->peer_name);
	}
	else {
		bind_text(st, 6, cldb_peer_store(db, mode, r->peer_uri, peer,
						 sizeof(peer)) ? NULL : peer);
		bind_text(st, 7, mode == CL_PEER_FULL ? r->peer_name :
			  NULL);
	}
	bind_i64(st, 8, r->started_at, false);
	bind_i64(st, 9, r->answered_at, !r->answered_at);
	bind_i64(st, 10, r->ended_at, !r->ended_at);
	bind_i64(st, 11, dur, dur < 0);
	bind_i64(st, 12, r->sip_code, !r->sip_code);
	bind_text(st, 13, r->reason);
	bind_text(st, 14, r->encryption);
	bind_i64(st, 15, r->updated_at, !r->updated_at);
	bind_i64(st, 16, r->rtcp.rx_lost, rt);
	bind_i64(st, 17, r->rtcp.rx_jitter_us, rt);
	bind_i64(st, 18, r->rtcp.tx_lost, rt);
	bind_i64(st, 19, r->rtcp.tx_jitter_us, rt);
	bind_i64(st, 20, r->rtcp.rtt_us, rt);

	sodium_memzero(peer, sizeof(peer));

	return run(db, st);
}


/*
 * The policy stopped a call: the row with this Call-ID becomes blocked,
 * or, if there is none, r is inserted as a new (blocked) row.
 */
int cldb_block(struct cldb *db, const struct cl_rec *r,
	       enum cl_peer_mode mode)
{
	sqlite3_stmt *st;
	int err;

	if (!db || !r)
		return EINVAL;

	if (r->call_id) {
		st = db->st[ST_BLOCK];
		bind_text(st, 1, r->call_id);
		bind_text(st, 2, r->reason);
		bind_i64(st, 3, r->sip_code, !r->sip_code);
		bind_i64(st, 4, r->ended_at ? r->ended_at : cl_now_ms(),
			 false);
		err = run(db, st);
		if (err)
			return err;
		if (sqlite3_changes(db->h) > 0)
			return 0;
	}

	return cldb_put(db, r, mode);
}


int cldb_interrupt(struct cldb *db, int *n)
{
	int err;

	err = run(db, db->st[ST_INTERRUPT]);
	if (!err && n)
		*n = sqlite3_changes(db->h);

	return err;
}


/* P-RET-1 */
int cldb_retention(struct cldb *db, int64_t now_ms, uint32_t days,
		   uint32_t max_rows, int *n)
{
	int err = 0, k = 0;

	if (days) {
		sqlite3_stmt *st = db->st[ST_RET_AGE];

		bind_i64(st, 1, now_ms - (int64_t)days * 86400000, false);
		err = run(db, st);
		if (!err)
			k += sqlite3_changes(db->h);
	}

	if (!err && max_rows) {
		sqlite3_stmt *st = db->st[ST_RET_COUNT];

		bind_i64(st, 1, max_rows, false);
		err = run(db, st);
		if (!err)
			k += sqlite3_changes(db->h);
	}

	if (!err && max_rows) {
		sqlite3_stmt *st = db->st[ST_RET_BLOCKED];

		bind_i64(st, 1, CLDB_BLOCKED_ROWS(max_rows), false);
		err = run(db, st);
		if (!err)
			k += sqlite3_changes(db->h);
	}

	if (n)
		*n = k;

	return err;
}


static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}


static void row_read(sqlite3_stmt *st, struct cl_rec *r)
{
	const char *s;
	size_t n;

	memset(r, 0, sizeof(*r));

	r->id = sqlite3_column_int64(st, 0);
	s = col_text(st, 1);
	if (s) {
		n = strnlen(s, CL_UKEY_LEN);
		memcpy(r->ukey, s, n);
	}
	r->call_id   = (char *)col_text(st, 2);
	r->account   = (char *)col_text(st, 3);
	s = col_text(st, 4);
	r->outgoing  = s && !strcmp(s, "outgoing");
	if (cl_status_from_name(col_text(st, 5), &r->status))
		r->status = "?";
	r->peer_uri  = (char *)col_text(st, 6);
	r->peer_name = (char *)col_text(st, 7);
	r->started_at  = sqlite3_column_int64(st, 8);
	r->answered_at = sqlite3_column_int64(st, 9);
	r->ended_at    = sqlite3_column_int64(st, 10);
	r->duration_ms = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
		sqlite3_column_int64(st, 11);
	r->sip_code  = (uint16_t)sqlite3_column_int(st, 12);
	r->reason    = (char *)col_text(st, 13);
	r->encryption = (char *)col_text(st, 14);
	r->updated_at = sqlite3_column_int64(st, 15);
	r->rtcp.valid = sqlite3_column_type(st, 16) != SQLITE_NULL;
	r->rtcp.rx_lost = sqlite3_column_int(st, 16);
	r->rtcp.rx_jitter_us = (uint32_t)sqlite3_column_int64(st, 17);
	r->rtcp.tx_lost = sqlite3_column_int(st, 18);
	r->rtcp.tx_jitter_us = (uint32_t)sqlite3_column_int64(st, 19);
	r->rtcp.rtt_us = (uint32_t)sqlite3_column_int64(st, 20);
}


int cldb_list(struct cldb *db, const struct cldb_query *q,
	      cldb_row_h *h, void *arg)
{
	char sql[1024];
	sqlite3_stmt *st;
	struct cl_rec r;
	int rc, err = 0, i = 1;

	if (!db || !q || !h)
		return EINVAL;

	/* only fixed SQL fragments are joined here; values are bound */
	(void)snprintf(sql, sizeof(sql), "%s WHERE 1%s%s ORDER BY id %s%s",
		       SELECT_COLS,
		       q->missed ? " AND status = 'missed'" : "",
		       q->since_ms ? " AND started_at >= ?" : "",
		       q->ascending ? "ASC" : "DESC",
		       q->limit ? " LIMIT ?" : "");

	rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return dberr(db, rc);

	if (q->since_ms)
		(void)sqlite3_bind_int64(st, i++, q->since_ms);
	if (q->limit)
		(void)sqlite3_bind_int64(st, i++, q->limit);

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_read(st, &r);
		err = h(&r, arg);
		if (err)
			break;
	}

	if (!err && rc != SQLITE_DONE)
		err = dberr(db, rc);

	(void)sqlite3_finalize(st);

	return err;
}


int cldb_count(struct cldb *db, int64_t *n)
{
	sqlite3_stmt *st = db->st[ST_COUNT];
	int rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	(void)sqlite3_reset(st);

	return rc == SQLITE_ROW ? 0 : dberr(db, rc);
}


static int changes(struct cldb *db, int err, int *n)
{
	if (!err && n)
		*n = sqlite3_changes(db->h);

	return err;
}


int cldb_purge_all(struct cldb *db, int *n)
{
	return changes(db, run(db, db->st[ST_PURGE_ALL]), n);
}


int cldb_purge_older(struct cldb *db, int64_t before_ms, int *n)
{
	bind_i64(db->st[ST_PURGE_OLDER], 1, before_ms, false);

	return changes(db, run(db, db->st[ST_PURGE_OLDER]), n);
}


int cldb_purge_peer(struct cldb *db, const char *uri, int *n)
{
	char hashed[64];
	sqlite3_stmt *st = db->st[ST_PURGE_PEER];

	if (!uri)
		return EINVAL;

	(void)cldb_peer_store(db, CL_PEER_HASH, uri, hashed,
			      sizeof(hashed));
	bind_text(st, 1, uri);
	bind_text(st, 2, hashed);

	return changes(db, run(db, st), n);
}


/* Move everything into the main file and empty the WAL, so purged rows
 * do not linger in WAL frames (secure_delete covers the main file) */
int cldb_checkpoint(struct cldb *db)
{
	return exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
}
