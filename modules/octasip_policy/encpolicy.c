/**
 * @file encpolicy.c  The encryption policy (octasip_policy_encryption)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <string.h>
#include "encpolicy.h"


static const char *const modes[] = {"off", "preferred", "required"};


int enc_mode_from_str(const char *s, enum enc_mode *m)
{
	int i;

	for (i = 0; s && i < 3; ++i) {
		if (!strcmp(s, modes[i])) {
			*m = (enum enc_mode)i;
			return 0;
		}
	}

	return EINVAL;
}


const char *enc_mode_name(enum enc_mode m)
{
	return (unsigned)m < 3 ? modes[m] : "?";
}


bool enc_media_mandatory(const char *mediaenc)
{
	if (!mediaenc)
		return false;

	return !strcmp(mediaenc, "srtp-mand") ||
		!strcmp(mediaenc, "srtp-mandf") ||
		!strcmp(mediaenc, "dtls_srtp");
}


/* P-ENC-1 */
bool enc_call_allowed(enum enc_mode m, const char *mediaenc)
{
	return m != ENC_REQUIRED || enc_media_mandatory(mediaenc);
}
