/**
 * @file calllog_api.h  What other OctaSIP modules may ask of the call log
 *
 * baresip loads modules with RTLD_LOCAL, so one module cannot link to
 * another.  octasip_calllog.so exports one symbol, CALLLOG_API_SYMBOL, a
 * const struct calllog_api; other modules find it at run time with
 * calllog_api_get() (bsip.c: dlopen RTLD_NOLOAD on the loaded module, so
 * it never loads anything itself).  NULL means the call log is not loaded:
 * callers must carry on without it.  The first API found is kept, with a
 * dlopen() reference that keeps octasip_calllog.so mapped: a module that
 * used calllog_api_get() calls calllog_api_release() when it closes.  If
 * the call log module is closed meanwhile, its functions return ENOENT.
 *
 * All functions run on baresip's main thread and return 0 or an errno.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CALLLOG_API_H
#define OCTASIP_CALLLOG_API_H

#include <stdbool.h>
#include <stdint.h>

#define CALLLOG_API_VERSION 1
#define CALLLOG_API_SYMBOL "octasip_calllog_api_v1"

/* A call that the policy or fraud guard stopped */
struct calllog_blocked {
	const char *account;    /* local account AOR                    */
	const char *direction;  /* "incoming" or "outgoing"             */
	const char *peer_uri;   /* remote party as received / dialled   */
	const char *peer_name;  /* display name, or NULL                */
	const char *call_id;    /* SIP Call-ID if a call existed, else NULL */
	uint16_t sip_code;      /* final code sent/received, 0 if none  */
	const char *rule;       /* the rule that matched: the reason    */
};

struct calllog_api {
	uint32_t version;       /* CALLLOG_API_VERSION                  */

	/*
	 * Record a blocked call: an existing row with this call_id becomes
	 * status "blocked" (later events do not change it), otherwise a new
	 * row is inserted with started_at = ended_at = now.
	 */
	int (*blocked)(const struct calllog_blocked *b);

	/* Keep the call log in memory only (storage denied), or not. */
	int (*set_memory_only)(bool on);
};

/*
 * Convention for hang-ups: a module that ends a call because of a rule
 * passes a reason starting with CALLLOG_BLOCKED_PREFIX to ua_hangup(); the
 * call log then records status "blocked" and the rest as the reason.
 */
#define CALLLOG_BLOCKED_PREFIX "octasip blocked: "

const struct calllog_api *calllog_api_get(void);
void calllog_api_release(void);

#endif
