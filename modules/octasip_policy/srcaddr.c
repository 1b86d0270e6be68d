/**
 * @file srcaddr.c  The network address each incoming INVITE came from
 *
 * baresip 1.0.0 tells a module nothing about where a call's INVITE came
 * from (the peer URI is whatever the caller wrote).  libre 1.1.0's SIP
 * stack has one trace hook, sip_set_trace_handler(uag_sip(), h): h sees
 * every message sent and received, with the transport peer, and for a
 * received one before it is dispatched to baresip.  So:
 *  - a received INVITE: its Call-ID (libre's sip_msg_decode()) and source
 *    address go into a ring of the latest SRCADDR_N; the policy looks the
 *    call up by call_id() when it checks the call (P-FRAUD-3);
 *  - a sent REGISTER: its destination is the account's registrar or
 *    outbound proxy, so calls from that address are the provider's, not
 *    one caller's (up to SRCADDR_TRUSTED addresses, by IP).
 * The hook is libre's only one: baresip's own SIP trace (-s) is replaced
 * while the policy is loaded.  No I/O; a received INVITE costs one copy
 * and one parse.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "bsip.h"
#include "srcaddr.h"


#define SRCADDR_N        128
#define SRCADDR_TRUSTED  8
#define CALLID_MAX       128

static struct {
	struct {
		char callid[CALLID_MAX];
		struct sa src;
	} v[SRCADDR_N];
	unsigned next;
	struct sa trusted[SRCADDR_TRUSTED];
	unsigned ntrusted;
	bool on;
} s;


static void trusted_add(const struct sa *sa)
{
	if (!sa_isset(sa, SA_ADDR) || srcaddr_trusted(sa))
		return;

	/* the oldest goes when the table is full */
	if (s.ntrusted == SRCADDR_TRUSTED) {
		memmove(&s.trusted[0], &s.trusted[1],
			sizeof(s.trusted[0]) * (SRCADDR_TRUSTED - 1));
		--s.ntrusted;
	}
	s.trusted[s.ntrusted++] = *sa;
}


static void invite_add(const struct sa *src, const uint8_t *pkt,
		       size_t len)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(len);

	if (!mb)
		return;

	if (mbuf_write_mem(mb, pkt, len))
		goto out;
	mb->pos = 0;
	if (sip_msg_decode(&msg, mb) || !pl_isset(&msg->callid) ||
	    msg->callid.l >= CALLID_MAX)
		goto out;

	(void)re_snprintf(s.v[s.next].callid, CALLID_MAX, "%r",
			  &msg->callid);
	s.v[s.next].src = *src;
	s.next = (s.next + 1) % SRCADDR_N;

 out:
	mem_deref(msg);
	mem_deref(mb);
}


static void trace_handler(bool tx, enum sip_transp tp,
			  const struct sa *src, const struct sa *dst,
			  const uint8_t *pkt, size_t len, void *arg)
{
	(void)tp;
	(void)arg;

	if (!s.on || !pkt)
		return;

	if (tx) {
		if (len > 9 && !memcmp(pkt, "REGISTER ", 9))
			trusted_add(dst);
		return;
	}

	if (len > 7 && !memcmp(pkt, "INVITE ", 7))
		invite_add(src, pkt, len);
}


int srcaddr_init(void)
{
	struct sip *sip = uag_sip();

	memset(&s, 0, sizeof(s));
	if (!sip)
		return ENOENT;

	sip_set_trace_handler(sip, trace_handler);
	s.on = true;

	return 0;
}


void srcaddr_close(void)
{
	struct sip *sip = uag_sip();

	if (s.on && sip)
		sip_set_trace_handler(sip, NULL);
	s.on = false;
}


int srcaddr_find(const char *callid, struct sa *sa)
{
	unsigned i;

	if (!callid || !sa)
		return EINVAL;

	/* newest first */
	for (i = 1; i <= SRCADDR_N; ++i) {

		unsigned k = (s.next + SRCADDR_N - i) % SRCADDR_N;

		if (s.v[k].callid[0] && !strcmp(s.v[k].callid, callid)) {
			*sa = s.v[k].src;
			return 0;
		}
	}

	return ENOENT;
}


bool srcaddr_trusted(const struct sa *sa)
{
	unsigned i;

	for (i = 0; i < s.ntrusted; ++i) {
		if (sa_cmp(&s.trusted[i], sa, SA_ADDR))
			return true;
	}

	return false;
}


unsigned srcaddr_trusted_count(void)
{
	return s.ntrusted;
}


void *srcaddr_traceh(void)
{
	return (void *)trace_handler;
}
