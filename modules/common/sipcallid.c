/**
 * @file sipcallid.c  A request's Call-ID read from its bytes, as libre
 *                    reads it (sipcallid.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include <re.h>
#include "sipcallid.h"


/* Would libre file a header of this name as the Call-ID? (msg.c) */
static bool is_callid(const char *name, size_t n)
{
	if (n == 1)
		return name[0] == 'i' || name[0] == 'I';

	if ((name[0] == 'x' || name[0] == 'X') && name[1] == '-')
		return false;

	return (hash_joaat_ci(name, n) & 0xfff) == SIP_HDR_CALL_ID;
}


static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}


/* A start line libre accepts as a request's; *rest: after its LF */
static int start_line(const char *p, size_t len, const char **rest)
{
	struct pl met, ruri, ver, e;
	struct uri uri;

	if (re_regex(p, len, "[^ \t\r\n]+ [^ \t\r\n]+ [^\r\n]*[\r]*[\n]1",
		     &met, &ruri, &ver, NULL, &e) || met.p != p)
		return EBADMSG;

	if (pl_strcmp(&ver, "SIP/2.0") || uri_decode(&uri, &ruri))
		return EBADMSG;

	/* the same line ended by CRLF, as every header line must be */
	if (e.p - p < 2 || e.p[-1] != '\r' || memchr(p, '\r', (size_t)
						      (e.p - 1 - p)))
		return EBADMSG;

	*rest = e.p + e.l;

	return 0;
}


int sipcallid_read(const uint8_t *pkt, size_t len, struct pl *callid)
{
	const char *p = (const char *)pkt, *end = p + len, *eol, *colon;
	const char *name, *val, *vend;
	bool found = false;

	if (!pkt || !callid)
		return EINVAL;

	if (start_line(p, len, &p))
		return EBADMSG;

	for (;; p = eol + 2) {

		size_t n;

		eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		if (!eol || eol == p || eol[-1] != '\r')
			return EBADMSG;
		--eol;                                   /* at the CR */

		if (eol == p)                            /* empty: the end */
			break;

		/* folded, or a bare CR inside: libre's own parse */
		if (is_ws(*p) || memchr(p, '\r', (size_t)(eol - p)))
			return EBADMSG;

		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon)
			return EBADMSG;

		name = p;
		for (n = (size_t)(colon - p); n && is_ws(name[n - 1]); --n)
			;
		if (!n)
			return EBADMSG;
		if (!is_callid(name, n))
			continue;

		if (found)
			return EBADMSG;               /* which one: ask libre */

		for (val = colon + 1; val < eol && is_ws(*val); ++val)
			;
		for (vend = eol; vend > val && is_ws(vend[-1]); --vend)
			;
		if (vend == val)
			return EBADMSG;

		callid->p = val;
		callid->l = (size_t)(vend - val);
		found = true;
	}

	return found ? 0 : EBADMSG;
}
