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
 * Also here: the core's current UA (uag_current()) and the SIP TLS
 * transport's OpenSSL context (bsip.h).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "common/bsip.h"
#include "common/abi/evmap.h"


struct native_ev {
	struct ua *ua;
	enum ua_event ev;
	struct call *call;
	const char *prm;
};

struct slot {
	bsip_event_h *h;
	void *arg;
};

/* per module: every module links its own copy of this file */
static struct {
	struct evmap evm;
	struct slot slotv[BSIP_EVENT_SLOTS];
} a;


static void dispatch(struct slot *s, struct ua *ua, enum ua_event ev,
		     struct call *call, const char *prm)
{
	struct native_ev n = {ua, ev, call, prm};
	struct bsip_event e;

	if (!s->h)
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
	int err;

	if (strcmp(fam, BSIP_ABI_FAMILY)) {
		warning("%s: built for baresip %s (ABI %s) but this baresip"
			" is ABI %s; not loading: install the OctaSIP"
			" package built for this baresip\n", modname,
			BSIP_API_VERSION, BSIP_ABI_FAMILY, fam);
		return EPROTO;
	}

	err = evmap_build(&a.evm, native_name);
	if (err) {
		warning("%s: this baresip has no event %s; not loading\n",
			modname, a.evm.missing);
		return err;
	}

	return 0;
}


int bsip_event_register(bsip_event_h *h, void *arg)
{
	size_t i;
	int err;

	if (!h)
		return EINVAL;

	if (!a.evm.ok && evmap_build(&a.evm, native_name))
		return EPROTO;

	for (i = 0; i < BSIP_EVENT_SLOTS; ++i) {

		if (a.slotv[i].h)
			continue;

		a.slotv[i].h = h;
		a.slotv[i].arg = arg;

		err = uag_event_register(slot_h[i], NULL);
		if (err)
			memset(&a.slotv[i], 0, sizeof(a.slotv[i]));

		return err;
	}

	return ENOSPC;
}


void bsip_event_unregister(bsip_event_h *h)
{
	size_t i;

	for (i = 0; i < BSIP_EVENT_SLOTS; ++i) {

		if (!h || a.slotv[i].h != h)
			continue;

		uag_event_unregister(slot_h[i]);
		memset(&a.slotv[i], 0, sizeof(a.slotv[i]));
	}
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


void bsip_uag_current_drop(const struct ua *ua)
{
	struct le *le;

	if (!ua || uag_current() != ua)
		return;

	for (le = list_head(uag_list()); le; le = le->next) {
		if (le->data != ua)
			break;
	}

	uag_current_set(le ? le->data : NULL);
}


/*
 * The struct tls of libre's SIP TLS transport.  libre 1.1.0 and 2.0.x
 * keep it in an element of the transport list, the first field of struct
 * sip (a struct list); each element (libre's src/sip/transp.c) holds its
 * list element, its local address, then the struct sip, its struct tls,
 * its socket and its transport type.  The field equal to uag_sip()
 * (after the list element) marks the place; the type must be
 * SIP_TRANSP_TLS and the tls non-NULL, else there is none.
 */
#define TRANSP_FIELDS 24
#define LE_FIELDS     (sizeof(struct le) / sizeof(uintptr_t))

static struct tls *sip_tls(struct sip *sip)
{
	const struct list *l = (const struct list *)(void *)sip;
	struct le *le;

	for (le = list_head(l); le; le = le->next) {

		const uintptr_t *f = le->data;
		size_t k;

		if (!f || f[LE_FIELDS - 1] != (uintptr_t)f)
			continue;   /* struct le's data is the transport */

		for (k = LE_FIELDS; k + 3 < TRANSP_FIELDS; ++k) {

			if (f[k] != (uintptr_t)sip)
				continue;

			if ((uint32_t)f[k + 3] == SIP_TRANSP_TLS && f[k + 1])
				return (struct tls *)f[k + 1];
			break;
		}
	}

	return NULL;
}


/* 1.x never verifies the server itself */
void *bsip_sip_tls_ctx(void)
{
	struct sip *sip = uag_sip();
	struct tls *tls = sip ? sip_tls(sip) : NULL;

	return tls ? tls_openssl_context(tls) : NULL;
}


void bsip_call_hold_invite(const struct bsip_event *e)
{
	(void)e;
}
