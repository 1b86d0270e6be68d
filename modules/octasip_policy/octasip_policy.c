/**
 * @file octasip_policy.c  OctaSIP permission policy, encryption policy,
 *                         fraud guard and microphone gate
 *
 * Loaded by baresip as: module (first after octasip_crash: before any
 * audio filter, so its encode filter is first in the chain, and before
 * account.so).
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
 * Where each promise is kept (one enforcement point per permission):
 *   enforce_microphone()   mute at the source + the gate filter flag
 *   enforce_recording()    no recorder module while recording is denied;
 *                          the configured one loaded again when allowed
 *   enforce_contacts()     no contact module while contacts are denied
 *   enforce_storage()      call log in memory, no recorder, no audit file
 *   enforce_phone_state()  automatic answers after the full check
 *                          (answer_now(): in baresip's own loop turn)
 *   fast_path()            when baresip may answer an auto account's
 *                          calls itself (answered_by_baresip())
 *   audit()                audit lines, written after the turn's SIP
 *                          replies went out (audit_flush())
 *   check_outgoing() / check_incoming()  encryption policy + fraud guard
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "common/bsip.h"
#include "common/calllog_api.h"
#include "common/siptrace_api.h"
#include "common/dirwatch.h"
#include "encpolicy.h"
#include "fingerprint.h"
#include "fraud.h"
#include "micgate.h"
#include "common/perm.h"
#include "permfile.h"
#include "common/profile.h"
#include "realmpin.h"
#include "recstore.h"
#include "srcaddr.h"
#include "tlsverify.h"
#include "generated/octasip_version.h"


#define MAX_ACCOUNTS 32
#define RECORDER     "sndfile.so"
#define CONTACTS_MOD "contact.so"
#define AUDIT_QUEUE  PERM_AUDIT_MAX

enum op_kind {
	OP_HANGUP = 0,
	OP_ANSWER,
	OP_PROGRESS,
};

/* A deferred action on a call: never free a call inside its event. */
struct op {
	struct le le;
	struct tmr tmr;
	struct ua *ua;
	const struct call *call;   /* compared, never dereferenced */
	enum op_kind kind;
	uint16_t scode;
	char reason[160];
	bool lifted;               /* account shows its own answer mode
				    * until this op has run (answer_op()) */
};

struct gate_enc {
	struct aufilt_enc_st af;   /* base class: must be first */
	struct micgate_stream s;
};

static struct {
	struct micgate gate;
	struct fraud *fraud;
	enum enc_mode enc;
	bool notice;
	bool busy_second;
	uint32_t retention_days;
	char snd_path[256];
	char module_path[256];
	char user_agent[128];        /* "" = no User-Agent/Server      */
	char tls_pins[600];          /* SHA-256 fingerprints, or ""    */

	struct permfile pf;
	struct perm_set ps;          /* the file's states               */
	unsigned once_live;          /* "once" grants held by live calls */
	bool malformed;
	char perm_err[256];
	struct stat perm_st;         /* to notice changes at call start */
	int dirfd;                   /* the profile directory, or -1    */
	struct dirwatch watch;       /* stat only after a change event  */
	bool perm_seen;

	bool contacts_unloaded;      /* we unloaded contact.so          */
	bool recorder_configured;    /* the config loads sndfile.so     */
	bool recorder_missing_told;  /* "allowed but none configured"   */
	unsigned audit_lost;         /* lines not written since failing */
	int audit_fd;                /* permissions.audit kept open, -1 */
	struct {
		long long t;
		char subject[32];
		char decision[32];
		char reason[200];
	} audq[AUDIT_QUEUE];         /* audit lines of this loop turn   */
	unsigned naudq;
	struct tmr tmr_audit;
	bool answer_last;            /* answer_now() is registered      */
	struct hash *checked;        /* calls that raised CALL_INCOMING */
	struct list answered;        /* baresip answered: work to do    */
	struct tmr tmr_answered;
	bool fraud_capped;           /* a source's next call is refused */
	struct tmr tmr_fraud;        /* ... until its minute ends       */
	struct list ops;
	struct tmr tmr_start;
	struct tmr tmr_idle;

	struct acc_mode {
		char aor[160];
		enum answermode mode;    /* what the accounts file says */
	} acc[MAX_ACCOUNTS];
	size_t nacc;
} d;


static long long now_s(void)
{
	return (long long)time(NULL);
}


static uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}


static bool allowed(enum perm p)
{
	return perm_permits(&d.ps, p) || (d.once_live & (1u << p));
}


static void audit_close(void)
{
	if (d.audit_fd >= 0)
		(void)close(d.audit_fd);
	d.audit_fd = -1;
}


