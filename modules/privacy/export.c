/**
 * @file export.c  "octasip data export": the sections of the document
 *
 * One function per section, in document order.  Each reads its source
 * incrementally and writes through the streaming writer (jsonw.c).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sodium.h>
#include <sqlite3.h>
#include "octasip_credstore/acctfile.h"
#include "common/dburi.h"
#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/perm.h"
#include "common/profile.h"
#include "octasip_credstore/vault.h"
#include "export.h"


enum { LINE_MAX_BYTES = 65536 };

struct ex {
	struct jsonw w;
	const struct export_opt *o;
	struct export_result *r;
	struct vault *v;
};


static void problem(struct ex *x, const char *section, const char *msg)
{
	if (!x->r->problem[0])
		(void)snprintf(x->r->problem, sizeof(x->r->problem), "%s: %s",
			       section, msg);
}


static int path_of(char *buf, size_t sz, const struct ex *x,
		   const char *name)
{
	return fio_path(buf, sz, x->o->profile, name);
}


static void iso_utc(char *buf, size_t sz, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm))
		(void)snprintf(buf, sz, "%lld", t);
}


/* Reads one line (without the newline) into *linep; -1 at the end */
static ssize_t line_read(FILE *f, char **linep, size_t *szp)
{
	ssize_t n = getline(linep, szp, f);

	if (n > 0 && (*linep)[n - 1] == '\n')
		(*linep)[--n] = '\0';
	if (n > 0 && (*linep)[n - 1] == '\r')
		(*linep)[--n] = '\0';

	return n;
}


static void line_free(char *line, size_t sz)
{
	if (line)
		sodium_memzero(line, sz);
	free(line);
}


/*
 * "vault": key source and the records' AOR, auth user and realm.  The
 * vault stays open for the accounts section (which tells where each
 * account's secret is) and is freed at the end.
 */
static void sec_vault(struct ex *x)
{
	struct jsonw *w = &x->w;
	char path[4200], msg[1024] = "";
	struct vault_hdr hdr;
	size_t i;
	int err;

	(void)jsonw_key(w, "vault");
	(void)jsonw_obj_open(w);

	if (path_of(path, sizeof(path), x, PROFILE_VAULT) ||
	    !fio_exists(path)) {
		(void)jsonw_kbool(w, "present", false);
		(void)jsonw_obj_close(w);
		return;
	}
	(void)jsonw_kbool(w, "present", true);

	if (vault_read_header(path, &hdr, msg, sizeof(msg)) == 0)
		(void)jsonw_kstr(w, "key_source", keysrc_name(hdr.keysrc));

	err = vault_open(&x->v, path, keysrc_get, x->o->ko, msg,
			 sizeof(msg));
	if (err) {
		(void)jsonw_kstr(w, "error", msg[0] ? msg : strerror(err));
		problem(x, "vault", msg[0] ? msg : strerror(err));
		(void)jsonw_obj_close(w);
		return;
	}

	(void)jsonw_key(w, "records");
	(void)jsonw_arr_open(w);
	for (i = 0; i < x->v->recc; ++i) {
		const struct vault_rec *rec = &x->v->recv[i];

		/* never rec->secret */
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "aor", rec->aor);
		(void)jsonw_kstr(w, "auth_user",
				 rec->user[0] ? rec->user : NULL);
		(void)jsonw_kstr(w, "realm",
				 rec->realm[0] ? rec->realm : NULL);
		(void)jsonw_kbool(w, "has_secret", rec->secret[0] != '\0');
		(void)jsonw_obj_close(w);
		++x->r->vault_records;
	}
	(void)jsonw_arr_close(w);
	(void)jsonw_obj_close(w);
}


