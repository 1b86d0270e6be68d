/**
 * @file realmpin.h  Digest credentials only for the account's own realm
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REALMPIN_H
#define OCTASIP_REALMPIN_H

#include <stddef.h>
#include <stdint.h>

struct sip_msg;
struct ua;

/* a received 401/407 (from the trace hook), parsed from a copy; wire is
 * libre's own buffer of it, which libre's auth handler reads next */
void realmpin_challenge(const struct sip_msg *msg, uint8_t *wire,
			size_t len);

/* BSIP_EV_REGISTERING: the vault record's realm, if it has one */
void realmpin_registering(struct ua *ua);

/* BSIP_EV_REGISTER_OK: without a record's realm, the realm that
 * challenged it is the account's, pinned in the vault too */
void realmpin_registered(struct ua *ua);

void realmpin_close(void);

#endif
