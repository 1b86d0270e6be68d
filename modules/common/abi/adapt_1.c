/**
 * @file adapt_1.c  OctaSIP's event interface on baresip 1.0.0 and 1.1.0
 *
 * Both 1.x families deliver events to handlers registered with
 * uag_event_register() as (ua, enum ua_event, call, prm, arg); 1.1.0 adds
 * FALLBACK_OK/FAIL, CALL_ANSWERED, MODULE and CUSTOM, which shifts every
 * number after REGISTER_FAIL.  The numbers are mapped to enum bsip_ev by
 * the names uag_event_str() gives them (evmap.c), so one adapter serves
 * both; the ABI stamp still refuses a module built against the other
 * family's struct layouts.
 *
 * The core unregisters a handler by its function pointer, so each of a
 * module's registrations gets a function of its own (a slot).
 *
 * What only one of the two does is in adapt_1_0.c or adapt_1_1.c.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "common/bsip.h"
#include "common/abi/evmap.h"
#include "common/abi/evslot.h"


struct native_ev {
	struct ua *ua;
	enum ua_event ev;
	struct call *call;
	const char *prm;
};

/* per module: every module links its own copy of this file */
static struct {
	struct evmap evm;
	struct evslot slotv[BSIP_EVENT_SLOTS];
} a;


static void dispatch(const struct evslot *s, struct ua *ua, enum ua_event ev,
		     struct call *call, const char *prm)
{
	struct native_ev n = {ua, ev, call, prm};
	struct bsip_event e;

	if (!evslot_takes(s, &e.main_thread))
		return;

	e.ev     = evmap_get(&a.evm, (int)ev);
	e.ua     = ua;
	e.call   = call;
	e.prm    = prm ? prm : "";
	e.native = &n;

	s->h(&e, s->arg);
}


#define SLOT_HANDLER(i)							\
	static void slot##i(struct ua *ua, enum ua_event ev,		\
			    struct call *call, const char *prm,	\
			    void *arg)					\
	{								\
		(void)arg;						\
		dispatch(&a.slotv[i], ua, ev, call, prm);		\
	}

SLOT_HANDLER(0)
SLOT_HANDLER(1)
SLOT_HANDLER(2)
SLOT_HANDLER(3)

static ua_event_h *const slot_h[] = {slot0, slot1, slot2, slot3};

_Static_assert(sizeof(slot_h) / sizeof(slot_h[0]) == BSIP_EVENT_SLOTS,
	       "one handler function per slot");


static const char *native_name(int n)
{
	return uag_event_str((enum ua_event)n);
}


/*
 * Which 1.x family is running: the fifth event is MWI_NOTIFY in 1.0.0
 * and FALLBACK_OK from 1.1.0 on.
 */
static const char *running_family(void)
{
	const char *name = uag_event_str((enum ua_event)4);

	if (name && !strcmp(name, "MWI_NOTIFY"))
		return "1.0";
	if (name && !strcmp(name, "FALLBACK_OK"))
		return "1.1";

	return "unknown";
}


int bsip_abi_check(const char *modname)
{
	const char *fam = running_family();

	if (strcmp(fam, BSIP_ABI_FAMILY)) {
		warning("%s: built for baresip %s (ABI %s) but this baresip"
			" is ABI %s; not loading: install the OctaSIP"
			" package built for this baresip\n", modname,
			BSIP_API_VERSION, BSIP_ABI_FAMILY, fam);
		return EPROTO;
	}

	return evmap_require(&a.evm, native_name, modname);
}


/* trampoline i with the core */
static int native_slot(size_t i, bool on)
{
	if (on)
		return uag_event_register(slot_h[i], NULL);

	uag_event_unregister(slot_h[i]);

	return 0;
}


static int event_register(bsip_event_h *h, void *arg, bool any_thread)
{
	if (!a.evm.ok && evmap_build(&a.evm, native_name))
		return EPROTO;

	return evslot_add(a.slotv, h, arg, any_thread, native_slot);
}


int bsip_event_register(bsip_event_h *h, void *arg)
{
	return event_register(h, arg, false);
}


int bsip_event_register_any_thread(bsip_event_h *h, void *arg)
{
	return event_register(h, arg, true);
}


void bsip_event_unregister(bsip_event_h *h)
{
	evslot_remove(a.slotv, h, native_slot);
}


const char *bsip_event_name(const struct bsip_event *e)
{
	const struct native_ev *n = e ? e->native : NULL;

	return n ? uag_event_str(n->ev) : "?";
}


int bsip_event_encode(struct odict *od, const struct bsip_event *e)
{
	const struct native_ev *n = e ? e->native : NULL;

	if (!od || !n)
		return EINVAL;

	return event_encode_dict(od, n->ua, n->ev, n->call, n->prm);
}


/* 1.x sends the INVITE after the event whatever its handlers do */
void bsip_call_hold_invite(const struct bsip_event *e)
{
	(void)e;
}