/* "accounts": each accounts line without ;auth_pass= (and its user) */
static void sec_accounts(struct ex *x)
{
	struct jsonw *w = &x->w;
	char path[4200], *line = NULL, *pass, *out;
	size_t lsz = 0;
	unsigned lineno = 0;
	ssize_t n;
	FILE *f;

	(void)jsonw_key(w, "accounts");
	(void)jsonw_arr_open(w);

	if (path_of(path, sizeof(path), x, PROFILE_ACCOUNTS))
		goto close;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			problem(x, "accounts", strerror(errno));
		goto close;
	}

	/* a plaintext password may pass through: wiped memory only */
	pass = sodium_malloc(VREC_SECRET_MAX);
	out = malloc(LINE_MAX_BYTES);
	if (!pass || !out) {
		problem(x, "accounts", "out of memory");
		goto done;
	}

	while ((n = line_read(f, &line, &lsz)) >= 0) {

		struct acct_parsed ap;
		char e[256] = "";
		const struct vault_rec *rec;

		++lineno;
		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = VREC_SECRET_MAX;

		if ((size_t)n >= LINE_MAX_BYTES ||
		    acct_parse(line, (size_t)n, out, LINE_MAX_BYTES, &ap, e,
			       sizeof(e))) {
			/* the line itself may hold a secret: not exported */
			(void)jsonw_obj_open(w);
			(void)jsonw_kint(w, "line_number", lineno);
			(void)jsonw_kstr(w, "error", e[0] ? e :
					 "line too long");
			(void)jsonw_obj_close(w);
			problem(x, "accounts", "malformed line");
			continue;
		}
		if (!ap.is_account)
			continue;

		rec = x->v ? vault_find(x->v, ap.aor) : NULL;

		(void)jsonw_obj_open(w);
		(void)jsonw_kint(w, "line_number", lineno);
		(void)jsonw_kstr(w, "aor", ap.aor);
		(void)jsonw_kstr(w, "line", out);
		(void)jsonw_kstr(w, "auth_user", ap.has_user ? ap.user :
				 rec && rec->user[0] ? rec->user : NULL);
		(void)jsonw_kstr(w, "secret", rec ? "in vault" :
				 ap.has_pass ? "plaintext in accounts"
				 " (not exported)" : "none");
		(void)jsonw_obj_close(w);
		++x->r->accounts;
		sodium_memzero(pass, VREC_SECRET_MAX);
	}

 done:
	line_free(line, lsz);
	sodium_free(pass);
	free(out);
	(void)fclose(f);
 close:
	(void)jsonw_arr_close(w);
}


/* A text file's non-comment, non-blank lines as an array of strings */
static void sec_lines(struct ex *x, const char *key, const char *name)
{
	struct jsonw *w = &x->w;
	char path[4200], *line = NULL;
	size_t lsz = 0;
	ssize_t n;
	FILE *f;

	(void)jsonw_key(w, key);
	(void)jsonw_arr_open(w);

	if (!path_of(path, sizeof(path), x, name) &&
	    (f = fopen(path, "re")) != NULL) {
		while ((n = line_read(f, &line, &lsz)) >= 0) {
			size_t k = strspn(line, " \t");

			if (line[k] == '\0' || line[k] == '#')
				continue;
			(void)jsonw_strn(w, line, (size_t)n);
		}
		line_free(line, lsz);
		(void)fclose(f);
	}
	else if (errno != ENOENT) {
		problem(x, key, strerror(errno));
	}

	(void)jsonw_arr_close(w);
}


static void sql_value(struct jsonw *w, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {

	case SQLITE_INTEGER:
		(void)jsonw_int(w, sqlite3_column_int64(st, i));
		break;

	case SQLITE_FLOAT:
		(void)jsonw_double(w, sqlite3_column_double(st, i));
		break;

	case SQLITE_TEXT:
		(void)jsonw_strn(w, (const char *)sqlite3_column_text(st, i),
				 (size_t)sqlite3_column_bytes(st, i));
		break;

	case SQLITE_BLOB: {
		const uint8_t *b = sqlite3_column_blob(st, i);
		int len = sqlite3_column_bytes(st, i), k;
		char hex[3];

		/* hex, built in the writer's stream: no size limit */
		(void)jsonw_obj_open(w);
		(void)jsonw_key(w, "hex");
		(void)jsonw_raw(w, "\"", 1);
		for (k = 0; k < len && !w->err; ++k) {
			(void)snprintf(hex, sizeof(hex), "%02x", b[k]);
			w->err = fwrite(hex, 1, 2, w->f) == 2 ? 0 : EIO;
		}
		if (!w->err)
			w->err = fputc('"', w->f) == EOF ? EIO : 0;
		(void)jsonw_obj_close(w);
		break;
	}

	default:
		(void)jsonw_null(w);
		break;
	}
}


