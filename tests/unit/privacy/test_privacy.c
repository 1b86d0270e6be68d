/**
 * @file test_privacy.c  Unit tests: shredding, SQLite scrubbing, the
 *                       export document (the JSON writer: test_jsonw.c)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>
#include "../utest.h"
#include "privacy/export.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "octasip_credstore/keysrc.h"
#include "privacy/shred.h"
#include "octasip_credstore/vault.h"

static char tmpdir[256];


static void write_file(const char *name, const void *p, size_t n)
{
	char path[512];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, n) != (ssize_t)n)
		abort();
	(void)close(fd);
}


static char *read_path(const char *path, size_t *lenp)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *s;

	if (fio_read_all(path, &buf, &len, 1 << 26))
		return NULL;
	s = realloc(buf, len + 1);
	if (!s) {
		free(buf);
		return NULL;
	}
	s[len] = '\0';
	if (lenp)
		*lenp = len;

	return s;
}


/*
 * Is the export document JSON?  libre decodes it and OctaSIP's writer
 * writes it anew: both are compact, so the bytes must be the same.
 */
static bool doc_ok(const char *doc)
{
	char *again = NULL;
	size_t len = strlen(doc), alen = 0;
	struct jsonw w;
	bool same;
	FILE *f;

	while (len && doc[len - 1] == '\n')
		--len;
	f = open_memstream(&again, &alen);
	if (!f)
		return false;
	jsonw_init(&w, f);
	same = jsonw_decoded(&w, doc, len, 64) == 0;
	(void)fclose(f);
	same = same && alen == len && !memcmp(again, doc, len);
	free(again);

	return same;
}


static bool mem_has(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}


static void test_shred_file(void)
{
	char path[512], lnk[512], *s;
	const char secret[] = "SHRED-CANARY-0123456789";
	size_t len = 0;
	int k;

	(void)snprintf(path, sizeof(path), "%s/victim", tmpdir);
	(void)snprintf(lnk, sizeof(lnk), "%s/victim-link", tmpdir);
	{
		/* 70 000 bytes: more than one overwrite chunk */
		char *big = malloc(70000);
		for (k = 0; k < 70000; ++k)
			big[k] = secret[k % (sizeof(secret) - 1)];
		write_file("victim", big, 70000);
		free(big);
	}
	UT_EQ_INT(link(path, lnk), 0);

	UT_EQ_INT(shred_file(path), 0);
	UT_CHECK(!fio_exists(path));

	/* the same inode, read through the other name: no trace left */
	s = read_path(lnk, &len);
	UT_CHECK(s != NULL);
	UT_EQ_INT(len, 70000);
	UT_CHECK(s && !mem_has(s, len, "SHRED-CANARY"));
	free(s);
	(void)unlink(lnk);

	UT_EQ_INT(shred_file(path), ENOENT);
}


/* A symlink is removed, its target never touched */
static void test_shred_symlink(void)
{
	char target[512], sl[512], *s;

	write_file("target", "keep me", 7);
	(void)snprintf(target, sizeof(target), "%s/target", tmpdir);
	(void)snprintf(sl, sizeof(sl), "%s/vault.sl", tmpdir);
	UT_EQ_INT(symlink(target, sl), 0);

	UT_EQ_INT(shred_file(sl), 0);
	s = read_path(target, NULL);
	UT_EQ_STR(s, "keep me");
	free(s);
	UT_CHECK(access(sl, F_OK) != 0);
	(void)unlink(target);
}


static void test_shred_dir(void)
{
	static const char *const pre[] = {"vault", "calllog.db"};
	char sub[512], msg[256], p[600];
	unsigned n = 0;

	(void)snprintf(sub, sizeof(sub), "%s/sd", tmpdir);
	UT_EQ_INT(mkdir(sub, 0700), 0);
	(void)snprintf(p, sizeof(p), "%s/sd/vault.bak", tmpdir);
	UT_EQ_INT(fio_write_atomic(p, "x", 1, 0600), 0);
	(void)snprintf(p, sizeof(p), "%s/sd/calllog.db-wal", tmpdir);
	UT_EQ_INT(fio_write_atomic(p, "y", 1, 0600), 0);
	(void)snprintf(p, sizeof(p), "%s/sd/config", tmpdir);
	UT_EQ_INT(fio_write_atomic(p, "z", 1, 0600), 0);

	UT_EQ_INT(shred_dir(sub, pre, 2, &n, msg, sizeof(msg)), 0);
	UT_EQ_INT(n, 2);
	UT_CHECK(fio_exists(p));            /* config is not matched */
	UT_EQ_INT(shred_dir(sub, NULL, 0, &n, msg, sizeof(msg)), 0);
	UT_EQ_INT(n, 1);
	UT_CHECK(!fio_exists(p));
	(void)rmdir(sub);

	/* a missing directory is nothing to do */
	UT_EQ_INT(shred_dir(sub, NULL, 0, &n, msg, sizeof(msg)), 0);
}


