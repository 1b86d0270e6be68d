/**
 * @file srcaddr.c  The network address each incoming INVITE came from
 *
 * baresip 1.0.0 tells a module nothing about where a call's INVITE came
 * from (the peer URI is whatever the caller wrote).  libre 1.1.0's SIP
 * stack has one trace hook, sip_set_trace_handler(uag_sip(), h): h sees
 * every message sent and received, with the transport peer, and for a
 * received one before it is dispatched to baresip.  So:
 *  - a received INVITE: its Call-ID and source address go into a ring
 *    of the latest SRCADDR_N; the policy looks the call up by call_id()
 *    when it checks the call (P-FRAUD-3).  The Call-ID is read from the
 *    INVITE's bytes in the hook (sipcallid.h: what libre's parser would
 *    read, fuzzed against it; no copy, no allocation).  An INVITE that
 *    reader leaves to libre (folded lines, two Call-IDs, ...) is copied
 *    and parsed (sip_msg_decode()) only when the policy checks a call,
 *    not in the hook: the hook runs before baresip handles the INVITE,
 *    and a parse there (about 80,000 instructions, callgrind) would
 *    delay the 200 OK.  An INVITE libre then refuses leaves an entry no
 *    check takes: the ring is searched newest first, and a call is
 *    checked in the loop turn its own INVITE arrived in;
 *  - a sent REGISTER: its destination is the account's registrar or
 *    outbound proxy, so calls from that address are the provider's, not
 *    one caller's (up to SRCADDR_TRUSTED addresses, by IP).
 * Only the per-address cap reads the INVITEs' sources: with it off
 * (octasip_policy_max_incoming_per_address 0, read once at load) no
 * INVITE is read.
 * The hook is libre's only one: when baresip was started with -s (its
 * SIP trace, bsip_sip_trace_requested()), baresip's own trace
 * handler is found (uag_enable_sip_trace() puts it in the same field of
 * libre's struct sip that a probe handler was seen in) and every message
 * is passed on to it.  Other OctaSIP modules add their handlers to the
 * same hook through srcaddr_chain_add() (the policy exports it:
 * siptrace_api.h) instead of replacing it.  No I/O after start; a
 * received INVITE costs one read of its headers in the hook.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "common/bsip.h"
#include "common/sipcallid.h"
#include "common/sipcopy.h"
#include "fp_options.h"
#include "realmpin.h"
#include "srcaddr.h"


#define SRCADDR_N        128
#define SRCADDR_TRUSTED  8
#define CALLID_MAX       128
#define SIP_FIELDS_MAX   32   /* struct sip: ~20 pointer-sized fields */
#define SRCADDR_CHAIN    4    /* other modules' handlers             */

