/**
 * @file cli_crash.c  octasip crash and octasip stats
 *
 *   octasip crash list                 reports on this machine
 *   octasip crash show ID              exactly what would be sent
 *   octasip crash delete (ID | --all)
 *   octasip crash send                 upload now (consent and DSN needed)
 *   octasip crash consent (give | revoke | status)
 *   octasip stats show                 the statistics, as they would be sent
 *
 * Crash records of earlier runs (crash/raw-*.raw) are turned into reports
 * before list, show and send, so the tool sees what the module would.
 * The DSN and retention caps come from the profile's config file.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "cli.h"
#include "common/cfgedit.h"
#include "common/fileio.h"
#include "common/perm.h"
#include "common/profile.h"
#include "common/recompat.h"
#include "octasip_crash/consent.h"
#include "octasip_crash/curlapi.h"
#include "octasip_crash/report.h"
#include "octasip_crash/sender.h"
#include "octasip_crash/stats.h"
#include "octasip_crash/store.h"


static int crashdir_of(const struct cli_ctx *ctx, char *buf, size_t sz)
{
	if (store_crashdir(buf, sz, ctx->profile))
		return cli_err("profile path too long: %s", ctx->profile);

	return 0;
}


static void config_dsn(const struct cli_ctx *ctx, char *dsn, size_t sz)
{
	char path[4200];

	dsn[0] = '\0';
	if (fio_path(path, sizeof(path), ctx->profile, PROFILE_CONFIG) ||
	    cfg_file_get(path, "octasip_crash_dsn", dsn, sz) ||
	    !strcmp(dsn, "none"))
		dsn[0] = '\0';
}


/* storage denied or "ask": no report is made (the module agrees) */
static bool storage_allowed(const char *profile)
{
	char path[4200], errbuf[256];
	struct perm_set ps;

	if (fio_path(path, sizeof(path), profile, PROFILE_PERMISSIONS))
		return false;

	(void)perm_load(path, &ps, errbuf, sizeof(errbuf));

	return perm_allows(&ps, PERM_STORAGE);
}


static void convert_pending(const char *dir)
{
	char profile[4200];
	unsigned conv = 0, bad = 0;
	char *slash;

	if (!fio_exists(dir))
		return;

	(void)snprintf(profile, sizeof(profile), "%s", dir);
	slash = strrchr(profile, '/');
	if (slash)
		*slash = '\0';
	if (!storage_allowed(profile))
		return;

	if (report_convert_pending(dir, &conv, &bad))
		(void)fprintf(stderr, "octasip: some crash records could not"
			      " be converted yet\n");
	if (conv && consent_allows_upload(dir)) {
		struct stats one;

		memset(&one, 0, sizeof(one));
		one.crashes = conv;
		(void)stats_add(dir, &one);
	}
}


static int read_report(const char *dir, const char *id, char **textp,
		       size_t *lenp)
{
	char path[4200];
	uint8_t *buf = NULL;
	int err;

	if (!report_id_valid(id))
		return cli_err("'%s' is not a report id (32 hex digits; see"
			       " 'octasip crash list')", id);

	if (store_report_path(path, sizeof(path), dir, id))
		return cli_err("profile path too long");

	err = fio_read_all(path, &buf, lenp, 1 << 20);
	if (err == ENOENT)
		return cli_err("no crash report %s", id);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));

	*textp = (char *)buf;

	return 0;
}


/* the signal name of a report, or NULL if it is not a valid report */
static const char *report_signal(const char *text, size_t len,
				 char *buf, size_t sz)
{
	struct odict *od = NULL;
	const struct odict_entry *e;
	const char *s = NULL;

	if (json_decode_odict(&od, 16, text, len, 16))
		return NULL;

	e = odict_lookup(od, "tags");
	if (e && oent_type(e) == ODICT_OBJECT)
		s = odict_string(oent_odict(e), "signal");
	(void)snprintf(buf, sz, "%s", s ? s : "?");
	mem_deref(od);

	return buf;
}


