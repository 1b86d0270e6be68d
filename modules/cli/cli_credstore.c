/**
 * @file cli_credstore.c  octasip account and octasip vault
 *
 *   account add AOR [--auth-user U] [--realm R] [--password-stdin]
 *               [ACCOUNT-PARAMETER-OPTIONS]
 *   account set AOR ACCOUNT-PARAMETER-OPTIONS
 *   account list | remove AOR | import [ACCOUNTS-FILE]
 *   vault status | rekey [--to SOURCE] [--new-passphrase-fd N]
 *   (each also takes --passphrase-fd N for a passphrase vault)
 *
 * Secrets come from a no-echo terminal prompt or stdin
 * (--password-stdin) or a file descriptor, never from argv.  They live in
 * sodium_malloc'd memory and are wiped after use.  Every change saves the
 * vault (previous one kept as vault.bak), reads it back to verify, and
 * only then rewrites the accounts file.  A running baresip's
 * octasip_credstore notices the replaced files and applies the change (it
 * is not contacted: ctrl.h).  The account-parameter options (--regint,
 * --param K=V ...) are parsed and written by cli_acctparam.c.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "cli_acctenc.h"
#include "cli_acctparam.h"
#include "octasip_credstore/acctfile.h"
#include "common/cfgedit.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "common/profile.h"
#include "privacy/shred.h"
#include "octasip_credstore/vault.h"


struct cs {
	const struct cli_ctx *ctx;
	char vault[4200];
	char accounts[4200];
	char config[4200];
	char cred_name[256];
	char ks_conf[32];
	struct keysrc_opt ko;
	int new_pass_fd;
	const char *to;
	const char *auth_user;
	const char *realm;
	bool password_stdin;
	struct acct_prms prm;      /* account add / set parameters  */
	int lock_fd;               /* the vault's lock, held to exit */
};


static int cs_setup(struct cs *cs, const struct cli_ctx *ctx)
{
	const char *cd = getenv("CREDENTIALS_DIRECTORY");

	memset(cs, 0, sizeof(*cs));
	cs->ctx = ctx;
	cs->new_pass_fd = -1;
	cs->lock_fd = -1;

	if (sodium_init() < 0)
		return cli_err("libsodium failed to initialise");

	if (fio_path(cs->vault, sizeof(cs->vault), ctx->profile,
		     PROFILE_VAULT) ||
	    fio_path(cs->accounts, sizeof(cs->accounts), ctx->profile,
		     PROFILE_ACCOUNTS) ||
	    fio_path(cs->config, sizeof(cs->config), ctx->profile,
		     PROFILE_CONFIG))
		return cli_err("profile path too long");

	(void)snprintf(cs->cred_name, sizeof(cs->cred_name), "%s",
		       KEYSRC_CRED_DEFAULT);
	(void)cfg_file_get(cs->config, "octasip_credstore_credential",
			   cs->cred_name, sizeof(cs->cred_name));
	(void)snprintf(cs->ks_conf, sizeof(cs->ks_conf), "auto");
	(void)cfg_file_get(cs->config, "octasip_credstore_key",
			   cs->ks_conf, sizeof(cs->ks_conf));

	cs->ko.profile = ctx->profile;
	cs->ko.cred_dir = cd;
	cs->ko.cred_name = cs->cred_name;
	cs->ko.pass_fd = -1;
	cs->ko.pass_tty = true;

	return 0;
}


const char cli_account_help[] =
	"usage: octasip account add AOR [--auth-user U] [--realm R]"
	" [--password-stdin] [PARAMS]\n"
	"       octasip account set AOR PARAMS\n"
	"       octasip account list\n"
	"       octasip account remove AOR\n"
	"       octasip account import [FILE]\n"
	"\n"
	"The password goes into the vault, never into accounts; it is read"
	"\n"
	"from the terminal, or from stdin with --password-stdin, never"
	" from\nthe command line.  import moves ;auth_pass= values of the"
	" accounts\nfile (or FILE) into the vault.\n"
	"\n"
	"  --auth-user U    user name for authentication\n"
	"  --realm R        realm the password is for\n"
	"  --password-stdin read the password from stdin\n"
	"  --passphrase-fd N  read the vault's passphrase from file"
	" descriptor N\n"
	"PARAMS (account parameters, on add and set):\n"
	"  --regint N       registration interval in seconds (0: none)\n"
	"  --answermode M   manual, early or auto\n"
	"  --transport T    udp, tcp or tls\n"
	"  --mediaenc E     srtp, srtp-mand, srtp-mandf, dtls_srtp or none\n"
	"  --outbound URI   outbound proxy (sip: or sips: URI)\n"
	"  --param K=V      any other parameter; K= removes it\n";

