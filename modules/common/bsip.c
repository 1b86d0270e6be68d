/**
 * @file bsip.c  Checks and helpers on top of OctaSIP's baresip declarations
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "bsip.h"
#include "olog.h"
#include "calllog_api.h"


/* The names the 1.0.0 core gives its events, in enum order. */
static const char *const event_names[UA_EVENT_MAX] = {
	"REGISTERING", "REGISTER_OK", "REGISTER_FAIL", "UNREGISTERING",
	"MWI_NOTIFY", "SHUTDOWN", "EXIT", "CALL_INCOMING", "CALL_RINGING",
	"CALL_PROGRESS", "CALL_ESTABLISHED", "CALL_CLOSED", "TRANSFER",
	"TRANSFER_FAILED", "CALL_DTMF_START", "CALL_DTMF_END",
	"CALL_RTPESTAB", "CALL_RTCP", "CALL_MENC", "VU_TX_REPORT",
	"VU_RX_REPORT",
	"AUDIO_ERROR", "CALL_LOCAL_SDP", "CALL_REMOTE_SDP",
};


int bsip_events_verify(const char *modname)
{
	int ev;

	for (ev = 0; ev < UA_EVENT_MAX; ++ev) {

		const char *name = uag_event_str((enum ua_event)ev);

		if (!name || strcmp(name, event_names[ev])) {
			warning("%s: baresip event %d is \"%s\", expected"
				" \"%s\": this baresip is not the 1.0.0"
				" OctaSIP was built for; not loading\n",
				modname, ev, name ? name : "(null)",
				event_names[ev]);
			return EPROTO;
		}
	}

	return 0;
}


const char *bsip_ua_aor(const struct ua *ua)
{
	const char *aor;

	if (!ua)
		return "";

	aor = account_aor(ua_account(ua));

	return aor ? aor : "";
}


static void olog_to_baresip(enum olog_level lvl, const char *msg)
{
	switch (lvl) {

	case OLOG_DEBUG: debug("%s", msg);   break;
	case OLOG_INFO:  info("%s", msg);    break;
	default:         warning("%s", msg); break;
	}
}


void bsip_olog_attach(void)
{
	olog_set_handler(olog_to_baresip);
}


/*
 * Find the call log's API in the already loaded octasip_calllog.so.  The
 * module is loaded from <module_path>/octasip_calllog.so; RTLD_NOLOAD
 * returns it only if it is loaded, and never loads it.
 */
const struct calllog_api *calllog_api_get(void)
{
	const struct calllog_api *api;
	char path[1024];
	struct pl mp;
	void *h;

	if (conf_get(conf_cur(), "module_path", &mp))
		pl_set_str(&mp, ".");

	if (re_snprintf(path, sizeof(path), "%r/octasip_calllog.so",
			&mp) < 0)
		return NULL;

	h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return NULL;

	api = dlsym(h, CALLLOG_API_SYMBOL);

	/* the module stays loaded by baresip's own handle */
	(void)dlclose(h);

	if (!api || api->version != CALLLOG_API_VERSION)
		return NULL;

	return api;
}


int bsip_module_init(const char *modname)
{
	bsip_olog_attach();

	return bsip_events_verify(modname);
}
