/**
 * @file acctfile.c  baresip "accounts" lines: ;auth_pass= and ;auth_user=
 *
 * A line is read as baresip reads it: its conf_parse() skips an empty line
 * and one whose first character is '#'; account_alloc() decodes any other
 * with libre's sip_addr_decode() and takes each parameter after the
 * address with msg_param_decode().  OctaSIP calls the same functions, so
 * the libre baresip runs with decides.  On top of that OctaSIP wants a
 * sip: or sips: URI it can key the vault by (libre takes any scheme).
 *
 * How this differs from OctaSIP's own scanner before (which read lines as
 * baresip 1.0.0 does not):
 *  - a duplicated ;auth_pass= (or ;auth_user=): the first one is the
 *    password, as before; every one is taken out of the rewritten line
 *    (before: the last one was stored)
 *  - a quoted value keeps its backslashes: ;auth_pass="p;w\"d" is p;w\"d
 *    (before: p;w"d); a value with an unpaired '"' is a value like any
 *    other, '"' included (before: "unterminated quoted value")
 *  - parameter names match in any case (;Auth_Pass= is a password; before
 *    it was left in the line, in plaintext) and blanks may surround the
 *    name and '=' (; auth_pass = x; before: malformed)
 *  - ;auth_pass= with an empty value is no parameter to baresip: the line
 *    is an account without a password and keeps it (before: malformed)
 *  - a bare URI may have parameters, sip:u@h;auth_pass=x;regint=0: they
 *    are the account's, as with <...> (before: malformed)
 *  - text after '>' that is not a parameter is ignored (before: malformed)
 *  - a display name may hold '<' or '>' inside its quotes (before: the
 *    first '<' of the line started the URI)
 *  - a line of blanks, or with blanks before its '#', is no comment: baresip
 *    cannot read it as an address and stops reading its accounts there, so
 *    it is malformed (before: skipped)
 *  - a line of ACCT_LINE_MAX bytes or more is too long (libre's regular
 *    expressions take time quadratic in the length; before: any length)
 * A line whose rewrite baresip would read as another account, or with an
 * ;auth_pass= or ;auth_user= still in it, is refused (EBADMSG).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <sodium.h>
#include <re.h>
#include "acctfile.h"
#include "common/fileio.h"
#include "vault.h"
#include "common/olog.h"


bool acct_aor_valid(const char *aor)
{
	const char *at;

	if (!aor)
		return false;

	if (strncasecmp(aor, "sip:", 4) && strncasecmp(aor, "sips:", 5))
		return false;

	for (const char *p = aor; *p; ++p) {
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' ||
		    *p == '"' || !isprint((unsigned char)*p))
			return false;
	}

	at = strchr(aor, ':') + 1;

	return *at && *at != ';' && strlen(aor) < VREC_AOR_MAX;
}


int acct_line_new(const char *aor, char *out, size_t sz)
{
	int n;

	if (!acct_aor_valid(aor))
		return EINVAL;

	n = snprintf(out, sz, "<%s>", aor);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}


void acct_wput(struct acct_wbuf *w, const char *s, size_t n)
{
	if (w->over || w->n + n >= w->sz) {
		w->over = true;
		return;
	}

	memcpy(w->p + w->n, s, n);
	w->n += n;
	w->p[w->n] = '\0';
}


/* libre's linear white space, as its parameter grammar has it */
static bool lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/*
 * libre's reading of a line, as account_alloc() does it, plus what
 * OctaSIP needs on top: a sip: or sips: URI (libre takes any scheme) it
 * can key the vault by, with the AOR key in aor
 */
static int addr_read(const char *line, size_t len, struct sip_addr *addr,
		     char *aor, size_t aorsz, char *errbuf, size_t errsz)
{
	char uri[VREC_AOR_MAX];
	struct pl pl, auri;

	pl.p = line;
	pl.l = len;
	if (sip_addr_decode(addr, &pl)) {
		olog_errf(errbuf, errsz, "not a SIP address (baresip cannot"
			  " read it either)");
		return EBADMSG;
	}

	/* a bare URI runs up to the first ';', blanks included: libre's
	 * URI ends its host at a blank, so they are not part of it */
	auri = addr->auri;
	while (auri.l && lws(auri.p[auri.l - 1]))
		--auri.l;

	if (memchr(auri.p, '<', auri.l)) {
		olog_errf(errbuf, errsz, "'<' without a closing '>'");
		return EBADMSG;
	}

	if (!auri.l || auri.l >= sizeof(uri) ||
	    addr->uri.scheme.p != auri.p ||
	    (pl_strcasecmp(&addr->uri.scheme, "sip") &&
	     pl_strcasecmp(&addr->uri.scheme, "sips"))) {
		olog_errf(errbuf, errsz, "'%.*s' is not a sip: or sips: URI",
			  (int)(auri.l < 64 ? auri.l : 64), auri.p);
		return EBADMSG;
	}

	memcpy(uri, auri.p, auri.l);
	uri[auri.l] = '\0';
	if (!acct_aor_valid(uri) || aor_key(uri, aor, aorsz)) {
		olog_errf(errbuf, errsz, "'%.*s' is not a SIP URI",
			  (int)(auri.l < 64 ? auri.l : 64), auri.p);
		return EBADMSG;
	}

	return 0;
}


