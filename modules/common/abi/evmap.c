/**
 * @file evmap.c  The core's event names for OctaSIP's enum bsip_ev
 *
 * Every baresip family names its events alike ("CALL_INCOMING") while
 * their numbers differ, so each adapter maps the running core's numbers
 * to enum bsip_ev through these names, once at module init.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <string.h>
#include "common/bsip.h"
#include "common/abi/evmap.h"


static const char *const names[BSIP_EV_MAX] = {
	[BSIP_EV_OTHER]            = NULL,
	[BSIP_EV_REGISTERING]      = "REGISTERING",
	[BSIP_EV_REGISTER_OK]      = "REGISTER_OK",
	[BSIP_EV_REGISTER_FAIL]    = "REGISTER_FAIL",
	[BSIP_EV_SHUTDOWN]         = "SHUTDOWN",
	[BSIP_EV_CALL_INCOMING]    = "CALL_INCOMING",
	[BSIP_EV_CALL_RINGING]     = "CALL_RINGING",
	[BSIP_EV_CALL_PROGRESS]    = "CALL_PROGRESS",
	[BSIP_EV_CALL_ESTABLISHED] = "CALL_ESTABLISHED",
	[BSIP_EV_CALL_CLOSED]      = "CALL_CLOSED",
	[BSIP_EV_CALL_RTPESTAB]    = "CALL_RTPESTAB",
	[BSIP_EV_CALL_RTCP]        = "CALL_RTCP",
	[BSIP_EV_CALL_MENC]        = "CALL_MENC",
	[BSIP_EV_VU_TX]            = "VU_TX_REPORT",
	[BSIP_EV_VU_RX]            = "VU_RX_REPORT",
	[BSIP_EV_CALL_LOCAL_SDP]   = "CALL_LOCAL_SDP",
	[BSIP_EV_CALL_REMOTE_SDP]  = "CALL_REMOTE_SDP",
};


enum bsip_ev evmap_from_name(const char *name)
{
	int ev;

	if (!name)
		return BSIP_EV_OTHER;

	for (ev = 1; ev < BSIP_EV_MAX; ++ev) {
		if (!strcmp(name, names[ev]))
			return (enum bsip_ev)ev;
	}

	return BSIP_EV_OTHER;
}


const char *evmap_name(enum bsip_ev ev)
{
	if ((int)ev <= 0 || ev >= BSIP_EV_MAX)
		return NULL;

	return names[ev];
}


int evmap_build(struct evmap *m, evmap_name_h *nameh)
{
	bool seen[BSIP_EV_MAX] = {false};
	size_t i;
	int ev;

	memset(m, 0, sizeof(*m));

	for (i = 0; i < EVMAP_NATIVE_MAX; ++i) {

		const char *name = nameh((int)i);
		enum bsip_ev b;

		if (!name || !strcmp(name, "?"))
			continue;

		b = evmap_from_name(name);
		m->map[i] = b;
		seen[b] = true;
	}

	for (ev = 1; ev < BSIP_EV_MAX; ++ev) {
		if (!seen[ev]) {
			m->missing = names[ev];
			return EPROTO;
		}
	}

	m->ok = true;

	return 0;
}


enum bsip_ev evmap_get(const struct evmap *m, int native)
{
	if (native < 0 || native >= EVMAP_NATIVE_MAX)
		return BSIP_EV_OTHER;

	return m->map[native];
}


int evmap_require(struct evmap *m, evmap_name_h *nameh, const char *modname)
{
	int err = evmap_build(m, nameh);

	if (err)
		warning("%s: this baresip has no event %s; not loading\n",
			modname, m->missing);

	return err;
}