static void make_calllog(const char *path, int rows, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int i;

	UT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	(void)sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
			   "PRAGMA user_version = 2;"
			   "CREATE TABLE calls (id INTEGER PRIMARY KEY,"
			   " call_id TEXT, account TEXT NOT NULL,"
			   " direction TEXT NOT NULL, status TEXT NOT NULL,"
			   " peer_uri TEXT, peer_name TEXT, started_at"
			   " INTEGER NOT NULL, duration_ms INTEGER,"
			   " extra BLOB, score REAL);"
			   "CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB);"
			   "INSERT INTO meta VALUES ('hash_key',"
			   " x'00112233');",
			   NULL, NULL, NULL);
	UT_EQ_INT(sqlite3_prepare_v2(db, "INSERT INTO calls (call_id,"
				     " account, direction, status, peer_uri,"
				     " peer_name, started_at, duration_ms,"
				     " extra, score) VALUES (?1, 'sip:me@h',"
				     " 'incoming', 'answered',"
				     " 'sip:CANARYPEER@h', ?2, 1700000000000,"
				     " 1234, x'00ff', 0.5)", -1, &st, NULL),
		  SQLITE_OK);
	(void)sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < rows; ++i) {
		char cid[32];

		(void)snprintf(cid, sizeof(cid), "cid-%d", i);
		(void)sqlite3_bind_text(st, 1, cid, -1, SQLITE_TRANSIENT);
		(void)sqlite3_bind_blob(st, 2, name, (int)strlen(name),
					SQLITE_STATIC);
		/* stored as TEXT with the bytes as given */
		(void)sqlite3_bind_text(st, 2, name, (int)strlen(name),
					SQLITE_STATIC);
		(void)sqlite3_step(st);
		(void)sqlite3_reset(st);
	}
	(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	(void)sqlite3_finalize(st);
	(void)sqlite3_close(db);
}


static void test_shred_sqlite(void)
{
	char path[512], msg[256], *s;
	size_t len = 0;
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)snprintf(path, sizeof(path), "%s/calllog.db", tmpdir);
	make_calllog(path, 500, "CANARYNAME");

	s = read_path(path, &len);
	UT_CHECK(s && mem_has(s, len, "CANARYPEER"));
	free(s);

	UT_EQ_INT(shred_sqlite(path, msg, sizeof(msg)), 0);

	/* no trace in the database file, the WAL is empty */
	s = read_path(path, &len);
	UT_CHECK(s && !mem_has(s, len, "CANARYPEER"));
	UT_CHECK(s && !mem_has(s, len, "CANARYNAME"));
	free(s);
	s = read_path(path, &len);
	free(s);
	{
		char wal[600];
		struct stat stt;

		(void)snprintf(wal, sizeof(wal), "%s-wal", path);
		UT_CHECK(stat(wal, &stt) != 0 || stt.st_size == 0);
	}

	/* still a working, empty database with its schema and version */
	UT_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	UT_EQ_INT(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM"
				     " calls) + (SELECT count(*) FROM meta),"
				     " (SELECT user_version FROM"
				     " pragma_user_version)", -1, &st, NULL),
		  SQLITE_OK);
	UT_EQ_INT(sqlite3_step(st), SQLITE_ROW);
	UT_EQ_INT(sqlite3_column_int(st, 0), 0);
	UT_EQ_INT(sqlite3_column_int(st, 1), 2);
	(void)sqlite3_finalize(st);
	(void)sqlite3_close(db);
	(void)unlink(path);
	{
		char p2[600];
		(void)snprintf(p2, sizeof(p2), "%s-wal", path);
		(void)unlink(p2);
		(void)snprintf(p2, sizeof(p2), "%s-shm", path);
		(void)unlink(p2);
	}

	/* not a database: a clear error, the file left for shred_file */
	write_file("calllog.db", "this is not sqlite, just text........"
		   "........................................................"
		   "........................................................",
		   150);
	UT_EQ_INT(shred_sqlite(path, msg, sizeof(msg)), EBADMSG);
	UT_CHECK(msg[0] != '\0');
	UT_CHECK(fio_exists(path));
	(void)unlink(path);

	UT_EQ_INT(shred_sqlite(path, msg, sizeof(msg)), ENOENT);
}