/* Append the queued audit lines, oldest first. */
static void audit_flush(void)
{
	struct perm_audit_line v[AUDIT_QUEUE];
	bool fresh = false;
	unsigned i;
	int err;

	if (!d.naudq)
		return;

	for (i = 0; i < d.naudq; ++i) {
		v[i].t = d.audq[i].t;
		v[i].subject = d.audq[i].subject;
		v[i].decision = d.audq[i].decision;
		v[i].reason = d.audq[i].reason;
	}

	/* the file stays open: one write() for the turn's lines (and
	 * no IN_CLOSE_WRITE waking the profile's watches); it is opened
	 * again after the watch saw the name replaced or removed, and
	 * after a failure.  A failure is logged once, and so is the
	 * recovery. */
	err = 0;
	if (d.audit_fd < 0) {
		d.audit_fd = open(d.pf.audit, O_RDWR | O_APPEND | O_CREAT |
				  O_CLOEXEC, 0600);
		err = d.audit_fd < 0 ? errno : 0;
		fresh = true;
	}
	if (!err)
		err = perm_audit_write(d.audit_fd, v, d.naudq, fresh);
	if (err)
		audit_close();
	if (err) {
		if (!d.audit_lost)
			warning("octasip_policy: cannot append to %s: %m;"
				" audit lines are lost until it works\n",
				d.pf.audit, err);
		d.audit_lost += d.naudq;
	}
	else if (d.audit_lost) {
		info("octasip_policy: %s is writable again (%u audit"
		     " line(s) lost)\n", d.pf.audit, d.audit_lost);
		d.audit_lost = 0;
	}

	d.naudq = 0;
}


static void audit_timer(void *arg)
{
	(void)arg;
	audit_flush();
}


/*
 * The audit log.  With storage denied OctaSIP writes nothing but the
 * permissions file and the vault, so denials are then only logged.
 *
 * A call start audits two or three lines.  Written here they were ten
 * file system calls between the INVITE and its 200 OK, so they are
 * queued and written by a 0 ms timer: in the same loop turn, after the
 * SIP replies of that turn went out (measured: docs/performance.md).
 */
static void audit(const char *subject, const char *decision,
		  const char *reason)
{
	unsigned i;

	if (!allowed(PERM_STORAGE))
		return;

	if (d.naudq == AUDIT_QUEUE)
		audit_flush();

	i = d.naudq++;
	d.audq[i].t = now_s();
	str_ncpy(d.audq[i].subject, subject, sizeof(d.audq[i].subject));
	str_ncpy(d.audq[i].decision, decision, sizeof(d.audq[i].decision));
	str_ncpy(d.audq[i].reason, reason ? reason : "",
		 sizeof(d.audq[i].reason));

	tmr_start(&d.tmr_audit, 0, audit_timer, NULL);
}


static unsigned calls_active(void)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(uag_list()); le; le = le->next)
		n += list_count(ua_calls(le->data));

	return n;
}


