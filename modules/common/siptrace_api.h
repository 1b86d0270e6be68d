/**
 * @file siptrace_api.h  One SIP trace hook, shared by OctaSIP's modules
 *
 * libre 1.1.0 keeps one trace handler per SIP stack
 * (sip_set_trace_handler()): a module that sets it replaces whatever was
 * there.  Two OctaSIP modules need it: the policy (where each INVITE came
 * from, foreign-realm challenges: srcaddr.c) and the call log (a BYE or
 * CANCEL the moment it arrives).  The policy, loaded first, owns the
 * hook and exports SIPTRACE_API_SYMBOL; the call log adds its handler to
 * the policy's chain when the policy is loaded (siptrace_api_get(),
 * bsip.c: dlopen RTLD_NOLOAD, so nothing is loaded by asking), and sets
 * the hook itself only when it is not.  Each chained handler is called
 * for every message, after baresip's own trace (-s), on the main thread.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SIPTRACE_API_H
#define OCTASIP_SIPTRACE_API_H

#include <stdint.h>
#include <re.h>

#define SIPTRACE_API_VERSION 1
#define SIPTRACE_API_SYMBOL "octasip_siptrace_api_v1"

struct siptrace_api {
	uint32_t version;                  /* SIPTRACE_API_VERSION        */
	int  (*add)(sip_trace_h *h);       /* 0, EALREADY, ENOSPC, ENOTCONN */
	void (*remove)(sip_trace_h *h);
};

/*
 * The policy's chain, or NULL when octasip_policy.so is not loaded.  *hp
 * gets a dlopen() reference that keeps it mapped: hand it back with
 * siptrace_api_put() when done (at once: ask again to remove).
 */
const struct siptrace_api *siptrace_api_get(void **hp);
void siptrace_api_put(void *h);

#endif
