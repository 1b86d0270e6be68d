/**
 * @file adapt_1_1.c  What only baresip 1.1.0 (libre 2.0.x) needs
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/bsip.h"


/* 1.1.0 keeps no current UA: nothing points at a UA but its list */
void bsip_ua_forget(struct ua *ua)
{
	(void)ua;
}


/*
 * uag_tls() is the SIP TLS transport's; NULL once the SIP stack is gone
 * (at exit, before the modules are unloaded).  libre 2.0.1's own
 * per-connection check (sip_verify_server) stays on: tlsverify.c's
 * certificate callback is the context's and runs around it.
 */
void *bsip_sip_tls_ctx(void)
{
	struct tls *tls = uag_tls && uag_sip() ? uag_tls() : NULL;

	return tls ? tls_openssl_context(tls) : NULL;
}
