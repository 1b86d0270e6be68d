/**
 * @file enforce.c  The enforcement points, one per permission, and the
 *                  recorder and contact modules they load and unload
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/calllog_api.h"
#include "policy.h"


/*
 * Recorder: baresip's sndfile module writes every call's audio to disk.
 * It can only be removed while no call uses its filter.
 */
bool recorder_loaded(void)
{
	return mod_find(RECORDER) != NULL;
}


static void recorder_remove(const char *why)
{
	char reason[128];

	if (!recorder_loaded())
		return;

	if (calls_any()) {
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


/*
 * microphone: deny means no microphone audio reaches any filter,
 * recorder, encoder or the network.  Two layers, both set here: the
 * gate flag (read lock-free by the first encode filter, for every call
 * whose audio is set up) and baresip's own mute at the source.
 */
/* P-AUDIO-2 (with micgate_process()) */
void enforce_microphone(struct call *call)
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


/*
 * phone_state: deny means no automatic call handling: every incoming
 * call waits for the user, whatever the account says.  Allowed: the
 * account's answer mode applies, and a second call may get "busy".
 */
void enforce_phone_state(struct ua *ua, struct call *call)
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
void enforce_all(void)
{
	enforce_microphone(NULL);
	enforce_storage();      /* first: it may remove the recorder */
	enforce_recording();
	enforce_contacts();
	answermodes_update();   /* phone_state and "once": the fast path */
}
