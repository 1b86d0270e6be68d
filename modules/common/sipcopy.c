/**
 * @file sipcopy.c  libre's SIP parser on a copy of a message's bytes
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <re.h>
#include "sipcopy.h"


struct sip_msg *sipcopy_decode(const uint8_t *pkt, size_t len)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(len ? len : 1);

	if (!mb)
		return NULL;

	if (!mbuf_write_mem(mb, pkt, len)) {
		mb->pos = 0;
		(void)sip_msg_decode(&msg, mb);
	}
	mem_deref(mb);   /* msg holds its own reference */

	return msg;
}
