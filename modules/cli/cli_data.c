/**
 * @file cli_data.c  octasip data export and octasip data wipe
 *
 *   data export [FILE] [--passphrase-fd N]
 *       every piece of personal data OctaSIP holds in the profile, as one
 *       JSON document (schema: docs/privacy.md), streamed to FILE (0600,
 *       written atomically: a temp file renamed into place) or stdout.
 *       No secret is ever written.  Exit 1 if a section could not be read
 *       completely (the document says which).
 *
 *   data wipe [--yes]
 *       deletes all of it: every file at the top of the profile but
 *       the settings (profile_classify(): config, .octasip-seed,
 *       .modules/, sip-tls.pem), each overwritten with random bytes
 *       before unlink: accounts (reset to the template), contacts
 *       (reset), current_contact,
 *       vault, vault.bak, vault.key (a keyring key is deleted from the
 *       keyring), the call log (secure_delete, every row deleted, VACUUM
 *       first), permissions (reset to the defaults) and their audit log,
 *       baresip's uuid and any file nobody declared; crash reports,
 *       statistics and consent (crash/), recordings, the log of "octasip
 *       run --log" (baresip.log, .1); then initialises the
 *       profile again, as "octasip init" does.  The config file (settings)
 *       is kept.  Asks for confirmation on a terminal unless --yes; with
 *       no terminal and no --yes it refuses.  Refuses while a baresip
 *       runs on the profile (its control socket answers as this user,
 *       or its control lock, the call log's journal lock or the audit's
 *       pending-file lock is held).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "common/auditpend.h"
#include "common/cfgedit.h"
#include "ctrl.h"
#include "privacy/export.h"
#include "common/fileio.h"
#include "octasip_calllog/cl_journal.h"
#include "octasip_credstore/keysrc.h"
#include "common/profile.h"
#include "runlog.h"
#include "privacy/shred.h"


/*
 * The recordings directory: baresip's snd_path as configured (`octasip run`
 * sets it to <profile>/recordings unless the user set it), else the
 * profile's recordings/ if it exists; NULL if neither.
 */
static const char *snd_path(const struct cli_ctx *ctx, char *buf,
			    size_t sz)
{
	char cfg[4200];
	struct stat st;

	if (!fio_path(cfg, sizeof(cfg), ctx->profile, PROFILE_CONFIG) &&
	    !cfg_file_get(cfg, "snd_path", buf, sz) && buf[0])
		return buf;

	if (fio_path(buf, sz, ctx->profile, PROFILE_RECORDINGS) ||
	    stat(buf, &st) || !S_ISDIR(st.st_mode))
		return NULL;

	return buf;
}


/* Streams into a temp file next to path, then renames it into place */
static int export_to_file(const char *path, const struct export_opt *o,
			  struct export_result *r)
{
	char tmp[4200];
	FILE *f;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return ENAMETOOLONG;

	fd = mkstemp(tmp);
	if (fd < 0)
		return errno;
	if (fchmod(fd, 0600)) {
		err = errno;
		(void)close(fd);
		(void)unlink(tmp);
		return err;
	}

	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		(void)close(fd);
		(void)unlink(tmp);
		return err;
	}

	err = export_write(f, o, r);
	if (!err && fsync(fileno(f)))
		err = errno;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		(void)unlink(tmp);
		return err;
	}

	return fio_fsync_dir(path);
}


const char cli_data_help[] =
	"usage: octasip data export [FILE] [--passphrase-fd N]\n"
	"       octasip data wipe [--yes]\n"
	"\n"
	"export   every piece of personal data in the profile as one JSON\n"
	"         document, to FILE (0600) or stdout; no secret is in it\n"
	"  --passphrase-fd N  the vault's passphrase from file descriptor"
	" N\n"
	"wipe     delete the personal data (files overwritten first) and\n"
	"         leave an empty profile\n"
	"  -y, --yes        do not ask for confirmation\n";

enum { OPT_PASS_FD = 256 };

static const struct option opts_data_export[] = {
	{"passphrase-fd", required_argument, NULL, OPT_PASS_FD},
	{NULL, 0, NULL, 0},
};

static const struct option opts_data_wipe[] = {
	{"yes", no_argument, NULL, 'y'},
	{NULL, 0, NULL, 0},
};


