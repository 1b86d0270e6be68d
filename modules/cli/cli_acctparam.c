/**
 * @file cli_acctparam.c  Account parameters as options of `octasip account
 *                        add` and `account set`
 *
 *   --regint N        registration interval, s (0: do not register)
 *   --answermode M    manual | early | auto
 *   --transport T     udp | tcp | tls (a URI parameter: inside <...>)
 *   --mediaenc E      srtp | srtp-mand | srtp-mandf | dtls_srtp | none
 *   --outbound URI    outbound proxy (sip: or sips:, no parameters)
 *   --param K=V       any other account parameter baresip 1.0.0 reads;
 *                     an empty V removes K (account set)
 *
 * baresip reads account parameters after the '>' of an accounts line;
 * inside <...> they become part of the URI that REGISTER is sent to, so
 * an AOR with one there is refused.  Secrets (auth_pass, stunpass) are
 * never accepted as parameters: they belong in the vault.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <re.h>
#include "cli.h"
#include "cli_acctparam.h"
#include "octasip_credstore/acctfile.h"
#include "octasip_credstore/vault.h"


enum { LINE_MAX_LEN = 2048 };

/* account parameters (after the '>') that baresip 1.0.0 reads */
static const char *const known[] = {
	"answermode", "audio_codecs", "audio_player", "audio_source",
	"call_transfer", "extra", "mediaenc", "medianat", "mwi",
	"outbound", "outbound1", "outbound2", "ptime", "pubint", "regint",
	"regq", "rwait", "sipnat", "stunserver", "stunuser",
	"video_codecs", "video_display", "video_source",
};

static const char *const answermodes[] = {"manual", "early", "auto"};
static const char *const transports[] = {"udp", "tcp", "tls"};
static const char *const mediaencs[] = {
	"srtp", "srtp-mand", "srtp-mandf", "dtls_srtp"
};


#define IN(list, s) in_list(list, sizeof(list) / sizeof(list[0]), s)


static bool in_list(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; ++i) {
		if (!strcmp(list[i], s))
			return true;
	}

	return false;
}


static bool name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(p, name, n);
}


/* A value baresip's parameter parser reads back whole */
static bool value_ok(const char *v)
{
	const char *p;

	if (!*v || strlen(v) >= ACCTPRM_VAL)
		return false;

	for (p = v; *p; ++p) {
		if (!isgraph((unsigned char)*p) || strchr(";\"<>\\", *p))
			return false;
	}

	return true;
}


static bool number_ok(const char *v)
{
	size_t n = strlen(v);

	if (!n || n > 10 || strspn(v, "0123456789") != n)
		return false;

	return strtoull(v, NULL, 10) <= 0xffffffffULL;
}


static bool uri_ok(const char *v)
{
	return value_ok(v) && acct_aor_valid(v) && !strpbrk(v, ";?");
}


/* Checks one key and value; prints why not */
static int check(const char *key, const char *val)
{
	if (!strcmp(key, "auth_pass") || !strcmp(key, "stunpass"))
		return cli_err("%s is a secret: it goes into the vault"
			       " (octasip account add prompts for it),"
			       " never into the accounts file", key);
	if (!strcmp(key, "auth_user"))
		return cli_err("use --auth-user for the authentication user");
	if (!strcmp(key, "transport"))
		return cli_err("use --transport for the transport");
	if (!IN(known, key))
		return cli_err("unknown account parameter '%s' (see"
			       " octasip(1) for the list)", key);

	if (!*val)
		return 0;      /* removes it */

	if (!value_ok(val))
		return cli_err("invalid value for %s: '%s' (no spaces,"
			       " quotes, ';', '<' or '>')", key, val);

	if ((!strcmp(key, "regint") || !strcmp(key, "rwait") ||
	     !strcmp(key, "pubint") || !strcmp(key, "ptime")) &&
	    !number_ok(val))
		return cli_err("%s must be a number of seconds (or ms for"
			       " ptime), not '%s'", key, val);
	if (!strcmp(key, "answermode") && !IN(answermodes, val))
		return cli_err("answermode must be manual, early or auto,"
			       " not '%s'", val);
	if (!strcmp(key, "mediaenc") && !IN(mediaencs, val))
		return cli_err("mediaenc must be srtp, srtp-mand,"
			       " srtp-mandf or dtls_srtp, not '%s'", val);
	if (!strncmp(key, "outbound", 8) && !uri_ok(val))
		return cli_err("%s must be a sip: or sips: URI without"
			       " parameters, not '%s'", key, val);

	return 0;
}


