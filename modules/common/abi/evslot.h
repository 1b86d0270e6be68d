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
	bool any_thread;   /* also events emitted on other threads */
};

/* Register (on) or unregister trampoline i with the core; errno */
typedef int (evslot_native_h)(size_t i, bool on);

/*
 * A free slot for h: 0, ENOSPC, or the core's error.  Called on the main
 * thread (module init): the first call notes which thread that is.
 */
int  evslot_add(struct evslot *v, bsip_event_h *h, void *arg,
		bool any_thread, evslot_native_h *nh);

/*
 * Does slot s take an event emitted now?  *main: is this the main
 * thread.  Only any_thread slots take events from other threads.
 */
bool evslot_takes(const struct evslot *s, bool *main);
/* Every slot holding h, unregistered */
void evslot_remove(struct evslot *v, bsip_event_h *h, evslot_native_h *nh);

#endif
