/**
 * @file fuzz_acctfile.c  libFuzzer harness for "octasip account import"
 *
 * Input: an accounts file.  Each line goes through acct_parse() as the
 * import does.  Checks, for any input: no memory error (ASan/UBSan); the
 * rewritten line is NUL-terminated within its buffer; a rewritten account
 * line parses again, to the same AOR, with no ;auth_pass= or ;auth_user=
 * left in it (the import never leaves a secret behind); a failed line
 * gets a reason.
 *
 * Build and run: scripts/fuzz [SECONDS] acctfile
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "octasip_credstore/acctfile.h"
#include "octasip_credstore/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the sizes cs_account_import() (modules/cli/cli_acctimport.c) uses */
enum { LINE_MAX_OUT = 2048, PASS_SZ = VREC_SECRET_MAX };


static void one_line(const char *p, size_t n)
{
	static char out[LINE_MAX_OUT], out2[LINE_MAX_OUT];
	static char pass[PASS_SZ], pass2[PASS_SZ];
	struct acct_parsed ap, ap2;
	char err[256];
	int r;

	memset(&ap, 0, sizeof(ap));
	ap.pass = pass;
	ap.passsz = sizeof(pass);
	err[0] = '\0';

	r = acct_parse(p, n, out, sizeof(out), &ap, err, sizeof(err));
	if (r) {
		if (!err[0])
			abort();      /* an error without a reason */
		return;
	}
	if (!memchr(out, '\0', sizeof(out)))
		abort();
	if (!ap.is_account)
		return;

	memset(&ap2, 0, sizeof(ap2));
	ap2.pass = pass2;
	ap2.passsz = sizeof(pass2);
	r = acct_parse(out, strlen(out), out2, sizeof(out2), &ap2, err,
		       sizeof(err));
	if (r || !ap2.is_account)
		abort();      /* the rewritten line is not an account */
	if (ap2.has_pass || ap2.has_user)
		abort();      /* a secret or user survived the rewrite */
	if (strcmp(ap.aor, ap2.aor))
		abort();      /* the rewrite changed the account */
	if (strcmp(out, out2))
		abort();      /* rewriting is not idempotent */
}


/* splits the text as cs_account_import() does: up to the first NUL */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *p;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	for (p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		one_line(p, n);
		p += n + (eol ? 1 : 0);
	}

	free(text);

	return 0;
}