static int make_vault(void)
{
	struct keysrc_opt o;
	struct vault_hdr hdr;
	struct vault *v = NULL;
	uint8_t *key = sodium_malloc(VAULT_KEY_LEN);
	char msg[512], vpath[512];
	int err;

	memset(&o, 0, sizeof(o));
	o.profile = tmpdir;
	o.pass_fd = -1;
	(void)snprintf(vpath, sizeof(vpath), "%s/vault", tmpdir);

	err = keysrc_new(KEYSRC_KEYFILE, &o, &hdr, key, msg, sizeof(msg));
	if (!err)
		err = keysrc_commit(KEYSRC_KEYFILE, &o, msg, sizeof(msg));
	if (!err)
		err = vault_alloc(&v, &hdr, key);
	if (!err)
		err = vault_put(v, "sip:alice@example.com", "al-user",
				"realm.example", "VAULT-SECRET-CANARY");
	if (!err)
		err = vault_save(v, vpath, false, msg, sizeof(msg));
	vault_free(v);
	sodium_free(key);

	return err;
}


static const char accounts_text[] =
	"# comment with <sip:ignored@x>\n"
	"<sip:alice@example.com>;regint=0\n"
	"<sip:carol@example.com>;auth_user=carol;auth_pass=PLAIN-PW-CANARY"
	";regint=0\n"
	"<sip:broken@example.com;auth_pass=BROKEN-PW-CANARY\n";

static const char audit_text[] =
	"1700000000\t2023-11-14T22:13:20Z\tcontacts\tset-allow\tby cli\n"
	"17000000\ttorn line\n"
	"1700000100\t2023-11-14T22:15:00Z\tmicrophone\tuse\tcall\n";


static char *run_export(struct export_result *r, int *errp)
{
	struct keysrc_opt ko;
	struct export_opt o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&ko, 0, sizeof(ko));
	ko.profile = tmpdir;
	ko.pass_fd = -1;
	memset(&o, 0, sizeof(o));
	o.profile = tmpdir;
	o.ko = &ko;
	o.now = 1700000000;

	f = open_memstream(&buf, &len);
	*errp = export_write(f, &o, r);
	(void)fclose(f);

	return buf;
}


