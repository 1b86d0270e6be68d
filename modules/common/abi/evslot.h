/**
 * @file evslot.h  A module's event handlers, one core registration each
 *
 * The cores (1.x uag_event_register(), 4.x bevent_register()) remove a
 * handler by its function pointer, so each of a module's registrations
 * goes through a trampoline of its own: slot i of BSIP_EVENT_SLOTS.  The
 * adapter owns the trampolines and registers slot i with its core
 * (evslot_native_h); this file keeps which slot holds which handler.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ABI_EVSLOT_H
#define OCTASIP_ABI_EVSLOT_H

struct evslot {
	bsip_event_h *h;
	void *arg;
};

/* Register (on) or unregister trampoline i with the core; errno */
typedef int (evslot_native_h)(size_t i, bool on);

/* A free slot for h: 0, ENOSPC, or the core's error */
int  evslot_add(struct evslot *v, bsip_event_h *h, void *arg,
		evslot_native_h *nh);
/* Every slot holding h, unregistered */
void evslot_remove(struct evslot *v, bsip_event_h *h, evslot_native_h *nh);

#endif
