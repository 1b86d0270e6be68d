/**
 * @file sipcopy.h  libre's SIP parser on a copy of a message's bytes
 *
 * The SIP trace hook sees the bytes of each message libre sends or
 * receives, not a parsed message.  Where OctaSIP needs a field of one
 * (the policy's source addresses, realm pin and OPTIONS answer, the
 * call log's BYE), it parses a copy with libre's sip_msg_decode(): the
 * bytes libre owns are never parsed in place, and the parse's pointers
 * (struct pl) point into the copy at the same offsets as into them.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SIPCOPY_H
#define OCTASIP_SIPCOPY_H

#include <stddef.h>
#include <stdint.h>

struct sip_msg;

/* The message in pkt[0..len) parsed from a copy (msg->mb: the copy,
 * from offset 0); NULL if malformed or out of memory.  mem_deref() it. */
struct sip_msg *sipcopy_decode(const uint8_t *pkt, size_t len);

#endif
