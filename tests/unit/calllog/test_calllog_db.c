/**
 * @file test_calllog_db.c  calllog.db: schema, migrations, upserts,
 *                          recovery, retention, privacy, exports
 *
 * Every test runs against real SQLite files in a fresh temporary
 * directory.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "utest.h"
#include "octasip_calllog/cl_db.h"
#include "octasip_calllog/cl_export.h"
#include "octasip_calllog/cl_rec.h"

static char dir[256];
static char path[512];


static void fresh(void)
{
	char cmd[600];

	if (dir[0]) {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		(void)system(cmd);
	}
	(void)snprintf(dir, sizeof(dir), "/tmp/cl-unit-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	(void)snprintf(path, sizeof(path), "%s/calllog.db", dir);
}


/* Run SQL on the file directly; returns the first column of the first
 * row as an integer (or -1) */
static long long q_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open(path, &h) != SQLITE_OK)
		return -2;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);

	return v;
}


static char qbuf[2048];

static const char *q_text(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	strcpy(qbuf, "(none)");
	if (sqlite3_open(path, &h) != SQLITE_OK)
		return qbuf;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *s = (const char *)
				sqlite3_column_text(st, 0);
			(void)snprintf(qbuf, sizeof(qbuf), "%s",
				       s ? s : "(null)");
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);

	return qbuf;
}


static void sql_exec(const char *sql)
{
	sqlite3 *h;

	if (sqlite3_open(path, &h) != SQLITE_OK)
		abort();
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "sql: %s\n", sqlite3_errmsg(h));
		abort();
	}
	sqlite3_close(h);
}


static void rec_init(struct cl_rec *r, bool out, const char *peer)
{
	memset(r, 0, sizeof(*r));
	cl_rec_new_key(r);
	r->outgoing = out;
	r->status = CL_ST_IN_PROGRESS;
	r->started_at = cl_now_ms();
	(void)cl_rec_set(&r->account, "sip:alice@example.org", 1024);
	(void)cl_rec_set(&r->peer_uri, peer, 1024);
	(void)cl_rec_set(&r->peer_name, "Bob", 1024);
}


static struct cldb *open_db(int flags)
{
	struct cldb *db = NULL;
	char aside[600];
	int err;

	err = cldb_open(&db, path, flags | CLDB_CREATE, aside,
			sizeof(aside));
	UT_EQ_INT(err, 0);
	if (err)
		fprintf(stderr, "open: %s\n", aside);

	return db;
}


static void test_create_private_wal(void)
{
	struct cldb *db;
	struct cl_rec r;
	struct stat st;
	char wal[600];
	int v = -1;

	fresh();
	db = open_db(0);
	rec_init(&r, true, "sip:bob@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);

	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	(void)snprintf(wal, sizeof(wal), "%s-wal", path);
	UT_EQ_INT(stat(wal, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	UT_EQ_INT(cldb_user_version(db, &v), 0);
	UT_EQ_INT(v, CLDB_SCHEMA);
	UT_EQ_STR(q_text("PRAGMA journal_mode"), "wal");
	cldb_close(db);
	cl_rec_reset(&r);

	/* a file with a wider mode is narrowed at open */
	UT_EQ_INT(chmod(path, 0644), 0);
	db = open_db(0);
	UT_EQ_INT(stat(path, &st), 0);
	UT_EQ_INT(st.st_mode & 0777, 0600);
	cldb_close(db);
}


static void test_upsert_one_row(void)
{
	struct cldb *db;
	struct cl_rec r;

	fresh();
	db = open_db(0);
	rec_init(&r, true, "sip:bob@example.org");

	/* first event: no Call-ID yet */
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE call_id IS NULL"),
		  1);

	/* the Call-ID becomes known, the call is answered, then ends */
	(void)cl_rec_set(&r.call_id, "abc@host", 256);
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	r.answered_at = r.started_at + 1000;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);   /* repeated */
	r.ended_at = r.answered_at + 5000;
	r.status = CL_ST_ANSWERED;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);

	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	UT_EQ_STR(q_text("SELECT call_id FROM calls"), "abc@host");
	UT_EQ_STR(q_text("SELECT status FROM calls"), "answered");
	UT_EQ_INT(q_int("SELECT duration_ms FROM calls"), 5000);
	UT_EQ_STR(q_text("SELECT direction FROM calls"), "outgoing");

	/* an in-progress row has no duration; unanswered has 0 */
	cl_rec_reset(&r);
	rec_init(&r, false, "sip:carol@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT duration_ms IS NULL FROM calls WHERE"
			" peer_uri = 'sip:carol@example.org'"), 1);
	r.ended_at = r.started_at + 3000;
	r.status = CL_ST_MISSED;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT duration_ms FROM calls WHERE"
			" peer_uri = 'sip:carol@example.org'"), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 2);

	cldb_close(db);
	cl_rec_reset(&r);
}