const char cli_vault_help[] =
	"usage: octasip vault status [--passphrase-fd N]\n"
	"       octasip vault rekey [--to SOURCE] [--passphrase-fd N]"
	" [--new-passphrase-fd N]\n"
	"\n"
	"status   where the vault's key is and whether it opens\n"
	"rekey    the vault sealed with a new key (from SOURCE)\n"
	"  --to SOURCE      keyring, systemd, passphrase or keyfile\n"
	"  --passphrase-fd N  the current passphrase from file descriptor"
	" N\n"
	"  --new-passphrase-fd N  the new passphrase from file descriptor"
	" N\n";

enum {
	OPT_PASS_FD = 256, OPT_NEW_PASS_FD, OPT_TO, OPT_AUTH_USER,
	OPT_REALM, OPT_PASSWORD_STDIN,
	/* account parameters (cli_acctparam.h) */
	OPT_REGINT, OPT_ANSWERMODE, OPT_TRANSPORT, OPT_MEDIAENC,
	OPT_OUTBOUND, OPT_PARAM,
};

static const struct option opts_account[] = {
	{"auth-user",      required_argument, NULL, OPT_AUTH_USER},
	{"realm",          required_argument, NULL, OPT_REALM},
	{"password-stdin", no_argument,       NULL, OPT_PASSWORD_STDIN},
	{"passphrase-fd",  required_argument, NULL, OPT_PASS_FD},
	{"regint",         required_argument, NULL, OPT_REGINT},
	{"answermode",     required_argument, NULL, OPT_ANSWERMODE},
	{"transport",      required_argument, NULL, OPT_TRANSPORT},
	{"mediaenc",       required_argument, NULL, OPT_MEDIAENC},
	{"outbound",       required_argument, NULL, OPT_OUTBOUND},
	{"param",          required_argument, NULL, OPT_PARAM},
	{NULL, 0, NULL, 0},
};

static const struct option opts_vault[] = {
	{"to",                required_argument, NULL, OPT_TO},
	{"passphrase-fd",     required_argument, NULL, OPT_PASS_FD},
	{"new-passphrase-fd", required_argument, NULL, OPT_NEW_PASS_FD},
	{NULL, 0, NULL, 0},
};


/*
 * cs set up for "octasip account|vault ACTION ..." (argv[0] is account
 * or vault) and its options read; the operands into posv.  Usage errors
 * come first: they need no profile.
 */
static int cs_begin(struct cs *cs, const struct cli_ctx *ctx, int argc,
		    char **argv, const struct option *opts,
		    const char **posv, int posmax, int *posc)
{
	const char *cmd = argv[0];
	size_t k;
	int c;

	if (cs_setup(cs, ctx))
		return 1;

	/* getopt_long sees the action as its argv[0] */
	--argc;
	++argv;
	*posc = 0;

	while ((c = cli_getopt(argc, argv, cmd, opts)) != -1) {

		switch (c) {

		case OPT_PASS_FD:
			if (cli_fd_arg(cmd, "--passphrase-fd", optarg,
				       &cs->ko.pass_fd))
				return CLI_EXIT_USAGE;
			break;

		case OPT_NEW_PASS_FD:
			if (cli_fd_arg(cmd, "--new-passphrase-fd", optarg,
				       &cs->new_pass_fd))
				return CLI_EXIT_USAGE;
			break;

		case OPT_TO:             cs->to = optarg;            break;
		case OPT_AUTH_USER:      cs->auth_user = optarg;     break;
		case OPT_REALM:          cs->realm = optarg;         break;
		case OPT_PASSWORD_STDIN: cs->password_stdin = true;  break;

		case OPT_REGINT:
		case OPT_ANSWERMODE:
		case OPT_TRANSPORT:
		case OPT_MEDIAENC:
		case OPT_OUTBOUND:
		case OPT_PARAM:
			for (k = 0; opts[k].val != c; ++k)
				;
			if (acctprm_opt(&cs->prm, opts[k].name, optarg))
				return 1;
			break;

		default:
			return CLI_EXIT_USAGE;
		}
	}

	for (; optind < argc; ++optind) {
		if (*posc >= posmax)
			return cli_usage(cmd, "unexpected argument '%s'",
					 argv[optind]);
		posv[(*posc)++] = argv[optind];
	}

	return 0;
}


