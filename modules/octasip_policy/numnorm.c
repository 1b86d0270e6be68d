/**
 * @file numnorm.c  The one number normaliser behind every policy decision
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "numnorm.h"


/* RFC 3966 visual separators, and space and '/' as people write them */
static const char separators[] = " -.()/";


static bool prefix_ci(const struct pl *pl, const char *s)
{
	size_t n = strlen(s);

	return pl->l >= n && !strncasecmp(pl->p, s, n);
}


/* every '%' is followed by two hex digits */
static bool escapes_ok(const struct pl *pl)
{
	size_t i;

	for (i = 0; i < pl->l; ++i) {

		if (pl->p[i] != '%')
			continue;
		if (i + 2 >= pl->l)
			return false;
		if (!isxdigit((unsigned char)pl->p[i + 1]) ||
		    !isxdigit((unsigned char)pl->p[i + 2]))
			return false;
		i += 2;
	}

	return true;
}


static int user_unescape(struct re_printf *pf, void *arg)
{
	return uri_user_unescape(pf, arg);
}


static int param_unescape(struct re_printf *pf, void *arg)
{
	return uri_param_unescape(pf, arg);
}


/* %XX-decode pl into out with libre's unescaping; no control chars */
static int unescape(const struct pl *pl, re_printf_h *h, char *out,
		    size_t sz)
{
	int n, i;

	if (pl->l >= sz)
		return E2BIG;
	if (!escapes_ok(pl))
		return EBADMSG;

	n = re_snprintf(out, sz, "%H", h, pl);
	if (n < 0)
		return EBADMSG;

	for (i = 0; i < n; ++i) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f)
			return EBADMSG;
	}

	return 0;
}


static void lower(char *s)
{
	for (; *s; ++s)
		*s = (char)tolower((unsigned char)*s);
}


/*
 * phone-context from ";a=b;phone-context=+1-900" (names in any case);
 * escaped: the value is still %XX-escaped (tel: parameters).
 */
static int phone_context(const char *params, bool escaped, char *ctx,
			 size_t sz)
{
	char buf[NUMNORM_URI_MAX], vbuf[NUMNORM_URI_MAX];
	struct pl pl, val;
	size_t i, o = 0;
	int err;

	ctx[0] = '\0';
	if (!params[0])
		return 0;
	if (strlen(params) >= sizeof(buf))
		return E2BIG;

	(void)snprintf(buf, sizeof(buf), "%s", params);
	lower(buf);
	pl_set_str(&pl, buf);
	if (uri_param_get(&pl, &(struct pl)PL("phone-context"), &val))
		return 0;

	if (escaped) {
		err = unescape(&val, param_unescape, vbuf, sizeof(vbuf));
		if (err)
			return err;
		pl_set_str(&val, vbuf);
	}

	/* a domain name names no number prefix */
	if (!val.l || val.p[0] != '+')
		return 0;

	for (i = 1; i < val.l; ++i) {

		char c = val.p[i];

		if (strchr(separators, c))
			continue;
		if (!isdigit((unsigned char)c))
			return EBADMSG;
		if (o + 1 >= sz)
			return E2BIG;
		ctx[o++] = c;
	}
	ctx[o] = '\0';

	return o ? 0 : EBADMSG;
}


/* the addr-spec of a name-addr "name <uri>", or the string itself */
static int addr_spec(const char *uri, char *buf, size_t sz)
{
	struct sip_addr addr;
	struct pl pl;

	pl_set_str(&pl, uri);
	if (strchr(uri, '<')) {
		if (sip_addr_decode(&addr, &pl))
			return EBADMSG;
		pl = addr.auri;
	}

	if (prefix_ci(&pl, "sip:") || prefix_ci(&pl, "sips:") ||
	    prefix_ci(&pl, "tel:")) {
		if (pl.l >= sz)
			return E2BIG;
		(void)re_snprintf(buf, sz, "%r", &pl);
	}
	else {
		/* no scheme: baresip's "sip:" */
		if (pl.l + 4 >= sz)
			return E2BIG;
		(void)re_snprintf(buf, sz, "sip:%r", &pl);
	}

	return 0;
}


