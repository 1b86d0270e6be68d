/**
 * @file cl_status.h  Which status a call ends with, and why
 *
 * Pure function of what baresip 1.0.0 tells at CALL_CLOSED (its prm is
 * "486 Busy Here" when the far end rejects, with call_scode() set;
 * "Connection reset by peer" on a remote BYE or CANCEL; the reason given
 * to ua_hangup() on a local hang-up; the peer URI when contact.so blocks
 * the caller; see docs/calllog.md "Status"):
 *
 *  - a reason starting with CALLLOG_BLOCKED_PREFIX   -> blocked (rule)
 *  - incoming, refused by baresip before it rang (a
 *    plain offer to an account with media encryption,
 *    "No audio codecs")                             -> blocked (encryption)
 *  - incoming, refused by baresip before it rang
 *    for any other reason                           -> rejected
 *  - incoming closed with prm == peer URI (contacts
 *    access=block) before answer                    -> blocked (contacts)
 *  - answered                                       -> answered
 *  - incoming, hung up here (local)                 -> rejected
 *  - incoming, caller cancelled or ring timeout     -> missed
 *  - outgoing, final response 486 or 600            -> busy
 *  - outgoing, hung up here before answer           -> cancelled
 *  - outgoing, anything else                        -> failed
 *
 * "local" means ua_hangup() ended the call here: the core sets the call
 * state to TERMINATED before emitting CALL_CLOSED, which a remote BYE,
 * CANCEL, final response or timeout never does.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CL_STATUS_H
#define OCTASIP_CL_STATUS_H

#include <stdbool.h>
#include <stdint.h>

struct cl_close {
	bool outgoing;
	bool answered;
	bool local;             /* hung up here (state TERMINATED)      */
	uint16_t scode;         /* call_scode(): final response, or 0   */
	const char *prm;        /* CALL_CLOSED parameter                */
	const char *peer_uri;   /* call_peeruri()                       */
	bool refused;           /* incoming, refused by the core (488)
				 * before it rang: state still IDLE    */
	bool plain_offer;       /* the account has media encryption and
				 * the offer carried none              */
};

/*
 * Returns the CL_ST_* status; *reason points into c->prm (or a static
 * string) and is the text to store as the reason.
 */
const char *cl_status_closed(const struct cl_close *c, const char **reason);

/* A hang-up reason that marks a blocked call: the rule, else NULL */
const char *cl_blocked_rule(const char *reason);

#endif
