/**
 * @file cl_trace.c  A received BYE or CANCEL into the journal before
 *                   baresip reports the call closed (libre SIP trace)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "common/siptrace_api.h"
#include "common/sipcallid.h"
#include "common/sipcopy.h"
#include "cl_status.h"
#include "calllog.h"


/*
 * baresip 1.0 answers a BYE (or CANCEL), then stops the call's audio,
 * joining its threads (up to a packet time), and only then emits
 * CALL_CLOSED.  So that a kill -9 in between does not leave an ended
 * call "interrupted", the call's ended state goes into the journal when
 * the request arrives: libre's SIP trace handler sees every received
 * message before it is dispatched.  Only the journal gets it; the
 * record itself changes at CALL_CLOSED, which also supersedes it if the
 * request was refused.
 */
static void sip_end_seen(const char *method, const struct pl *callid)
{
	struct callrec *cr;
	struct cl_close c;
	struct cl_rec *r;
	const char *st, *reason, *st0;
	char id[CL_CAP_TEXT + 1], *rs0;
	int64_t e0;

	if (!d.j || d.memory_only || !callid->l ||
	    callid->l > CL_CAP_TEXT)
		return;

	(void)pl_strcpy(callid, id, sizeof(id));
	cr = callrec_find_id(id);
	if (!cr)
		return;

	r = &cr->rec;
	memset(&c, 0, sizeof(c));
	c.outgoing = r->outgoing;
	c.answered = r->answered_at != 0;
	c.prm = "Connection reset by peer";
	c.peer_uri = r->peer_uri;
	st = cl_status_closed(&c, &reason);
	if (cl_status_is(r, CL_ST_BLOCKED) ||
	    (!strcmp(method, "CANCEL") && c.answered))
		return;

	st0 = r->status;
	rs0 = r->reason;
	e0 = r->ended_at;
	r->status = st;
	r->reason = (char *)(uintptr_t)reason;
	r->ended_at = r->updated_at = cl_now_ms();
	journal(cr);
	r->status = st0;
	r->reason = rs0;
	r->ended_at = e0;
}


static void sip_trace(bool tx, enum sip_transp tp, const struct sa *src,
		      const struct sa *dst, const uint8_t *pkt, size_t len,
		      void *arg)
{
	struct sip_msg *msg = NULL;
	struct pl callid;

	(void)tp;
	(void)src;
	(void)dst;
	(void)arg;

	/* every SIP message passes here: two compares for most */
	if (tx || len < 8 || (memcmp(pkt, "BYE ", 4) &&
			      memcmp(pkt, "CANCEL ", 7)))
		return;

	/* the Call-ID alone (sipcallid.h); libre's whole parse only for
	 * what that does not read */
	if (sipcallid_read(pkt, len, &callid)) {
		msg = sipcopy_decode(pkt, len);
		if (!msg || !msg->req)
			goto out;
		callid = msg->callid;
	}

	sip_end_seen(pkt[0] == 'B' ? "BYE" : "CANCEL", &callid);

 out:
	mem_deref(msg);
}


/*
 * libre has one SIP trace hook.  With octasip_policy loaded, the hook is
 * the policy's and our handler joins its chain (siptrace_api.h):
 * setting it here would switch off the policy's own (where each INVITE
 * came from, foreign-realm challenges).  Without it, we set the hook,
 * unless baresip's own trace (-s) has it.
 */
void trace_start(void)
{
	const struct siptrace_api *api;
	void *h;
	int err;

	if (!d.j || !uag_sip())
		return;

	api = siptrace_api_get(&h);
	if (api) {
		err = api->add(sip_trace);
		siptrace_api_put(h);
		if (err && err != EALREADY) {
			warning("octasip_calllog: cannot join the policy's SIP"
				" trace (%m): a BYE is logged when baresip"
				" reports it\n", err);
			return;
		}
		d.trace = TRACE_CHAINED;
		return;
	}

	/* baresip's own trace (-s) has the hook: leave it */
	if (!bsip_sip_trace_requested()) {
		sip_set_trace_handler(uag_sip(), sip_trace);
		d.trace = TRACE_OWN;
	}
}


void trace_stop(void)
{
	const struct siptrace_api *api;
	void *h;

	if (d.trace == TRACE_CHAINED) {
		/* asked again: the policy may be gone by now (/rmmod) */
		api = siptrace_api_get(&h);
		if (api)
			api->remove(sip_trace);
		siptrace_api_put(h);
	}
	else if (d.trace == TRACE_OWN && uag_sip()) {
		sip_set_trace_handler(uag_sip(), NULL);
	}

	d.trace = TRACE_OFF;
}