static void test_blocked_sticky(void)
{
	struct cldb *db;
	struct cl_rec r, b;

	fresh();
	db = open_db(0);
	rec_init(&r, false, "sip:spam@example.org");
	(void)cl_rec_set(&r.call_id, "cid-1", 256);
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);

	/* the policy reports the call blocked by its Call-ID */
	rec_init(&b, false, "sip:spam@example.org");
	b.status = CL_ST_BLOCKED;
	(void)cl_rec_set(&b.call_id, "cid-1", 256);
	(void)cl_rec_set(&b.reason, "spam-list", 256);
	UT_EQ_INT(cldb_block(db, &b, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	UT_EQ_STR(q_text("SELECT status FROM calls"), "blocked");
	UT_EQ_STR(q_text("SELECT reason FROM calls"), "spam-list");

	/* a later event for the same call does not unblock it */
	r.status = CL_ST_MISSED;
	r.ended_at = cl_now_ms();
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_STR(q_text("SELECT status FROM calls"), "blocked");

	/* no call with that Call-ID: a new blocked row */
	cl_rec_reset(&b);
	rec_init(&b, true, "sip:premium@example.org");
	b.status = CL_ST_BLOCKED;
	b.ended_at = b.started_at;
	(void)cl_rec_set(&b.call_id, "never-seen", 256);
	(void)cl_rec_set(&b.reason, "premium", 256);
	UT_EQ_INT(cldb_block(db, &b, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'blocked'"), 2);

	cldb_close(db);
	cl_rec_reset(&r);
	cl_rec_reset(&b);
}


static void test_interrupted(void)
{
	struct cldb *db;
	struct cl_rec r;
	int n = -1;

	fresh();
	db = open_db(0);
	rec_init(&r, true, "sip:bob@example.org");
	r.started_at = 1000000;
	r.answered_at = 1002000;
	r.updated_at = 1012000;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	cl_rec_reset(&r);
	rec_init(&r, false, "sip:carol@example.org");
	r.status = CL_ST_ANSWERED;
	r.answered_at = r.started_at;
	r.ended_at = r.started_at + 10;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);

	UT_EQ_INT(cldb_interrupt(db, &n), 0);
	UT_EQ_INT(n, 1);
	UT_EQ_STR(q_text("SELECT status FROM calls WHERE id = 1"),
		  "interrupted");
	/* ended at the last time the call was known to run */
	UT_EQ_INT(q_int("SELECT ended_at FROM calls WHERE id = 1"), 1012000);
	UT_EQ_INT(q_int("SELECT duration_ms FROM calls WHERE id = 1"),
		  10000);
	UT_EQ_STR(q_text("SELECT status FROM calls WHERE id = 2"),
		  "answered");

	cldb_close(db);
	cl_rec_reset(&r);
}


static const char v1_sql[] =
	"CREATE TABLE calls (id INTEGER PRIMARY KEY, call_id TEXT,"
	" account TEXT NOT NULL, direction TEXT NOT NULL,"
	" status TEXT NOT NULL, peer_uri TEXT, peer_name TEXT,"
	" started_at INTEGER NOT NULL, answered_at INTEGER,"
	" ended_at INTEGER, duration_ms INTEGER, sip_code INTEGER,"
	" reason TEXT, encryption TEXT);"
	"INSERT INTO calls (call_id, account, direction, status, peer_uri,"
	" started_at, ended_at, duration_ms) VALUES ('old-1',"
	" 'sip:a@x', 'incoming', 'missed', 'sip:b@y', 5, 6, 0);"
	"PRAGMA user_version = 1;";


static void test_migrations(void)
{
	struct cldb *db;
	struct cl_rec r;
	int v;

	/* from 0: an empty file */
	fresh();
	sql_exec("PRAGMA user_version = 0");
	db = open_db(0);
	UT_CHECK(db != NULL);
	UT_EQ_INT(cldb_user_version(db, &v), 0);
	UT_EQ_INT(v, CLDB_SCHEMA);
	cldb_close(db);

	/* from 1: the rows are kept and the new columns work */
	fresh();
	sql_exec(v1_sql);
	db = open_db(0);
	UT_CHECK(db != NULL);
	UT_EQ_INT(q_int("PRAGMA user_version"), CLDB_SCHEMA);
	UT_EQ_STR(q_text("SELECT call_id FROM calls WHERE id = 1"), "old-1");
	UT_EQ_STR(q_text("SELECT status FROM calls WHERE id = 1"), "missed");
	rec_init(&r, true, "sip:new@example.org");
	r.rtcp.valid = true;
	r.rtcp.rx_lost = 3;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT rtcp_rx_lost FROM calls WHERE id = 2"), 3);
	UT_EQ_INT(q_int("SELECT count(*) FROM meta"), 1);
	cldb_close(db);
	cl_rec_reset(&r);

	/* a newer schema is refused and left untouched */
	fresh();
	sql_exec(v1_sql);
	sql_exec("PRAGMA user_version = 99");
	db = NULL;
	UT_EQ_INT(cldb_open(&db, path, CLDB_CREATE | CLDB_RECOVER, NULL, 0),
		  EPROTO);
	UT_CHECK(db == NULL);
	UT_EQ_INT(q_int("PRAGMA user_version"), 99);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
}


static int count_aside(char *name, size_t sz)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (dp && (de = readdir(dp))) {
		if (strstr(de->d_name, "calllog.db.corrupt-") &&
		    !strstr(de->d_name, "-wal") &&
		    !strstr(de->d_name, "-shm")) {
			(void)snprintf(name, sz, "%s/%s", dir, de->d_name);
			++n;
		}
	}
	if (dp)
		closedir(dp);

	return n;
}


static void test_corrupt_moved_aside(void)
{
	static const char junk[] = "this is not a database\n";
	struct cldb *db = NULL;
	char aside[600], found[600], buf[64];
	struct cl_rec r;
	FILE *f;
	size_t n;

	fresh();
	f = fopen(path, "w");
	fputs(junk, f);
	fclose(f);

	/* without RECOVER: a clear error, the file untouched */
	UT_EQ_INT(cldb_open(&db, path, CLDB_CREATE, aside, sizeof(aside)),
		  EBADMSG);
	UT_EQ_INT(count_aside(found, sizeof(found)), 0);

	UT_EQ_INT(cldb_open(&db, path, CLDB_CREATE | CLDB_RECOVER |
			    CLDB_CHECK, aside, sizeof(aside)), 0);
	UT_EQ_INT(count_aside(found, sizeof(found)), 1);
	UT_EQ_STR(aside, found);

	/* the old file is kept byte for byte */
	f = fopen(found, "r");
	n = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	UT_EQ_INT(n, strlen(junk));
	UT_CHECK(!memcmp(buf, junk, strlen(junk)));

	/* and the new database works */
	rec_init(&r, true, "sip:bob@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 1);
	cldb_close(db);
	cl_rec_reset(&r);
}


static void test_truncated_detected(void)
{
	struct cldb *db;
	struct cl_rec r;
	char aside[600], found[600];
	int i;

	fresh();
	db = open_db(0);
	for (i = 0; i < 500; ++i) {
		rec_init(&r, true, "sip:bob@example.org");
		(void)cl_rec_set(&r.reason, "padding padding padding "
				 "padding padding padding", 256);
		UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
		cl_rec_reset(&r);
	}
	UT_EQ_INT(cldb_checkpoint(db), 0);
	cldb_close(db);

	/* cut the file in the middle of its pages */
	UT_EQ_INT(truncate(path, 3 * 4096 + 100), 0);

	db = NULL;
	UT_EQ_INT(cldb_open(&db, path, CLDB_CREATE | CLDB_RECOVER |
			    CLDB_CHECK, aside, sizeof(aside)), 0);
	UT_EQ_INT(count_aside(found, sizeof(found)), 1);
	UT_CHECK(db != NULL);
	cldb_close(db);
}


static void test_retention(void)
{
	struct cldb *db;
	struct cl_rec r;
	int64_t now = cl_now_ms();
	int i, n = -1;

	fresh();
	db = open_db(0);

	/* 5 old finished calls, 1 old call still running, 20 recent */
	for (i = 0; i < 26; ++i) {
		rec_init(&r, true, "sip:bob@example.org");
		r.started_at = i < 6 ? now - 400LL * 86400000 :
			now - (26 - i) * 1000;
		if (i != 5) {
			r.status = CL_ST_ANSWERED;
			r.ended_at = r.started_at + 1;
		}
		UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
		cl_rec_reset(&r);
	}

	UT_EQ_INT(cldb_retention(db, now, 365, 0, &n), 0);
	UT_EQ_INT(n, 5);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 21);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'in_progress'"), 1);

	/* by count: keep the newest 10 (and the running call) */
	UT_EQ_INT(cldb_retention(db, now, 0, 10, &n), 0);
	UT_EQ_INT(n, 10);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 11);
	UT_EQ_INT(q_int("SELECT min(id) FROM calls WHERE status <>"
			" 'in_progress'"), 17);

	/* 0 means keep */
	UT_EQ_INT(cldb_retention(db, now, 0, 0, &n), 0);
	UT_EQ_INT(n, 0);
	cldb_close(db);
}