static int add(struct acct_prms *ps, const char *key, const char *val)
{
	size_t i;

	if (check(key, val))
		return -1;

	for (i = 0; i < ps->n; ++i) {
		if (!strcmp(ps->v[i].key, key)) {
			(void)cli_err("%s given twice", key);
			return -1;
		}
	}

	if (ps->n == ACCTPRM_MAX) {
		(void)cli_err("too many account parameters");
		return -1;
	}

	(void)snprintf(ps->v[ps->n].key, ACCTPRM_KEY, "%s", key);
	(void)snprintf(ps->v[ps->n].val, ACCTPRM_VAL, "%s", val);
	++ps->n;

	return 1;
}


int acctprm_opt(struct acct_prms *ps, const char *name, const char *v)
{
	const char *eq;
	char key[ACCTPRM_KEY];

	if (!strcmp(name, "transport")) {
		if (!IN(transports, v)) {
			(void)cli_err("--transport must be udp, tcp or tls,"
				       " not '%s'", v);
			return -1;
		}
		if (ps->transport[0]) {
			(void)cli_err("--transport given twice");
			return -1;
		}
		(void)snprintf(ps->transport, sizeof(ps->transport), "%s",
			       v);
		return 0;
	}

	if (strcmp(name, "param")) {
		if (!*v) {
			(void)cli_err("--%s needs a value", name);
			return -1;
		}
		/* none: no media encryption (nothing chosen for it) */
		return add(ps, name, strcmp(name, "mediaenc") ||
			   strcmp(v, "none") ? v : "") < 0 ? -1 : 0;
	}

	eq = strchr(v, '=');
	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(key)) {
		(void)cli_err("--param wants KEY=VALUE, not '%s'", v);
		return -1;
	}
	memcpy(key, v, (size_t)(eq - v));
	key[eq - v] = '\0';

	return add(ps, key, eq + 1) < 0 ? -1 : 0;
}


int acctprm_uri_check(const char *aor)
{
	const char *p = strchr(aor, ';');

	while (p) {
		const char *name = p + 1;
		size_t n = strcspn(name, "=;?");
		char key[ACCTPRM_KEY];

		p = strchr(name, ';');
		if (!n || n >= sizeof(key))
			continue;
		memcpy(key, name, n);
		key[n] = '\0';

		if (IN(known, key) || !strcmp(key, "auth_user") ||
		    !strcmp(key, "auth_pass")) {
			(void)cli_err("'%s' is an account parameter, not part"
				      " of the SIP URI (baresip would send it"
				      " to the registrar): give it as --%s"
				      " or --param %s=...", key,
				      !strcmp(key, "regint") ||
				      !strcmp(key, "answermode") ||
				      !strcmp(key, "mediaenc") ||
				      !strcmp(key, "outbound") ?
				      key : "param", key);
			return EINVAL;
		}
	}

	return 0;
}


static void wstr(struct acct_wbuf *w, const char *s)
{
	acct_wput(w, s, strlen(s));
}


/* The URI with ;transport= set (replacing one it had) */
static int uri_apply(const char *uri, size_t n, const char *transport,
		     struct acct_wbuf *w)
{
	const char *p = uri, *end = uri + n;

	if (!transport[0]) {
		acct_wput(w, uri, n);
		return 0;
	}

	if (memchr(uri, '?', n)) {
		(void)cli_err("cannot set the transport of a URI with"
			       " headers ('?')");
		return EINVAL;
	}

	while (p < end && *p != ';')
		++p;
	acct_wput(w, uri, (size_t)(p - uri));

	while (p < end) {
		const char *q = p + 1;
		size_t nl;

		while (q < end && *q != ';')
			++q;
		nl = strcspn(p + 1, "=;");
		if (!name_is(p + 1, nl, "transport"))
			acct_wput(w, p, (size_t)(q - p));
		p = q;
	}

	wstr(w, ";transport=");
	wstr(w, transport);

	return 0;
}


static void prm_put(struct acct_wbuf *w, const struct acct_prm *pr)
{
	if (!pr->val[0])
		return;

	wstr(w, ";");
	wstr(w, pr->key);
	wstr(w, "=");
	wstr(w, pr->val);
}


