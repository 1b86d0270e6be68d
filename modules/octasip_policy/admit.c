/**
 * @file admit.c  Admission: what a call passes before it runs (the
 *                encryption policy and the fraud guard), the per-call
 *                work, and what is done when the calls have ended
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "common/calllog_api.h"
#include "policy.h"
#include "recstore.h"
#include "srcaddr.h"


static void block_log(const char *dir, const char *subject,
		      const char *rule)
{
	char reason[200];

	info("octasip_policy: blocked %s call: %s\n", dir, rule);

	(void)re_snprintf(reason, sizeof(reason), "%s call blocked: %s",
			  dir, rule);
	audit(subject, "deny", reason);
}


/*
 * P-PERM-1: a call that would run under "once" grants another call holds
 * (call_starts()): the rule that refuses it, and its audit subject (the
 * first such permission).  false: none held.
 */
static bool once_held(unsigned held, char *rule, size_t sz,
		      const char **subject)
{
	int i, n = 0;

	if (!held)
		return false;

	(void)re_snprintf(rule, sz, "a \"once\" grant is in use by another"
			  " call:");
	for (i = 0; i < PERM_COUNT; ++i) {
		size_t l = strlen(rule);

		if (!(held & (1u << i)))
			continue;
		if (!n++)
			*subject = perm_name(i);
		(void)re_snprintf(rule + l, sz - l, " %s", perm_name(i));
	}

	return true;
}


/* returns true if the call was blocked (it ends in this loop turn) */
static bool check_outgoing(struct ua *ua, struct call *call,
			   const struct bsip_event *e, unsigned held)
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

	if (v != FRAUD_BLOCK && once_held(held, rule, sizeof(rule),
					  &subject))
		v = FRAUD_BLOCK;

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


static bool check_incoming(struct ua *ua, struct call *call,
			   unsigned held)
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

		if (!enc_call_allowed(d.enc, menc)) {
			(void)re_snprintf(rule, sizeof(rule), "encryption"
					  " required (account mediaenc=%s)",
					  menc ? menc : "none");
			subject = "encryption";
			scode = 488;
			phrase = "Not Acceptable Here";
		}
		else if (once_held(held, rule, sizeof(rule), &subject)) {
			scode = 486;
			phrase = "Busy Here";
		}
		else {
			return false;
		}
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


/*
 * A call the checks let through: it takes the waiting once grants when
 * it is the only call (P-PERM-1), then the microphone audit and label.
 */
static void admitted(struct call *call, bool alone)
{
	if (alone)
		once_take();

	call_used_microphone();
	label_call(call);
}


/*
 * What every incoming call passes before it may be answered: accounts
 * taken over, counted, the fraud guard and encryption policy (a call they
 * refuse is ended, false), then the microphone-use audit and the contact
 * label.
 */
bool admit_incoming(struct ua *ua, struct call *call)
{
	unsigned held;
	bool alone;

	take_over_answermodes();

	held = call_starts(&alone);
	if (check_incoming(ua, call, held))
		return false;

	admitted(call, alone);

	return true;
}


/* The same for an outgoing call, at its SDP offer (before it rings) */
void admit_outgoing(struct ua *ua, struct call *call,
		    const struct bsip_event *e)
{
	unsigned held;
	bool alone;

	take_over_answermodes();

	held = call_starts(&alone);
	if (check_outgoing(ua, call, e, held))
		return;

	admitted(call, alone);
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
void answered_by_baresip(struct ua *ua, struct call *call, bool early)
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


void idle_check(void *arg)
{
	size_t n = 0;
	int err;
	(void)arg;

	if (calls_any()) {
		answermodes_update();   /* "busy" for a second call */
		return;
	}

	(void)once_grants_end();
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


void report_accounts(void)
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