/*
 * P-RET-3: 20,000 refused calls (a flood) after the user's history, with
 * max_rows 10000: the pruning keeps every answered, missed and outgoing
 * row and only the newest 1000 refused ones.  (Before, the newest 10000
 * rows of any status were kept: the flood pushed the history out.)
 */
static void test_retention_flood(void)
{
	static const char *const hist[] = {
		CL_ST_ANSWERED, CL_ST_MISSED, CL_ST_ANSWERED, CL_ST_REJECTED,
	};
	struct cldb *db;
	struct cl_rec r;
	int i, n = -1;

	fresh();
	db = open_db(0);

	UT_EQ_INT(cldb_begin(db), 0);
	for (i = 0; i < 40; ++i) {
		rec_init(&r, i % 3 == 0, "sip:friend@example.org");
		r.status = hist[i % 4];
		r.ended_at = r.started_at + 1;
		UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
		cl_rec_reset(&r);
	}
	for (i = 0; i < 20000; ++i) {
		char peer[64];

		(void)snprintf(peer, sizeof(peer), "sip:flood%d@10.0.0.9", i);
		rec_init(&r, false, peer);
		r.status = CL_ST_BLOCKED;
		r.ended_at = r.started_at;
		UT_EQ_INT(cldb_block(db, &r, CL_PEER_FULL), 0);
		cl_rec_reset(&r);
	}
	UT_EQ_INT(cldb_commit(db), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 20040);

	UT_EQ_INT(cldb_retention(db, cl_now_ms(), 0, 10000, &n), 0);
	UT_EQ_INT(n, 19000);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE peer_uri ="
			" 'sip:friend@example.org'"), 40);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'blocked'"), 1000);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE peer_uri ="
			" 'sip:flood19000@10.0.0.9'"), 1);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE peer_uri ="
			" 'sip:flood18999@10.0.0.9'"), 0);

	/* the history itself is still capped at max_rows */
	UT_EQ_INT(cldb_retention(db, cl_now_ms(), 0, 30, &n), 0);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status <>"
			" 'blocked'"), 30);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE status ="
			" 'blocked'"), 3);
	cldb_close(db);
}