static struct {
	struct {
		char callid[CALLID_MAX];
		struct sa src;
		struct mbuf *raw;    /* the INVITE, not parsed yet */
	} v[SRCADDR_N];
	unsigned next;
	struct sa trusted[SRCADDR_TRUSTED];
	unsigned ntrusted;
	sip_trace_h *chained;     /* baresip's own trace (-s), or NULL */
	sip_trace_h *chain[SRCADDR_CHAIN];   /* other OctaSIP modules'  */
	bool on;
	bool invites;             /* keep INVITEs for srcaddr_find()  */
	bool unparsed;            /* an entry's raw is set            */
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


/*
 * The INVITE's Call-ID is read from its bytes (sipcallid.h: what libre
 * would read, with no copy and no parse); an INVITE that reader leaves
 * to libre is kept as it came, and invite_parse() reads its Call-ID.
 */
static void invite_add(const struct sa *src, const uint8_t *pkt,
		       size_t len)
{
	struct mbuf *mb = NULL;
	struct pl callid;

	if (sipcallid_read(pkt, len, &callid) || callid.l >= CALLID_MAX) {
		mb = mbuf_alloc(len);
		if (!mb || mbuf_write_mem(mb, pkt, len)) {
			mem_deref(mb);
			return;
		}
		mb->pos = 0;
		pl_set_str(&callid, "");
		s.unparsed = true;
	}

	s.v[s.next].raw = mem_deref(s.v[s.next].raw);
	s.v[s.next].raw = mb;
	(void)pl_strcpy(&callid, s.v[s.next].callid, CALLID_MAX);
	s.v[s.next].src = *src;
	s.next = (s.next + 1) % SRCADDR_N;
}


static void trace_handler(bool tx, enum sip_transp tp,
			  const struct sa *src, const struct sa *dst,
			  const uint8_t *pkt, size_t len, void *arg)
{
	struct sip_msg *msg = NULL;
	size_t i;

	if (s.chained)
		s.chained(tx, tp, src, dst, pkt, len, arg);

	for (i = 0; i < SRCADDR_CHAIN; ++i) {
		if (s.chain[i])
			s.chain[i](tx, tp, src, dst, pkt, len, arg);
	}

	if (!s.on || !pkt)
		return;

	if (tx) {
		if (len > 9 && !memcmp(pkt, "REGISTER ", 9))
			trusted_add(dst);
		/* P-NET-3: pkt is what libre sends next; only a 200 to
		 * OPTIONS is changed (fp_options.c) */
		else
			fp_options_sent((uint8_t *)(uintptr_t)pkt, len);
		return;
	}

	if (len > 7 && !memcmp(pkt, "INVITE ", 7)) {
		if (s.invites)
			invite_add(src, pkt, len);
	}
	else if (len > 12 && (!memcmp(pkt, "SIP/2.0 401 ", 12) ||
			      !memcmp(pkt, "SIP/2.0 407 ", 12))) {
		/* P-CRED-3: pkt is libre's receive buffer, which its
		 * handlers read after this hook (realmpin.c) */
		msg = sipcopy_decode(pkt, len);
		if (msg)
			realmpin_challenge(msg, (uint8_t *)(uintptr_t)pkt,
					   len);
	}

	mem_deref(msg);
}


static void probe_handler(bool tx, enum sip_transp tp, const struct sa *src,
			  const struct sa *dst, const uint8_t *pkt,
			  size_t len, void *arg)
{
	(void)tx;
	(void)tp;
	(void)src;
	(void)dst;
	(void)pkt;
	(void)len;
	(void)arg;
}


/* baresip's trace handler: where a probe handler shows up, -s puts it */
static sip_trace_h *baresip_trace(struct sip *sip)
{
	const uintptr_t *f = (const uintptr_t *)(void *)sip;
	sip_trace_h *h = NULL;
	size_t i;

	sip_set_trace_handler(sip, probe_handler);
	for (i = 0; i < SIP_FIELDS_MAX; ++i) {
		if (f[i] == (uintptr_t)probe_handler)
			break;
	}

	uag_enable_sip_trace(true);
	if (i < SIP_FIELDS_MAX && f[i] != (uintptr_t)probe_handler)
		h = (sip_trace_h *)f[i];

	return h;
}


int srcaddr_init(bool invites)
{
	struct sip *sip = uag_sip();

	memset(&s, 0, sizeof(s));
	if (!sip)
		return ENOENT;

	s.invites = invites;

	if (bsip_sip_trace_requested())
		s.chained = baresip_trace(sip);

	sip_set_trace_handler(sip, trace_handler);
	s.on = true;

	return 0;
}


void srcaddr_close(void)
{
	struct sip *sip = uag_sip();
	unsigned i;

	if (s.on && sip)
		sip_set_trace_handler(sip, s.chained);
	s.on = false;

	for (i = 0; i < SRCADDR_N; ++i)
		s.v[i].raw = mem_deref(s.v[i].raw);
}


/* the Call-ID of every INVITE kept but not parsed yet */
static void invite_parse(void)
{
	unsigned i;

	/* most INVITEs' Call-IDs were read in the hook: no walk over the
	 * ring (one cold line per entry) for them */
	if (!s.unparsed)
		return;

	s.unparsed = false;
	for (i = 0; i < SRCADDR_N; ++i) {

		struct sip_msg *msg = NULL;

		if (!s.v[i].raw)
			continue;

		if (!sip_msg_decode(&msg, s.v[i].raw) &&
		    pl_isset(&msg->callid) && msg->callid.l < CALLID_MAX)
			(void)pl_strcpy(&msg->callid, s.v[i].callid,
					CALLID_MAX);

		mem_deref(msg);
		s.v[i].raw = mem_deref(s.v[i].raw);
	}
}


int srcaddr_chain_add(sip_trace_h *h)
{
	size_t i, free_at = SRCADDR_CHAIN;

	if (!h)
		return EINVAL;
	if (!s.on)
		return ENOTCONN;

	for (i = 0; i < SRCADDR_CHAIN; ++i) {
		if (s.chain[i] == h)
			return EALREADY;
		if (!s.chain[i] && free_at == SRCADDR_CHAIN)
			free_at = i;
	}
	if (free_at == SRCADDR_CHAIN)
		return ENOSPC;

	s.chain[free_at] = h;

	return 0;
}


void srcaddr_chain_remove(sip_trace_h *h)
{
	size_t i;

	for (i = 0; i < SRCADDR_CHAIN; ++i) {
		if (s.chain[i] == h)
			s.chain[i] = NULL;
	}
}


int srcaddr_find(const char *callid, struct sa *sa)
{
	unsigned i;

	if (!callid || !sa)
		return EINVAL;
	if (!s.invites)
		return ENOENT;

	invite_parse();

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