int cli_crash_signal(const char *crashdir, const char *id, char *sig,
		     size_t sz)
{
	char path[4200];
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *s;

	if (!report_id_valid(id) ||
	    store_report_path(path, sizeof(path), crashdir, id))
		return EINVAL;

	if (fio_read_all(path, &buf, &len, 1 << 20))
		return EIO;

	s = report_signal((const char *)buf, len, sig, sz);
	free(buf);

	return s ? 0 : EBADMSG;
}


static int crash_list(const char *dir)
{
	struct store_entry *v = NULL;
	size_t n = 0, i;
	int err;

	convert_pending(dir);

	err = store_list(dir, &v, &n);
	if (err)
		return cli_err("cannot list %s: %s", dir, strerror(err));

	if (!n)
		(void)printf("no crash reports\n");

	for (i = 0; i < n; ++i) {
		char when[32], sig[32], *text = NULL;
		time_t t = (time_t)v[i].mtime;
		struct tm tm;
		size_t len = 0;
		const char *s = NULL;

		if (!gmtime_r(&t, &tm) ||
		    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm))
			(void)snprintf(when, sizeof(when), "?");

		if (!read_report(dir, v[i].id, &text, &len))
			s = report_signal(text, len, sig, sizeof(sig));
		free(text);

		(void)printf("%s  %s  %-8s %6llu bytes\n", v[i].id, when,
			     s ? s : "damaged", (unsigned long long)v[i].size);
	}

	free(v);

	return 0;
}


static int crash_show(const struct cli_ctx *ctx, const char *dir,
		      const char *id)
{
	char dsn[512], sig[32], *text = NULL, *env = NULL;
	size_t len = 0, elen = 0;
	int err;

	convert_pending(dir);

	err = read_report(dir, id, &text, &len);
	if (err)
		return err;

	if (!report_signal(text, len, sig, sizeof(sig))) {
		free(text);
		return cli_err("crash report %s is damaged (not JSON); it"
			       " would be refused: delete it with 'octasip"
			       " crash delete %s'", id, id);
	}

	config_dsn(ctx, dsn, sizeof(dsn));
	if (!dsn[0]) {
		(void)fprintf(stderr, "octasip: no octasip_crash_dsn is set:"
			      " nothing is sent; this is the report as"
			      " stored\n");
		(void)fwrite(text, 1, len, stdout);
		(void)fputc('\n', stdout);
		free(text);
		return 0;
	}

	err = envelope_build(dsn, id, text, len, (int64_t)time(NULL), &env,
			     &elen);
	free(text);
	if (err)
		return cli_err("cannot build the envelope: %s",
			       strerror(err));

	(void)fwrite(env, 1, elen, stdout);
	free(env);

	if (!consent_allows_upload(dir))
		(void)fprintf(stderr, "octasip: consent is not given: this"
			      " is not sent ('octasip crash consent"
			      " give')\n");

	return 0;
}


static int crash_delete(const char *dir, const char *arg)
{
	unsigned n = 0;
	int err;

	if (!strcmp(arg, "--all")) {
		err = store_delete_all(dir, 0, &n);
		if (err)
			return cli_err("cannot delete reports in %s: %s", dir,
				       strerror(err));
		(void)printf("deleted %u crash report(s)\n", n);
		return 0;
	}

	if (!report_id_valid(arg))
		return cli_err("'%s' is not a report id (32 hex digits; see"
			       " 'octasip crash list')", arg);

	err = store_delete(dir, arg);
	if (err == ENOENT)
		return cli_err("no crash report %s", arg);
	if (err)
		return cli_err("cannot delete %s: %s", arg, strerror(err));

	(void)printf("deleted %s\n", arg);

	return 0;
}