static int source_choose(struct cs *cs, const char *name, enum keysrc *ks)
{
	if (!name || !strcmp(name, "auto")) {
		*ks = keysrc_default();
		return 0;
	}

	if (keysrc_from_name(name, ks))
		return cli_err("unknown key source '%s' (keyring, systemd,"
			       " passphrase, keyfile or auto)", name);

	return 0;
}


/* A new, empty vault sealed with source ks; key material stored */
static int vault_create(struct cs *cs, enum keysrc ks, struct vault **vp)
{
	struct vault_hdr hdr;
	uint8_t *key;
	char msg[1024] = "";
	int err;

	key = sodium_malloc(VAULT_KEY_LEN);
	if (!key)
		return cli_err("out of memory");

	err = keysrc_new(ks, &cs->ko, &hdr, key, msg, sizeof(msg));
	if (!err)
		err = vault_alloc(vp, &hdr, key);
	sodium_free(key);

	if (err) {
		(void)cli_err("%s", msg[0] ? msg : strerror(err));
		return err == KEYSRC_ELOCKED ? CLI_EXIT_LOCKED : 1;
	}

	return 0;
}


static int cached_key(const struct vault_hdr *hdr, uint8_t *key,
		      char *errbuf, size_t errsz, void *arg)
{
	const struct vault *v = arg;

	(void)hdr; (void)errbuf; (void)errsz;
	memcpy(key, v->key, VAULT_KEY_LEN);

	return 0;
}


static int vault_verify(struct cs *cs, const struct vault *v)
{
	struct vault *chk = NULL;
	char msg[1024] = "";
	size_t i;
	int err;

	err = vault_open(&chk, cs->vault, cached_key, (void *)v, msg,
			 sizeof(msg));
	if (err)
		return cli_err("the vault did not read back: %s", msg);

	err = chk->recc != v->recc;
	for (i = 0; !err && i < v->recc; ++i)
		err = sodium_memcmp(&chk->recv[i], &v->recv[i],
				    sizeof(v->recv[i])) != 0;
	vault_free(chk);

	if (err)
		return cli_err("the vault did not read back identically;"
			       " nothing else was changed");

	return 0;
}


/*
 * Opens the vault, or creates an empty one if create and there is none.
 * The vault's lock is taken first and kept until the tool exits, so that
 * a running baresip's credstore (which writes an account's first realm,
 * P-CRED-3) cannot write between this read and our save.
 */
static int cs_open(struct cs *cs, bool create, struct vault **vp)
{
	char msg[1024] = "";
	enum keysrc ks;
	int err;

	/*
	 * No profile directory, or one we cannot write (read-only file
	 * system, another owner): nobody can write this vault through us,
	 * and a save fails on its own with its own message.
	 */
	if (cs->lock_fd < 0) {
		err = vault_lock(cs->vault, true, &cs->lock_fd);
		if (err && err != ENOENT && err != EROFS && err != EACCES)
			return cli_err("cannot lock %s.lock: %s", cs->vault,
				       strerror(err));
	}

	if (!fio_exists(cs->vault)) {
		if (!create)
			return cli_err("no vault at %s (run 'octasip init')",
				       cs->vault);
		err = source_choose(cs, cs->ks_conf, &ks);
		if (!err)
			err = vault_create(cs, ks, vp);
		if (!err)
			err = vault_save(*vp, cs->vault, false, msg,
					 sizeof(msg)) ?
				cli_err("%s", msg) : 0;
		if (!err)
			err = keysrc_commit(ks, &cs->ko, msg, sizeof(msg)) ?
				cli_err("%s", msg) : 0;
		return err;
	}

	err = vault_open(vp, cs->vault, keysrc_get, &cs->ko, msg,
			 sizeof(msg));
	if (err) {
		(void)cli_err("%s", msg);
		return err == KEYSRC_ELOCKED ? CLI_EXIT_LOCKED : 1;
	}

	return 0;
}


/*
 * keep_bak: the previous vault becomes vault.bak.  Without it (account
 * remove) vault.bak gets the new content too, so a removed secret is left
 * in neither file.
 */
static int cs_save(struct cs *cs, struct vault *v, bool keep_bak)
{
	char msg[1024] = "";

	if (vault_save(v, cs->vault, keep_bak, msg, sizeof(msg)))
		return cli_err("%s", msg);

	return vault_verify(cs, v);
}


/*
 * A running baresip's credential store watches the profile and applies
 * the change by itself (re-reads the vault, creates or deletes the
 * account): nothing is sent to it.  Say so if one runs.
 */
static void note_running(const struct cs *cs)
{
	if (ctrl_running(cs->ctx->profile))
		(void)printf("running baresip: octasip_credstore applies"
			     " this change by itself\n");
}


