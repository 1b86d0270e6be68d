/**
 * @file tlsverify.h  SIP over TLS authenticates the server
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_TLSVERIFY_H
#define OCTASIP_TLSVERIFY_H

/*
 * Turn on certificate verification for baresip's SIP TLS transport.
 * pins: comma-separated SHA-256 fingerprints (hex, ':' allowed) of
 * server certificates accepted although they do not verify (a PBX with
 * a self-signed certificate), or NULL.  0, ENOENT (no TLS transport).
 */
int  tlsverify_init(const char *pins);
void tlsverify_close(void);

/* an outgoing call's request URI: its host may be connected to */
void tlsverify_peer(const char *uri);

#endif