static int crash_send(const struct cli_ctx *ctx, const char *dir)
{
	struct send_result res;
	char dsn[512], when[32];
	struct tm tm;
	time_t t;
	int err;

	convert_pending(dir);
	config_dsn(ctx, dsn, sizeof(dsn));

	err = sender_run(dir, dsn, true, NULL, &res);

	switch (err) {

	case 0:
		(void)printf("sent %u crash report(s)%s%s\n", res.sent,
			     res.stats_sent ? " and the usage statistics" :
			     "", res.rejected ? "; some were refused (kept"
			     " as *.rejected)" : "");
		return 0;

	case EACCES:
		return cli_err("consent is not given for privacy policy"
			       " version %u: nothing was sent ('octasip"
			       " crash consent give')", CRASH_POLICY_VERSION);

	case ENOENT:
		return cli_err("no octasip_crash_dsn in %s/config: nothing"
			       " was sent", ctx->profile);

	case EPROTONOSUPPORT:
		return cli_err("octasip_crash_dsn uses plain http to another"
			       " machine; use https");

	case EINVAL:
		return cli_err("octasip_crash_dsn is not a DSN"
			       " (https://KEY@HOST/PROJECT)");

	case ENOSYS:
		return cli_err("cannot load libcurl (%s): nothing was sent,"
			       " the reports are kept; install libcurl4",
			       curl_api_error());

	case EAGAIN:
		t = (time_t)res.retry_at;
		if (!gmtime_r(&t, &tm) ||
		    !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm))
			(void)snprintf(when, sizeof(when), "later");
		if (res.http_status)
			return cli_err("the server answered HTTP %ld; sent"
				       " %u, the rest waits until %s",
				       res.http_status, res.sent, when);
		return cli_err("upload deferred until %s (rate limit or"
			       " backoff); sent %u", when, res.sent);

	default:
		return cli_err("upload failed: %s", strerror(err));
	}
}


static int consent_cmd(const char *dir, const char *what)
{
	struct consent_info ci;
	unsigned n = 0;
	int err;

	if (!strcmp(what, "status")) {
		err = consent_load(dir, &ci);
		if (err && err != EBADMSG)
			return cli_err("cannot read consent: %s",
				       strerror(err));
		(void)printf("consent %s%s (privacy policy version %u;"
			     " current %u)%s\n", consent_name(ci.state),
			     err ? " (the consent file is damaged)" : "",
			     ci.version, CRASH_POLICY_VERSION,
			     consent_allows_upload(dir) ?
			     ": reports and statistics may be sent" :
			     ": nothing is sent");
		return 0;
	}

	if (!strcmp(what, "give")) {
		err = consent_save(dir, CONSENT_GIVEN, (int64_t)time(NULL));
		if (err)
			return cli_err("cannot save consent: %s",
				       strerror(err));
		(void)printf("consent given for privacy policy version %u:"
			     " crash reports (signal, module offsets and"
			     " build ids, versions, OS) and aggregate usage"
			     " counters may be sent to the configured"
			     " octasip_crash_dsn\n", CRASH_POLICY_VERSION);
		return 0;
	}

	if (!strcmp(what, "revoke")) {
		err = consent_save(dir, CONSENT_REVOKED, (int64_t)time(NULL));
		if (err)
			return cli_err("cannot save consent: %s",
				       strerror(err));
		err = store_delete_all(dir, 1, &n);
		if (err)
			return cli_err("consent revoked, but deleting pending"
				       " reports failed: %s", strerror(err));
		(void)printf("consent revoked; deleted %u pending report(s)"
			     " and the usage statistics\n", n);
		return 0;
	}

	return cli_usage("crash", "crash consent needs give, revoke or"
			 " status, not '%s'", what);
}


const char cli_crash_help[] =
	"usage: octasip crash list\n"
	"       octasip crash show ID\n"
	"       octasip crash delete (ID | --all)\n"
	"       octasip crash send\n"
	"       octasip crash consent (give | revoke | status)\n"
	"\n"
	"Crash reports are kept in the profile; nothing is sent without"
	" consent.\n"
	"  -a, --all        (delete) every stored report\n";

const char cli_stats_help[] =
	"usage: octasip stats show\n"
	"\n"
	"The aggregate usage statistics that go with crash reports.\n";

static const struct option opts_crash[] = {
	{"all", no_argument, NULL, 'a'},
	{NULL, 0, NULL, 0},
};

static const struct option opts_stats[] = {
	{NULL, 0, NULL, 0},
};


