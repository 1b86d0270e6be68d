/**
 * @file cli_calllog.c  octasip calllog list | export | purge
 *
 *   octasip calllog list [--limit N] [--missed] [--json]
 *       newest first; N defaults to 20, 0 lists all
 *   octasip calllog export --format csv|json [--since YYYY-MM-DD]
 *       every row (oldest first) on stdout; --since is local midnight
 *   octasip calllog purge (--older-than DAYS | --peer URI | --all)
 *       deletes rows (secure_delete, WAL truncated afterwards)
 *
 * The database code is the module's own (octasip_calllog_core).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"
#include "octasip_calllog/cl_db.h"
#include "octasip_calllog/cl_export.h"
#include "octasip_calllog/cl_journal.h"
#include "common/dburi.h"


const char cli_calllog_help[] =
	"usage: octasip calllog list [--limit N] [--missed] [--json]\n"
	"       octasip calllog export --format csv|json"
	" [--since YYYY-MM-DD]\n"
	"       octasip calllog purge (--older-than DAYS | --peer URI |"
	" --all)\n"
	"\n"
	"list     the newest calls first\n"
	"  --limit N        at most N rows (default 20, 0: all)\n"
	"  --missed         missed calls only\n"
	"  --json           a JSON array with every column\n"
	"export   every row, oldest first, on stdout\n"
	"  --format F       csv (RFC 4180) or json\n"
	"  --since DATE     from local midnight of YYYY-MM-DD on\n"
	"purge    delete rows (secure_delete, the WAL truncated)\n"
	"  --older-than N   rows older than N days\n"
	"  --peer URI       rows with this peer\n"
	"  --all            every row\n";

enum {
	OPT_LIMIT = 256, OPT_MISSED, OPT_JSON, OPT_FORMAT, OPT_SINCE,
	OPT_OLDER, OPT_PEER, OPT_ALL,
};

static const struct option opts_calllog_list[] = {
	{"limit",  required_argument, NULL, OPT_LIMIT},
	{"missed", no_argument,       NULL, OPT_MISSED},
	{"json",   no_argument,       NULL, OPT_JSON},
	{NULL, 0, NULL, 0},
};

static const struct option opts_calllog_export[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"since",  required_argument, NULL, OPT_SINCE},
	{NULL, 0, NULL, 0},
};

static const struct option opts_calllog_purge[] = {
	{"older-than", required_argument, NULL, OPT_OLDER},
	{"peer",       required_argument, NULL, OPT_PEER},
	{"all",        no_argument,       NULL, OPT_ALL},
	{NULL, 0, NULL, 0},
};


/* No operand may follow a calllog action's options */
static int no_operands(int argc, char **argv)
{
	if (optind < argc)
		return cli_usage("calllog", "unexpected argument '%s'",
				 argv[optind]);

	return 0;
}


/* YYYY-MM-DD -> local midnight in ms */
static int parse_date(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, m, dd, n = 0;
	time_t t;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 ||
	    s[n] || strlen(s) != 10 || m < 1 || m > 12 || dd < 1 ||
	    dd > 31)
		return EINVAL;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = dd;
	tm.tm_isdst = -1;

	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != dd)
		return EINVAL;

	*ms = (int64_t)t * 1000;

	return 0;
}


static int db_path(const struct cli_ctx *ctx, char *buf, size_t sz)
{
	if (fio_path(buf, sz, ctx->profile, PROFILE_CALLLOG))
		return cli_err("profile path too long: %s", ctx->profile);

	return 0;
}


static int settle_rec(const struct cl_rec *r, void *arg)
{
	return cldb_put(arg, r, CL_PEER_FULL);
}


/*
 * Calls a killed baresip left in calllog.db.journal go into the
 * database first, so that list, export and purge see them (and a purge
 * is not undone by the next start's replay).  Only when no baresip
 * holds the journal (EBUSY: the running one writes them itself).
 */
static void settle_journal(struct cldb *db, const char *path)
{
	char jpath[4300];
	struct clj *j;
	int err;

	if (snprintf(jpath, sizeof(jpath), "%s%s", path, CLJ_SUFFIX) >=
	    (int)sizeof(jpath) || clj_open(&j, jpath, false))
		return;

	err = cldb_begin(db);
	if (!err)
		err = clj_replay(j, settle_rec, db);
	if (!err)
		err = cldb_commit(db);
	if (err) {
		cldb_rollback(db);
		(void)fprintf(stderr, "octasip: note: calls in %s could not"
			      " be written to %s: %s\n", jpath, path,
			      strerror(err));
	}
	else
		clj_commit(j, clj_replay_end(j));

	clj_close(j);
}


/* octasip data export: the journal's calls into calllog.db first */
void cli_calllog_settle(const struct cli_ctx *ctx)
{
	char path[4200], msg[512];
	struct cldb *db;

	if (fio_path(path, sizeof(path), ctx->profile, PROFILE_CALLLOG) ||
	    cldb_open(&db, path, 0, msg, sizeof(msg)))
		return;

	settle_journal(db, path);
	cldb_close(db);
}