/* "call_log": every row of table calls, every column, as stored */
static void sec_calllog(struct ex *x)
{
	struct jsonw *w = &x->w;
	char path[4200], uri[8600];
	int probe = SQLITE_OK;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	const char *err = NULL;
	int rc, i, ncol;

	(void)jsonw_key(w, "call_log");
	(void)jsonw_obj_open(w);

	if (path_of(path, sizeof(path), x, PROFILE_CALLLOG) ||
	    !fio_exists(path)) {
		(void)jsonw_kbool(w, "present", false);
		(void)jsonw_obj_close(w);
		return;
	}
	(void)jsonw_kbool(w, "present", true);

	/* read only: never creates, migrates or repairs anything.  A
	 * profile that cannot be written cannot hold the -shm file a WAL
	 * database needs even to be read: the file is then read as it is
	 * on disk (immutable), and the section says so. */
	(void)snprintf(uri, sizeof(uri), "%s", path);
	rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		(void)sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK)
		probe = sqlite3_exec(db, "SELECT 1 FROM calls LIMIT 1", NULL,
				     NULL, NULL) & 0xff;
	if (rc == SQLITE_OK && probe == SQLITE_CANTOPEN &&
	    !dburi_immutable(uri, sizeof(uri), path)) {
		(void)sqlite3_close(db);
		db = NULL;
		rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY |
				     SQLITE_OPEN_URI, NULL);
		(void)jsonw_kstr(w, "read", dburi_wal_pending(path) ?
				 "as on disk (read-only profile); changes"
				 " still in calllog.db-wal are missing" :
				 "as on disk (read-only profile)");
	}
	if (rc == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		(void)jsonw_kint(w, "schema_version",
				 sqlite3_column_int64(st, 0));
	(void)sqlite3_finalize(st);
	st = NULL;

	if (rc != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT * FROM calls ORDER BY id", -1,
			       &st, NULL) != SQLITE_OK) {
		err = db ? sqlite3_errmsg(db) : "out of memory";
		goto out;
	}

	(void)jsonw_key(w, "calls");
	(void)jsonw_arr_open(w);
	ncol = sqlite3_column_count(st);
	while (!w->err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		(void)jsonw_obj_open(w);
		for (i = 0; i < ncol; ++i) {
			(void)jsonw_key(w, sqlite3_column_name(st, i));
			sql_value(w, st, i);
		}
		(void)jsonw_obj_close(w);
		++x->r->calls;
	}
	(void)jsonw_arr_close(w);
	if (!w->err && rc != SQLITE_DONE)
		err = sqlite3_errmsg(db);

 out:
	if (err) {
		(void)jsonw_kstr(w, "error", err);
		problem(x, "call_log", err);
	}
	(void)sqlite3_finalize(st);
	(void)sqlite3_close(db);
	(void)jsonw_obj_close(w);
}


/* One audit line: TIME TAB ISO TAB SUBJECT TAB DECISION TAB REASON */
static void audit_line(struct jsonw *w, char *line, size_t n)
{
	static const char *const keys[] = {"time", "utc", "subject",
					   "decision", "reason"};
	char *f[5], *p = line, *end;
	size_t k;
	long long t;

	for (k = 0; k < 5; ++k) {
		f[k] = p;
		p = k < 4 ? strchr(p, '\t') : NULL;
		if (k < 4 && !p)
			break;
		if (p)
			*p++ = '\0';
	}

	t = k == 5 ? strtoll(f[0], &end, 10) : 0;
	if (k < 5 || *f[0] == '\0' || *end) {
		/* torn or edited line: kept as it is */
		for (k = 0; k < n; ++k)
			if (line[k] == '\0')
				line[k] = '\t';
		(void)jsonw_obj_open(w);
		(void)jsonw_key(w, "unparsed");
		(void)jsonw_strn(w, line, n);
		(void)jsonw_obj_close(w);
		return;
	}

	(void)jsonw_obj_open(w);
	(void)jsonw_kint(w, keys[0], t);
	for (k = 1; k < 5; ++k)
		(void)jsonw_kstr(w, keys[k], f[k]);
	(void)jsonw_obj_close(w);
}


