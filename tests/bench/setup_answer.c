/**
 * @file setup_answer.c  Benchmark module: answer every CALL_INCOMING
 *
 * The "manual" variant of tests/bench/sipp_compare.py runs stock baresip
 * with a manual-answer account and this module in place of OctaSIP's
 * four.  It answers each incoming call in its CALL_INCOMING handler and
 * does nothing else, so the variant costs exactly what baresip 1.0.0's
 * manual-answer path costs (the CALL_INCOMING event and every loaded
 * module's handler for it) and nothing of OctaSIP.  Any module that must
 * decide before a call is answered pays that path; the figure tells how
 * much of OctaSIP's setup latency is baresip's and how much is ours.
 *
 * Config keys: none.  Commands: none.  Benchmark only: never installed.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/bsip.h"


static void event_handler(const struct bsip_event *e, void *arg)
{
	struct ua *ua = e->ua;
	struct call *call = e->call;
	enum bsip_ev ev = e->ev;
	int err;
	(void)arg;

	if (ev != BSIP_EV_CALL_INCOMING || !call)
		return;

	err = ua_answer(ua, call, VIDMODE_ON);
	if (err)
		warning("setup_answer: answer: %m\n", err);
}


static int module_init(void)
{
	return bsip_event_register(event_handler, NULL);
}


static int module_close(void)
{
	bsip_event_unregister(event_handler);

	return 0;
}


const struct mod_export exports = {
	"setup_answer",
	"application",
	module_init,
	module_close,
};