/* P-CRED-2: a secret comes from a no-echo prompt or stdin, never argv */
static int read_secret(struct cs *cs, char *buf, size_t sz)
{
	char msg[512] = "";
	int err;

	if (cs->password_stdin)
		err = passphrase_read(STDIN_FILENO, false, "", buf, sz, msg,
				      sizeof(msg));
	else if (!isatty(STDIN_FILENO))
		return cli_err("stdin is not a terminal: give the password"
			       " with --password-stdin");
	else
		err = passphrase_read(-1, true, "SIP password: ", buf, sz,
				      msg, sizeof(msg));

	if (err == EINVAL)
		return cli_err("empty password");
	if (err)
		return cli_err("%s", strstr(msg, "passphrase") ?
			       "cannot read the password" : msg);

	return 0;
}


/*
 * accounts file helpers
 */

/* Does the accounts text have a line for aor? */
struct has_aor {
	const char *aor;
	bool found;
};


static void has_aor_line(const char *line, size_t len, const char *aor,
			 void *arg)
{
	struct has_aor *h = arg;

	(void)line;
	(void)len;

	if (aor_equal(aor, h->aor))
		h->found = true;
}


static bool accounts_has(const char *text, const char *aor)
{
	struct has_aor h = {aor, false};

	acct_each(text, has_aor_line, &h, NULL);

	return h.found;
}


/*
 * account add
 */
/* P-CRED-1: the secret goes to the vault, the accounts line has none */
static int account_add(struct cs *cs, const char *aor)
{
	struct vault *v = NULL;
	char *secret = NULL, *text = NULL, *out = NULL;
	char line[1024];
	bool have_line = false, prm = cs->prm.n || cs->prm.transport[0];
	int err;

	if (!acct_aor_valid(aor))
		return cli_err("'%s' is not a SIP URI (sip:user@domain)",
			       aor);
	if (acctprm_uri_check(aor))
		return 1;
	if (acct_line_new(aor, line, sizeof(line)))
		return cli_err("account URI too long");
	if (cs->auth_user && strlen(cs->auth_user) >= VREC_USER_MAX)
		return cli_err("--auth-user is too long");

	secret = sodium_malloc(VREC_SECRET_MAX);
	if (!secret)
		return cli_err("out of memory");

	err = read_secret(cs, secret, VREC_SECRET_MAX);
	if (err)
		goto out;

	err = acct_file_read(cs->accounts, &text);
	if (err) {
		err = cli_err("cannot read %s: %s", cs->accounts,
			      strerror(err));
		goto out;
	}

	/* a new account: encryption by default (cli_acctenc.c) */
	if (!accounts_has(text, aor) &&
	    acctenc_choose(cs->config, aor, &cs->prm)) {
		err = cli_err("out of memory");
		goto out;
	}
	prm = cs->prm.n || cs->prm.transport[0];

	/* the new line first: a bad parameter changes nothing */
	err = acctprm_text_apply(text, aor, &cs->prm, true, &out, &have_line);
	if (err) {
		err = 1;
		goto out;
	}

	err = cs_open(cs, true, &v);
	if (err)
		goto out;

	err = vault_put(v, aor, cs->auth_user, cs->realm, secret);
	if (err) {
		err = cli_err("cannot store the account: %s", strerror(err));
		goto out;
	}

	err = cs_save(cs, v, true);
	if (err)
		goto out;

	if (!have_line || prm) {
		err = fio_write_atomic(cs->accounts, out, strlen(out), 0600);
		if (err) {
			err = cli_err("cannot write %s: %s (the secret is"
				      " in the vault)", cs->accounts,
				      strerror(err));
			goto out;
		}
	}

	(void)printf("%s %s (secret in the vault, key source %s)\n",
		     have_line ? "updated" : "added", aor,
		     keysrc_name(v->hdr.keysrc));
	note_running(cs);

 out:
	sodium_free(secret);
	sodium_free(text);
	sodium_free(out);
	vault_free(v);
	return err;
}


/*
 * account set AOR --param K=V ...: only the accounts line changes
 */
