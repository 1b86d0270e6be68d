/**
 * @file sipcallid.h  A request's Call-ID read from its bytes, as libre
 *                    reads it, without parsing the whole message
 *
 * sip_msg_decode() allocates a hash table and every header, decodes Via,
 * From, To and CSeq and draws a random tag (two RAND_bytes calls): about
 * 6 us for a BYE.  The call log's trace hook needs only the Call-ID of
 * each BYE and CANCEL it sees, on the event loop between the request and
 * its answer (cl_trace.c), so it reads that one field here and asks
 * libre (sipcopy_decode()) only for what this does not read.
 *
 * What is read: a start line "METHOD SP URI SP SIP/2.0 CRLF" (one that
 * libre's start-line pattern takes as a request's), then header lines,
 * each ended by CRLF, up to an empty line.  A header is the Call-ID when
 * libre would file it there: the compact name "i", or a longer name whose
 * libre header hash (hash_joaat_ci() & 0xfff, names beginning "x-"
 * excluded) is SIP_HDR_CALL_ID; its value without the white space around
 * it, as libre takes it.  Anything outside that (a folded line, a bare CR
 * or LF, a line without a colon, no empty line, no Call-ID, more than
 * one, an empty value) is EBADMSG: the caller parses the message with
 * libre.
 *
 * A message libre would refuse for another reason (a malformed request
 * URI, Via, From, To or CSeq) still yields its Call-ID here; baresip
 * never sees such a request (the call log's use: cl_trace.c).
 * tests/fuzz/fuzz_callid.c checks, for any bytes, that a Call-ID read
 * here is the one libre's parser reads whenever libre accepts the
 * message.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SIPCALLID_H
#define OCTASIP_SIPCALLID_H

#include <stddef.h>
#include <stdint.h>

struct pl;

/* The Call-ID of the request in pkt[0..len): 0 and *callid pointing into
 * pkt, or EBADMSG (parse it with libre instead), EINVAL */
int sipcallid_read(const uint8_t *pkt, size_t len, struct pl *callid);

#endif
