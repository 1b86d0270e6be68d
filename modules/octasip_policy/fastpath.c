/**
 * @file fastpath.c  The fast path rule (see fastpath.h)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <stddef.h>
#include "fastpath.h"


/*
 * The fast path.  An account the accounts file sets to answermode auto
 * keeps that mode inside baresip while every check would let its next
 * incoming call be answered: phone_state allowed (not "once"), no other
 * "once" grant waiting, a readable permissions file, the encryption
 * policy satisfied by the account's media encryption, no call up when a
 * second call is to get "busy", and no source at its incoming-calls cap.
 * baresip then answers as stock baresip does, without CALL_INCOMING (no
 * event broadcast, no console line, no ring-tone logic before the 200 OK)
 * and the policy does its per-call work (permissions, fraud count, audit)
 * right after that answer, before the event loop reads anything else
 * (answered_queue(), answered_by_baresip()).
 * Every other account runs manual: each incoming call raises
 * CALL_INCOMING and passes the full check there (admit_incoming(),
 * enforce_phone_state()).  answermodes_update() follows every change of
 * those conditions: the permissions file (its watch is read on the event
 * loop too, ahead of an INVITE that arrived after the change), calls
 * starting and ending, a source reaching its cap and its minute ending.
 */
bool fast_path(const struct fastpath_in *in)
{
	if (!in || !in->ps)
		return false;

	if (!in->auto_answer || in->malformed || in->once_live ||
	    !perm_allows(in->ps, PERM_PHONE_STATE) ||
	    in->fraud_capped)
		return false;

	if (perm_set_bits(in->ps, PERM_ONCE))
		return false;

	if (!enc_call_allowed(in->enc, in->mediaenc))
		return false;

	return !(in->busy_second && in->calls);
}
