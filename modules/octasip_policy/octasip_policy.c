/**
 * @file octasip_policy.c  OctaSIP permission policy, encryption policy,
 *                         fraud guard and microphone gate: the baresip
 *                         glue
 *
 * Loaded by baresip as: module (first after octasip_crash: before any
 * audio filter, so its encode filter is first in the chain, and before
 * account.so).
 *
 * Everything the module registers with baresip is here, behind the
 * adapter layer (common/bsip.h): the event handlers, the encode filter,
 * the commands, module init and close.  A port to another baresip
 * starts here; the jobs these call are in the other files (policy.h).
 *
 * Configuration keys (in baresip's config file):
 *   octasip_policy_encryption      required|preferred|off   (preferred)
 *   octasip_policy_deny_prefixes   comma list of E.164 prefixes; the word
 *                                  "premium" adds the documented premium
 *                                  and high-cost ranges          (none)
 *   octasip_policy_allow_numbers   comma list, always allowed; the word
 *                                  "emergency" adds 112, 911, ... (emergency)
 *   octasip_policy_country_code    digits, for trunk-prefix numbers   ()
 *   octasip_policy_intl_prefix     international prefix              (00)
 *   octasip_policy_trunk_prefix    national trunk prefix              (0)
 *   octasip_policy_max_calls_per_minute  outgoing attempts, 0 = off  (10)
 *   octasip_policy_max_calls_per_day     outgoing attempts, 0 = off (200)
 *   octasip_policy_max_concurrent        calls at once, 0 = off       (4)
 *   octasip_policy_max_incoming_per_source  per minute, 0 = off      (10)
 *   octasip_policy_max_incoming_per_address per minute from one
 *                                  network address (not the accounts'
 *                                  registrars), 0 = off             (20)
 *   octasip_policy_recording_notice      yes|no                     (yes)
 *   octasip_policy_recording_retention_days  0 = keep              (30)
 *   octasip_policy_tls_pins        comma list of SHA-256 fingerprints of
 *                                  server certificates accepted without
 *                                  a verifying chain (self-signed PBX) ()
 *   octasip_policy_user_agent      User-Agent/Server value, one token
 *                                  (e.g. Phone/1.0); none sent  (unset)
 *   octasip_policy_busy_second_call      yes|no: answer a second
 *                                  incoming call with 486 Busy       (no)
 *
 * Commands:
 *   /perm list                     states, "once" grants in use, errors
 *   /perm set PERMISSION STATE     change one (from the next call on)
 *   /perm reset                    back to the product defaults
 *   /fraud                         calls the fraud guard refused
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "common/calllog_api.h"
#include "common/siptrace_api.h"
#include "fingerprint.h"
#include "realmpin.h"
#include "recstore.h"
#include "srcaddr.h"
#include "tlsverify.h"
#include "generated/octasip_version.h"
#include "policy.h"


/* the one state of the module's files (policy.h) */
struct policy_state d;


static void ua_event_handler(const struct bsip_event *e, void *arg)
{
	struct ua *ua = e->ua;
	struct call *call = e->call;
	const char *prm = e->prm;
	enum bsip_ev ev = e->ev;
	(void)arg;

	switch (ev) {

	case BSIP_EV_REGISTERING:
		take_over_answermodes();
		realmpin_registering(ua);
		break;

	case BSIP_EV_REGISTER_OK:
		realmpin_registered(ua);
		break;

	case BSIP_EV_CALL_LOCAL_SDP:
		fingerprint_call(call);
		if (call_is_outgoing(call))
			tlsverify_peer(call_peeruri(call));
		if (call_is_outgoing(call) &&
		    call_state(call) == CALL_STATE_OUTGOING &&
		    !strcmp(prm, "offer")) {

			admit_outgoing(ua, call, e);
			if (d.busy_second)
				answermodes_update();
		}
		enforce_microphone(call);
		break;

	case BSIP_EV_CALL_INCOMING:
		checked_add(call);
		enforce_microphone(call);
		if (admit_incoming(ua, call))
			enforce_phone_state(ua, call);
		fraud_refresh();
		break;

	case BSIP_EV_CALL_REMOTE_SDP:
		fingerprint_call(call);
		if (call && !call_is_outgoing(call) && prm &&
		    !strcmp(prm, "offer") &&
		    call_state(call) == CALL_STATE_INCOMING &&
		    !checked_is(call))
			answered_queue(ua, call);
		enforce_microphone(call);
		break;

	case BSIP_EV_CALL_ESTABLISHED:
	case BSIP_EV_CALL_RTPESTAB:
		enforce_microphone(call);
		break;

	case BSIP_EV_CALL_CLOSED:
		checked_forget(call);
		answered_forget(call);
		ops_forget_call(call);
		tmr_start(&d.tmr_idle, 0, idle_check, NULL);
		break;

	default:
		break;
	}
}


