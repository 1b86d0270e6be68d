/**
 * @file cli_account.c  octasip account add, set, list and remove
 *
 *   account add AOR [--auth-user U] [--realm R] [--password-stdin]
 *               [ACCOUNT-PARAMETER-OPTIONS]
 *   account set AOR ACCOUNT-PARAMETER-OPTIONS
 *   account list | remove AOR | import [ACCOUNTS-FILE]
 *   (each also takes --passphrase-fd N for a passphrase vault)
 *
 * Secrets come from a no-echo terminal prompt or stdin
 * (--password-stdin) or a file descriptor, never from argv.  They live in
 * sodium_malloc'd memory and are wiped after use.  The vault is opened
 * and saved by cli_credstore.c, account import is cli_acctimport.c.  The
 * account-parameter options (--regint, --param K=V ...) are parsed and
 * written by cli_acctparam.c.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "cli_acctenc.h"
#include "cli_acctparam.h"
#include "cli_credstore.h"
#include "octasip_credstore/acctfile.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "octasip_credstore/vault.h"


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
	if (!cs_accounts_has(text, aor) &&
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
	cs_note_running(cs);

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
	if (ctrl_running(cs->ctx->profile))
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
		if (!cs_accounts_has(text, v->recv[i].aor))
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
	cs_note_running(cs);

 done:
	free(out);
	sodium_free(text);
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

	return cs_account_import(&cs, posc ? posv[0] : NULL);
}