static int account_set(struct cs *cs, const char *aor)
{
	char *text = NULL, *out = NULL;
	bool found;
	int err;

	if (!cs->prm.n && !cs->prm.transport[0])
		return cli_usage("account", "account set needs an account"
				 " parameter (--regint, --param K=V, ...)");

	err = acct_file_read(cs->accounts, &text);
	if (err)
		return cli_err("cannot read %s: %s", cs->accounts,
			       strerror(err));

	err = acctprm_text_apply(text, aor, &cs->prm, false, &out, &found);
	if (err == ENOENT) {
		err = cli_err("no account %s in %s (see 'octasip account"
			      " list')", aor, cs->accounts);
		goto out;
	}
	if (err) {
		err = 1;
		goto out;
	}

	err = fio_write_atomic(cs->accounts, out, strlen(out), 0600);
	if (err) {
		err = cli_err("cannot write %s: %s", cs->accounts,
			      strerror(err));
		goto out;
	}

	(void)printf("updated %s\n", aor);
	if (ctrl_running(cs->config))
		(void)printf("running baresip: restart it to use the new"
			     " parameters\n");

 out:
	sodium_free(text);
	sodium_free(out);
	return err;
}


/*
 * account list
 */
static int account_list(struct cs *cs)
{
	struct vault *v = NULL;
	char *text = NULL, *pass;
	const char *p;
	char where[512];
	size_t i;
	int err;

	err = cs_open(cs, false, &v);
	if (err)
		return err;

	if (acct_file_read(cs->accounts, &text)) {
		vault_free(v);
		return cli_err("cannot read %s", cs->accounts);
	}

	pass = sodium_malloc(VREC_SECRET_MAX);
	keysrc_describe(v->hdr.keysrc, &cs->ko, where, sizeof(where));
	(void)printf("key source: %s\n", where);

	for (p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char out[2048], e[256], tp[64], me[64];
		struct acct_parsed ap;
		const struct vault_rec *r;

		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = pass ? VREC_SECRET_MAX : 0;

		if (acct_parse(p, n, out, sizeof(out), &ap, e, sizeof(e))) {
			(void)printf("  (malformed accounts line: %s)\n", e);
		}
		else if (ap.is_account) {
			r = vault_find(v, ap.aor);
			acctenc_describe(p, n, tp, sizeof(tp), me,
					 sizeof(me));
			/* the realm its digest goes to, if known:
			 * given, or pinned at its first registration */
			(void)printf("%s\tauth user: %s\tsecret: %s"
				     "\ttransport: %s\tmedia: %s%s%s\n",
				     ap.aor,
				     r && r->user[0] ? r->user :
				     (ap.has_user ? ap.user : "(from URI)"),
				     r ? "in vault" :
				     ap.has_pass ? "PLAINTEXT in accounts"
				     " (run 'octasip account import')" :
				     "missing", tp, me,
				     r && r->realm[0] ? "\trealm: " : "",
				     r ? r->realm : "");
		}
		p += n + (eol ? 1 : 0);
	}

	for (i = 0; i < v->recc; ++i) {
		if (!accounts_has(text, v->recv[i].aor))
			(void)printf("%s\tvault only (no accounts line)\n",
				     v->recv[i].aor);
	}

	sodium_free(pass);
	sodium_free(text);
	vault_free(v);

	return 0;
}


/*
 * account remove
 */
/* P-ACCT-1: the line, the vault record and its backup go at once */
static int account_remove(struct cs *cs, const char *aor)
{
	struct vault *v = NULL;
	char *text = NULL, *out = NULL;
	bool in_vault, in_file = false;
	const char *p;
	size_t o = 0;
	int err;

	err = cs_open(cs, false, &v);
	if (err)
		return err;

	err = acct_file_read(cs->accounts, &text);
	if (err) {
		vault_free(v);
		return cli_err("cannot read %s", cs->accounts);
	}

	out = malloc(strlen(text) + 1);
	if (!out) {
		err = cli_err("out of memory");
		goto done;
	}

	for (p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		size_t step = n + (eol ? 1 : 0);
		char line[2048], e[256];
		struct acct_parsed ap;

		memset(&ap, 0, sizeof(ap));
		if (acct_parse(p, n, line, sizeof(line), &ap, e,
			       sizeof(e)) == 0 && ap.is_account &&
		    aor_equal(ap.aor, aor)) {
			in_file = true;
		}
		else {
			memcpy(out + o, p, step);
			o += step;
		}
		p += step;
	}
	out[o] = '\0';

	in_vault = vault_remove(v, aor) == 0;
	if (!in_vault && !in_file) {
		err = cli_err("no account %s (see 'octasip account list')",
			      aor);
		goto done;
	}

	if (in_vault) {
		err = cs_save(cs, v, false);
		if (err)
			goto done;
	}

	if (in_file) {
		err = fio_write_atomic(cs->accounts, out, o, 0600);
		if (err) {
			err = cli_err("cannot write %s: %s", cs->accounts,
				      strerror(err));
			goto done;
		}
	}

	(void)printf("removed %s\n", aor);
	note_running(cs);

 done:
	free(out);
	sodium_free(text);
	vault_free(v);
	return err;
}