static int file_contains(const char *p, const char *needle)
{
	FILE *f = fopen(p, "rb");
	static char buf[1 << 20];
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);

	return memmem(buf, n, needle, strlen(needle)) != NULL;
}


static void test_peer_hash_and_none(void)
{
	struct cldb *db;
	struct cl_rec r;
	char h1[64], h2[64], h3[64], wal[600];
	int n = -1;

	fresh();
	db = open_db(0);

	UT_EQ_INT(cldb_peer_store(db, CL_PEER_HASH,
				  "sip:Bob@Example.org;transport=tcp", h1,
				  sizeof(h1)), 0);
	UT_EQ_INT(cldb_peer_store(db, CL_PEER_HASH, "<sip:Bob@example.org>",
				  h2, sizeof(h2)), 0);
	UT_EQ_INT(cldb_peer_store(db, CL_PEER_HASH, "sip:carol@example.org",
				  h3, sizeof(h3)), 0);
	UT_EQ_STR(h1, h2);
	UT_CHECK(strcmp(h1, h3) != 0);
	UT_EQ_INT(strlen(h1), 34);
	UT_CHECK(!strncmp(h1, "h:", 2));

	rec_init(&r, false, "sip:Bob@example.org");
	(void)cl_rec_set(&r.peer_name, "Bob Secretname", 1024);
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_HASH), 0);
	cl_rec_reset(&r);
	rec_init(&r, false, "sip:Bob@example.org;transport=udp");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_HASH), 0);
	cl_rec_reset(&r);
	UT_EQ_INT(q_int("SELECT count(DISTINCT peer_uri) FROM calls"), 1);
	UT_EQ_STR(q_text("SELECT peer_uri FROM calls"), h1);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE peer_name IS NOT"
			" NULL"), 0);

	rec_init(&r, false, "sip:dave@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_NONE), 0);
	cl_rec_reset(&r);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls WHERE peer_uri IS"
			" NULL AND peer_name IS NULL"), 1);

	/* the hash key is the database's: same on reopen */
	cldb_close(db);
	db = open_db(0);
	UT_EQ_INT(cldb_peer_store(db, CL_PEER_HASH, "sip:Bob@example.org",
				  h2, sizeof(h2)), 0);
	UT_EQ_STR(h1, h2);

	/* purge --peer finds hashed rows too */
	UT_EQ_INT(cldb_purge_peer(db, "sip:Bob@example.org", &n), 0);
	UT_EQ_INT(n, 2);
	UT_EQ_INT(cldb_checkpoint(db), 0);
	cldb_close(db);

	/* no trace of who it was in the files */
	(void)snprintf(wal, sizeof(wal), "%s-wal", path);
	UT_CHECK(!file_contains(path, "Bob"));
	UT_CHECK(!file_contains(wal, "Bob"));
	UT_CHECK(!file_contains(path, "dave"));
}