/* "permissions": the states in force and the whole audit log */
static void sec_permissions(struct ex *x)
{
	struct jsonw *w = &x->w;
	char path[4200], e[256] = "", *line = NULL;
	struct perm_set ps;
	size_t lsz = 0;
	ssize_t n;
	FILE *f;
	int i, err;

	(void)jsonw_key(w, "permissions");
	(void)jsonw_obj_open(w);

	if (!path_of(path, sizeof(path), x, PROFILE_PERMISSIONS)) {
		(void)jsonw_kbool(w, "file_present", fio_exists(path) != 0);
		err = perm_load(path, &ps, e, sizeof(e));
		if (err && err != ENOENT) {
			(void)jsonw_kstr(w, "error", e[0] ? e :
					 strerror(err));
			problem(x, "permissions", e[0] ? e : strerror(err));
		}
		(void)jsonw_key(w, "states");
		(void)jsonw_obj_open(w);
		for (i = 0; i < PERM_COUNT; ++i)
			(void)jsonw_kstr(w, perm_name((enum perm)i),
					 perm_state_name(ps.state[i]));
		(void)jsonw_obj_close(w);
	}

	(void)jsonw_key(w, "audit");
	(void)jsonw_arr_open(w);
	if (!path_of(path, sizeof(path), x, PROFILE_PERMISSIONS_AUDIT) &&
	    (f = fopen(path, "re")) != NULL) {
		while (!w->err && (n = line_read(f, &line, &lsz)) >= 0) {
			if (n == 0)
				continue;
			audit_line(w, line, (size_t)n);
			++x->r->audit_lines;
		}
		line_free(line, lsz);
		(void)fclose(f);
	}
	(void)jsonw_arr_close(w);
	(void)jsonw_obj_close(w);
}


/* A JSON file embedded as a value if it is valid, else as text */
static void embed_json(struct ex *x, const char *path, const char *what)
{
	struct jsonw *w = &x->w;
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = fio_read_all(path, &buf, &len, EXPORT_MAX_EMBED);
	if (err) {
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "error", strerror(err));
		(void)jsonw_obj_close(w);
		problem(x, what, strerror(err));
		return;
	}

	/* decoded by libre and written anew: the export stays valid JSON */
	if (jsonw_decoded(w, (const char *)buf, len, 64) == EBADMSG) {
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "error", "not valid JSON; the text"
				 " follows");
		(void)jsonw_key(w, "text");
		(void)jsonw_strn(w, (const char *)buf, len);
		(void)jsonw_obj_close(w);
	}

	free(buf);
}


static void consent_obj(struct ex *x, const char *path)
{
	struct jsonw *w = &x->w;
	char state[32], *line = NULL;
	unsigned ver;
	long long since;
	size_t lsz = 0;
	ssize_t n = -1;
	FILE *f;

	f = fopen(path, "re");
	if (f) {
		n = line_read(f, &line, &lsz);
		(void)fclose(f);
	}

	(void)jsonw_obj_open(w);
	if (n >= 0 && sscanf(line, "%31s %u %lld", state, &ver,
			     &since) == 3) {
		char iso[40];

		iso_utc(iso, sizeof(iso), since);
		(void)jsonw_kstr(w, "state", state);
		(void)jsonw_kint(w, "policy_version", ver);
		(void)jsonw_kint(w, "since", since);
		(void)jsonw_kstr(w, "since_utc", iso);
	}
	else {
		(void)jsonw_kstr(w, "state", "unknown");
		if (n >= 0) {
			(void)jsonw_key(w, "unparsed");
			(void)jsonw_strn(w, line, (size_t)n);
		}
	}
	(void)jsonw_obj_close(w);
	line_free(line, lsz);
}