/*
 * account import
 */

/*
 * A symbolic link is followed: the passwords are in its target (a
 * dotfiles repository, typically), so that is the file rewritten, and
 * the link stays.  Replacing the link by a new file would leave the
 * target with every password while saying the file holds none; refusing
 * would leave them there too, for the user to remove by hand.
 */
static int import_path(const char *path, char **realp)
{
	struct stat st;

	*realp = realpath(path, NULL);
	if (!*realp)
		return errno;

	if (!lstat(path, &st) && S_ISLNK(st.st_mode))
		(void)fprintf(stderr, "octasip: note: %s is a symbolic link:"
			      " rewriting its target %s, where the passwords"
			      " are\n", path, *realp);

	return 0;
}


/*
 * The plaintext leaves the file's blocks, not only its name: the new
 * text is renamed into place first (a crash leaves the old file or the
 * new one, never neither), then the old inode, still open here, is
 * overwritten in place with random bytes and fsynced (shred_fd(), as
 * data wipe does).  A file with other hard links (a backup, a copy in
 * another directory) then gets the new text too, so no name keeps a
 * password or loses an account.
 */
static int import_rewrite(const char *path, const char *text, size_t len)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && fstat(fd, &st)) {
		(void)close(fd);
		fd = -1;
	}
	if (fd < 0)
		(void)fprintf(stderr, "octasip: warning: cannot open %s to"
			      " overwrite it in place: the old blocks are"
			      " freed, not overwritten\n", path);
	else if (st.st_nlink > 1)
		(void)fprintf(stderr, "octasip: warning: %s has %lu hard"
			      " links: every name of it is rewritten without"
			      " the passwords\n", path,
			      (unsigned long)st.st_nlink);

	err = fio_write_atomic(path, text, len, 0600);
	if (err || fd < 0)
		goto out;

	err = shred_fd(fd);
	if (!err && st.st_nlink > 1) {
		if (pwrite(fd, text, len, 0) != (ssize_t)len)
			err = errno ? errno : EIO;
		else if (ftruncate(fd, (off_t)len) || fsync(fd))
			err = errno;
	}
	if (err)
		(void)fprintf(stderr, "octasip: warning: %s: overwriting the"
			      " old text in place failed: %s\n", path,
			      strerror(err));
	err = 0;   /* the file itself was rewritten */

 out:
	if (fd >= 0)
		(void)close(fd);

	return err;
}


/*
 * Every line of text checked (all before anything is written), its
 * ;auth_pass= put into the vault, and the file's new text (without the
 * secrets and their ;auth_user=) into out, *op bytes.  0, or the error
 * already reported.
 */
static int import_lines(struct vault *v, const char *path, const char *text,
			char *out, size_t *op, char *pass, size_t *moved)
{
	size_t o = 0, lineno = 0;
	const char *p;
	int err;

	for (p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[2048], e[256];
		struct acct_parsed ap;

		++lineno;
		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = VREC_SECRET_MAX;

		err = acct_parse(p, n, line, sizeof(line), &ap, e,
				 sizeof(e));
		if (err)
			return cli_err("%s:%zu: %s; nothing was imported",
				       path, lineno, e);

		if (ap.has_pass) {
			err = vault_put(v, ap.aor, ap.user, NULL, pass);
			if (err)
				return cli_err("%s:%zu: cannot store: %s;"
					       " nothing was imported", path,
					       lineno, strerror(err));
			++*moved;
		}

		/* ;auth_user= goes too when its secret moved: a line with
		 * auth_user and no auth_pass makes baresip prompt */
		if (!ap.has_pass) {
			memcpy(line, p, n);
			line[n] = '\0';
		}

		n = strlen(line);
		memcpy(out + o, line, n);
		o += n;
		if (eol)
			out[o++] = '\n';

		p = eol ? eol + 1 : p + strlen(p);
	}
	out[o] = '\0';
	*op = o;

	return 0;
}


/* Accounts from another file join the profile's accounts file (its
 * text: prof), those it does not have yet */
