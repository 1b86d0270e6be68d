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


struct tls *bsip_sip_tls(void)
{
	return uag_tls && uag_sip() ? uag_tls() : NULL;
}
