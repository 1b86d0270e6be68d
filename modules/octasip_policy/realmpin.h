/**
 * @file realmpin.h  Digest credentials only for the account's own realm
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REALMPIN_H
#define OCTASIP_REALMPIN_H

struct sip_msg;
struct ua;

/* a received 401/407 (from the trace hook), before libre's auth reads it */
void realmpin_challenge(const struct sip_msg *msg);

/* BSIP_EV_REGISTER_OK: the realm that challenged it is the account's */
void realmpin_registered(struct ua *ua);

void realmpin_close(void);

#endif