static int import_merge(const struct cs *cs, const char *prof,
			const char *out, size_t o)
{
	char *merged = malloc(strlen(prof) + o + 2);
	size_t po;
	const char *q;
	int err;

	if (!merged)
		return cli_err("out of memory");

	po = strlen(prof);
	memcpy(merged, prof, po);
	if (po && merged[po - 1] != '\n')
		merged[po++] = '\n';
	for (q = out; *q;) {
		const char *eol = strchr(q, '\n');
		size_t n = eol ? (size_t)(eol - q) : strlen(q);
		char line[2048], e[256];
		struct acct_parsed ap;

		memset(&ap, 0, sizeof(ap));
		if (acct_parse(q, n, line, sizeof(line), &ap, e,
			       sizeof(e)) == 0 && ap.is_account &&
		    !accounts_has(prof, ap.aor)) {
			memcpy(merged + po, q, n);
			po += n;
			merged[po++] = '\n';
		}
		q += n + (eol ? 1 : 0);
	}
	err = fio_write_atomic(cs->accounts, merged, po, 0600);
	free(merged);
	if (err)
		return cli_err("cannot write %s: %s", cs->accounts,
			       strerror(err));

	return 0;
}


static int account_import(struct cs *cs, const char *file)
{
	struct vault *v = NULL;
	char *text = NULL, *out = NULL, *pass = NULL, *prof = NULL;
	char *real = NULL, *preal = NULL;
	const char *path = file ? file : cs->accounts;
	bool other;
	size_t o = 0, moved = 0;
	int err;

	err = import_path(path, &real);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));
	path = real;
	other = file && (!(preal = realpath(cs->accounts, NULL)) ||
			 strcmp(real, preal));
	free(preal);

	err = acct_file_read(path, &text);
	if (err)
		return cli_err("cannot read %s: %s", path, strerror(err));

	if (other && acct_file_read(cs->accounts, &prof)) {
		sodium_free(text);
		return cli_err("cannot read %s", cs->accounts);
	}

	out  = malloc(strlen(text) + 2);
	pass = sodium_malloc(VREC_SECRET_MAX);
	if (!out || !pass) {
		err = cli_err("out of memory");
		goto done;
	}

	err = cs_open(cs, true, &v);
	if (!err)
		err = import_lines(v, path, text, out, &o, pass, &moved);
	sodium_memzero(pass, VREC_SECRET_MAX);
	if (err)
		goto done;

	if (!moved) {
		(void)printf("no ;auth_pass= in %s: nothing to import\n",
			     path);
		goto done;
	}

	/* the vault first, verified; only then the plaintext goes */
	err = cs_save(cs, v, true);
	if (err)
		goto done;

	err = import_rewrite(path, out, o);
	if (err) {
		err = cli_err("cannot rewrite %s: %s (the secrets are in"
			      " the vault; remove ;auth_pass= by hand)",
			      path, strerror(err));
		goto done;
	}

	if (other) {
		err = import_merge(cs, prof, out, o);
		if (err)
			goto done;
	}

	(void)printf("imported %zu password%s from %s into the vault (key"
		     " source %s); %s no longer holds any\n", moved,
		     moved == 1 ? "" : "s", path,
		     keysrc_name(v->hdr.keysrc), path);
	note_running(cs);

 done:
	free(out);
	free(real);
	sodium_free(pass);
	sodium_free(text);
	sodium_free(prof);
	vault_free(v);
	return err;
}


int cli_account(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {
		"add", "set", "list", "remove", "import", NULL
	};
	/* operands of each: exactly, or -1: 0 or 1 */
	static const int posn[] = {1, 1, 0, 1, -1};
	const char *posv[2];
	struct cs cs;
	int k, posc, err;

	k = cli_action(argc, argv, actv);
	if (k < 0)
		return -k;

	err = cs_begin(&cs, ctx, argc, argv, opts_account, posv, 2, &posc);
	if (err)
		return err;

	if ((cs.prm.n || cs.prm.transport[0]) && strcmp(argv[1], "add") &&
	    strcmp(argv[1], "set"))
		return cli_usage("account", "account parameters go with"
				 " 'account add' or 'account set'");

	if (posc < posn[k])
		return cli_usage("account", "account %s needs AOR", argv[1]);
	if (posc > (posn[k] >= 0 ? posn[k] : 1))
		return cli_usage("account", "unexpected argument '%s'",
				 posv[posc - 1]);

	err = cli_profile_require(ctx);
	if (err)
		return err;

	if (!strcmp(argv[1], "add"))
		return account_add(&cs, posv[0]);
	if (!strcmp(argv[1], "set"))
		return account_set(&cs, posv[0]);
	if (!strcmp(argv[1], "list"))
		return account_list(&cs);
	if (!strcmp(argv[1], "remove"))
		return account_remove(&cs, posv[0]);

	return account_import(&cs, posc ? posv[0] : NULL);
}


/*
 * vault status | rekey
 */