/*
 * ro_ok: the command only reads.  If the profile cannot be written (a
 * read-only mount, a file without write permission), the database is
 * read as it is on disk, with a note, instead of failing.
 */
static int db_open(const struct cli_ctx *ctx, struct cldb **dbp,
		   bool *none, bool ro_ok)
{
	char path[4200], msg[512];
	int err;

	err = cli_profile_require(ctx);
	if (!err)
		err = db_path(ctx, path, sizeof(path));
	if (err)
		return err;

	*none = false;
	err = cldb_open(dbp, path, 0, msg, sizeof(msg));
	if (err == ENOENT) {
		*none = true;
		return 0;
	}
	if ((err == EROFS || err == EACCES) && ro_ok) {

		int err2 = cldb_open(dbp, path, CLDB_READONLY, msg,
				     sizeof(msg));

		if (!err2) {
			(void)fprintf(stderr, "octasip: note: %s cannot be"
				      " written (%s): read as it is on disk"
				      "%s\n", path, strerror(err),
				      dburi_wal_pending(path) ?
				      "; changes still in its -wal file are"
				      " not shown" : "");
			return 0;
		}
	}
	if (err)
		return cli_err("cannot read %s: %s (%s)", path,
			       strerror(err), msg);

	settle_journal(*dbp, path);

	return 0;
}


static int out_done(void)
{
	if (fflush(stdout) || ferror(stdout))
		return cli_err("writing the output failed: %s",
			       strerror(errno));

	return 0;
}


struct list_ctx {
	bool json;
	uint32_t n;
};


static int list_row(const struct cl_rec *r, void *arg)
{
	struct list_ctx *lc = arg;
	char when[32] = "?";
	time_t t = (time_t)(r->started_at / 1000);
	int64_t dur = r->duration_ms > 0 ? r->duration_ms : 0;
	struct tm tm;

	if (lc->json) {
		(void)fputs(lc->n++ ? ",\n " : "\n ", stdout);
		cl_json_row(stdout, r);
		return 0;
	}

	if (!lc->n++)
		(void)printf("%-8s %-19s %-3s %-11s %8s  %s\n", "ID",
			     "STARTED", "DIR", "STATUS", "DURATION",
			     "PEER");

	if (localtime_r(&t, &tm))
		(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);

	(void)printf("%-8" PRId64 " %-19s %-3s %-11s %5" PRId64 ":%02"
		     PRId64 "  ", r->id, when, r->outgoing ? "out" : "in",
		     r->status, dur / 60000, dur / 1000 % 60);

	if (r->peer_name && *r->peer_name) {
		(void)fputc('"', stdout);
		cl_term_str(stdout, r->peer_name, 40);
		(void)fputs("\" ", stdout);
	}
	cl_term_str(stdout, r->peer_uri ? r->peer_uri : "(not stored)", 60);
	if (r->reason && *r->reason) {
		(void)fputs("  (", stdout);
		cl_term_str(stdout, r->reason, 40);
		(void)fputc(')', stdout);
	}
	(void)fputc('\n', stdout);

	return 0;
}


static int cmd_list(int argc, char **argv, struct cli_ctx *ctx)
{
	struct cldb_query q = {.limit = 20};
	struct list_ctx lc = {false, 0};
	struct cldb *db = NULL;
	unsigned long v;
	bool none;
	int c, err;

	while ((c = cli_getopt(argc - 1, argv + 1, "calllog",
			       opts_calllog_list)) != -1) {
		if (c == OPT_JSON)
			lc.json = true;
		else if (c == OPT_MISSED)
			q.missed = true;
		else if (c == OPT_LIMIT) {
			if (cli_opt_num("calllog", "--limit", optarg,
					UINT32_MAX, &v))
				return CLI_EXIT_USAGE;
			q.limit = (uint32_t)v;
		}
		else
			return CLI_EXIT_USAGE;
	}
	if (no_operands(argc - 1, argv + 1))
		return CLI_EXIT_USAGE;

	err = db_open(ctx, &db, &none, true);
	if (err)
		return err;

	if (lc.json)
		(void)fputc('[', stdout);

	if (!none) {
		err = cldb_list(db, &q, list_row, &lc);
		if (err)
			err = cli_err("reading the call log failed: %s",
				      cldb_errmsg(db));
		cldb_close(db);
	}

	if (lc.json)
		(void)fputs(lc.n ? "\n]\n" : "]\n", stdout);
	else if (!err && !lc.n)
		(void)printf("no %scalls logged\n", q.missed ? "missed " : "");

	return err ? err : out_done();
}


struct export_ctx {
	bool json;
	uint64_t n;
};


static int export_row(const struct cl_rec *r, void *arg)
{
	struct export_ctx *ec = arg;

	if (ec->json) {
		(void)fputs(ec->n ? ",\n " : "\n ", stdout);
		cl_json_row(stdout, r);
	}
	else {
		cl_csv_row(stdout, r);
	}
	++ec->n;

	/* stop early when the reader went away */
	return ferror(stdout) ? EPIPE : 0;
}