static bool is_report_name(const char *name)
{
	size_t i;

	for (i = 0; i < 32; ++i) {
		if (!strchr("0123456789abcdef", name[i]) || !name[i])
			return false;
	}

	return !strcmp(name + 32, ".json");
}


static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}


/* a file named, not embedded: {"name", "bytes"} */
static void file_entry(struct jsonw *w, const char *name,
		       const struct stat *st)
{
	(void)jsonw_obj_open(w);
	(void)jsonw_kstr(w, "name", name);
	(void)jsonw_kint(w, "bytes", (int64_t)st->st_size);
	(void)jsonw_obj_close(w);
}


/* "crash": consent, reports, statistics, other records */
static void sec_crash(struct ex *x)
{
	struct jsonw *w = &x->w;
	struct dirent **nv = NULL;
	char dir[4200], path[4400];
	int n, i;

	(void)jsonw_key(w, "crash");
	(void)jsonw_obj_open(w);

	if (path_of(dir, sizeof(dir), x, PROFILE_CRASHDIR))
		n = -1;
	else
		n = scandir(dir, &nv, NULL, name_cmp);

	(void)jsonw_key(w, "consent");
	if (n >= 0 && !fio_path(path, sizeof(path), dir, "consent") &&
	    fio_exists(path)) {
		consent_obj(x, path);
	}
	else {
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "state", "unknown");
		(void)jsonw_obj_close(w);
	}

	(void)jsonw_key(w, "statistics");
	if (n >= 0 && !fio_path(path, sizeof(path), dir, "stats.json") &&
	    fio_exists(path))
		embed_json(x, path, "statistics");
	else
		(void)jsonw_null(w);

	(void)jsonw_key(w, "reports");
	(void)jsonw_arr_open(w);
	for (i = 0; i < n; ++i) {
		const char *name = nv[i]->d_name;

		if (!is_report_name(name) ||
		    fio_path(path, sizeof(path), dir, name))
			continue;
		(void)jsonw_obj_open(w);
		(void)jsonw_key(w, "id");
		(void)jsonw_strn(w, name, 32);
		(void)jsonw_key(w, "report");
		embed_json(x, path, "crash report");
		(void)jsonw_obj_close(w);
		++x->r->crash_reports;
	}
	(void)jsonw_arr_close(w);

	/* unconverted records and bookkeeping: named, not embedded */
	(void)jsonw_key(w, "other_files");
	(void)jsonw_arr_open(w);
	for (i = 0; i < n; ++i) {
		const char *name = nv[i]->d_name;
		struct stat st;

		if (name[0] == '.' || is_report_name(name) ||
		    !strcmp(name, "consent") || !strcmp(name, "stats.json") ||
		    fio_path(path, sizeof(path), dir, name) ||
		    lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		file_entry(w, name, &st);
	}
	(void)jsonw_arr_close(w);

	for (i = 0; i < n; ++i)
		free(nv[i]);
	free(nv);

	(void)jsonw_obj_close(w);
}


/* "device": baresip's uuid file (an identifier sent in SIP headers) */
static void sec_device(struct ex *x)
{
	struct jsonw *w = &x->w;
	char path[4200], *line = NULL;
	size_t lsz = 0;
	ssize_t n = -1;
	FILE *f;

	(void)jsonw_key(w, "device");
	(void)jsonw_obj_open(w);
	(void)jsonw_key(w, "uuid");
	if (!path_of(path, sizeof(path), x, "uuid") &&
	    (f = fopen(path, "re")) != NULL) {
		n = line_read(f, &line, &lsz);
		(void)fclose(f);
	}
	if (n >= 0)
		(void)jsonw_strn(w, line, (size_t)n);
	else
		(void)jsonw_null(w);
	line_free(line, lsz);
	(void)jsonw_obj_close(w);
}


