/**
 * @file export.h  "octasip data export": every piece of personal data
 *                 OctaSIP holds, as one JSON document (docs/privacy.md)
 *
 * The document is written to a stream as it is read: call-log rows,
 * audit lines and accounts lines one at a time, so memory does not grow
 * with the data.  It never holds a secret: no SIP password (the vault's
 * secrets are never copied out of it, ;auth_pass= values in an accounts
 * file are dropped), no key, no passphrase, no call-log hash key.
 *
 * A section that cannot be read completely (vault locked, corrupt
 * database, malformed file) says so in its "error" member and in
 * export_result.problem; the rest is still exported.
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_EXPORT_H
#define OCTASIP_EXPORT_H

#include <stdio.h>
#include "octasip_credstore/keysrc.h"

#define EXPORT_FORMAT  "octasip-data-export"
#define EXPORT_VERSION 1

/* the largest crash report or statistics file embedded */
#define EXPORT_MAX_EMBED (4u << 20)

struct export_opt {
	const char *profile;        /* profile directory                 */
	struct keysrc_opt *ko;      /* opens the vault (metadata only)   */
	const char *snd_path;       /* recordings directory, or NULL     */
	long long now;              /* Unix seconds, for created_at      */
};

struct export_result {
	unsigned accounts;
	unsigned vault_records;
	unsigned calls;
	unsigned audit_lines;
	unsigned crash_reports;
	char problem[512];          /* first incomplete section, or ""   */
};

/* 0, or the errno of a failed write (the document is then unusable) */
int export_write(FILE *f, const struct export_opt *o,
		 struct export_result *r);

#endif