/*
 * Answer (or early media) in the loop turn the INVITE arrived in, as
 * stock baresip's answermode auto does, instead of from op_run()'s
 * 0 ms timer after the turn's other file descriptors were served.
 *
 * This handler is registered after every module of the config file
 * (start_timer()), so it is the last of CALL_INCOMING's handlers: every
 * other handler has seen the call before it is answered, and nothing
 * uses the call after it in this event.  Answering does not free the
 * call (ua_hangup() would: never from inside an event for that call, as
 * later handlers still use it).  A call it does not find
 * an op for (not registered yet, hangups) keeps the timer.
 */
static void answer_now(const struct bsip_event *e, void *arg)
{
	struct call *call = e->call;
	enum bsip_ev ev = e->ev;
	struct le *le;
	(void)arg;

	if (ev != BSIP_EV_CALL_INCOMING || !call)
		return;

	for (le = list_head(&d.ops); le; le = le->next) {
		struct op *op = le->data;

		if (op->call != call)
			continue;

		/* inside the call's own CALL_INCOMING: it is alive, no
		 * walk over every call of every account before the 200 */
		if (op->kind == OP_ANSWER || op->kind == OP_PROGRESS)
			op_exec(op);
		return;
	}
}


static void start_timer(void *arg)
{
	size_t n = 0;
	(void)arg;

	/* last of the event handlers: see answer_now() */
	d.answer_last = !bsip_event_register(answer_now, NULL);
	if (!d.answer_last)
		warning("octasip_policy: automatic answers run from a"
			" timer\n");

	take_over_answermodes();
	report_accounts();
	enforce_all();

	if (d.retention_days && recorder_loaded() &&
	    !recstore_prune(d.snd_path, now_s(),
			    (long long)d.retention_days * 86400, &n) && n)
		info("octasip_policy: deleted %zu recordings older than %u"
		     " days\n", n, d.retention_days);
}


/* ---- the microphone gate filter (audio thread) ---------------------- */

struct gate_enc {
	struct aufilt_enc_st af;   /* base class: must be first */
	struct micgate_stream s;
};


static void gate_destructor(void *arg)
{
	struct gate_enc *st = arg;

	list_unlink(&st->af.le);
}


static int gate_encupd(struct aufilt_enc_st **stp, void **ctx,
		       const struct aufilt *af, struct aufilt_prm *prm,
		       const struct audio *au)
{
	struct gate_enc *st;
	(void)ctx;
	(void)af;
	(void)au;

	if (!stp || !prm)
		return EINVAL;
	if (*stp)
		return 0;

	st = mem_zalloc(sizeof(*st), gate_destructor);
	if (!st)
		return ENOMEM;

	micgate_stream_init(&st->s, prm->srate, prm->ch, prm->fmt);
	*stp = (struct aufilt_enc_st *)st;

	return 0;
}


static int gate_encode(struct aufilt_enc_st *st, struct auframe *af)
{
	struct gate_enc *g = (struct gate_enc *)st;

	if (!st || !af)
		return EINVAL;

	return micgate_process(&d.gate, &g->s, af->sampv, af->sampc);
}


static struct aufilt gate_filter = {
	.name    = "octasip_micgate",
	.encupdh = gate_encupd,
	.ench    = gate_encode,
};