int cli_crash(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {
		"list", "show", "delete", "send", "consent", NULL
	};
	static const int posn[] = {0, 1, 1, 0, 1};   /* operands */
	const char *op = NULL;
	char dir[4200];
	bool all = false;
	int k, c, n, err;

	k = cli_action(argc, argv, actv);
	if (k < 0)
		return -k;

	while ((c = cli_getopt(argc - 1, argv + 1, "crash", opts_crash))
	       != -1) {
		if (c != 'a' || strcmp(argv[1], "delete"))
			return c == '?' ? CLI_EXIT_USAGE :
				cli_usage("crash", "--all goes with 'crash"
					  " delete'");
		all = true;
	}
	/* the operands: argv[optind + 1 ..] (getopt saw argv + 1) */
	n = argc - 1 - optind;
	if (n > (all ? 0 : posn[k]))
		return cli_usage("crash", "unexpected argument '%s'",
				 argv[argc - 1]);
	if (n < (all ? 0 : posn[k]))
		return cli_usage("crash", "crash %s needs %s", argv[1],
				 k == 4 ? "give, revoke or status" :
				 k == 2 ? "an ID or --all" : "an ID");
	if (n)
		op = argv[optind + 1];

	err = cli_profile_require(ctx);
	if (!err)
		err = crashdir_of(ctx, dir, sizeof(dir));
	if (err)
		return err;

	if (!strcmp(argv[1], "list"))
		return crash_list(dir);
	if (!strcmp(argv[1], "show"))
		return crash_show(ctx, dir, op);
	if (!strcmp(argv[1], "delete"))
		return crash_delete(dir, all ? "--all" : op);
	if (!strcmp(argv[1], "send"))
		return crash_send(ctx, dir);

	return consent_cmd(dir, op);
}


int cli_stats(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"show", NULL};
	char dir[4200], dsn[512], id[REPORT_ID_LEN + 1];
	char *payload = NULL, *env = NULL;
	struct stats st;
	size_t elen = 0;
	int err;

	err = cli_action(argc, argv, actv);
	if (err < 0)
		return -err;
	if (cli_getopt(argc - 1, argv + 1, "stats", opts_stats) != -1)
		return CLI_EXIT_USAGE;
	if (optind < argc - 1)
		return cli_usage("stats", "unexpected argument '%s'",
				 argv[optind + 1]);

	err = cli_profile_require(ctx);
	if (!err)
		err = crashdir_of(ctx, dir, sizeof(dir));
	if (err)
		return err;

	convert_pending(dir);

	err = stats_load(dir, &st);
	if (err == EBADMSG)
		return cli_err("%s/%s is damaged; it is kept aside and"
			       " counting starts anew at the next call",
			       dir, STATS_FILE);
	if (err)
		return cli_err("cannot read statistics: %s", strerror(err));

	err = report_new_id(id);
	if (!err)
		err = stats_event(&st, id, (int64_t)time(NULL), &payload);
	if (err)
		return cli_err("cannot format statistics: %s",
			       strerror(err));

	config_dsn(ctx, dsn, sizeof(dsn));
	if (dsn[0] && !envelope_build(dsn, id, payload, strlen(payload),
				      (int64_t)time(NULL), &env, &elen)) {
		(void)fwrite(env, 1, elen, stdout);
		free(env);
	}
	else {
		(void)printf("%s\n", payload);
	}
	free(payload);

	if (!consent_allows_upload(dir))
		(void)fprintf(stderr, "octasip: consent is not given: no"
			      " statistics are collected or sent\n");

	return 0;
}


int cli_crash_profile_init(const struct cli_ctx *ctx)
{
	char dir[4200], path[4300];
	int err;

	if (store_crashdir(dir, sizeof(dir), ctx->profile))
		return cli_err("profile path too long");

	err = fio_mkdir_private(dir);
	if (err)
		return cli_err("cannot create %s: %s", dir, strerror(err));

	if (fio_path(path, sizeof(path), dir, CONSENT_FILE))
		return cli_err("profile path too long");

	/* never overwrite a decision already made */
	if (!fio_exists(path)) {
		err = consent_save(dir, CONSENT_UNKNOWN, (int64_t)time(NULL));
		if (err)
			return cli_err("cannot write %s: %s", path,
				       strerror(err));
	}

	return 0;
}