static void test_purge(void)
{
	struct cldb *db;
	struct cl_rec r;
	int n = -1;

	fresh();
	db = open_db(0);
	rec_init(&r, true, "sip:unique-secret-peer@example.org");
	r.started_at = cl_now_ms() - 10LL * 86400000;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	cl_rec_reset(&r);
	rec_init(&r, true, "sip:bob@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	cl_rec_reset(&r);

	UT_EQ_INT(cldb_purge_older(db, cl_now_ms() - 5LL * 86400000, &n), 0);
	UT_EQ_INT(n, 1);
	UT_EQ_INT(cldb_checkpoint(db), 0);
	/* secure_delete: the purged row's bytes are gone from the file */
	UT_CHECK(!file_contains(path, "unique-secret-peer"));
	UT_EQ_INT(cldb_purge_all(db, &n), 0);
	UT_EQ_INT(n, 1);
	UT_EQ_INT(q_int("SELECT count(*) FROM calls"), 0);
	cldb_close(db);
}


static int collect(const struct cl_rec *r, void *arg)
{
	int64_t *ids = arg;

	ids[++ids[0]] = r->id;

	return 0;
}


static void test_list_queries(void)
{
	struct cldb *db;
	struct cl_rec r;
	struct cldb_query q;
	int64_t ids[40];
	int i;

	fresh();
	db = open_db(0);
	for (i = 0; i < 30; ++i) {
		rec_init(&r, false, "sip:bob@example.org");
		r.started_at = 1000000 + i;
		r.status = i % 3 ? CL_ST_ANSWERED : CL_ST_MISSED;
		r.ended_at = r.started_at + 1;
		UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
		cl_rec_reset(&r);
	}

	memset(&q, 0, sizeof(q));
	q.limit = 5;
	ids[0] = 0;
	UT_EQ_INT(cldb_list(db, &q, collect, ids), 0);
	UT_EQ_INT(ids[0], 5);
	UT_EQ_INT(ids[1], 30);
	UT_EQ_INT(ids[5], 26);

	q.missed = true;
	q.limit = 0;
	ids[0] = 0;
	UT_EQ_INT(cldb_list(db, &q, collect, ids), 0);
	UT_EQ_INT(ids[0], 10);
	UT_EQ_INT(ids[1], 28);

	memset(&q, 0, sizeof(q));
	q.since_ms = 1000020;
	q.ascending = true;
	ids[0] = 0;
	UT_EQ_INT(cldb_list(db, &q, collect, ids), 0);
	UT_EQ_INT(ids[0], 10);
	UT_EQ_INT(ids[1], 21);
	cldb_close(db);
}


/*
 * CLDB_READONLY (a read-only profile): reads the file as it is on disk
 * without creating -wal or -shm, from a directory whose name needs URI
 * escaping; writes fail; a WAL not yet checkpointed is not seen.
 */
static void test_readonly(void)
{
	struct cldb *db, *ro;
	struct cl_rec r;
	struct cldb_query q;
	struct stat st;
	char odd[300], wal[700], shm[700];
	int64_t ids[8];

	fresh();
	(void)snprintf(odd, sizeof(odd), "%s/a?b#c%%d", dir);
	UT_EQ_INT(mkdir(odd, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/calllog.db", odd);
	db = open_db(0);
	rec_init(&r, false, "sip:bob@example.org");
	r.status = CL_ST_ANSWERED;
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	cl_rec_reset(&r);
	cldb_close(db);             /* checkpointed: -wal and -shm go */

	(void)snprintf(wal, sizeof(wal), "%s-wal", path);
	(void)snprintf(shm, sizeof(shm), "%s-shm", path);
	UT_EQ_INT(cldb_open(&ro, path, CLDB_READONLY, NULL, 0), 0);
	memset(&q, 0, sizeof(q));
	ids[0] = 0;
	UT_EQ_INT(cldb_list(ro, &q, collect, ids), 0);
	UT_EQ_INT(ids[0], 1);
	rec_init(&r, false, "sip:carol@example.org");
	UT_CHECK(cldb_put(ro, &r, CL_PEER_FULL) != 0);
	cl_rec_reset(&r);
	UT_CHECK(stat(wal, &st) != 0 && stat(shm, &st) != 0);
	cldb_close(ro);

	/* a second row left in the -wal by a live writer: not seen */
	db = open_db(0);
	rec_init(&r, false, "sip:dave@example.org");
	UT_EQ_INT(cldb_put(db, &r, CL_PEER_FULL), 0);
	cl_rec_reset(&r);
	UT_EQ_INT(cldb_open(&ro, path, CLDB_READONLY, NULL, 0), 0);
	ids[0] = 0;
	UT_EQ_INT(cldb_list(ro, &q, collect, ids), 0);
	UT_EQ_INT(ids[0], 1);
	cldb_close(ro);
	cldb_close(db);

	/* an older schema is not migrated: one clear error */
	sql_exec("PRAGMA user_version = 1");
	UT_EQ_INT(cldb_open(&ro, path, CLDB_READONLY, NULL, 0), EPROTO);
}


static char *out_of(void (*fn)(FILE *, const char *), const char *s)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	memset(buf, 0, sizeof(buf));
	fn(f, s);
	fclose(f);

	return buf;
}


static void test_csv_json_cells(void)
{
	/* formula injection neutralised, RFC 4180 quoting */
	UT_EQ_STR(out_of(cl_csv_cell, "=HYPERLINK(\"x\")"),
		  "\"'=HYPERLINK(\"\"x\"\")\"");
	UT_EQ_STR(out_of(cl_csv_cell, "+1"), "'+1");
	UT_EQ_STR(out_of(cl_csv_cell, "-2+3"), "'-2+3");
	UT_EQ_STR(out_of(cl_csv_cell, "@SUM(A1)"), "'@SUM(A1)");
	UT_EQ_STR(out_of(cl_csv_cell, "a,b"), "\"a,b\"");
	UT_EQ_STR(out_of(cl_csv_cell, "line\r\nnext"), "\"line\r\nnext\"");
	UT_EQ_STR(out_of(cl_csv_cell, "plain"), "plain");

	/* JSON: escapes, valid UTF-8 kept, invalid bytes replaced */
	UT_EQ_STR(out_of(cl_json_str, "a\"b\\c\n\x01"),
		  "\"a\\\"b\\\\c\\n\\u0001\"");
	UT_EQ_STR(out_of(cl_json_str, "M\xc3\xbcller \xe2\x82\xac"),
		  "\"M\xc3\xbcller \xe2\x82\xac\"");
	UT_EQ_STR(out_of(cl_json_str, "x\xff\xc0\xafy\xed\xa0\x80"),
		  "\"x\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}


int main(void)
{
	UT_RUN(test_create_private_wal);
	UT_RUN(test_upsert_one_row);
	UT_RUN(test_blocked_sticky);
	UT_RUN(test_interrupted);
	UT_RUN(test_migrations);
	UT_RUN(test_corrupt_moved_aside);
	UT_RUN(test_truncated_detected);
	UT_RUN(test_retention);
	UT_RUN(test_retention_flood);
	UT_RUN(test_peer_hash_and_none);
	UT_RUN(test_purge);
	UT_RUN(test_list_queries);
	UT_RUN(test_readonly);
	UT_RUN(test_csv_json_cells);

	fresh();
	rmdir(dir);

	return ut_done();
}
