/**
 * @file adapt_4.c  OctaSIP's event interface on upstream baresip 4.x
 *
 * 4.x replaced uag_event_register() with bevent_register(): a handler
 * gets (enum bevent_ev, struct bevent *, arg) and reads the UA, call and
 * text through bevent_get_ua/call/text().  enum bevent_ev numbers its
 * events differently from either 1.x family (CREATE, CALL_OUTGOING,
 * CALL_ANSWERED, CALL_REDIRECT, ... are in between), so the numbers are
 * mapped to enum bsip_ev by the names bevent_str() gives them
 * (evmap.c), as on 1.x.
 *
 * 4.x facts relied on (baresip 4.10.0, src/bevent.c):
 *  - bevent_register() appends: handlers run in registration order;
 *    bevent_unregister() removes by function pointer, so each of a
 *    module's registrations gets a function of its own (a slot);
 *  - after each handler of a call event the core checks that the call is
 *    still in its UA's list and stops dispatching if not (a handler that
 *    hangs up ends the event for the handlers after it);
 *  - bevent_odict_encode() is what ctrl_tcp sends for an event;
 *  - baresip_version() gives the running core's "X.Y.Z";
 *  - the current UA is gone from the core (menu.so derives it from its
 *    current call);
 *  - uag_tls() is the SIP TLS transport's struct tls; with
 *    sip_verify_server (on by default when sip_cafile or sip_capath is
 *    set) libre sets SSL_VERIFY_PEER and its own callback on every
 *    connection (tls_set_verify_server() in src/sip/transp.c), replacing
 *    the context's callback, and a host to check only when the host is
 *    a name, not an IP address; tls_disable_verify_server() turns that
 *    off and new connections inherit the context's callback.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/bsip.h"
#include "common/abi/evmap.h"
#include "common/abi/evslot.h"


struct native_ev {
	enum bevent_ev ev;
	struct bevent *event;
};

/* per module: every module links its own copy of this file */
static struct {
	struct evmap evm;
	struct evslot slotv[BSIP_EVENT_SLOTS];
} a;


static void dispatch(const struct evslot *s, enum bevent_ev ev,
		     struct bevent *event)
{
	struct native_ev n = {ev, event};
	struct bsip_event e;
	const char *txt;

	if (!evslot_takes(s, &e.main_thread))
		return;

	txt = bevent_get_text(event);

	e.ev     = evmap_get(&a.evm, (int)ev);
	e.ua     = bevent_get_ua(event);
	e.call   = bevent_get_call(event);
	e.prm    = txt ? txt : "";
	e.native = &n;

	s->h(&e, s->arg);
}


#define SLOT_HANDLER(i)							\
	static void slot##i(enum bevent_ev ev, struct bevent *event,	\
			    void *arg)					\
	{								\
		(void)arg;						\
		dispatch(&a.slotv[i], ev, event);			\
	}

SLOT_HANDLER(0)
SLOT_HANDLER(1)
SLOT_HANDLER(2)
SLOT_HANDLER(3)

static bevent_h *const slot_h[] = {slot0, slot1, slot2, slot3};

_Static_assert(sizeof(slot_h) / sizeof(slot_h[0]) == BSIP_EVENT_SLOTS,
	       "one handler function per slot");


static const char *native_name(int n)
{
	return bevent_str((enum bevent_ev)n);
}


/* "X.Y" of a version "X.Y.Z" equal? */
static bool same_minor(const char *v1, const char *v2)
{
	char *e1, *e2;
	unsigned long a1, b1, a2, b2;

	a1 = strtoul(v1, &e1, 10);
	a2 = strtoul(v2, &e2, 10);
	if (*e1 != '.' || *e2 != '.' || a1 != a2)
		return false;

	b1 = strtoul(e1 + 1, &e1, 10);
	b2 = strtoul(e2 + 1, &e2, 10);

	return b1 == b2;
}


/*
 * The ABI stamp on 4.x.  A module built for 1.x never gets here in a 4.x
 * core (its dlopen() fails first: 4.x exports no info(), warning(),
 * uag_event_register(), ...), nor a 4.x module in a 1.x core (no
 * bevent_register(), baresip_version()).  What remains is another 4.x
 * release: baresip.h's struct layouts (struct aufilt, struct auframe)
 * and enum values may change between minor releases, and libre's
 * soname does, so the running core must be the major.minor the module
 * was compiled against.
 */
int bsip_abi_check(const char *modname)
{
	const char *run = baresip_version();

	if (!run || !same_minor(run, BSIP_API_VERSION)) {
		warning("%s: built for baresip %s (ABI %s) but this baresip"
			" is %s; not loading: build OctaSIP against this"
			" baresip\n", modname, BSIP_API_VERSION,
			BSIP_ABI_FAMILY, run ? run : "unknown");
		return EPROTO;
	}

	return evmap_require(&a.evm, native_name, modname);
}


/* trampoline i with the core */
static int native_slot(size_t i, bool on)
{
	if (on)
		return bevent_register(slot_h[i], NULL);

	bevent_unregister(slot_h[i]);

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

	return n ? bevent_str(n->ev) : "?";
}


int bsip_event_encode(struct odict *od, const struct bsip_event *e)
{
	const struct native_ev *n = e ? e->native : NULL;

	if (!od || !n)
		return EINVAL;

	return bevent_odict_encode(od, n->event);
}


/* 4.x keeps no current UA (menu.so derives it from its current call) */
void bsip_ua_forget(struct ua *ua)
{
	(void)ua;
}


void *bsip_sip_tls_ctx(void)
{
	struct tls *tls = uag_tls();

	if (!tls)
		return NULL;

	/* libre's check would replace ours per connection: see bsip.h */
	tls_disable_verify_server(tls);

	return tls_ssl_ctx(tls);
}


void bsip_call_hold_invite(const struct bsip_event *e)
{
	const struct native_ev *n = e ? e->native : NULL;

	if (!n || n->ev != BEVENT_CALL_LOCAL_SDP || !e->call ||
	    !call_is_outgoing(e->call) ||
	    call_state(e->call) != CALL_STATE_OUTGOING)
		return;

	bevent_set_error(n->event, EPERM);
}