static bool call_alive(struct ua *ua, const struct call *call)
{
	struct le *le, *lc;

	for (le = list_head(uag_list()); le; le = le->next) {

		if (le->data != ua)
			continue;

		for (lc = list_head(ua_calls(ua)); lc; lc = lc->next) {
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


static void checked_add(const struct call *call)
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


static bool checked_is(const struct call *call)
{
	const struct checked *c = checked_find(call);

	return c && !str_cmp(c->id, call_id(call) ? call_id(call) : "");
}


static void checked_forget(const struct call *call)
{
	mem_deref(checked_find(call));
}


static void answermodes_update(void);


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
static void op_exec(struct op *op)
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


static struct op *op_start(struct ua *ua, const struct call *call,
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
static void answer_op(struct ua *ua, const struct call *call,
		      enum op_kind kind, enum answermode mode)
{
	struct op *op = op_start(ua, call, kind, 0, NULL);

	if (!op || !d.answer_last)
		return;

	op->lifted = true;
	(void)account_set_answermode(ua_account(ua), mode);
}


static void ops_forget_call(const struct call *call)
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
 * Recorder: baresip's sndfile module writes every call's audio to disk.
 * It can only be removed while no call uses its filter.
 */
static bool recorder_loaded(void)
{
	return mod_find(RECORDER) != NULL;
}


static void recorder_remove(const char *why)
{
	char reason[128];

	if (!recorder_loaded())
		return;

	if (calls_active()) {
		info("octasip_policy: %s: the recorder (sndfile) will be"
		     " unloaded when the current calls end\n", why);
		return;
	}

	module_unload(RECORDER);
	info("octasip_policy: %s: unloaded sndfile.so, no call audio is"
	     " written to disk\n", why);

	(void)re_snprintf(reason, sizeof(reason), "%s: recorder unloaded",
			  why);
	audit("recording", "deny", reason);
}


/*
 * Recording allowed (with storage) on a running baresip: the recorder the
 * config loads is loaded again, so that the next call is recorded, as
 * the permission says.  A config without a recorder records nothing:
 * said once, rather than implying a recording that never happens.
 */
static void recorder_restore(void)
{
	int err;

	if (recorder_loaded())
		return;

	if (!d.recorder_configured) {
		if (!d.recorder_missing_told)
			info("octasip_policy: recording allowed, but the"
			     " config loads no recorder (module sndfile.so):"
			     " nothing is recorded\n");
		d.recorder_missing_told = true;
		return;
	}

	err = module_load(d.module_path, RECORDER);
	if (err) {
		warning("octasip_policy: recording allowed: cannot load"
			" sndfile.so: %m\n", err);
		return;
	}

	info("octasip_policy: recording allowed: loaded sndfile.so, calls"
	     " from now on are recorded\n");
	audit("recording", "use", "recorder loaded");
}


/* ---- enforcement points, one per permission ------------------------ */

/*
 * microphone: deny means no microphone audio reaches any filter,
 * recorder, encoder or the network.  Two layers, both set here: the
 * gate flag (read lock-free by the first encode filter, for every call
 * whose audio is set up) and baresip's own mute at the source.
 */
/* P-AUDIO-2 (with micgate_process()) */
static void enforce_microphone(struct call *call)
{
	bool open = allowed(PERM_MICROPHONE);
	struct le *le, *lc;

	micgate_set_open(&d.gate, open);

	if (call) {
		if (call_audio(call))
			audio_mute(call_audio(call), !open);
		return;
	}

	for (le = list_head(uag_list()); le; le = le->next) {
		for (lc = list_head(ua_calls(le->data)); lc; lc = lc->next) {
			struct audio *a = call_audio(lc->data);

			if (a)
				audio_mute(a, !open);
		}
	}
}


/*
 * recording: deny (the default) means no call audio is written to disk:
 * the recorder module is unloaded.  Allowed (with storage allowed): the
 * audible notice is mixed into what the other party hears.
 */
/* P-AUDIO-1 */
static void enforce_recording(void)
{
	bool rec;

	/* both directions, on a running instance too */
	if (!allowed(PERM_RECORDING))
		recorder_remove("recording denied");
	else if (allowed(PERM_STORAGE))
		recorder_restore();

	rec = recorder_loaded() && allowed(PERM_RECORDING) &&
		allowed(PERM_STORAGE);

	micgate_set_notice(&d.gate, rec && d.notice);
}


/*
 * contacts: deny means no contact data is read or used: the contact
 * module (which owns the contacts list) is unloaded, so neither the core
 * nor any module can look a caller up.  Allowed again: loaded again.
 */
static void enforce_contacts(void)
{
	int err;

	if (!allowed(PERM_CONTACTS)) {

		struct contacts *cs = baresip_contacts();
		struct le *le;

		if (!mod_find(CONTACTS_MOD))
			return;

		/*
		 * Remove every contact first: contact.so's own close leaves
		 * the "current" contact in the core's lookup table.
		 */
		while ((le = list_head(contact_list(cs))) != NULL)
			contact_remove(cs, le->data);

		module_unload(CONTACTS_MOD);
		d.contacts_unloaded = true;
		info("octasip_policy: contacts %s: unloaded contact.so, no"
		     " contact data is read or used (allow with: /perm set"
		     " contacts allow)\n",
		     perm_state_name(d.ps.state[PERM_CONTACTS]));
		audit("contacts", "deny", "contact module unloaded");
		return;
	}

	if (d.contacts_unloaded && !mod_find(CONTACTS_MOD)) {

		err = module_load(d.module_path, CONTACTS_MOD);
		if (err)
			warning("octasip_policy: cannot load contact.so: %m\n",
				err);
		else
			info("octasip_policy: contacts allowed: contact.so"
			     " loaded\n");
		d.contacts_unloaded = false;
	}
}


/*
 * storage: deny means OctaSIP writes nothing to disk but the
 * permissions file and the vault: the call log runs in memory, the
 * recorder goes, the audit log stops (audit()).  The crash reporter
 * reads the permissions file itself.
 */
/* P-PERM-2 */
static void enforce_storage(void)
{
	const struct calllog_api *api = calllog_api_get();
	bool on = allowed(PERM_STORAGE);
	int err;

	if (api) {
		err = api->set_memory_only(!on);
		if (err)
			warning("octasip_policy: call log memory-only: %m\n",
				err);
	}

	if (!on)
		recorder_remove("storage denied");
}


/* An account the policy has taken over, by AOR; NULL if not (yet) */
static const struct acc_mode *acc_find(const char *aor)
{
	size_t i;

	for (i = 0; i < d.nacc; ++i) {
		if (!strcmp(d.acc[i].aor, aor))
			return &d.acc[i];
	}

	return NULL;
}


static enum answermode configured_answermode(const struct ua *ua)
{
	const struct acc_mode *a = acc_find(bsip_ua_aor(ua));

	return a ? a->mode : ANSWERMODE_MANUAL;
}


/*
 * The fast path.  An account the accounts file sets to answermode auto
 * keeps that mode inside baresip while every check would let its next
 * incoming call be answered: phone_state allowed (not "once"), no other
 * "once" grant waiting, a readable permissions file, the encryption
 * policy satisfied by the account's media encryption, no call up when a
 * second call is to get "busy", and no source at its incoming-calls cap.
 * baresip then answers as stock baresip does, without CALL_INCOMING (no
 * event broadcast, no console line, no ring-tone logic before the 200 OK)
 * and the policy does its per-call work (permissions, fraud count, audit)
 * right after that answer, before the event loop reads anything else
 * (answered_queue(), answered_by_baresip()).
 * Every other account runs manual: each incoming call raises
 * CALL_INCOMING and passes the full check there (admit_incoming(),
 * enforce_phone_state()).  answermodes_update() follows every change of
 * those conditions: the permissions file (its watch is read on the event
 * loop too, ahead of an INVITE that arrived after the change), calls
 * starting and ending, a source reaching its cap and its minute ending.
 */
static bool fast_path(const struct ua *ua)
{
	const struct acc_mode *a = acc_find(bsip_ua_aor(ua));
	int i;

	if (!a || a->mode != ANSWERMODE_AUTO || d.malformed || d.once_live ||
	    d.ps.state[PERM_PHONE_STATE] != PERM_ALLOW || d.fraud_capped)
		return false;

	for (i = 0; i < PERM_COUNT; ++i) {
		if (d.ps.state[i] == PERM_ONCE)
			return false;
	}

	if (!enc_call_allowed(d.enc, account_mediaenc(ua_account(ua))))
		return false;

	return !(d.busy_second && calls_active());
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


static void answermodes_update(void)
{
	struct le *le;

	for (le = list_head(uag_list()); le; le = le->next) {

		struct ua *ua = le->data;
		struct account *acc = ua_account(ua);
		enum answermode m;

		if (!acc_find(bsip_ua_aor(ua)) || ua_lifted(ua))
			continue;

		m = fast_path(ua) ? ANSWERMODE_AUTO : ANSWERMODE_MANUAL;
		if (account_answermode(acc) != m)
			(void)account_set_answermode(acc, m);
	}
}


static void fraud_timer(void *arg);


/* Has a source reached its cap, or has its minute ended? */
static void fraud_refresh(void)
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


static void fraud_timer(void *arg)
{
	(void)arg;
	fraud_refresh();
}


/*
 * Takes over the accounts it has not seen yet: the mode the accounts
 * file asked for is kept here; inside baresip the account runs manual
 * or, on the fast path, auto (answermodes_update()).
 */
static void take_over_answermodes(void)
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

		(void)account_set_answermode(acc, fast_path(le->data) ?
					     ANSWERMODE_AUTO :
					     ANSWERMODE_MANUAL);
	}
}


/*
 * phone_state: deny means no automatic call handling: every incoming
 * call waits for the user, whatever the account says.  Allowed: the
 * account's answer mode applies, and a second call may get "busy".
 */
static void enforce_phone_state(struct ua *ua, struct call *call)
{
	enum answermode mode = configured_answermode(ua);

	if (!allowed(PERM_PHONE_STATE)) {
		if (mode != ANSWERMODE_MANUAL) {
			info("octasip_policy: phone_state %s: not answering"
			     " automatically, the call waits for you (allow"
			     " with: /perm set phone_state allow)\n",
			     perm_state_name(d.ps.state[PERM_PHONE_STATE]));
			audit("phone_state", "deny",
			      "automatic answer not done");
		}
		return;
	}

	if (d.busy_second && calls_active() > 1) {
		info("octasip_policy: second incoming call: busy\n");
		audit("phone_state", "use", "second call answered busy");
		op_start(ua, call, OP_HANGUP, 486, "Busy Here");
		return;
	}

	switch (mode) {

	case ANSWERMODE_AUTO:
		audit("phone_state", "use", "automatic answer");
		answer_op(ua, call, OP_ANSWER, mode);
		break;

	case ANSWERMODE_EARLY:
		audit("phone_state", "use", "early media");
		answer_op(ua, call, OP_PROGRESS, mode);
		break;

	default:
		break;
	}
}


/* P-PERM-1: each permission has one enforcement point, applied here */
static void enforce_all(void)
{
	enforce_microphone(NULL);
	enforce_storage();      /* first: it may remove the recorder */
	enforce_recording();
	enforce_contacts();
	answermodes_update();   /* phone_state and "once": the fast path */
}


/* ---- the permissions file ------------------------------------------ */

/*
 * The permissions file's identity, looked up from the profile directory:
 * each call start resolves one path component, not the whole path.
 */
static bool perm_stat(struct stat *st)
{
	if (d.dirfd >= 0)
		return fstatat(d.dirfd, PROFILE_PERMISSIONS, st, 0) == 0;

	return stat(d.pf.path, st) == 0;
}


static void perms_refresh(void);


/*
 * The watch is also read on the event loop: a changed file is applied
 * (answer modes included) before an INVITE that arrived after the
 * change is read (epoll reports descriptors in the order they became
 * readable), not only at the next call start.
 */
static void watch_readable(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	perms_refresh();

	if (d.watch.fd >= 0 && !dirwatch_active(&d.watch)) {
		info("octasip_policy: the profile directory is no longer"
		     " watched: the permissions file is looked up at every"
		     " call start\n");
		bsip_dirwatch_stop(&d.watch);
	}
}


/* before the first read of the file: no change can slip between */
static void watch_open(const char *profile)
{
	static const char *const names[] = {PROFILE_PERMISSIONS,
		PROFILE_PERMISSIONS_AUDIT};
	int err = bsip_dirwatch_start(&d.watch, profile, names, 2,
				      DIRWATCH_IN_PLACE, watch_readable,
				      NULL);

	if (err) {
		info("octasip_policy: cannot watch %s (%m): the permissions"
		     " file is looked up at every call start\n", profile,
		     err);
	}
}


static void perms_load(void)
{
	int err;

	d.perm_err[0] = '\0';
	err = perm_load(d.pf.path, &d.ps, d.perm_err, sizeof(d.perm_err));
	d.malformed = err != 0;

	if (err) {
		warning("octasip_policy: %s: %s; using safe defaults (every"
			" permission denied); the file is left as it is: fix"
			" it or run 'octasip perm reset'\n", d.pf.path,
			d.perm_err);
	}

	d.perm_seen = perm_stat(&d.perm_st);
}


/*
 * Re-read the file if it changed: its identity is compared only after
 * the directory watch reported an event for it (dirwatch.h), so a call
 * start normally costs one read() of an inotify queue.
 */
static void perms_refresh(void)
{
	struct stat st;
	unsigned bits = dirwatch_changed(&d.watch);
	bool seen;

	/* the audit file was replaced or removed: open it again */
	if (bits & 2)
		audit_close();
	if (!(bits & 1))
		return;

	seen = perm_stat(&st);
	if (seen == d.perm_seen && (!seen ||
	    (st.st_ino == d.perm_st.st_ino &&
	     st.st_size == d.perm_st.st_size &&
	     st.st_mtim.tv_sec == d.perm_st.st_mtim.tv_sec &&
	     st.st_mtim.tv_nsec == d.perm_st.st_mtim.tv_nsec)))
		return;

	info("octasip_policy: permissions file changed, re-read\n");
	perms_load();
	enforce_all();
}


/* A call starts: changed file, then "once" grants become this call's. */
static void call_starts(void)
{
	unsigned bits = 0;
	int err;

	perms_refresh();

	if (d.malformed)
		return;

	err = permfile_consume_once(&d.pf, &d.ps, now_s(), &bits);
	if (err)
		warning("octasip_policy: cannot write %s: %m\n", d.pf.path,
			err);
	if (bits) {
		d.once_live |= bits;
		(void)perm_stat(&d.perm_st);
		enforce_all();
	}
}


/* ---- encryption policy and fraud guard ----------------------------- */

static void block_log(const char *dir, const char *subject,
		      const char *rule)
{
	char reason[200];

	info("octasip_policy: blocked %s call: %s\n", dir, rule);

	(void)re_snprintf(reason, sizeof(reason), "%s call blocked: %s",
			  dir, rule);
	audit(subject, "deny", reason);
}


/* returns true if the call was blocked (it ends in this loop turn) */
static bool check_outgoing(struct ua *ua, struct call *call,
			   const struct bsip_event *e)
{
	const char *menc = account_mediaenc(ua_account(ua));
	char rule[128], reason[200];
	enum fraud_verdict v;
	const char *subject = "fraud_guard";

	unsigned others = calls_active();

	others = others ? others - 1 : 0;   /* this call is in the list */
	v = fraud_check_outgoing(d.fraud, call_peeruri(call), now_ms(),
				 others, rule, sizeof(rule));

	if (v != FRAUD_ALLOW_LISTED && v != FRAUD_BLOCK &&
	    !enc_call_allowed(d.enc, menc)) {
		(void)re_snprintf(rule, sizeof(rule), "encryption required"
				  " (account mediaenc=%s)",
				  menc ? menc : "none");
		subject = "encryption";
		v = FRAUD_BLOCK;
	}

	if (v != FRAUD_BLOCK)
		return false;

	block_log("outgoing", subject, rule);

	(void)re_snprintf(reason, sizeof(reason), "%s%s",
			  CALLLOG_BLOCKED_PREFIX, rule);
	bsip_call_hold_invite(e);   /* 4.x: see common/bsip.h */
	op_start(ua, call, OP_HANGUP, 0, reason);

	return true;
}


/*
 * P-FRAUD-3: the network address the call's INVITE came from, as the
 * per-address flood cap counts it; "" when unknown or when it is the
 * address of a registrar or outbound proxy an account registers with
 * (a provider delivers every caller's calls from there).
 */
static const char *source_addr(const struct call *call, char *buf,
			       size_t sz)
{
	struct sa sa;

	buf[0] = '\0';
	if (!srcaddr_find(call_id(call), &sa) && !srcaddr_trusted(&sa))
		(void)re_snprintf(buf, sz, "%j", &sa);

	return buf;
}


static bool check_incoming(struct ua *ua, struct call *call)
{
	const struct calllog_api *api;
	const char *menc = account_mediaenc(ua_account(ua));
	char rule[128], addr[64];
	const char *subject = "fraud_guard";
	uint16_t scode = 503;
	const char *phrase = "Service Unavailable";

	if (fraud_check_incoming_addr(d.fraud, source_addr(call, addr,
							   sizeof(addr)),
				      now_ms(), rule, sizeof(rule))
	    != FRAUD_BLOCK &&
	    fraud_check_incoming(d.fraud, call_peeruri(call), now_ms(),
				 rule, sizeof(rule)) != FRAUD_BLOCK) {

		if (enc_call_allowed(d.enc, menc))
			return false;

		(void)re_snprintf(rule, sizeof(rule), "encryption required"
				  " (account mediaenc=%s)",
				  menc ? menc : "none");
		subject = "encryption";
		scode = 488;
		phrase = "Not Acceptable Here";
	}

	block_log("incoming", subject, rule);

	/* the rule is for the call log and the user, not for the caller */
	api = calllog_api_get();
	if (api) {
		struct calllog_blocked b = {
			.account   = bsip_ua_aor(ua),
			.direction = "incoming",
			.peer_uri  = call_peeruri(call),
			.peer_name = call_peername(call),
			.call_id   = call_id(call),
			.sip_code  = scode,
			.rule      = rule,
		};

		(void)api->blocked(&b);
	}

	op_start(ua, call, OP_HANGUP, scode, phrase);

	return true;
}


/*
 * Contacts allowed: the contact's name labels the call on the console.
 * The core's table holds contacts only while contact.so may (they are
 * all removed when the permission is denied), so no module lookup (a
 * walk over every module's name) is needed on each call.
 */
static void label_call(struct call *call)
{
	const struct contact *c;
	const struct sip_addr *addr;

	if (!allowed(PERM_CONTACTS))
		return;

	c = contact_find(baresip_contacts(), call_peeruri(call));
	if (!c)
		return;

	addr = contact_addr(c);
	if (addr && pl_isset(&addr->dname)) {
		info("octasip_policy: call with contact \"%r\"\n",
		     &addr->dname);
		audit("contacts", "use", "call labelled from contacts");
	}
}


static void call_used_microphone(void)
{
	if (allowed(PERM_MICROPHONE)) {
		audit("microphone", "use", "call audio");
		return;
	}

	audit("microphone", "deny", "call audio muted");

	/* what the other side hears changed: say so, once per call */
	info("octasip_policy: microphone %s: this call is muted, the other"
	     " side hears silence; allow with: octasip perm set microphone"
	     " allow (or once: just the next call; inside baresip: /perm"
	     " set microphone allow)\n",
	     perm_state_name(d.ps.state[PERM_MICROPHONE]));
}


/* ---- events --------------------------------------------------------- */

static void idle_check(void *arg)
{
	size_t n = 0;
	int err;
	(void)arg;

	if (calls_active()) {
		answermodes_update();   /* "busy" for a second call */
		return;
	}

	if (d.once_live) {
		d.once_live = 0;
		info("octasip_policy: \"once\" grants ended with the call\n");
	}

	enforce_all();

	if (d.retention_days && recorder_loaded()) {
		err = recstore_prune(d.snd_path, now_s(),
				     (long long)d.retention_days * 86400,
				     &n);
		if (!err && n)
			info("octasip_policy: deleted %zu recordings older"
			     " than %u days\n", n, d.retention_days);
	}
}


/*
 * What every incoming call passes before it may be answered: accounts
 * taken over, counted, the fraud guard and encryption policy (a call they
 * refuse is ended, false), then the microphone-use audit and the contact
 * label.
 */
static bool admit_incoming(struct ua *ua, struct call *call)
{
	take_over_answermodes();
	call_starts();

	if (check_incoming(ua, call))
		return false;

	call_used_microphone();
	label_call(call);

	return true;
}


/*
 * An incoming call baresip answered by itself, seen at its remote SDP
 * offer inside that answer (done here from answered_run(), right after
 * the 200 OK):
 *  - the fast path (fast_path()): the policy's per-call work, its choice
 *    was made before the call arrived;
 *  - an account the policy has not taken over yet: baresip binds its SIP
 *    port before it loads the modules, so an INVITE that arrives
 *    meanwhile is read in the event loop's first turn, before
 *    start_timer(), and an auto account's call is answered with no
 *    CALL_INCOMING.
 * The incoming checks apply after the fact: a call they refuse, or that
 * phone_state now denies (a permissions change that reached the policy
 * only with this call), is ended right after the answer.
 */
static void answered_by_baresip(struct ua *ua, struct call *call,
				bool early)
{
	if (early)
		warning("octasip_policy: a call from %s was answered by"
			" baresip before the policy started (it arrived while"
			" modules were loading)\n", call_peeruri(call));

	if (!admit_incoming(ua, call))
		return;

	if (!allowed(PERM_PHONE_STATE)) {
		warning("octasip_policy: phone_state %s: ending it\n",
			perm_state_name(d.ps.state[PERM_PHONE_STATE]));
		audit("phone_state", "deny", early ?
		      "answered before the policy started: ended" :
		      "answered before the permission change was seen:"
		      " ended");
		op_start(ua, call, OP_HANGUP, 0, NULL);
		return;
	}

	audit("phone_state", "use", early ? "automatic answer (before the"
	      " policy started)" : "automatic answer");

	/* this call counts: a source's cap, a second call's "busy" */
	fraud_refresh();
	if (d.busy_second)
		answermodes_update();
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


static void answered_queue(struct ua *ua, const struct call *call)
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


static void answered_forget(const struct call *call)
{
	struct le *le = list_head(&d.answered);

	while (le) {
		struct answered *a = le->data;

		le = le->next;
		if (a->call == call)
			mem_deref(a);
	}
}


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

			take_over_answermodes();
			call_starts();
			if (!check_outgoing(ua, call, e)) {
				call_used_microphone();
				label_call(call);
			}
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


/* ---- start report --------------------------------------------------- */

static bool account_tls(const struct account *acc)
{
	const struct sip_addr *la = account_laddr(acc);
	struct pl tp;

	if (!la)
		return false;
	if (!pl_strcasecmp(&la->uri.scheme, "sips"))
		return true;
	if (!msg_param_decode(&la->uri.params, "transport", &tp) &&
	    !pl_strcasecmp(&tp, "tls"))
		return true;

	return false;
}


static void report_accounts(void)
{
	struct le *le;

	if (d.enc == ENC_OFF)
		return;

	for (le = list_head(uag_list()); le; le = le->next) {

		const struct account *acc = ua_account(le->data);
		const char *menc = account_mediaenc(acc);

		if (!account_tls(acc))
			info("octasip_policy: account %s: SIP signalling is"
			     " not over TLS\n", bsip_ua_aor(le->data));

		if (!enc_media_mandatory(menc))
			info("octasip_policy: account %s: media encryption"
			     " %s%s\n", bsip_ua_aor(le->data),
			     menc ? menc : "none",
			     d.enc == ENC_REQUIRED ?
			     ": its calls are refused (encryption required;"
			     " use ;mediaenc=srtp-mand or dtls_srtp)" :
			     ": calls may run unencrypted");
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


/* ---- commands ------------------------------------------------------- */

static int perm_print(struct re_printf *pf)
{
	int i, err = 0;

	if (d.malformed)
		err |= re_hprintf(pf, "permissions file: %s (every permission"
				  " denied until fixed)\n", d.perm_err);

	for (i = 0; i < PERM_COUNT; ++i) {
		err |= re_hprintf(pf, "%-12s %-6s%s\n", perm_name(i),
				  perm_state_name(d.ps.state[i]),
				  (d.once_live & (1u << i)) ?
				  " (once: granted for the current call)" :
				  "");
	}

	return err;
}


static int cmd_perm(struct re_printf *pf, void *arg)
{
	const struct cmd_arg *carg = arg;
	char verb[16] = "", name[32] = "", state[16] = "", extra[2];
	char errbuf[256] = "";
	enum perm p;
	enum perm_state st;
	int n, err;

	n = carg && carg->prm ? sscanf(carg->prm, "%15s %31s %15s %1s", verb,
				       name, state, extra) : 0;

	if (n <= 0 || (n == 1 && !strcmp(verb, "list")))
		return perm_print(pf);

	if (n == 1 && !strcmp(verb, "reset")) {
		err = permfile_reset(&d.pf, "console", now_s(), NULL);
		if (err)
			return re_hprintf(pf, "perm reset: %m\n", err);
		perms_load();
		enforce_all();
		return perm_print(pf);
	}

	if (n != 3 || strcmp(verb, "set"))
		return re_hprintf(pf, "usage: /perm list | set PERMISSION"
				  " STATE | reset\n");

	if (perm_from_name(name, &p) || perm_state_from_name(state, &st))
		return re_hprintf(pf, "perm: unknown permission or state"
				  " (permissions: microphone contacts"
				  " storage phone_state recording; states:"
				  " allow deny once ask)\n");

	err = permfile_set(&d.pf, p, st, "console", now_s(), NULL, errbuf,
			   sizeof(errbuf));
	if (err)
		return re_hprintf(pf, "perm set: %s: %s\n", d.pf.path,
				  errbuf[0] ? errbuf : strerror(err));

	perms_load();
	enforce_all();
	info("octasip_policy: %s set to %s (from the next call)\n", name,
	     state);

	return perm_print(pf);
}


/* /fraud: what the fraud guard refused since start (P-FRAUD-3) */
static int cmd_fraud(struct re_printf *pf, void *arg)
{
	struct fraud_stats st;

	(void)arg;
	fraud_stats_get(d.fraud, now_ms(), &st);

	return re_hprintf(pf, "fraud guard: refused outgoing %llu (number"
			  " rules %llu, caps %llu), incoming %llu (per"
			  " address %llu, per source %llu); at their cap"
			  " now: %u addresses, %u sources; registrar"
			  " addresses exempt: %u\n",
			  (unsigned long long)(st.out_number + st.out_cap),
			  (unsigned long long)st.out_number,
			  (unsigned long long)st.out_cap,
			  (unsigned long long)(st.in_address + st.in_source),
			  (unsigned long long)st.in_address,
			  (unsigned long long)st.in_source,
			  st.addr_capped, st.src_capped,
			  srcaddr_trusted_count());
}


static const struct cmd cmdv[] = {
	{"perm", 0, CMD_PRM, "Permissions: perm list | set PERMISSION STATE"
	 " | reset", cmd_perm},
	{"fraud", 0, 0, "Fraud guard: calls refused since start", cmd_fraud},
};


/* ---- configuration --------------------------------------------------- */

static int list_conf(struct fraud_list *l, const char *key)
{
	char buf[1024], bad[64];
	int err;

	if (conf_get_str(conf_cur(), key, buf, sizeof(buf)))
		return 0;

	err = fraud_list_parse(l, buf, bad, sizeof(bad));
	if (err)
		warning("octasip_policy: %s: bad entry \"%s\" (expected"
			" digits with an optional '+', \"premium\" or"
			" \"emergency\")\n", key, bad);

	return err;
}


/* a module line that loads the recorder: it may be loaded again */
static int recorder_line(const struct pl *val, void *arg)
{
	(void)arg;

	if (!pl_strcasecmp(val, RECORDER))
		d.recorder_configured = true;

	return 0;
}


static int read_config(struct fraud_cfg *fc)
{
	struct conf *conf = conf_cur();
	char buf[32];
	int err;

	fraud_cfg_defaults(fc);
	d.enc = ENC_PREFERRED;
	d.notice = true;
	d.busy_second = false;
	d.retention_days = 30;
	(void)re_snprintf(d.snd_path, sizeof(d.snd_path), ".");
	(void)re_snprintf(d.module_path, sizeof(d.module_path), ".");

	if (!conf_get_str(conf, "octasip_policy_encryption", buf,
			  sizeof(buf)) &&
	    enc_mode_from_str(buf, &d.enc)) {
		warning("octasip_policy: octasip_policy_encryption \"%s\":"
			" expected required, preferred or off\n", buf);
		return EINVAL;
	}

	err  = list_conf(&fc->deny, "octasip_policy_deny_prefixes");
	err |= list_conf(&fc->allow, "octasip_policy_allow_numbers");
	if (err)
		return EINVAL;

	(void)conf_get_str(conf, "octasip_policy_country_code", fc->cc,
			   sizeof(fc->cc));
	(void)conf_get_str(conf, "octasip_policy_intl_prefix", fc->intl,
			   sizeof(fc->intl));
	(void)conf_get_str(conf, "octasip_policy_trunk_prefix", fc->trunk,
			   sizeof(fc->trunk));
	(void)conf_get_u32(conf, "octasip_policy_max_calls_per_minute",
			   &fc->max_per_minute);
	(void)conf_get_u32(conf, "octasip_policy_max_calls_per_day",
			   &fc->max_per_day);
	(void)conf_get_u32(conf, "octasip_policy_max_concurrent",
			   &fc->max_concurrent);
	(void)conf_get_u32(conf, "octasip_policy_max_incoming_per_source",
			   &fc->max_incoming_per_source);
	(void)conf_get_u32(conf, "octasip_policy_max_incoming_per_address",
			   &fc->max_incoming_per_address);
	(void)conf_get_bool(conf, "octasip_policy_recording_notice",
			    &d.notice);
	(void)conf_get_bool(conf, "octasip_policy_busy_second_call",
			    &d.busy_second);
	(void)conf_get_u32(conf, "octasip_policy_recording_retention_days",
			   &d.retention_days);
	(void)conf_get_str(conf, "octasip_policy_user_agent", d.user_agent,
			   sizeof(d.user_agent));
	(void)conf_get_str(conf, "octasip_policy_tls_pins", d.tls_pins,
			   sizeof(d.tls_pins));
	(void)conf_get_str(conf, "snd_path", d.snd_path,
			   sizeof(d.snd_path));
	(void)conf_get_str(conf, "module_path", d.module_path,
			   sizeof(d.module_path));

	d.recorder_configured = false;
	(void)conf_apply(conf, "module", recorder_line, NULL);
	(void)conf_apply(conf, "module_app", recorder_line, NULL);

	return 0;
}


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
	micgate_init(&d.gate, allowed(PERM_MICROPHONE), 0);

	/* first in the encode chain: loaded before every other filter */
	aufilt_register(baresip_aufiltl(), &gate_filter);

	err = bsip_event_register(ua_event_handler, NULL);
	if (err)
		return err;

	/* where each INVITE came from: the per-address flood cap */
	if (srcaddr_init())
		warning("octasip_policy: no SIP stack: the per-address flood"
			" cap is off\n");
	else
		(void)fingerprint_init(d.user_agent, srcaddr_traceh());

	/* SIP over TLS authenticates the server */
	err = tlsverify_init(d.tls_pins);
	if (err == EINVAL)
		return err;

	err = cmd_register(baresip_commands(), cmdv, ARRAY_SIZE(cmdv));
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
	tmr_cancel(&d.tmr_audit);
	audit_flush();
	audit_close();
	list_flush(&d.ops);
	cmd_unregister(baresip_commands(), cmdv);
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
