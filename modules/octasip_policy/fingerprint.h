/**
 * @file fingerprint.h  No product, version, OS or heap address on the wire
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_FINGERPRINT_H
#define OCTASIP_FINGERPRINT_H

#include <stdbool.h>

struct ua;
struct call;

/*
 * Replace libre's User-Agent/Server string: ua NULL or "" sends none.
 * traceh: the SIP trace handler the policy installed (it marks where
 * the string sits, see fingerprint.c).  0, or ENOENT if not found.
 */
int  fingerprint_init(const char *ua, void *traceh);

/* a Contact user without the UA's heap address (before REGISTER) */
void fingerprint_ua(struct ua *ua);

/* no a=tool in this call's SDP */
void fingerprint_call(struct call *call);

#endif