static int vault_status(struct cs *cs)
{
	struct vault_hdr hdr;
	struct vault *v = NULL;
	char msg[1024] = "", where[512];
	int err;

	if (!fio_exists(cs->vault))
		return cli_err("no vault at %s (run 'octasip init')",
			       cs->vault);

	err = vault_read_header(cs->vault, &hdr, msg, sizeof(msg));
	if (err)
		return cli_err("%s", msg);

	keysrc_describe(hdr.keysrc, &cs->ko, where, sizeof(where));
	(void)printf("vault: %s\nformat: %u\nkey source: %s\n", cs->vault,
		     hdr.version, where);
	if (hdr.kdf == VAULT_KDF_ARGON2ID13)
		(void)printf("kdf: argon2id opslimit %llu memlimit %llu"
			     " MiB\n", (unsigned long long)hdr.opslimit,
			     (unsigned long long)(hdr.memlimit >> 20));

	err = vault_open(&v, cs->vault, keysrc_get, &cs->ko, msg,
			 sizeof(msg));
	if (err) {
		(void)cli_err("%s", msg);
		return err == KEYSRC_ELOCKED ? CLI_EXIT_LOCKED : 1;
	}

	(void)printf("records: %zu\nintegrity: ok\n", v->recc);
	vault_free(v);

	return 0;
}


static int vault_rekey(struct cs *cs)
{
	struct vault *v = NULL, *nv = NULL;
	uint8_t old_check[VAULT_CHECK_LEN], new_check[VAULT_CHECK_LEN];
	enum keysrc old, ks;
	char msg[1024] = "";
	int err;

	err = cs_open(cs, false, &v);
	if (err)
		return err;
	old = v->hdr.keysrc;
	vault_key_check(old_check, v->key);

	err = source_choose(cs, cs->to ? cs->to : keysrc_name(old), &ks);
	if (err)
		goto out;

	cs->ko.pass_fd = cs->new_pass_fd;
	err = vault_create(cs, ks, &nv);
	if (err)
		goto out;

	/* the records move over in sodium memory */
	for (size_t i = 0; !err && i < v->recc; ++i)
		err = vault_put(nv, v->recv[i].aor, v->recv[i].user,
				v->recv[i].realm, v->recv[i].secret);
	if (err) {
		err = cli_err("out of memory");
		goto out;
	}

	/* the backup must open with the new key too: reseal it */
	err = vault_save(nv, cs->vault, false, msg, sizeof(msg));
	if (err) {
		err = cli_err("%s (the vault is unchanged)", msg);
		goto out;
	}
	err = keysrc_commit(ks, &cs->ko, msg, sizeof(msg));
	if (err) {
		err = cli_err("%s", msg);
		goto out;
	}
	err = vault_verify(cs, nv);
	if (err)
		goto out;

	vault_key_check(new_check, nv->key);
	keysrc_forget(old, &cs->ko, old_check, new_check);

	keysrc_describe(ks, &cs->ko, msg, sizeof(msg));
	(void)printf("vault re-keyed: %zu records, key source %s\n",
		     nv->recc, msg);
	(void)printf("restart baresip to use the new key\n");

 out:
	vault_free(v);
	vault_free(nv);
	return err;
}


int cli_vault(int argc, char **argv, struct cli_ctx *ctx)
{
	static const char *const actv[] = {"status", "rekey", NULL};
	const char *posv[1];
	struct cs cs;
	int k, posc, err;

	k = cli_action(argc, argv, actv);
	if (k < 0)
		return -k;

	err = cs_begin(&cs, ctx, argc, argv, opts_vault, posv, 0, &posc);
	if (err)
		return err;

	err = cli_profile_require(ctx);
	if (err)
		return err;

	return k == 0 ? vault_status(&cs) : vault_rekey(&cs);
}


int cli_credstore_profile_init(const struct cli_ctx *ctx)
{
	struct vault_hdr hdr;
	struct vault *v = NULL;
	char msg[1024] = "", where[512];
	struct cs cs;
	int err;

	if (cs_setup(&cs, ctx))
		return 1;

	if (fio_exists(cs.vault)) {
		err = vault_read_header(cs.vault, &hdr, msg, sizeof(msg));
		if (err)
			return cli_err("%s", msg);
		keysrc_describe(hdr.keysrc, &cs.ko, where, sizeof(where));
		(void)printf("vault: %s, key source: %s\n", cs.vault, where);
		return 0;
	}

	err = cs_open(&cs, true, &v);
	if (err)
		return err;

	keysrc_describe(v->hdr.keysrc, &cs.ko, where, sizeof(where));
	(void)printf("vault: created %s, key source: %s\n", cs.vault,
		     where);
	vault_free(v);

	return 0;
}
