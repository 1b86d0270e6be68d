/**
 * @file evslot.c  A module's event handlers, one core registration each
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include "common/bsip.h"
#include "common/abi/evslot.h"


/* the thread that registered first: baresip's main thread (module init) */
static pthread_t main_thread;
static bool main_known;


bool evslot_takes(const struct evslot *s, bool *main)
{
	*main = !main_known || pthread_equal(pthread_self(), main_thread);

	return s->h && (*main || s->any_thread);
}


int evslot_add(struct evslot *v, bsip_event_h *h, void *arg,
	       bool any_thread, evslot_native_h *nh)
{
	size_t i;
	int err;

	if (!v || !h || !nh)
		return EINVAL;

	if (!main_known) {
		main_thread = pthread_self();
		main_known = true;
	}

	for (i = 0; i < BSIP_EVENT_SLOTS; ++i) {

		if (v[i].h)
			continue;

		v[i].h = h;
		v[i].arg = arg;
		v[i].any_thread = any_thread;

		err = nh(i, true);
		if (err)
			memset(&v[i], 0, sizeof(v[i]));

		return err;
	}

	return ENOSPC;
}


void evslot_remove(struct evslot *v, bsip_event_h *h, evslot_native_h *nh)
{
	size_t i;

	for (i = 0; v && h && nh && i < BSIP_EVENT_SLOTS; ++i) {

		if (v[i].h != h)
			continue;

		(void)nh(i, false);
		memset(&v[i], 0, sizeof(v[i]));
	}
}