/* "recordings": call recordings (sndfile) by name; audio not embedded */
static void sec_recordings(struct ex *x)
{
	struct jsonw *w = &x->w;
	struct dirent **nv = NULL;
	int n = -1, i;

	(void)jsonw_key(w, "recordings");
	(void)jsonw_obj_open(w);
	(void)jsonw_kstr(w, "directory", x->o->snd_path);
	(void)jsonw_key(w, "files");
	(void)jsonw_arr_open(w);

	if (x->o->snd_path)
		n = scandir(x->o->snd_path, &nv, NULL, name_cmp);

	for (i = 0; i < n; ++i) {
		const char *name = nv[i]->d_name;
		size_t l = strlen(name);
		char path[4400];
		struct stat st;

		if (strncmp(name, "dump-", 5) || l < 9 ||
		    strcmp(name + l - 4, ".wav") ||
		    fio_path(path, sizeof(path), x->o->snd_path, name) ||
		    lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "path", path);
		(void)jsonw_kint(w, "bytes", (int64_t)st.st_size);
		(void)jsonw_kint(w, "modified", (int64_t)st.st_mtime);
		(void)jsonw_obj_close(w);
	}
	for (i = 0; i < n; ++i)
		free(nv[i]);
	free(nv);

	(void)jsonw_arr_close(w);
	(void)jsonw_obj_close(w);
}


static int no_dots(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
}


/*
 * "other_files": the profile's files nobody declared (profile_classify()),
 * by name and size; "profile_files": every name at the top of the
 * profile and where the document holds it (null: settings only).
 */
static void sec_files(struct ex *x)
{
	struct jsonw *w = &x->w;
	struct dirent **nv = NULL;
	int n, i;

	n = scandir(x->o->profile, &nv, no_dots, name_cmp);
	if (n < 0)
		problem(x, "profile_files", strerror(errno));

	(void)jsonw_key(w, "other_files");
	(void)jsonw_arr_open(w);
	for (i = 0; i < n; ++i) {
		const char *name = nv[i]->d_name;
		char path[4400];
		struct stat st;

		if (profile_classify(name)->name ||
		    path_of(path, sizeof(path), x, name) ||
		    lstat(path, &st))
			continue;
		file_entry(w, name, &st);
	}
	(void)jsonw_arr_close(w);

	(void)jsonw_key(w, "profile_files");
	(void)jsonw_arr_open(w);
	for (i = 0; i < n; ++i) {
		const struct profile_entry *e;

		e = profile_classify(nv[i]->d_name);
		(void)jsonw_obj_open(w);
		(void)jsonw_kstr(w, "name", nv[i]->d_name);
		(void)jsonw_kstr(w, "section", e->section);
		(void)jsonw_obj_close(w);
	}
	(void)jsonw_arr_close(w);

	for (i = 0; i < n; ++i)
		free(nv[i]);
	free(nv);
}


/* P-EXPORT-1 */
int export_write(FILE *f, const struct export_opt *o,
		 struct export_result *r)
{
	struct ex x;
	char iso[40];

	memset(&x, 0, sizeof(x));
	memset(r, 0, sizeof(*r));
	x.o = o;
	x.r = r;
	jsonw_init(&x.w, f);

	if (sodium_init() < 0)
		return EIO;

	iso_utc(iso, sizeof(iso), o->now);

	(void)jsonw_obj_open(&x.w);
	(void)jsonw_kstr(&x.w, "format", EXPORT_FORMAT);
	(void)jsonw_kint(&x.w, "version", EXPORT_VERSION);
	(void)jsonw_kstr(&x.w, "created_at", iso);
	(void)jsonw_kstr(&x.w, "profile", o->profile);

	sec_vault(&x);
	sec_accounts(&x);
	sec_lines(&x, "contacts", PROFILE_CONTACTS);
	sec_lines(&x, "current_contact", PROFILE_CURRENT_CONTACT);
	sec_calllog(&x);
	sec_permissions(&x);
	sec_crash(&x);
	sec_device(&x);
	sec_recordings(&x);
	sec_files(&x);

	(void)jsonw_obj_close(&x.w);

	vault_free(x.v);

	return jsonw_end(&x.w);
}
