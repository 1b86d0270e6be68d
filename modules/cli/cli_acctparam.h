/**
 * @file cli_acctparam.h  Account parameters given as options to
 *                        `octasip account add` and `account set`
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CLI_ACCTPARAM_H
#define OCTASIP_CLI_ACCTPARAM_H

#include <stdbool.h>
#include <stddef.h>

enum { ACCTPRM_MAX = 24, ACCTPRM_KEY = 32, ACCTPRM_VAL = 256 };

struct acct_prm {
	char key[ACCTPRM_KEY];
	char val[ACCTPRM_VAL];     /* "" removes the parameter          */
};

struct acct_prms {
	struct acct_prm v[ACCTPRM_MAX];
	size_t n;
	char transport[8];         /* a URI parameter; "" = unchanged   */
};

/*
 * Validates and records an account-parameter option: name is regint,
 * answermode, transport, mediaenc, outbound or param (v is K=V), without
 * the dashes.  0, or -1 after printing an error.
 */
int acctprm_opt(struct acct_prms *ps, const char *name, const char *v);

/* Is an account parameter in aor's URI (where baresip would send it to
 * the registrar)?  Prints the error and returns EINVAL if so. */
int acctprm_uri_check(const char *aor);

/*
 * The accounts text with aor's line changed by ps.  If aor has no line
 * and add is true, "<aor>" with ps is appended; if add is false that is
 * ENOENT.  *outp is sodium_malloc'd (the text may hold passwords):
 * sodium_free() it.  *found tells whether aor had a line.  0 or errno
 * (an error message printed).
 */
int acctprm_text_apply(const char *text, const char *aor,
		       const struct acct_prms *ps, bool add, char **outp,
		       bool *found);

#endif
