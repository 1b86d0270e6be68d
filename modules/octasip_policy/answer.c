/**
 * @file answer.c  Answer-mode control: the accounts the policy has taken
 *                 over and the mode each runs with inside baresip
 *
 * An account runs manual (every call passes the full check at
 * CALL_INCOMING) or, while the fast path rule (fastpath.c) lets its
 * next call be answered, auto as the accounts file asked.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "fastpath.h"
#include "fingerprint.h"
#include "policy.h"


/* An account the policy has taken over, by AOR; NULL if not (yet) */
const struct acc_mode *acc_find(const char *aor)
{
	size_t i;

	for (i = 0; i < d.nacc; ++i) {
		if (!strcmp(d.acc[i].aor, aor))
			return &d.acc[i];
	}

	return NULL;
}


enum answermode configured_answermode(const struct ua *ua)
{
	const struct acc_mode *a = acc_find(bsip_ua_aor(ua));

	return a ? a->mode : ANSWERMODE_MANUAL;
}


/* The fast path rule (fastpath.c) applied to an account now */
static bool ua_fast_path(const struct ua *ua)
{
	const struct acc_mode *a = acc_find(bsip_ua_aor(ua));
	const struct fastpath_in in = {
		.auto_answer  = a && a->mode == ANSWERMODE_AUTO,
		.mediaenc     = account_mediaenc(ua_account(ua)),
		.ps           = &d.ps,
		.malformed    = d.malformed,
		.once_live    = d.once_live,
		.enc          = d.enc,
		.busy_second  = d.busy_second,
		/* a walk over every call: only when it can matter */
		.calls        = d.busy_second ? calls_active() : 0,
		.fraud_capped = d.fraud_capped,
	};

	return fast_path(&in);
}


/* An op still lifting this account's mode (answer_op()) */
static bool ua_lifted(const struct ua *ua)
{
	struct le *le;

	for (le = list_head(&d.ops); le; le = le->next) {
		const struct op *op = le->data;

		if (op->ua == ua && op->lifted)
			return true;
	}

	return false;
}


void answermodes_update(void)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {

		struct ua *ua = le->data;
		struct account *acc = ua_account(ua);
		enum answermode m;

		if (!acc_find(bsip_ua_aor(ua)) || ua_lifted(ua))
			continue;

		m = ua_fast_path(ua) ? ANSWERMODE_AUTO : ANSWERMODE_MANUAL;
		if (account_answermode(acc) != m)
			(void)account_set_answermode(acc, m);
	}
}


static void fraud_timer(void *arg)
{
	(void)arg;
	fraud_refresh();
}


/* Has a source reached its cap, or has its minute ended? */
void fraud_refresh(void)
{
	uint64_t now = now_ms(), until = 0;
	bool capped = fraud_incoming_capped(d.fraud, now, &until);

	if (capped)
		tmr_start(&d.tmr_fraud, until - now + 1, fraud_timer, NULL);

	if (capped == d.fraud_capped)
		return;

	d.fraud_capped = capped;
	answermodes_update();
}


/*
 * Takes over the accounts it has not seen yet: the mode the accounts
 * file asked for is kept here; inside baresip the account runs manual
 * or, on the fast path, auto (answermodes_update()).
 */
void take_over_answermodes(void)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {

		struct account *acc = ua_account(le->data);
		const char *aor = bsip_ua_aor(le->data);

		if (acc_find(aor) || d.nacc >= MAX_ACCOUNTS)
			continue;

		fingerprint_ua(le->data);

		(void)re_snprintf(d.acc[d.nacc].aor,
				  sizeof(d.acc[d.nacc].aor), "%s", aor);
		d.acc[d.nacc].mode = account_answermode(acc);
		++d.nacc;

		(void)account_set_answermode(acc, ua_fast_path(le->data) ?
					     ANSWERMODE_AUTO :
					     ANSWERMODE_MANUAL);
	}
}
