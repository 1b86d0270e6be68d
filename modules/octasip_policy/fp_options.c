/**
 * @file fp_options.c  No a=tool in the SDP of an answer to OPTIONS
 *
 * P-NET-3.  baresip 1.0.0 answers an OPTIONS (a scanner's favourite
 * probe, unauthenticated) with the SDP of a call object it allocates,
 * encodes and frees inside its OPTIONS handler, "a=tool:baresip 1.0.0"
 * included, with no event or hook in between (fingerprint.c takes the
 * line out of real calls' SDP).  libre hands every outgoing message to
 * the SIP trace hook right before it goes to the socket, with the bytes
 * that are sent (trace_send before udp_send/tcp_send in libre 1.1.0,
 * 2.0.1 and re 4.x), so the hook (srcaddr.c) passes each sent 200 here:
 *  - a 200 whose body has an a=tool line is parsed (libre's parser on
 *    a copy, sipcopy_decode()) and taken only if it answers OPTIONS;
 *  - each such line is removed in place: the body after it moves up,
 *    Content-Length is lowered by the line's length, written with
 *    leading zeros in the same width, and the bytes freed at the end
 *    become CRLF pairs, which a UDP receiver discards (beyond
 *    Content-Length, RFC 3261 18.3) and a TCP/TLS receiver skips (CRLF
 *    before a start line, RFC 3261 7.5);
 *  - a line of odd length cannot be padded with CRLF pairs: its value is
 *    blanked instead ("a=tool:" and spaces).
 * libre's server transaction keeps these bytes: its retransmissions send
 * the rewritten answer.  1.1.0 writes no a=tool; re 4.x neither.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "common/sipcopy.h"
#include "fp_options.h"


static const char tool[] = "a=tool:";


/* whether p[0..n) holds something but spaces and line ends */
static bool has_value(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; ++i) {
		if (p[i] != ' ' && p[i] != '\r' && p[i] != '\n')
			return true;
	}

	return false;
}


/* an a=tool line with a value in body[0..n): its offset and length */
static bool tool_line(const uint8_t *body, size_t n, size_t *offp,
		      size_t *lenp)
{
	const size_t tl = sizeof(tool) - 1;
	size_t off = 0;

	while (off + tl <= n) {

		const uint8_t *nl = memchr(body + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - body) + 1 : n;

		if (!memcmp(body + off, tool, tl) &&
		    has_value(body + off + tl, end - off - tl)) {
			*offp = off;
			*lenp = end - off;
			return true;
		}
		off = end;
	}

	return false;
}


/* Content-Length's digits (at cl, width w) say v - cut, zero padded */
static bool clen_lower(uint8_t *cl, size_t w, size_t v, size_t cut)
{
	char buf[16];

	if (cut > v || w >= sizeof(buf) ||
	    snprintf(buf, sizeof(buf), "%0*u", (int)w,
		     (unsigned)(v - cut)) != (int)w)
		return false;

	memcpy(cl, buf, w);

	return true;
}


void fp_options_sent(uint8_t *pkt, size_t len)
{
	struct sip_msg *msg;
	uint8_t *clen;
	size_t body, blen, off, l, i;

	if (len < 12 || memcmp(pkt, "SIP/2.0 200 ", 12) ||
	    !memmem(pkt, len, "\na=tool:", 8))
		return;

	msg = sipcopy_decode(pkt, len);
	if (!msg)
		return;

	body = msg->mb->pos;
	blen = pl_u32(&msg->clen);
	if (pl_strcmp(&msg->cseq.met, "OPTIONS") || !pl_isset(&msg->clen) ||
	    body > len || blen > len - body)
		goto out;
	clen = pkt + ((const uint8_t *)msg->clen.p - msg->mb->buf);

	/* P-NET-3: each line out, the body up, CRLFs after it */
	while (tool_line(pkt + body, blen, &off, &l)) {

		off += body;
		if (l % 2 == 0 && clen_lower(clen, msg->clen.l, blen, l)) {
			memmove(pkt + off, pkt + off + l, len - off - l);
			for (i = len - l; i < len; i += 2)
				memcpy(pkt + i, "\r\n", 2);
			blen -= l;
			continue;
		}

		for (i = off + sizeof(tool) - 1; i < off + l; ++i) {
			if (pkt[i] != '\r' && pkt[i] != '\n')
				pkt[i] = ' ';
		}
	}

 out:
	mem_deref(msg);
}