static int module_init(void)
{
	struct fraud_cfg fc;
	char profile[512];
	int err;

	/* module_close() runs after a failed init too: no fd 0 to close */
	d.dirfd = -1;
	d.watch.fd = -1;
	d.audit_fd = -1;

	err = bsip_module_init("octasip_policy");
	if (err)
		return err;

	err = read_config(&fc);
	if (err)
		return err;

	err = conf_path_get(profile, sizeof(profile));
	if (!err)
		err = permfile_init(&d.pf, profile);
	if (!err)
		d.dirfd = open(profile, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!err)
		err = fraud_alloc(&d.fraud, &fc);
	if (!err)
		err = hash_alloc(&d.checked, 64);
	if (err)
		return err;

	watch_open(profile);
	list_init(&d.ops);
	list_init(&d.answered);
	tmr_init(&d.tmr_answered);
	tmr_init(&d.tmr_fraud);
	tmr_init(&d.tmr_start);
	tmr_init(&d.tmr_idle);
	tmr_init(&d.tmr_audit);

	perms_load();
	audit_start();
	micgate_init(&d.gate, allowed(PERM_MICROPHONE), 0);

	/* first in the encode chain: loaded before every other filter */
	aufilt_register(baresip_aufiltl(), &gate_filter);

	err = bsip_event_register(ua_event_handler, NULL);
	if (err)
		return err;

	/* where each INVITE came from: the per-address flood cap */
	if (srcaddr_init(fc.max_incoming_per_address > 0))
		warning("octasip_policy: no SIP stack: the per-address flood"
			" cap is off\n");
	else
		(void)fingerprint_init(d.user_agent, srcaddr_traceh());

	/* SIP over TLS authenticates the server */
	err = tlsverify_init(d.tls_pins);
	if (err == EINVAL)
		return err;

	err = cmd_register(baresip_commands(), policy_cmdv, policy_cmdc);
	if (err)
		return err;

	/* after the other modules (accounts, call log, recorder) loaded */
	tmr_start(&d.tmr_start, 0, start_timer, NULL);

	info("octasip_policy: OctaSIP %s loaded (baresip API %s);"
	     " encryption %s; permissions: microphone %s, contacts %s,"
	     " storage %s, phone_state %s, recording %s\n",
	     OCTASIP_VERSION, BSIP_API_VERSION, enc_mode_name(d.enc),
	     perm_state_name(d.ps.state[PERM_MICROPHONE]),
	     perm_state_name(d.ps.state[PERM_CONTACTS]),
	     perm_state_name(d.ps.state[PERM_STORAGE]),
	     perm_state_name(d.ps.state[PERM_PHONE_STATE]),
	     perm_state_name(d.ps.state[PERM_RECORDING]));

	return 0;
}


static int module_close(void)
{
	tmr_cancel(&d.tmr_start);
	tmr_cancel(&d.tmr_idle);
	audit_stop();
	list_flush(&d.ops);
	cmd_unregister(baresip_commands(), policy_cmdv);
	if (d.answer_last)
		bsip_event_unregister(answer_now);
	d.answer_last = false;
	bsip_event_unregister(ua_event_handler);
	aufilt_unregister(&gate_filter);
	srcaddr_close();
	realmpin_close();
	tlsverify_close();
	fraud_free(d.fraud);
	d.fraud = NULL;
	calllog_api_release();
	if (d.dirfd >= 0)
		(void)close(d.dirfd);
	d.dirfd = -1;
	bsip_dirwatch_stop(&d.watch);
	tmr_cancel(&d.tmr_fraud);
	tmr_cancel(&d.tmr_answered);
	list_flush(&d.answered);
	hash_flush(d.checked);
	d.checked = mem_deref(d.checked);

	debug("octasip_policy: unloaded\n");

	return 0;
}


/* libre's one SIP trace hook is ours; other modules join its chain */
OCTASIP_EXPORT const struct siptrace_api octasip_siptrace_api_v1 = {
	SIPTRACE_API_VERSION,
	srcaddr_chain_add,
	srcaddr_chain_remove,
};


OCTASIP_EXPORT const struct mod_export exports = {
	"octasip_policy",
	"application",
	module_init,
	module_close,
};
