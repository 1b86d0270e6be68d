/**
 * @file test_calllog_status.c  Which status each way a call ends maps to
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "utest.h"
#include "common/calllog_api.h"
#include "octasip_calllog/cl_rec.h"
#include "octasip_calllog/cl_status.h"

static const char *peer = "sip:bob@127.0.0.1:5060";


static const char *st(bool out, bool ans, bool local, uint16_t scode,
		      const char *prm, const char **reason)
{
	struct cl_close c = {out, ans, local, scode, prm, peer, false,
			     false};
	const char *dummy;

	return cl_status_closed(&c, reason ? reason : &dummy);
}


static void test_answered(void)
{
	UT_EQ_STR(st(true, true, true, 0, "Connection reset by user", NULL),
		  CL_ST_ANSWERED);
	UT_EQ_STR(st(false, true, false, 0, "Connection reset by peer",
		     NULL), CL_ST_ANSWERED);
	UT_EQ_STR(st(false, true, true, 701, "rtp stream error", NULL),
		  CL_ST_ANSWERED);
}


static void test_incoming_unanswered(void)
{
	const char *reason;

	/* caller sent CANCEL */
	UT_EQ_STR(st(false, false, false, 0, "Connection reset by peer",
		     &reason), CL_ST_MISSED);
	UT_EQ_STR(reason, "Connection reset by peer");
	/* ring timeout (call_local_timeout) */
	UT_EQ_STR(st(false, false, false, 0, "Local timeout", NULL),
		  CL_ST_MISSED);
	/* declined here: /hangup on a ringing call */
	UT_EQ_STR(st(false, false, true, 0, "Connection reset by user",
		     NULL), CL_ST_REJECTED);
	UT_EQ_STR(st(false, false, true, 0, "Busy Here", NULL),
		  CL_ST_REJECTED);
}


static void test_outgoing_unanswered(void)
{
	const char *reason;

	UT_EQ_STR(st(true, false, false, 486, "486 Busy Here", &reason),
		  CL_ST_BUSY);
	UT_EQ_STR(reason, "486 Busy Here");
	UT_EQ_STR(st(true, false, false, 600, "600 Busy Everywhere", NULL),
		  CL_ST_BUSY);
	UT_EQ_STR(st(true, false, false, 404, "404 Not Found", NULL),
		  CL_ST_FAILED);
	UT_EQ_STR(st(true, false, false, 503, "503 Service Unavailable",
		     NULL), CL_ST_FAILED);
	UT_EQ_STR(st(true, false, false, 603, "603 Decline", NULL),
		  CL_ST_FAILED);
	UT_EQ_STR(st(true, false, false, 0, "Connection refused", NULL),
		  CL_ST_FAILED);
	UT_EQ_STR(st(true, false, false, 0, "Local timeout", NULL),
		  CL_ST_FAILED);
	UT_EQ_STR(st(true, false, true, 0, "Connection reset by user",
		     NULL), CL_ST_CANCELLED);
}


static void test_blocked_prefix(void)
{
	const char *reason;

	/* the policy hangs up with the prefix: blocked, reason = rule */
	UT_EQ_STR(st(false, false, true, 0, CALLLOG_BLOCKED_PREFIX
		     "premium-rate", &reason), CL_ST_BLOCKED);
	UT_EQ_STR(reason, "premium-rate");
	UT_EQ_STR(st(true, false, true, 0, CALLLOG_BLOCKED_PREFIX "fraud",
		     &reason), CL_ST_BLOCKED);
	UT_EQ_STR(reason, "fraud");
	/* also after answer (fraud guard cutting a running call) */
	UT_EQ_STR(st(true, true, true, 0, CALLLOG_BLOCKED_PREFIX "limit",
		     NULL), CL_ST_BLOCKED);
	/* the prefix must be at the start */
	UT_EQ_STR(st(false, false, true, 0, "x " CALLLOG_BLOCKED_PREFIX "y",
		     NULL), CL_ST_REJECTED);
	UT_CHECK(cl_blocked_rule("octasip blocked:") == NULL);
}


static void test_contacts_block(void)
{
	const char *reason;

	/* contact.so access=block: CALL_CLOSED prm is the peer URI */
	UT_EQ_STR(st(false, false, false, 0, peer, &reason), CL_ST_BLOCKED);
	UT_EQ_STR(reason, "blocked by contacts");
	/* the same text on an outgoing call is just a failure */
	UT_EQ_STR(st(true, false, false, 0, peer, NULL), CL_ST_FAILED);
}


/* baresip answered 488 itself, before the call rang (call_accept()) */
static void test_refused_by_core(void)
{
	struct cl_close c = {false, false, false, 0, "No audio codecs", peer,
			     true, true};
	const char *reason;

	UT_EQ_STR(cl_status_closed(&c, &reason), CL_ST_BLOCKED);
	UT_CHECK(strstr(reason, "encryption") != NULL);

	/* an offer with crypto but no common codec: not encryption */
	c.plain_offer = false;
	UT_EQ_STR(cl_status_closed(&c, &reason), CL_ST_REJECTED);
	UT_EQ_STR(reason, "No audio codecs");

	c.prm = "Wrong address family";
	c.plain_offer = true;
	UT_EQ_STR(cl_status_closed(&c, &reason), CL_ST_REJECTED);

	/* never missed: it never rang */
	c.refused = false;
	UT_EQ_STR(cl_status_closed(&c, &reason), CL_ST_MISSED);
}


int main(void)
{
	UT_RUN(test_answered);
	UT_RUN(test_incoming_unanswered);
	UT_RUN(test_outgoing_unanswered);
	UT_RUN(test_blocked_prefix);
	UT_RUN(test_contacts_block);
	UT_RUN(test_refused_by_core);

	return ut_done();
}
