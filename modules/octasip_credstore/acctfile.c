/**
 * @file acctfile.c  baresip "accounts" lines: ;auth_pass= and ;auth_user=
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


/* Copies a parameter value (unquoting "...") into dst */
static int value_copy(const char *v, size_t vn, char *dst, size_t sz)
{
	size_t n = 0;

	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		++v;
		vn -= 2;
	}

	for (size_t i = 0; i < vn; ++i) {
		char c = v[i];

		if (c == '\\' && i + 1 < vn)
			c = v[++i];
		if (n + 1 >= sz)
			return ENAMETOOLONG;
		dst[n++] = c;
	}

	dst[n] = '\0';

	return 0;
}


/* A bare URI (no '<'): fine for baresip only without parameters */
static int bare_uri(const char *p, const char *end, struct acct_parsed *ap,
		    char *errbuf, size_t errsz)
{
	char uri[VREC_AOR_MAX];
	size_t n = (size_t)(end - p);

	while (n && isspace((unsigned char)p[n - 1]))
		--n;
	if (memchr(p, ';', n) || n >= sizeof(uri)) {
		olog_errf(errbuf, errsz, "expected <sip:...>;params");
		return EBADMSG;
	}
	memcpy(uri, p, n);
	uri[n] = '\0';
	if (!acct_aor_valid(uri)) {
		olog_errf(errbuf, errsz, "not a SIP URI");
		return EBADMSG;
	}
	(void)aor_key(uri, ap->aor, sizeof(ap->aor));

	return 0;
}


/* The URI in <...> from lt; *gtp is set to its '>' */
static int angle_uri(const char *lt, const char *end, struct acct_parsed *ap,
		     const char **gtp, char *errbuf, size_t errsz)
{
	char uri[VREC_AOR_MAX];
	const char *gt = memchr(lt, '>', (size_t)(end - lt));
	size_t ulen;

	if (!gt) {
		olog_errf(errbuf, errsz, "'<' without a closing '>'");
		return EBADMSG;
	}

	ulen = (size_t)(gt - lt - 1);
	if (ulen == 0 || ulen >= sizeof(uri)) {
		olog_errf(errbuf, errsz, "empty or overlong URI in <...>");
		return EBADMSG;
	}
	memcpy(uri, lt + 1, ulen);
	uri[ulen] = '\0';
	if (!acct_aor_valid(uri)) {
		olog_errf(errbuf, errsz, "'%s' is not a SIP URI", uri);
		return EBADMSG;
	}
	(void)aor_key(uri, ap->aor, sizeof(ap->aor));
	*gtp = gt;

	return 0;
}


/* One ";name[=value]" of a line: where its parts are */
struct param {
	const char *name;
	size_t nlen;
	const char *v;       /* NULL: no '=' */
	size_t vn;
	const char *end;     /* just past the parameter */
};


/* The parameter at p (a ';'), values possibly quoted */
static int param_scan(const char *p, const char *end, struct param *pm,
		      char *errbuf, size_t errsz)
{
	const char *q;

	pm->name = p + 1;
	pm->v = NULL;
	pm->vn = 0;
	for (q = pm->name; q < end && *q != '=' && *q != ';' &&
		     !isspace((unsigned char)*q); ++q)
		;
	pm->nlen = (size_t)(q - pm->name);

	if (q < end && *q == '=') {
		pm->v = ++q;
		if (q < end && *q == '"') {
			for (++q; q < end && *q != '"'; ++q) {
				if (*q == '\\' && q + 1 < end)
					++q;
			}
			if (q >= end) {
				olog_errf(errbuf, errsz, "unterminated"
					  " quoted value");
				return EBADMSG;
			}
			++q;
		}
		else {
			while (q < end && *q != ';' &&
			       !isspace((unsigned char)*q))
				++q;
		}
		pm->vn = (size_t)(q - pm->v);
	}

	pm->end = q;

	return 0;
}


/* ;auth_pass= and ;auth_user= are taken into ap (*drop: not copied) */
static int param_take(const struct param *pm, struct acct_parsed *ap,
		      bool *drop, char *errbuf, size_t errsz)
{
	*drop = false;

	if (pm->nlen == 9 && !strncmp(pm->name, "auth_pass", 9)) {
		if (!pm->v || !pm->vn) {
			olog_errf(errbuf, errsz, "empty ;auth_pass=");
			return EBADMSG;
		}
		if (!ap->pass || value_copy(pm->v, pm->vn, ap->pass,
					    ap->passsz)) {
			olog_errf(errbuf, errsz, "password longer than"
				  " %zu characters", ap->passsz - 1);
			return EBADMSG;
		}
		ap->has_pass = true;
		*drop = true;
	}
	else if (pm->nlen == 9 && !strncmp(pm->name, "auth_user", 9)) {
		if (!pm->v || !pm->vn || value_copy(pm->v, pm->vn, ap->user,
						    sizeof(ap->user))) {
			olog_errf(errbuf, errsz, "empty or overlong"
				  " ;auth_user=");
			return EBADMSG;
		}
		ap->has_user = true;
		*drop = true;
	}

	return 0;
}


/* The ;name[=value] ... after '>', copied to w but for the dropped */
static int params_parse(const char *p, const char *end,
			struct acct_wbuf *w, struct acct_parsed *ap,
			char *errbuf, size_t errsz)
{
	struct param pm;
	bool drop;
	int err;

	while (p < end) {

		if (isspace((unsigned char)*p)) {
			acct_wput(w, p, 1);
			++p;
			continue;
		}

		if (*p != ';') {
			olog_errf(errbuf, errsz,
				  "unexpected '%c' after '>'", *p);
			return EBADMSG;
		}

		err = param_scan(p, end, &pm, errbuf, errsz);
		if (!err)
			err = param_take(&pm, ap, &drop, errbuf, errsz);
		if (err)
			return err;

		if (!drop)
			acct_wput(w, p, (size_t)(pm.end - p));
		p = pm.end;
	}

	/* no trailing blanks left behind by a dropped parameter */
	while (w->n && (w->p[w->n - 1] == ' ' || w->p[w->n - 1] == '\t'))
		w->p[--w->n] = '\0';

	return 0;
}


int acct_parse(const char *line, size_t len, char *out, size_t outsz,
	       struct acct_parsed *ap, char *errbuf, size_t errsz)
{
	const char *p = line, *end = line + len, *lt, *gt;
	struct acct_wbuf w = {out, outsz, 0, false};
	int err;

	if (!line || !out || !outsz || !ap)
		return EINVAL;

	ap->is_account = ap->has_pass = ap->has_user = false;
	ap->aor[0] = ap->user[0] = '\0';
	if (ap->pass && ap->passsz)
		ap->pass[0] = '\0';
	out[0] = '\0';

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		++p;

	if (p == end || *p == '#') {
		acct_wput(&w, line, len);
		goto out;
	}

	ap->is_account = true;

	lt = memchr(p, '<', (size_t)(end - p));
	if (!lt) {
		err = bare_uri(p, end, ap, errbuf, errsz);
		if (err)
			return err;
		acct_wput(&w, line, len);
		goto out;
	}

	err = angle_uri(lt, end, ap, &gt, errbuf, errsz);
	if (err)
		return err;

	acct_wput(&w, line, (size_t)(gt + 1 - line));

	err = params_parse(gt + 1, end, &w, ap, errbuf, errsz);
	if (err)
		return err;

out:
	if (w.over) {
		olog_errf(errbuf, errsz, "line too long");
		return ENAMETOOLONG;
	}

	return 0;
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
