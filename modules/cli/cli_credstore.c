/**
 * @file cli_credstore.c  octasip vault, and what octasip account shares
 *
 *   vault status | rekey [--to SOURCE] [--new-passphrase-fd N]
 *   (each also takes --passphrase-fd N for a passphrase vault)
 *
 * The vault side of both subcommands (cli_credstore.h): their options
 * read, the vault opened (created on first use), saved and verified.
 * Every change saves the vault (previous one kept as vault.bak), reads
 * it back to verify, and only then rewrites the accounts file.  A
 * running baresip's octasip_credstore notices the replaced files and
 * applies the change (it is not contacted: ctrl.h).  The account actions
 * are in cli_account.c and cli_acctimport.c.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cli.h"
#include "cli_acctparam.h"
#include "cli_credstore.h"
#include "octasip_credstore/acctfile.h"
#include "common/cfgedit.h"
#include "ctrl.h"
#include "common/fileio.h"
#include "octasip_credstore/keysrc.h"
#include "common/profile.h"
#include "octasip_credstore/vault.h"


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
int cs_begin(struct cs *cs, const struct cli_ctx *ctx, int argc,
	     char **argv, const struct option *opts, const char **posv,
	     int posmax, int *posc)
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
int cs_open(struct cs *cs, bool create, struct vault **vp)
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
int cs_save(struct cs *cs, struct vault *v, bool keep_bak)
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
void cs_note_running(const struct cs *cs)
{
	if (ctrl_running(cs->ctx->profile))
		(void)printf("running baresip: octasip_credstore applies"
			     " this change by itself\n");
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


bool cs_accounts_has(const char *text, const char *aor)
{
	struct has_aor h = {aor, false};

	acct_each(text, has_aor_line, &h, NULL);

	return h.found;
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
