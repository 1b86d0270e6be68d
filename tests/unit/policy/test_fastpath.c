/**
 * @file test_fastpath.c  Unit tests: the fast path rule (fast_path()),
 *                        each of its conditions and its tricky cases
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "utest.h"
#include "octasip_policy/fastpath.h"


static struct perm_set ps;


/* Everything lets the next call be answered by baresip itself */
static struct fastpath_in all_clear(void)
{
	struct fastpath_in in = {
		.auto_answer = true,
		.mediaenc    = NULL,
		.ps          = &ps,
		.enc         = ENC_PREFERRED,
	};
	int i;

	for (i = 0; i < PERM_COUNT; ++i)
		ps.state[i] = PERM_ALLOW;

	return in;
}


static void test_all_clear(void)
{
	struct fastpath_in in = all_clear();

	UT_CHECK(fast_path(&in));
	UT_CHECK(!fast_path(NULL));
	in.ps = NULL;
	UT_CHECK(!fast_path(&in));
}


/* manual or early media in the accounts file, or not taken over yet */
static void test_not_auto(void)
{
	struct fastpath_in in = all_clear();

	in.auto_answer = false;
	UT_CHECK(!fast_path(&in));
}


static void test_phone_state(void)
{
	struct fastpath_in in = all_clear();

	ps.state[PERM_PHONE_STATE] = PERM_DENY;
	UT_CHECK(!fast_path(&in));
	ps.state[PERM_PHONE_STATE] = PERM_ASK;
	UT_CHECK(!fast_path(&in));

	/* "once" permits, but only for one call: the full check counts it */
	ps.state[PERM_PHONE_STATE] = PERM_ONCE;
	UT_CHECK(perm_permits(&ps, PERM_PHONE_STATE));
	UT_CHECK(!fast_path(&in));
}


/* another permission's "once" waits for the next call: that call must
 * raise CALL_INCOMING to consume it (call_starts()) */
static void test_other_once_waiting(void)
{
	int i;

	for (i = 0; i < PERM_COUNT; ++i) {
		struct fastpath_in in = all_clear();

		if (i == PERM_PHONE_STATE)
			continue;

		ps.state[i] = PERM_ONCE;
		UT_CHECK(!fast_path(&in));
	}
}


/* deny or ask of another permission is no reason for the full check:
 * it is enforced for every call, answered by baresip or not */
static void test_other_denied(void)
{
	int i;

	for (i = 0; i < PERM_COUNT; ++i) {
		struct fastpath_in in = all_clear();

		if (i == PERM_PHONE_STATE)
			continue;

		ps.state[i] = PERM_DENY;
		UT_CHECK(fast_path(&in));
		ps.state[i] = PERM_ASK;
		UT_CHECK(fast_path(&in));
	}
}


/* a "once" grant a live call holds ends with that call: the states
 * then change again (idle_check()) */
static void test_once_live(void)
{
	struct fastpath_in in = all_clear();

	in.once_live = 1u << PERM_MICROPHONE;
	UT_CHECK(!fast_path(&in));
	in.once_live = 1u << PERM_PHONE_STATE;
	UT_CHECK(!fast_path(&in));
}


/* an unreadable permissions file: safe defaults, whatever ps says */
static void test_malformed(void)
{
	struct fastpath_in in = all_clear();

	in.malformed = true;
	UT_CHECK(!fast_path(&in));
}


static void test_encryption(void)
{
	struct fastpath_in in = all_clear();

	in.enc = ENC_REQUIRED;
	in.mediaenc = NULL;
	UT_CHECK(!fast_path(&in));

	/* best effort: falls back to plain RTP, so not "required" */
	in.mediaenc = "srtp";
	UT_CHECK(!fast_path(&in));

	in.mediaenc = "srtp-mand";
	UT_CHECK(fast_path(&in));
	in.mediaenc = "dtls_srtp";
	UT_CHECK(fast_path(&in));

	in.enc = ENC_PREFERRED;
	in.mediaenc = NULL;
	UT_CHECK(fast_path(&in));
	in.enc = ENC_OFF;
	UT_CHECK(fast_path(&in));
}


/* a second call gets "busy" only from the full check */
static void test_busy_second(void)
{
	struct fastpath_in in = all_clear();

	in.busy_second = true;
	in.calls = 0;
	UT_CHECK(fast_path(&in));
	in.calls = 1;
	UT_CHECK(!fast_path(&in));

	/* without the option a call up changes nothing */
	in.busy_second = false;
	in.calls = 3;
	UT_CHECK(fast_path(&in));
}


/* a source at its incoming cap: its next call is to be refused */
static void test_fraud_capped(void)
{
	struct fastpath_in in = all_clear();

	in.fraud_capped = true;
	UT_CHECK(!fast_path(&in));
}


int main(void)
{
	UT_RUN(test_all_clear);
	UT_RUN(test_not_auto);
	UT_RUN(test_phone_state);
	UT_RUN(test_other_once_waiting);
	UT_RUN(test_other_denied);
	UT_RUN(test_once_live);
	UT_RUN(test_malformed);
	UT_RUN(test_encryption);
	UT_RUN(test_busy_second);
	UT_RUN(test_fraud_capped);

	return ut_done();
}
