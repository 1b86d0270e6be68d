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
 * libre 2.0.1's; weak, as the family-only core functions: a module built
 * for 1.1 loaded into 1.0.0 (libre 1.1.x has no such function) still
 * gets as far as its ABI stamp
 */
__attribute__((weak)) void tls_disable_verify_server(struct tls *tls);


/*
 * uag_tls() is the SIP TLS transport's; NULL once the SIP stack is gone
 * (at exit, before the modules are unloaded).  libre 2.0.1's own
 * per-connection check (sip_verify_server, on by default once sip_cafile
 * is set) is switched off, as on 4.x: it replaces the context's verify
 * callback on each connection and requires the connection's own host
 * name, so a server certificate naming the account's SIP domain was
 * refused on a connection to its NAPTR/SRV target (RFC 5922 has the
 * domain checked); the context's callback (tlsverify.c) then decides for
 * every connection.
 */
void *bsip_sip_tls_ctx(void)
{
	struct tls *tls = uag_tls && uag_sip() ? uag_tls() : NULL;

	if (!tls)
		return NULL;

	/* P-TLS-1 */
	if (tls_disable_verify_server)
		tls_disable_verify_server(tls);

	return tls_openssl_context(tls);
}
