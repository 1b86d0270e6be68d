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


static void event_handler(struct ua *ua, enum ua_event ev,
			  struct call *call, const char *prm, void *arg)
{
	int err;
	(void)prm;
	(void)arg;

	if (ev != UA_EVENT_CALL_INCOMING || !call)
		return;

	err = ua_answer(ua, call, VIDMODE_ON);
	if (err)
		warning("setup_answer: answer: %m\n", err);
}


static int module_init(void)
{
	return uag_event_register(event_handler, NULL);
}


static int module_close(void)
{
	uag_event_unregister(event_handler);

	return 0;
}


const struct mod_export exports = {
	"setup_answer",
	"application",
	module_init,
	module_close,
};
