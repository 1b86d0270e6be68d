/**
 * @file calls.c  The policy's call tracking: calls alive, calls checked,
 *                deferred call actions and calls baresip answered itself
 *
 * A call is never ended or answered inside one of its own events: the
 * action is queued (op_start()) and run in the same loop turn.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "policy.h"


unsigned calls_active(void)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(uag_list()); le; le = le->next)
		n += list_count(ua_calls(le->data));

	return n;
}


/* Any call at all: no walk over the calls (each one a cold object) */
bool calls_any(void)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {
		if (!list_isempty(ua_calls(le->data)))
			return true;
	}

	return false;
}


/*
 * The calls are walked newest first: a call the policy acts on is
 * usually the one that just arrived, at the tail of its UA's list, so
 * the walk does not touch the other calls' (cold) objects.
 */
bool call_alive(struct ua *ua, const struct call *call)
{
	struct le *le, *lc;

	for (le = list_head(uag_list()); le; le = le->next) {

		if (le->data != ua)
			continue;

		for (lc = list_tail(ua_calls(ua)); lc; lc = lc->prev) {
			if (lc->data == call)
				return true;
		}
	}

	return false;
}


/*
 * Calls that raised CALL_INCOMING (the full check before an answer).  An
 * incoming call's remote SDP offer on a taken-over account that is not
 * here was answered by baresip itself: the fast path (fast_path()).  The
 * Call-ID is kept too: a call pointer of an account deleted with its
 * calls up (no CALL_CLOSED) may come back as another call's.
 */
struct checked {
	struct le he;
	const struct call *call;   /* compared, never dereferenced */
	char *id;
};


static void checked_destructor(void *arg)
{
	struct checked *c = arg;

	hash_unlink(&c->he);
	mem_deref(c->id);
}


static bool checked_cmp(struct le *le, void *arg)
{
	const struct checked *c = le->data;

	return c->call == arg;
}


static struct checked *checked_find(const struct call *call)
{
	struct le *le = hash_lookup(d.checked, bsip_call_key(call),
				    checked_cmp, (void *)call);

	return le ? le->data : NULL;
}


void checked_add(const struct call *call)
{
	struct checked *c = checked_find(call);

	if (c)
		mem_deref(c);

	c = mem_zalloc(sizeof(*c), checked_destructor);
	if (!c)
		return;

	c->call = call;
	(void)str_dup(&c->id, call_id(call) ? call_id(call) : "");
	hash_append(d.checked, bsip_call_key(call), &c->he, c);
}


bool checked_is(const struct call *call)
{
	const struct checked *c = checked_find(call);

	return c && !str_cmp(c->id, call_id(call) ? call_id(call) : "");
}


void checked_forget(const struct call *call)
{
	mem_deref(checked_find(call));
}


/*
 * Deferred call actions: run from a 0 ms timer, i.e. in the same
 * event-loop turn (libre runs due timers right after the file
 * descriptor handlers), before any SIP response can be read.
 */
static void op_destructor(void *arg)
{
	struct op *op = arg;

	tmr_cancel(&op->tmr);
	list_unlink(&op->le);
}


/* Back to the mode the policy runs the account with once the op is
 * done (answermodes_update()) */
static void op_unlift(struct op *op)
{
	if (!op->lifted)
		return;

	op->lifted = false;
	answermodes_update();
}


/*
 * Does the op and frees it; the caller knows the call is alive.  The op
 * leaves the list first: ua_hangup() emits CALL_CLOSED, whose handler
 * frees the ops of that call (ops_forget_call()), this one included, and
 * the mem_deref() below would then decrement freed memory (a heap
 * corruption seen under incoming floods: the call log's writer crashed
 * on a list pointer that read 0xffffffff).
 */