static void test_export(void)
{
	char path[512], crash[512], *doc;
	struct export_result r;
	int err;

	UT_EQ_INT(make_vault(), 0);
	write_file("accounts", accounts_text, sizeof(accounts_text) - 1);
	write_file("contacts", "# c\n\"Bob \xff\" <sip:bob@x>\n", 24);
	write_file("permissions", "microphone deny\ncontacts allow\n", 31);
	write_file("permissions.audit", audit_text, sizeof(audit_text) - 1);
	(void)snprintf(path, sizeof(path), "%s/calllog.db", tmpdir);
	make_calllog(path, 3, "Eve \"<script>\xfe");
	(void)snprintf(crash, sizeof(crash), "%s/crash", tmpdir);
	UT_EQ_INT(mkdir(crash, 0700), 0);
	write_file("crash/consent", "given 1 1700000000\n", 19);
	write_file("crash/stats.json", "{\"crashes\":1}", 13);
	write_file("crash/0123456789abcdef0123456789abcdef.json",
		   "{\"signal\":\"SIGSEGV\"}", 20);
	write_file("crash/fedcba9876543210fedcba9876543210.json",
		   "{\"truncated\":", 13);
	write_file("crash/raw-1.raw", "\x01\x02", 2);
	write_file("uuid", "5f1c-uuid\n", 10);

	doc = run_export(&r, &err);
	UT_EQ_INT(err, 0);
	UT_CHECK(doc != NULL);
	if (!doc)
		return;

	UT_CHECK(doc_ok(doc));

	/* no secret from any source */
	UT_CHECK(!strstr(doc, "VAULT-SECRET-CANARY"));
	UT_CHECK(!strstr(doc, "PLAIN-PW-CANARY"));
	UT_CHECK(!strstr(doc, "BROKEN-PW-CANARY"));
	UT_CHECK(!strstr(doc, "hash_key"));

	/* the personal data is there */
	UT_CHECK(strstr(doc, "\"auth_user\":\"al-user\",\"realm\":"
			"\"realm.example\""));
	UT_CHECK(strstr(doc, "\"line\":\"<sip:carol@example.com>;regint=0\""
			",\"auth_user\":\"carol\",\"secret\":\"plaintext in"
			" accounts (not exported)\""));
	UT_CHECK(strstr(doc, "\"secret\":\"in vault\""));
	UT_CHECK(strstr(doc, "\"line_number\":4,\"error\":"));
	UT_CHECK(strstr(doc, "\"\\\"Bob \xef\xbf\xbd\\\" <sip:bob@x>\""));
	UT_CHECK(strstr(doc, "\"peer_name\":\"Eve \\\"<script>"
			"\xef\xbf\xbd\""));
	UT_CHECK(strstr(doc, "\"extra\":{\"hex\":\"00ff\"}"));
	UT_CHECK(strstr(doc, "\"schema_version\":2"));
	UT_CHECK(strstr(doc, "\"microphone\":\"deny\""));
	UT_CHECK(strstr(doc, "{\"unparsed\":\"17000000\\ttorn line\"}"));
	UT_CHECK(strstr(doc, "\"subject\":\"microphone\",\"decision\":"
			"\"use\""));
	UT_CHECK(strstr(doc, "\"consent\":{\"state\":\"given\","
			"\"policy_version\":1,\"since\":1700000000"));
	UT_CHECK(strstr(doc, "\"statistics\":{\"crashes\":1}"));
	UT_CHECK(strstr(doc, "\"report\":{\"signal\":\"SIGSEGV\"}"));
	UT_CHECK(strstr(doc, "\"error\":\"not valid JSON; the text"
			" follows\",\"text\":\"{\\\"truncated\\\":\""));
	UT_CHECK(strstr(doc, "{\"name\":\"raw-1.raw\",\"bytes\":2}"));
	UT_CHECK(strstr(doc, "\"uuid\":\"5f1c-uuid\""));

	UT_EQ_INT(r.accounts, 2);
	UT_EQ_INT(r.vault_records, 1);
	UT_EQ_INT(r.calls, 3);
	UT_EQ_INT(r.audit_lines, 3);
	UT_EQ_INT(r.crash_reports, 2);
	UT_CHECK(strstr(r.problem, "accounts") != NULL);   /* bad line */
	free(doc);
}


/* A damaged source: the section says so, everything else is there */
static void test_export_damaged(void)
{
	char path[512], *doc;
	struct export_result r;
	int err;

	write_file("accounts", "<sip:a@b>\n", 10);
	(void)snprintf(path, sizeof(path), "%s/calllog.db", tmpdir);
	(void)unlink(path);
	write_file("calllog.db", "SQLite format 3\0garbage garbage garbage",
		   40);
	write_file("vault", "OCTVAULT\x01\x04", 10);     /* truncated */

	doc = run_export(&r, &err);
	UT_EQ_INT(err, 0);
	UT_CHECK(doc && doc_ok(doc));
	UT_CHECK(doc && strstr(doc, "\"call_log\":{\"present\":true,"
				"\"error\":"));
	UT_CHECK(doc && strstr(doc, "\"vault\":{\"present\":true,"));
	UT_CHECK(doc && strstr(doc, "\"aor\":\"sip:a@b\",\"line\":"
				"\"<sip:a@b>\""));
	UT_CHECK(strstr(r.problem, "vault") != NULL);
	UT_EQ_INT(r.accounts, 1);
	free(doc);
}


static void test_export_full_disk(void)
{
	struct keysrc_opt ko;
	struct export_opt o;
	struct export_result r;
	FILE *f = fopen("/dev/full", "w");

	memset(&ko, 0, sizeof(ko));
	ko.profile = tmpdir;
	ko.pass_fd = -1;
	memset(&o, 0, sizeof(o));
	o.profile = tmpdir;
	o.ko = &ko;

	UT_CHECK(f != NULL);
	if (!f)
		return;
	UT_EQ_INT(export_write(f, &o, &r), ENOSPC);
	(void)fclose(f);
}


int main(void)
{
	char cmd[600];

	if (sodium_init() < 0)
		return 1;

	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/octasip-ut-privacy-"
		       "XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;

	UT_RUN(test_shred_file);
	UT_RUN(test_shred_symlink);
	UT_RUN(test_shred_dir);
	UT_RUN(test_shred_sqlite);
	UT_RUN(test_export);
	UT_RUN(test_export_damaged);
	UT_RUN(test_export_full_disk);

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);

	return ut_done();
}
