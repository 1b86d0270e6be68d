/**
 * @file cli_credstore.h  octasip account and octasip vault: what their
 *                        files share (private to modules/cli)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CLI_CREDSTORE_H
#define OCTASIP_CLI_CREDSTORE_H

#include <stdbool.h>
#include "cli_acctparam.h"
#include "octasip_credstore/keysrc.h"

struct cli_ctx;
struct option;
struct vault;

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

enum {
	OPT_PASS_FD = 256, OPT_NEW_PASS_FD, OPT_TO, OPT_AUTH_USER,
	OPT_REALM, OPT_PASSWORD_STDIN,
	/* account parameters (cli_acctparam.h) */
	OPT_REGINT, OPT_ANSWERMODE, OPT_TRANSPORT, OPT_MEDIAENC,
	OPT_OUTBOUND, OPT_PARAM,
};

/*
 * cs set up for "octasip account|vault ACTION ..." and its options read
 * (opts); the operands into posv (at most posmax, *posc of them)
 */
int cs_begin(struct cs *cs, const struct cli_ctx *ctx, int argc,
	     char **argv, const struct option *opts, const char **posv,
	     int posmax, int *posc);

/* The vault opened (its lock kept until exit), or created if create */
int cs_open(struct cs *cs, bool create, struct vault **vp);

/* v saved (the old vault to vault.bak if keep_bak) and read back */
int cs_save(struct cs *cs, struct vault *v, bool keep_bak);

/* One line if a baresip runs on the profile (it applies the change) */
void cs_note_running(const struct cs *cs);

/* Does the accounts text have a line for aor? */
bool cs_accounts_has(const char *text, const char *aor);

/* cli_acctimport.c: account import [FILE] */
int cs_account_import(struct cs *cs, const char *file);

#endif