/*
 * The parameter whose value msg_param_decode() found as v in prms: from
 * its ';' to the end of its value.  libre's grammar for it is
 * ;[lws]name[lws]=[lws]value, and a "quoted" value comes back without
 * its quotes (and with its backslashes).
 */
static int param_span(const struct pl *prms, const char *name,
		      const struct pl *v, const char **sp, const char **ep)
{
	const char *b = prms->p, *s = v->p, *e = v->p + v->l;
	size_t nl = strlen(name);

	if (s > b && s[-1] == '"') {
		--s;
		++e;
	}
	while (s > b && lws(s[-1]))
		--s;
	if (s == b || s[-1] != '=')
		return EBADMSG;
	--s;
	while (s > b && lws(s[-1]))
		--s;
	if ((size_t)(s - b) < nl || strncasecmp(s - nl, name, nl))
		return EBADMSG;
	s -= nl;
	while (s > b && lws(s[-1]))
		--s;
	if (s == b || s[-1] != ';')
		return EBADMSG;

	*sp = s - 1;
	*ep = e;

	return 0;
}


/* The first ;name=value libre finds in [p, end): 0, ENOENT or EBADMSG */
int acct_param_next(const char *p, const char *end, const char *name,
		    const char **sp, const char **ep)
{
	struct pl pl, v;

	pl.p = p;
	pl.l = (size_t)(end - p);
	if (!pl.l || msg_param_decode(&pl, name, &v))
		return ENOENT;

	return param_span(&pl, name, &v, sp, ep);
}


/*
 * Writes the line to w without any ;auth_pass= or ;auth_user= libre
 * finds in its parameters (prms), and without the blanks that end them
 */
static int params_strip(const char *line, size_t len, const struct pl *prms,
			struct acct_wbuf *w)
{
	const char *end = line + len;
	const char *p = prms->l ? prms->p : end;
	const char *pe = prms->l ? prms->p + prms->l : end;
	size_t start;

	acct_wput(w, line, (size_t)(p - line));
	start = w->n;

	for (;;) {
		const char *s, *e, *s2, *e2;
		int r1, r2;

		r1 = acct_param_next(p, pe, "auth_pass", &s, &e);
		r2 = acct_param_next(p, pe, "auth_user", &s2, &e2);
		if (r1 == EBADMSG || r2 == EBADMSG)
			return EBADMSG;
		if (r1 && r2)
			break;
		if (r1 || (!r2 && s2 < s)) {
			s = s2;
			e = e2;
		}

		acct_wput(w, p, (size_t)(s - p));
		p = e;
	}

	acct_wput(w, p, (size_t)(end - p));

	/* no trailing blanks left behind by a dropped parameter */
	while (w->n > start && !w->over &&
	       (w->p[w->n - 1] == ' ' || w->p[w->n - 1] == '\t'))
		w->p[--w->n] = '\0';

	return 0;
}


/* Does baresip read the rewritten line as the same account, with no
 * ;auth_pass= or ;auth_user= left? */
static bool strip_check(const char *out, size_t n, const char *aor)
{
	char aor2[VREC_AOR_MAX], e[8];
	struct sip_addr addr;
	struct pl v;

	if (addr_read(out, n, &addr, aor2, sizeof(aor2), e, sizeof(e)))
		return false;

	return !strcmp(aor, aor2) &&
		msg_param_decode(&addr.params, "auth_pass", &v) &&
		msg_param_decode(&addr.params, "auth_user", &v);
}


