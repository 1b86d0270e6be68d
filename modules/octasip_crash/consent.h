/**
 * @file consent.h  Consent to send crash reports and usage statistics
 *
 * crash/consent holds one line: "STATE POLICY_VERSION SINCE", e.g.
 * "given 1 1764331200".  STATE is unknown (the default: nothing is
 * sent), given or revoked.  Consent counts only for the privacy-policy
 * version it was given for: after a policy change it is "unknown" again
 * until the user gives it anew.  A missing file is "unknown"; an
 * unreadable or malformed one is "unknown" too, with EBADMSG, so nothing
 * is ever sent on a broken file.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_CONSENT_H
#define OCTASIP_CONSENT_H

#include <stdbool.h>
#include <stdint.h>

/* The privacy-policy version consent is asked for (PRIVACY.md) */
#define CRASH_POLICY_VERSION 1u

#define CONSENT_FILE "consent"

enum consent {
	CONSENT_UNKNOWN = 0,
	CONSENT_GIVEN,
	CONSENT_REVOKED,
};

struct consent_info {
	enum consent state;
	unsigned version;        /* policy version it was recorded for */
	int64_t since;           /* Unix time it was recorded          */
};

const char *consent_name(enum consent c);
int  consent_load(const char *crashdir, struct consent_info *ci);
int  consent_save(const char *crashdir, enum consent c, int64_t now);

/* given, for the current policy version: uploads are allowed */
bool consent_allows_upload(const char *crashdir);

#endif