void op_exec(struct op *op)
{
	struct call *call = (struct call *)op->call;
	int err = 0;

	op_unlift(op);
	list_unlink(&op->le);

	switch (op->kind) {

	case OP_HANGUP:
		ua_hangup(op->ua, call, op->scode, op->reason);
		break;

	case OP_ANSWER:
		err = ua_answer(op->ua, call, VIDMODE_ON);
		break;

	case OP_PROGRESS:
		err = call_progress(call);
		break;
	}

	if (err)
		warning("octasip_policy: call action failed: %m\n", err);

	mem_deref(op);
}


/* From the op's timer: the call may have ended since the op started */
static void op_run(void *arg)
{
	struct op *op = arg;

	if (!call_alive(op->ua, op->call)) {
		op_unlift(op);
		mem_deref(op);
		return;
	}

	op_exec(op);
}


struct op *op_start(struct ua *ua, const struct call *call,
		     enum op_kind kind, uint16_t scode,
		     const char *reason)
{
	struct op *op = mem_zalloc(sizeof(*op), op_destructor);

	if (!op) {
		warning("octasip_policy: out of memory\n");
		return NULL;
	}

	op->ua = ua;
	op->call = call;
	op->kind = kind;
	op->scode = scode;
	if (reason)
		(void)re_snprintf(op->reason, sizeof(op->reason), "%s",
				  reason);

	list_append(&d.ops, &op->le, op);
	tmr_start(&op->tmr, 0, op_run, op);

	return op;
}


/*
 * An automatic answer (or early media) the policy decided on runs from
 * answer_now(), the last CALL_INCOMING handler.  Until then the account
 * shows its own answer mode (lifted), so that the handlers in between
 * (menu.so) treat the call as stock baresip's auto answer does: no ring
 * tone, no ring.wav opened before the 200 OK.  Only when answer_now() is
 * registered: the mode goes back to manual in the same event, before
 * any other INVITE can be read.
 */
void answer_op(struct ua *ua, const struct call *call,
	       enum op_kind kind, enum answermode mode)
{
	struct op *op = op_start(ua, call, kind, 0, NULL);

	if (!op || !d.answer_last)
		return;

	op->lifted = true;
	(void)account_set_answermode(ua_account(ua), mode);
}


void ops_forget_call(const struct call *call)
{
	struct le *le = list_head(&d.ops);

	while (le) {
		struct op *op = le->data;

		le = le->next;
		if (op->call == call) {
			op_unlift(op);
			mem_deref(op);
		}
	}
}


/*
 * The per-call work for a call baresip answered runs from a 0 ms timer,
 * after the 200 OK went out and before the event loop reads anything
 * else (no other INVITE, no hangup of this call can come in between);
 * only the microphone is settled before the answer.
 */
struct answered {
	struct le le;
	struct ua *ua;
	const struct call *call;   /* looked up before use */
	bool early;                /* account not taken over yet */
};


static void answered_destructor(void *arg)
{
	struct answered *a = arg;

	list_unlink(&a->le);
}


static void answered_run(void *arg)
{
	struct le *le;

	(void)arg;

	while ((le = list_head(&d.answered)) != NULL) {

		struct answered *a = le->data;

		if (call_alive(a->ua, a->call))
			answered_by_baresip(a->ua, (struct call *)a->call,
					    a->early);
		mem_deref(a);
	}
}


void answered_queue(struct ua *ua, const struct call *call)
{
	struct answered *a = mem_zalloc(sizeof(*a), answered_destructor);

	if (!a) {
		warning("octasip_policy: out of memory\n");
		return;
	}

	a->ua = ua;
	a->call = call;
	a->early = !acc_find(bsip_ua_aor(ua));
	list_append(&d.answered, &a->le, a);
	tmr_start(&d.tmr_answered, 0, answered_run, NULL);
}


void answered_forget(const struct call *call)
{
	struct le *le = list_head(&d.answered);

	while (le) {
		struct answered *a = le->data;

		le = le->next;
		if (a->call == call)
			mem_deref(a);
	}
}
