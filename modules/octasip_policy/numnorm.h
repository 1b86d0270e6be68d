/**
 * @file numnorm.h  The one number normaliser behind every policy decision
 *
 * Every rule that looks at a number (deny and allow prefixes, the
 * emergency allow-list, the per-source key of the incoming flood cap)
 * reads it through this file, so a number cannot be spelled around a
 * rule (P-FRAUD-2):
 *  - the scheme is matched case-insensitively (sip:, sips:, tel:; a URI
 *    without a scheme is read as sip:), a <...> name-addr is unwrapped
 *    with libre's SIP address parser;
 *  - the user part (tel: the number) is %XX-decoded with libre's URI
 *    unescaping; a malformed escape or a control character makes the
 *    URI malformed (EBADMSG), which the fraud guard refuses;
 *  - RFC 3966 visual separators ( - . ( ) ) and space and '/' are
 *    dropped;
 *  - a phone-context that is a global number prefix ("+1-900", in the
 *    tel: parameters or in a sip: user part as user=phone writes it,
 *    parameter names in any case) is put in front of the local number;
 *  - "+CC..." is E.164; "INTL..." (international prefix) and, with a
 *    country code, "TRUNK..." (trunk prefix) become E.164.
 *
 * Pure C on libre's URI helpers; no baresip.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_NUMNORM_H
#define OCTASIP_NUMNORM_H

#include <stdbool.h>
#include <stddef.h>

#define NUMNORM_URI_MAX  512   /* a longer URI is malformed */
#define NUMNORM_USER_MAX 128
#define NUMNORM_HOST_MAX 128
#define NUMNORM_NUM_MAX  40

/* the numbering plan of the user's country */
struct numplan {
	const char *cc;      /* country code digits, "" = unknown */
	const char *intl;    /* international prefix, e.g. "00"   */
	const char *trunk;   /* national trunk prefix, e.g. "0"    */
};

/* a URI taken apart */
struct numuri {
	char user[NUMNORM_USER_MAX];  /* decoded, cut at ';'; tel: number */
	char ctx[NUMNORM_NUM_MAX];    /* global phone-context digits or "" */
	char host[NUMNORM_HOST_MAX];  /* lower case; "" for tel:          */
};

/* a number */
struct numnorm {
	char num[NUMNORM_NUM_MAX];   /* E.164 digits (no '+') or as dialled */
	char raw[NUMNORM_NUM_MAX];   /* digits as dialled (short codes);
				      * "" under a global phone-context    */
	bool e164;
};

/*
 * Take a URI apart.  EINVAL: no user part (sip:host) or not a URI;
 * EBADMSG: malformed (bad %XX escape, control character, a bad
 * phone-context); E2BIG: a part does not fit.
 */
int numnorm_uri(const char *uri, struct numuri *u);

/*
 * The number of a user part: EINVAL if it is not a number (e.g. "alice":
 * number rules do not apply to it).
 */
int numnorm_number(const struct numplan *np, const char *user,
		   const char *ctx, struct numnorm *n);

/* numnorm_uri() then numnorm_number() */
int numnorm_uri_number(const struct numplan *np, const char *uri,
		       struct numnorm *n);

/*
 * A canonical key for a URI, the same for every spelling of it:
 * "+E164@host", "digits@host" or "decoded-user@host" (host in lower case,
 * no port, no parameters).  A malformed URI gets the key "!malformed".
 */
int numnorm_key(const struct numplan *np, const char *uri, char *key,
		size_t sz);

#endif
