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


/* a token of libre's start-line pattern: no SP, HT, CR or LF; its end */
static const char *token(const char *p, const char *end)
{
	const char *t = p;

	while (t < end && *t != ' ' && *t != '\t' && *t != '\r' &&
	       *t != '\n')
		++t;

	return t > p && t < end && *t == ' ' ? t : NULL;
}


/*
 * "METHOD SP URI SP SIP/2.0 CRLF": a line libre's start-line pattern
 * ("[^ \t\r\n]+ [^ \t\r\n]+ [^\r\n]*[\r]*[\n]1") matches and takes
 * as a request's (version "SIP/2.0"), in the one form it has here.  Any
 * other line (a response's, two spaces, a bare LF) is libre's to read.
 * *rest: after the LF.
 */
static int start_line(const char *p, size_t len, const char **rest)
{
	static const char ver[] = "SIP/2.0\r\n";
	const char *end = p + len;

	p = token(p, end);
	if (!p)
		return EBADMSG;
	p = token(p + 1, end);
	if (!p)
		return EBADMSG;
	++p;

	if ((size_t)(end - p) < sizeof(ver) - 1 ||
	    memcmp(p, ver, sizeof(ver) - 1))
		return EBADMSG;

	*rest = p + sizeof(ver) - 1;

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

		/* which one: libre says */
		if (found)
			return EBADMSG;

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
