/**
 * @file consent.c  Consent to send crash reports and statistics
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/fileio.h"
#include "consent.h"


static const char *const names[] = {"unknown", "given", "revoked"};


const char *consent_name(enum consent c)
{
	return (unsigned)c < 3 ? names[c] : "unknown";
}


int consent_load(const char *crashdir, struct consent_info *ci)
{
	char path[4200], state[16];
	uint8_t *buf = NULL;
	size_t len;
	unsigned ver;
	long long since;
	int err, i;

	if (!crashdir || !ci)
		return EINVAL;

	memset(ci, 0, sizeof(*ci));

	if (fio_path(path, sizeof(path), crashdir, CONSENT_FILE))
		return ENAMETOOLONG;

	err = fio_read_all(path, &buf, &len, 256);
	if (err == ENOENT)
		return 0;
	if (err)
		return err == EFBIG ? EBADMSG : err;

	err = EBADMSG;
	if (sscanf((char *)buf, "%15s %u %lld", state, &ver, &since) == 3) {
		for (i = 0; i < 3; ++i) {
			if (!strcmp(state, names[i])) {
				ci->state = (enum consent)i;
				ci->version = ver;
				ci->since = since;
				err = 0;
			}
		}
	}
	free(buf);

	if (err)
		memset(ci, 0, sizeof(*ci));

	return err;
}


int consent_save(const char *crashdir, enum consent c, int64_t now)
{
	char path[4200], line[96];
	int n, err;

	if (!crashdir || (unsigned)c > CONSENT_REVOKED)
		return EINVAL;

	err = fio_mkdir_private(crashdir);
	if (err)
		return err;

	if (fio_path(path, sizeof(path), crashdir, CONSENT_FILE))
		return ENAMETOOLONG;

	n = snprintf(line, sizeof(line), "%s %u %" PRId64 "\n",
		     consent_name(c), CRASH_POLICY_VERSION, now);

	return fio_write_atomic(path, line, (size_t)n, 0600);
}


/* P-NET-2: nothing is sent unless this says so, asked before each
 * report */
bool consent_allows_upload(const char *crashdir)
{
	struct consent_info ci;

	if (consent_load(crashdir, &ci))
		return false;

	return ci.state == CONSENT_GIVEN &&
		ci.version == CRASH_POLICY_VERSION;
}
