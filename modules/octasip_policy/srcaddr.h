/**
 * @file srcaddr.h  The network address each incoming INVITE came from
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_SRCADDR_H
#define OCTASIP_SRCADDR_H

#include <stdbool.h>
#include <re.h>

struct sa;

/* invites: keep each INVITE's source for srcaddr_find() */
int  srcaddr_init(bool invites);
void srcaddr_close(void);

/* the transport peer of the INVITE with this Call-ID: 0 or ENOENT
 * (always ENOENT when srcaddr_init() was told not to keep INVITEs) */
int  srcaddr_find(const char *callid, struct sa *sa);

/* the address of a registrar/outbound proxy our REGISTERs went to */
bool srcaddr_trusted(const struct sa *sa);

unsigned srcaddr_trusted_count(void);

/* the trace handler installed in libre's struct sip (fingerprint.c) */
void *srcaddr_traceh(void);

/* other modules' handlers on the same hook (siptrace_api.h): 0,
 * EALREADY, ENOSPC, or ENOTCONN when the hook is not ours */
int  srcaddr_chain_add(sip_trace_h *h);
void srcaddr_chain_remove(sip_trace_h *h);

#endif