/* One accounts line (already parsed by acct_parse) with ps applied */
static int line_apply(const char *line, size_t len,
		      const struct acct_prms *ps, struct acct_wbuf *w)
{
	const char *end = line + len, *p;
	bool done[ACCTPRM_MAX] = {false};
	struct sip_addr addr;
	struct pl pl;
	size_t i;
	int err;

	/* the URI and what follows it, as baresip reads the line (libre):
	 * a bare URI's own parameters are the account's */
	pl.p = line;
	pl.l = len;
	if (sip_addr_decode(&addr, &pl))
		return EBADMSG;

	if (!memchr(line, '<', (size_t)(addr.auri.p - line))) {
		/* a bare URI: put it into <...> */
		wstr(w, "<");
		err = uri_apply(addr.auri.p, addr.auri.l, ps->transport, w);
		wstr(w, ">");
	}
	else {
		acct_wput(w, line, (size_t)(addr.auri.p - line));
		err = uri_apply(addr.auri.p, addr.auri.l, ps->transport, w);
		wstr(w, ">");
	}
	if (err)
		return err;
	p = pl_isset(&addr.params) ? addr.params.p : end;

	/* the parameters as baresip finds them (libre's msg_param_decode(),
	 * acct_param_next()): one being set is written where baresip finds
	 * it, later copies baresip would not read are dropped, and every
	 * other byte stays as it was */
	for (;;) {
		const char *s = NULL, *e = NULL, *s1, *e1;
		const struct acct_prm *pr = NULL;

		for (i = 0; i < ps->n; ++i) {
			err = acct_param_next(p, end, ps->v[i].key, &s1, &e1);
			if (err == EBADMSG)
				return EBADMSG;
			if (!err && (!pr || s1 < s)) {
				s = s1;
				e = e1;
				pr = &ps->v[i];
			}
		}
		if (!pr)
			break;

		acct_wput(w, p, (size_t)(s - p));
		if (!done[pr - ps->v])
			prm_put(w, pr);
		done[pr - ps->v] = true;
		p = e;
	}
	acct_wput(w, p, (size_t)(end - p));

	for (i = 0; i < ps->n; ++i) {
		if (!done[i])
			prm_put(w, &ps->v[i]);
	}

	while (w->n && isspace((unsigned char)w->p[w->n - 1]))
		w->p[--w->n] = '\0';

	return w->over ? ENAMETOOLONG : 0;
}


struct find {
	const char *aor;
	const char *line;
	size_t len;
};


static void find_line(const char *line, size_t len, const char *aor,
		      void *arg)
{
	struct find *f = arg;

	if (!f->line && aor_equal(aor, f->aor)) {
		f->line = line;
		f->len = len;
	}
}


int acctprm_text_apply(const char *text, const char *aor,
		       const struct acct_prms *ps, bool add, char **outp,
		       bool *found)
{
	struct find f = {aor, NULL, 0};
	char *line, *out = NULL;
	struct acct_wbuf w;
	size_t tl = strlen(text), pre, post, o;
	int err;

	acct_each(text, find_line, &f, NULL);
	*found = f.line != NULL;
	if (!f.line && !add)
		return ENOENT;

	line = sodium_malloc(LINE_MAX_LEN);
	if (!line) {
		(void)cli_err("out of memory");
		return ENOMEM;
	}
	w = (struct acct_wbuf){line, LINE_MAX_LEN, 0, false};
	line[0] = '\0';

	if (f.line) {
		err = line_apply(f.line, f.len, ps, &w);
		pre = (size_t)(f.line - text);
		post = pre + f.len;
	}
	else {
		char nl[VREC_AOR_MAX + 3];

		err = acct_line_new(aor, nl, sizeof(nl));
		if (!err)
			err = line_apply(nl, strlen(nl), ps, &w);
		pre = post = tl;
	}
	if (err == ENAMETOOLONG)
		(void)cli_err("the account line would be too long");
	if (err)
		goto out;

	out = sodium_malloc(tl + w.n + 3);
	if (!out) {
		(void)cli_err("out of memory");
		err = ENOMEM;
		goto out;
	}

	memcpy(out, text, pre);
	o = pre;
	if (!f.line && o && out[o - 1] != '\n')
		out[o++] = '\n';
	memcpy(out + o, line, w.n);
	o += w.n;
	if (f.line) {
		memcpy(out + o, text + post, tl - post);
		o += tl - post;
	}
	else {
		out[o++] = '\n';
	}
	out[o] = '\0';
	*outp = out;

 out:
	sodium_free(line);
	return err;
}
