/**
 * @file realmpin.h  Digest credentials only for the account's own realm
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_REALMPIN_H
#define OCTASIP_REALMPIN_H

#include <stddef.h>
#include <stdint.h>

struct ua;

/* a received SIP message (from the trace hook), before libre reads it */
void realmpin_rx(const uint8_t *pkt, size_t len);

/* UA_EVENT_REGISTER_OK: the realm that challenged it is the account's */
void realmpin_registered(struct ua *ua);

void realmpin_close(void);

#endif
