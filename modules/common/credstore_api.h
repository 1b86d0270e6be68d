/**
 * @file credstore_api.h  What other OctaSIP modules may ask of the
 *                        credential store: the realm of an account
 *
 * octasip_credstore.so holds the vault open with its key; it exports one
 * symbol, CREDSTORE_API_SYMBOL, a const struct credstore_api.  Other
 * modules find it at run time with credstore_api_get() (bsip.c: dlopen
 * RTLD_NOLOAD, so it never loads anything itself; see calllog_api.h for
 * why modules cannot link to each other).  NULL means the credential
 * store is not loaded (yet: the policy is loaded before it): ask again
 * later, and carry on without it.  A found API is kept with a dlopen()
 * reference until credstore_api_release().  The secret never crosses
 * this interface.
 *
 * All functions run on baresip's main thread.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CREDSTORE_API_H
#define OCTASIP_CREDSTORE_API_H

#include <stdint.h>

#define CREDSTORE_API_VERSION 1
#define CREDSTORE_API_SYMBOL "octasip_credstore_api_v1"

struct credstore_api {
	uint32_t version;       /* CREDSTORE_API_VERSION                */

	/*
	 * The realm of aor's vault record (`account add --realm`, or one
	 * pinned by realm_pin()), or NULL: no vault, no record, or a record
	 * without a realm.  The string lives in the vault's memory until
	 * the next return to the event loop (a reload frees it): copy it.
	 */
	const char *(*realm_get)(const char *aor);

	/*
	 * Pins realm to aor's record if the record has none: written to
	 * the vault (atomically, mode 0600) by a 0 ms timer, not in the
	 * caller's handler, and logged once.  A record that has a realm is
	 * never changed.  0 (queued, or already this realm), ENOENT (no
	 * vault or no record), EEXIST (the record has another realm),
	 * EINVAL (empty or unprintable realm), ENAMETOOLONG, ENOMEM.
	 */
	int (*realm_pin)(const char *aor, const char *realm);
};

const struct credstore_api *credstore_api_get(void);
void credstore_api_release(void);

#endif
