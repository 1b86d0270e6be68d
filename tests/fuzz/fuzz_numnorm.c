/**
 * @file fuzz_numnorm.c  libFuzzer harness for the number normaliser
 *
 * Input: a URI (any bytes).  Checks, for any input: no memory error
 * (ASan/UBSan); a number that parses is digits only, NUL-terminated; the
 * same URI with its scheme in upper case gives the same answer and key;
 * a number re-spelt with every user-part character %XX-escaped gives the
 * same number and key; and the fraud guard refuses every spelling whose
 * number is under a deny-listed prefix (P-FRAUD-2).
 *
 * Build and run: scripts/fuzz [SECONDS] numnorm
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "octasip_policy/fraud.h"
#include "octasip_policy/numnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct numplan plan = {"44", "00", "0"};


static void digits_only(const char *s, size_t sz, bool nonempty)
{
	const char *end = memchr(s, '\0', sz);

	if (!end || (nonempty && end == s))
		abort();
	for (; s < end; ++s) {
		if (!isdigit((unsigned char)*s))
			abort();
	}
}


static void same(const char *a, const char *b)
{
	struct numnorm na, nb;
	char ka[300], kb[300];
	int ea = numnorm_uri_number(&plan, a, &na);
	int eb = numnorm_uri_number(&plan, b, &nb);

	if (ea != eb || (!ea && strcmp(na.num, nb.num)))
		abort();
	if (numnorm_key(&plan, a, ka, sizeof(ka)) ||
	    numnorm_key(&plan, b, kb, sizeof(kb)) || strcmp(ka, kb))
		abort();
}


static void deny_check(const char *uri, const struct numnorm *n)
{
	struct fraud_cfg cfg;
	struct fraud *f = NULL;
	char rule[128];

	if (!n->e164 || strncmp(n->num, "1900", 4))
		return;

	fraud_cfg_defaults(&cfg);
	(void)snprintf(cfg.cc, sizeof(cfg.cc), "44");
	(void)fraud_list_parse(&cfg.deny, "+1900", NULL, 0);
	(void)fraud_list_parse(&cfg.allow, "none", NULL, 0);
	if (fraud_alloc(&f, &cfg))
		return;
	if (fraud_check_outgoing(f, uri, 0, 0, rule, sizeof(rule)) !=
	    FRAUD_BLOCK)
		abort();
	fraud_free(f);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri, *upper, *esc;
	struct numuri u;
	struct numnorm n;
	size_t i, o;

	if (size > 600)
		return 0;

	uri = calloc(1, size + 1);
	upper = calloc(1, size + 1);
	esc = calloc(1, 3 * NUMNORM_USER_MAX + NUMNORM_HOST_MAX + 16);
	if (!uri || !upper || !esc)
		goto out;
	memcpy(uri, data, size);
	memcpy(upper, data, size);

	if (!numnorm_uri_number(&plan, uri, &n)) {
		digits_only(n.num, sizeof(n.num), true);
		digits_only(n.raw, sizeof(n.raw), false);
		deny_check(uri, &n);
	}

	/* the scheme in any case */
	if (strchr(uri, ':') && !strchr(uri, '<')) {
		for (i = 0; upper[i] && upper[i] != ':'; ++i)
			upper[i] = (char)toupper((unsigned char)upper[i]);
		same(uri, upper);
	}

	/* the number %XX-escaped */
	if (!numnorm_uri(uri, &u) && !u.ctx[0] && u.host[0] &&
	    strspn(u.user, "+0123456789-.() ") == strlen(u.user) &&
	    strspn(u.host, "abcdefghijklmnopqrstuvwxyz0123456789.-") ==
	    strlen(u.host)) {

		o = (size_t)sprintf(esc, "sip:");
		for (i = 0; u.user[i]; ++i)
			o += (size_t)sprintf(esc + o, "%%%02X",
					     (unsigned char)u.user[i]);
		(void)sprintf(esc + o, "@%s", u.host);
		/* escaped past NUMNORM_URI_MAX it is malformed, which the
		 * plain spelling need not be (both are judged, fail closed) */
		if (strlen(esc) < NUMNORM_URI_MAX)
			same(uri, esc);
	}

 out:
	free(uri);
	free(upper);
	free(esc);

	return 0;
}