static int data_export(int argc, char **argv, struct cli_ctx *ctx)
{
	const char *file = NULL, *cd = getenv("CREDENTIALS_DIRECTORY");
	char cfg[4200], cred[256], snd[1024];
	struct export_result r;
	struct export_opt o;
	struct keysrc_opt ko;
	int c, err;

	memset(&ko, 0, sizeof(ko));
	ko.pass_fd = -1;
	ko.pass_tty = true;

	while ((c = cli_getopt(argc, argv, "data", opts_data_export)) != -1) {
		if (c != OPT_PASS_FD)
			return CLI_EXIT_USAGE;
		if (cli_fd_arg("data", "--passphrase-fd", optarg,
			       &ko.pass_fd))
			return CLI_EXIT_USAGE;
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc)
		return cli_usage("data", "unexpected argument '%s'",
				 argv[optind]);

	if (cli_profile_require(ctx))
		return 1;

	if (sodium_init() < 0)
		return cli_err("libsodium failed to initialise");

	(void)snprintf(cred, sizeof(cred), "%s", KEYSRC_CRED_DEFAULT);
	if (!fio_path(cfg, sizeof(cfg), ctx->profile, PROFILE_CONFIG))
		(void)cfg_file_get(cfg, "octasip_credstore_credential", cred,
				   sizeof(cred));
	ko.profile = ctx->profile;
	ko.cred_dir = cd;
	ko.cred_name = cred;

	memset(&o, 0, sizeof(o));
	o.profile = ctx->profile;
	o.ko = &ko;
	o.snd_path = snd_path(ctx, snd, sizeof(snd));
	o.now = (long long)time(NULL);

	/* calls and audit lines a killed baresip left */
	cli_calllog_settle(ctx);
	cli_policy_settle(ctx);

	if (file && strcmp(file, "-"))
		err = export_to_file(file, &o, &r);
	else
		err = export_write(stdout, &o, &r);

	if (err)
		return cli_err("cannot write the export%s%s: %s",
			       file ? " to " : "", file ? file : "",
			       strerror(err));

	(void)fprintf(stderr, "exported %u accounts, %u vault records,"
		      " %u calls, %u audit entries, %u crash reports%s%s\n",
		      r.accounts, r.vault_records, r.calls, r.audit_lines,
		      r.crash_reports, file ? " to " : "", file ? file : "");

	if (r.problem[0])
		return cli_err("the export is incomplete: %s", r.problem);

	return 0;
}


static bool profile_file_locked(const char *profile, const char *name)
{
	char path[4200];

	return !fio_path(path, sizeof(path), profile, name) &&
		fio_locked(path);
}


/*
 * Is a baresip running (or starting) on this profile?  Its control
 * socket (ctrl.h), or, without octasip_ctrl (the modules added to a
 * baresip of one's own), the locks the call log and the policy hold on
 * their mapped files while they run: a wipe under them would be undone
 * by the next call (P-WIPE-1).
 */
static bool baresip_running(const struct cli_ctx *ctx)
{
	return ctrl_running(ctx->profile) || ctrl_locked(ctx->profile) ||
		profile_file_locked(ctx->profile,
				    PROFILE_CALLLOG CLJ_SUFFIX) ||
		profile_file_locked(ctx->profile, PROFILE_PERMISSIONS_AUDIT
				    AUDITPEND_SUFFIX);
}


static int confirm(const struct cli_ctx *ctx)
{
	char answer[64];
	FILE *tty;

	if (!isatty(STDIN_FILENO))
		return cli_err("refusing to wipe without confirmation: no"
			       " terminal to ask on; add --yes");

	tty = stderr;
	(void)fprintf(tty, "This deletes every account, the vault, the call"
		      " log, permissions and their audit log, crash reports,"
		      " statistics and consent, recordings and every other"
		      " file but the settings in\n  %s\nThe config file is"
		      " kept.  It cannot be undone.  Type 'wipe' to go on: ",
		      ctx->profile);
	(void)fflush(tty);

	if (!fgets(answer, sizeof(answer), stdin) ||
	    strcmp(answer, "wipe\n"))
		return cli_err("not confirmed: nothing was deleted");

	return 0;
}


/* A keyring-held vault key goes with the vault (and its backup) */
static void keyring_forget(const struct cli_ctx *ctx, const char *name)
{
	char path[4200], msg[512];
	struct vault_hdr hdr;

	if (fio_path(path, sizeof(path), ctx->profile, name) ||
	    vault_read_header(path, &hdr, msg, sizeof(msg)) ||
	    hdr.keysrc != KEYSRC_KEYRING)
		return;

	keyring_clear(ctx->profile, hdr.check);
}


struct wipe {
	unsigned files;
	int err;
	char msg[512];
};


