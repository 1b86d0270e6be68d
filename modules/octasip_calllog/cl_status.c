/**
 * @file cl_status.c  Which status a call ends with, and why
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "common/calllog_api.h"
#include "cl_rec.h"
#include "cl_status.h"


const char *cl_blocked_rule(const char *reason)
{
	const size_t n = strlen(CALLLOG_BLOCKED_PREFIX);

	if (!reason || strncmp(reason, CALLLOG_BLOCKED_PREFIX, n))
		return NULL;

	return reason + n;
}


const char *cl_status_closed(const struct cl_close *c, const char **reason)
{
	const char *prm = c->prm ? c->prm : "";
	const char *rule;

	*reason = prm;

	rule = cl_blocked_rule(prm);
	if (rule) {
		*reason = rule;
		return CL_ST_BLOCKED;
	}

	/*
	 * baresip's call_accept() answered 488 itself: the call never
	 * rang, so it is not missed.  A plain offer to an account with
	 * media encryption is refused for encryption (1.x says "No audio
	 * codecs", 4.x "No common audio or video codecs").
	 */
	if (c->refused && !c->outgoing) {
		if (c->plain_offer && (!strcmp(prm, "No audio codecs") ||
		    !strcmp(prm, "No common audio or video codecs"))) {
			*reason = "encryption: the offer had no encrypted"
				" media (account mediaenc)";
			return CL_ST_BLOCKED;
		}
		return CL_ST_REJECTED;
	}

	/* contact.so access=block: CALL_CLOSED carries the peer URI */
	if (!c->outgoing && !c->answered && !c->local && c->peer_uri &&
	    *prm && !strcmp(prm, c->peer_uri)) {
		*reason = "blocked by contacts";
		return CL_ST_BLOCKED;
	}

	if (c->answered)
		return CL_ST_ANSWERED;

	if (!c->outgoing)
		return c->local ? CL_ST_REJECTED : CL_ST_MISSED;

	if (c->scode == 486 || c->scode == 600)
		return CL_ST_BUSY;

	if (c->local && !c->scode)
		return CL_ST_CANCELLED;

	return CL_ST_FAILED;
}
