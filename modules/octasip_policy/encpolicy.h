/**
 * @file encpolicy.h  The encryption policy (octasip_policy_encryption)
 *
 * required: a call runs only with mandatory media encryption, i.e. an
 *           account with ;mediaenc=srtp-mand, srtp-mandf or dtls_srtp.
 *           (";mediaenc=srtp" is best effort in baresip: it falls back
 *           to plain RTP when the peer offers no crypto, so it does not
 *           satisfy "required".)  Other calls are refused.
 * preferred (default): calls are allowed; accounts without TLS signalling
 *           or mandatory media encryption are reported at start.
 * off:      no checks, no reports.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_ENCPOLICY_H
#define OCTASIP_ENCPOLICY_H

#include <stdbool.h>

enum enc_mode {
	ENC_OFF = 0,
	ENC_PREFERRED,
	ENC_REQUIRED,
};

int  enc_mode_from_str(const char *s, enum enc_mode *m);
const char *enc_mode_name(enum enc_mode m);

/* true if mediaenc (an account's ;mediaenc= value, or NULL) guarantees
 * encrypted media */
bool enc_media_mandatory(const char *mediaenc);

/* true if a call with this media encryption may run under mode m */
bool enc_call_allowed(enum enc_mode m, const char *mediaenc);

#endif
