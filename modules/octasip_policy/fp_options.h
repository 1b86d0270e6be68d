/**
 * @file fp_options.h  No a=tool in the SDP of an answer to OPTIONS
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_FP_OPTIONS_H
#define OCTASIP_FP_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

/*
 * P-NET-3: a SIP message about to be sent, rewritten in place (pkt: the
 * bytes libre sends, from the trace hook; len stays).  A 200 answering
 * OPTIONS loses its SDP's a=tool line (fp_options.c); anything else is
 * left as it is.
 */
void fp_options_sent(uint8_t *pkt, size_t len);

#endif