/* The first ;auth_pass= and ;auth_user=, as account_alloc() takes them */
static int params_take(const struct sip_addr *addr, struct acct_parsed *ap,
		       char *errbuf, size_t errsz)
{
	struct pl v;

	if (0 == msg_param_decode(&addr->params, "auth_pass", &v)) {
		if (!ap->pass || v.l >= ap->passsz) {
			olog_errf(errbuf, errsz, "password longer than"
				  " %zu characters",
				  ap->passsz ? ap->passsz - 1 : 0);
			return EBADMSG;
		}
		memcpy(ap->pass, v.p, v.l);
		ap->pass[v.l] = '\0';
		ap->has_pass = true;
	}

	if (0 == msg_param_decode(&addr->params, "auth_user", &v)) {
		if (v.l >= sizeof(ap->user)) {
			olog_errf(errbuf, errsz, "overlong ;auth_user=");
			return EBADMSG;
		}
		memcpy(ap->user, v.p, v.l);
		ap->user[v.l] = '\0';
		ap->has_user = true;
	}

	return 0;
}


int acct_parse(const char *line, size_t len, char *out, size_t outsz,
	       struct acct_parsed *ap, char *errbuf, size_t errsz)
{
	struct acct_wbuf w = {out, outsz, 0, false};
	struct sip_addr addr;
	int err;

	if (!line || !out || !outsz || !ap)
		return EINVAL;

	ap->is_account = ap->has_pass = ap->has_user = false;
	ap->aor[0] = ap->user[0] = '\0';
	if (ap->pass && ap->passsz)
		ap->pass[0] = '\0';
	out[0] = '\0';

	/* what baresip's conf_parse() skips: nothing else */
	if (!len || line[0] == '#') {
		acct_wput(&w, line, len);
		goto out;
	}

	ap->is_account = true;

	/* libre's regular expressions take time quadratic in the length */
	if (len >= ACCT_LINE_MAX) {
		olog_errf(errbuf, errsz, "line too long");
		return ENAMETOOLONG;
	}

	err = addr_read(line, len, &addr, ap->aor, sizeof(ap->aor), errbuf,
			errsz);
	if (err)
		return err;

	err = params_take(&addr, ap, errbuf, errsz);
	if (err)
		goto fail;

	err = params_strip(line, len, &addr.params, &w);
	if (!err && !w.over && !strip_check(out, w.n, ap->aor))
		err = EBADMSG;
	if (err) {
		olog_errf(errbuf, errsz, "baresip would read this line"
			  " differently without its ;auth_pass= or"
			  " ;auth_user=");
		goto fail;
	}

 out:
	if (w.over) {
		olog_errf(errbuf, errsz, "line too long");
		err = ENAMETOOLONG;
		goto fail;
	}

	return 0;

 fail:
	/* nothing is changed: no password is left behind */
	if (ap->pass && ap->passsz)
		sodium_memzero(ap->pass, ap->passsz);
	ap->has_pass = ap->has_user = false;
	ap->user[0] = '\0';
	out[0] = '\0';

	return err;
}


void acct_each(const char *text, acct_line_h *h, void *arg, size_t *bad)
{
	const char *p = text;
	char *pass;

	if (bad)
		*bad = 0;
	if (!text || !h)
		return;

	/* a line with ;auth_pass= is an account too: its password goes to
	 * wiped memory and no further */
	pass = sodium_malloc(VREC_SECRET_MAX);

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char out[2048], e[128];
		struct acct_parsed ap;

		memset(&ap, 0, sizeof(ap));
		ap.pass = pass;
		ap.passsz = pass ? VREC_SECRET_MAX : 0;
		if (acct_parse(p, n, out, sizeof(out), &ap, e, sizeof(e))) {
			if (bad)
				++*bad;
		}
		else if (ap.is_account) {
			h(p, n, ap.aor, arg);
		}

		p += n + (eol ? 1 : 0);
	}

	sodium_free(pass);
}


int acct_file_read(const char *path, char **textp)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char *t;
	int err;

	err = fio_read_all(path, &buf, &len, 1 << 20);
	if (err == ENOENT) {
		buf = (uint8_t *)strdup("");
		len = 0;
		err = buf ? 0 : ENOMEM;
	}
	if (err)
		return err;

	/* it may hold plaintext passwords: keep them in wiped memory */
	t = sodium_malloc(len + 1);
	if (t) {
		memcpy(t, buf, len);
		t[len] = '\0';
	}
	sodium_memzero(buf, len);
	free(buf);
	if (!t)
		return ENOMEM;

	*textp = t;

	return 0;
}