int numnorm_uri(const char *uri, struct numuri *u)
{
	char buf[NUMNORM_URI_MAX], dec[NUMNORM_URI_MAX], par[NUMNORM_URI_MAX];
	struct uri d;
	struct pl pl, user;
	char *semi;
	bool tel;
	int err;

	if (!uri || !u)
		return EINVAL;

	memset(u, 0, sizeof(*u));

	err = addr_spec(uri, buf, sizeof(buf));
	if (err)
		return err;

	pl_set_str(&pl, buf);
	if (uri_decode(&d, &pl))
		return EINVAL;

	tel = !pl_strcasecmp(&d.scheme, "tel");
	user = (tel && !pl_isset(&d.user)) ? d.host : d.user;
	if (!pl_isset(&user))
		return EINVAL;

	err = unescape(&user, user_unescape, dec, sizeof(dec));
	if (err)
		return err;

	/* a sip: user part may carry the number's own parameters */
	par[0] = '\0';
	semi = strchr(dec, ';');
	if (semi) {
		(void)snprintf(par, sizeof(par), "%s", semi);
		*semi = '\0';
	}
	else if (tel && pl_isset(&d.params)) {
		if (d.params.l >= sizeof(par))
			return E2BIG;
		(void)re_snprintf(par, sizeof(par), "%r", &d.params);
	}

	if (!dec[0])
		return EINVAL;
	if (strlen(dec) >= sizeof(u->user))
		return E2BIG;

	err = phone_context(par, !semi, u->ctx, sizeof(u->ctx));
	if (err)
		return err;

	(void)snprintf(u->user, sizeof(u->user), "%s", dec);

	if (!tel) {
		if (d.host.l >= sizeof(u->host))
			return E2BIG;
		(void)re_snprintf(u->host, sizeof(u->host), "%r", &d.host);
		lower(u->host);
	}

	return 0;
}


static bool starts(const char *s, const char *prefix)
{
	return prefix && *prefix && !strncmp(s, prefix, strlen(prefix));
}


int numnorm_number(const struct numplan *np, const char *user,
		   const char *ctx, struct numnorm *n)
{
	char digits[NUMNORM_NUM_MAX];
	size_t i, k = 0;
	bool plus = false;
	int r;

	if (!np || !user || !n)
		return EINVAL;

	memset(n, 0, sizeof(*n));

	for (i = 0; user[i]; ++i) {

		char c = user[i];

		if (c == '+' && k == 0 && !plus) {
			plus = true;
			continue;
		}
		if (strchr(separators, c))
			continue;
		if (!isdigit((unsigned char)c))
			return EINVAL;
		if (k + 1 >= sizeof(digits))
			return E2BIG;   /* a number too long to judge */
		digits[k++] = c;
	}
	digits[k] = '\0';
	if (!k)
		return EINVAL;

	n->e164 = true;
	if (plus)
		r = snprintf(n->num, sizeof(n->num), "%s", digits);
	else if (ctx && ctx[0])
		r = snprintf(n->num, sizeof(n->num), "%s%s", ctx, digits);
	else if (starts(digits, np->intl))
		r = snprintf(n->num, sizeof(n->num), "%s",
			     digits + strlen(np->intl));
	else if (np->cc && np->cc[0] && starts(digits, np->trunk))
		r = snprintf(n->num, sizeof(n->num), "%s%s", np->cc,
			     digits + strlen(np->trunk));
	else {
		n->e164 = false;
		r = snprintf(n->num, sizeof(n->num), "%s", digits);
	}

	if (r < 0 || (size_t)r >= sizeof(n->num))
		return E2BIG;
	if (!n->num[0])
		return EINVAL;     /* only a prefix ("00") */

	/* a short code is dialled as such, not under a number prefix */
	if (!(ctx && ctx[0]) || plus)
		(void)snprintf(n->raw, sizeof(n->raw), "%s", digits);

	return 0;
}


int numnorm_uri_number(const struct numplan *np, const char *uri,
		       struct numnorm *n)
{
	struct numuri u;
	int err;

	err = numnorm_uri(uri, &u);
	if (err)
		return err;

	return numnorm_number(np, u.user, u.ctx, n);
}


int numnorm_key(const struct numplan *np, const char *uri, char *key,
		size_t sz)
{
	struct numuri u;
	struct numnorm n;
	int r;

	if (!key || !sz)
		return EINVAL;

	if (numnorm_uri(uri, &u)) {
		r = snprintf(key, sz, "!malformed");
	}
	else if (!numnorm_number(np, u.user, u.ctx, &n)) {
		r = snprintf(key, sz, "%s%s@%s", n.e164 ? "+" : "", n.num,
			     u.host);
	}
	else {
		lower(u.user);
		r = snprintf(key, sz, "%s@%s", u.user, u.host);
	}

	return (r < 0 || (size_t)r >= sz) ? E2BIG : 0;
}