static int cmd_export(int argc, char **argv, struct cli_ctx *ctx)
{
	static char buf[1 << 16];
	struct cldb_query q = {.ascending = true};
	struct export_ctx ec = {false, 0};
	struct cldb *db = NULL;
	const char *fmt = NULL;
	bool none;
	int c, err;

	while ((c = cli_getopt(argc - 1, argv + 1, "calllog",
			       opts_calllog_export)) != -1) {
		if (c == OPT_FORMAT)
			fmt = optarg;
		else if (c == OPT_SINCE) {
			if (parse_date(optarg, &q.since_ms))
				return cli_usage("calllog", "option --since"
						 " needs YYYY-MM-DD, not '%s'",
						 optarg);
		}
		else
			return CLI_EXIT_USAGE;
	}
	if (no_operands(argc - 1, argv + 1))
		return CLI_EXIT_USAGE;

	if (!fmt || (strcmp(fmt, "csv") && strcmp(fmt, "json")))
		return cli_usage("calllog", "export needs --format csv or"
				 " --format json");
	ec.json = !strcmp(fmt, "json");

	err = db_open(ctx, &db, &none, true);
	if (err)
		return err;

	(void)setvbuf(stdout, buf, _IOFBF, sizeof(buf));

	if (ec.json)
		(void)fputc('[', stdout);
	else
		cl_csv_header(stdout);

	if (!none) {
		err = cldb_list(db, &q, export_row, &ec);
		if (err == EPIPE)
			err = cli_err("writing the export failed");
		else if (err)
			err = cli_err("reading the call log failed: %s",
				      cldb_errmsg(db));
		cldb_close(db);
	}

	if (ec.json)
		(void)fputs(ec.n ? "\n]\n" : "]\n", stdout);

	return err ? err : out_done();
}


static int cmd_purge(int argc, char **argv, struct cli_ctx *ctx)
{
	struct cldb *db = NULL;
	const char *peer = NULL;
	unsigned long days = 0;
	bool all = false, older = false, none;
	int n = 0, c, err;

	while ((c = cli_getopt(argc - 1, argv + 1, "calllog",
			       opts_calllog_purge)) != -1) {
		if (c == OPT_ALL)
			all = true;
		else if (c == OPT_PEER)
			peer = optarg;
		else if (c == OPT_OLDER) {
			older = true;
			if (cli_opt_num("calllog", "--older-than", optarg,
					UINT32_MAX, &days))
				return CLI_EXIT_USAGE;
		}
		else
			return CLI_EXIT_USAGE;
	}
	if (no_operands(argc - 1, argv + 1))
		return CLI_EXIT_USAGE;
	if (all + older + (peer != NULL) != 1)
		return cli_usage("calllog", "purge needs one of --older-than"
				 " DAYS, --peer URI or --all");

	err = db_open(ctx, &db, &none, false);
	if (err)
		return err;
	if (none) {
		(void)printf("no calls logged\n");
		return 0;
	}

	if (all)
		err = cldb_purge_all(db, &n);
	else if (older)
		err = cldb_purge_older(db, cl_now_ms() -
				       (int64_t)days * 86400000, &n);
	else
		err = cldb_purge_peer(db, peer, &n);

	if (!err)
		err = cldb_checkpoint(db);

	if (err)
		err = cli_err("purge failed: %s", cldb_errmsg(db));
	else
		(void)printf("purged %d call(s)\n", n);

	cldb_close(db);

	return err;
}


int cli_calllog(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"list", "export", "purge", NULL};
	static cli_cmd_h *const hv[] = {cmd_list, cmd_export, cmd_purge};
	int k = cli_action(argc, argv, actv);

	return k < 0 ? -k : hv[k](argc, argv, ctx);
}


/*
 * octasip init: create an empty calllog.db (0600) unless the storage
 * permission says no.  A database that cannot be opened is left alone:
 * the module moves a corrupt one aside when it starts.
 */
int cli_calllog_profile_init(const struct cli_ctx *ctx)
{
	char path[4200], perms[4200], msg[512];
	struct perm_set ps;
	struct cldb *db;
	int err;

	if (fio_path(path, sizeof(path), ctx->profile, PROFILE_CALLLOG) ||
	    fio_path(perms, sizeof(perms), ctx->profile,
		     PROFILE_PERMISSIONS))
		return cli_err("profile path too long: %s", ctx->profile);

	(void)perm_load(perms, &ps, NULL, 0);
	if (!perm_permits(&ps, PERM_STORAGE))
		return 0;

	err = cldb_open(&db, path, CLDB_CREATE, msg, sizeof(msg));
	if (err) {
		(void)fprintf(stderr, "octasip: note: %s: %s (%s)\n", path,
			      strerror(err), msg);
		return 0;
	}

	cldb_close(db);

	return 0;
}