static void wipe_dir(struct wipe *wp, const char *dir,
		     const char *const *prefixv, size_t prefixc)
{
	unsigned n = 0;
	char msg[512] = "";
	int err;

	err = shred_dir(dir, prefixv, prefixc, &n, msg, sizeof(msg));
	wp->files += n;
	if (err && !wp->err) {
		wp->err = err;
		(void)snprintf(wp->msg, sizeof(wp->msg), "%s", msg[0] ? msg :
			       strerror(err));
	}
}


static int not_settings(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		!profile_classify(e->d_name)->settings;
}


/* every regular file at the top of the profile that is not settings */
static void wipe_profile(struct wipe *wp, const char *profile)
{
	struct dirent **nv = NULL;
	char path[4400];
	struct stat st;
	int n, i, err;

	n = scandir(profile, &nv, not_settings, NULL);
	if (n < 0 && !wp->err) {
		wp->err = errno;
		(void)snprintf(wp->msg, sizeof(wp->msg), "cannot list the"
			       " profile: %s", strerror(errno));
	}

	for (i = 0; i < n; ++i) {

		err = fio_path(path, sizeof(path), profile, nv[i]->d_name);
		if (!err && (lstat(path, &st) || S_ISDIR(st.st_mode)))
			err = -1;
		if (!err)
			err = shred_file(path);
		if (!err)
			++wp->files;
		else if (err > 0 && err != ENOENT && !wp->err) {
			wp->err = err;
			(void)snprintf(wp->msg, sizeof(wp->msg), "%.200s: %s",
				       nv[i]->d_name, strerror(err));
		}
		free(nv[i]);
	}
	free(nv);
}


/* P-WIPE-1 */
static int data_wipe(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const dumps[] = {"dump-"};
	char path[4200], snd[1024], msg[512] = "";
	struct wipe wp;
	bool yes = false;
	int c, err;

	while ((c = cli_getopt(argc, argv, "data", opts_data_wipe)) != -1) {
		if (c != 'y')
			return CLI_EXIT_USAGE;
		yes = true;
	}
	if (optind < argc)
		return cli_usage("data", "unexpected argument '%s'",
				 argv[optind]);

	if (cli_profile_require(ctx))
		return 1;

	if (baresip_running(ctx))
		return cli_err("a baresip is running on %s (its control"
			       " socket answers, or it holds the call log's"
			       " journal or the pending audit lines): quit it"
			       " first; nothing was deleted", ctx->profile);

	if (!yes && confirm(ctx))
		return 1;

	if (sodium_init() < 0)
		return cli_err("libsodium failed to initialise");

	memset(&wp, 0, sizeof(wp));

	keyring_forget(ctx, PROFILE_VAULT);
	keyring_forget(ctx, PROFILE_VAULT ".bak");

	/* freed pages zeroed in place first; then the files themselves */
	if (!fio_path(path, sizeof(path), ctx->profile, PROFILE_CALLLOG)) {
		err = shred_sqlite(path, msg, sizeof(msg));
		if (err && err != ENOENT)
			(void)fprintf(stderr, "octasip: note: %s: %s (the"
				      " file is overwritten anyway)\n", path,
				      msg);
	}

	/* with .bak, .key, -wal, temp files, and files nobody declared */
	wipe_profile(&wp, ctx->profile);

	if (!fio_path(path, sizeof(path), ctx->profile, PROFILE_CRASHDIR))
		wipe_dir(&wp, path, NULL, 0);

	/* recordings: the profile's own directory whole, a directory of
	 * the user's choice (snd_path) only baresip's dump-* files */
	if (!fio_path(path, sizeof(path), ctx->profile, PROFILE_RECORDINGS))
		wipe_dir(&wp, path, NULL, 0);

	if (snd_path(ctx, snd, sizeof(snd)) && strcmp(snd, path))
		wipe_dir(&wp, snd, dumps, 1);

	(void)printf("wiped %u files in %s\n", wp.files, ctx->profile);

	if (wp.err)
		return cli_err("could not wipe everything: %s", wp.msg);

	/* a working, empty profile: what "octasip init" makes */
	err = cli_profile_seed(ctx, true);
	if (!err)
		err = cli_profile_areas_init(ctx);
	if (err)
		return cli_err("wiped, but the profile could not be set up"
			       " again: run 'octasip init'");

	if (cli_credstore_profile_init(ctx))
		(void)fprintf(stderr, "octasip: note: no new vault yet; the"
			      " first 'octasip account add' creates it\n");

	(void)printf("profile is empty and ready: %s\n", ctx->profile);

	return 0;
}


int cli_data(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"export", "wipe", NULL};
	int k = cli_action(argc, argv, actv);

	if (k < 0)
		return -k;

	return k == 0 ? data_export(argc - 1, argv + 1, ctx) :
		data_wipe(argc - 1, argv + 1, ctx);
}
