/**
 * @file permfile.h  Changing the permissions file (module and CLI)
 *
 * One implementation of "set" and "reset" for both the running module
 * (/perm set) and the tool (octasip perm set): read the file strictly,
 * refuse to touch a malformed one (the error names the line; nothing is
 * overwritten), change one state, write it back atomically (0600) and
 * append the change to the audit log, unless the new set denies storage
 * (storage deny wins: P-PERM-2).
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#ifndef OCTASIP_PERMFILE_H
#define OCTASIP_PERMFILE_H

#include <stddef.h>
#include "common/perm.h"

struct permfile {
	char path[4200];        /* <profile>/permissions       */
	char audit[4200];       /* <profile>/permissions.audit */
};

int permfile_init(struct permfile *pf, const char *profile);

/*
 * Set one permission.  who is a short word for the audit reason ("cli",
 * "console").  On EBADMSG errbuf names the bad line; the file is not
 * changed.  ps (optional) receives the new set.
 */
int permfile_set(const struct permfile *pf, enum perm p,
		 enum perm_state st, const char *who, long long now,
		 struct perm_set *ps, char *errbuf, size_t errsz);

/* Write the product defaults (also over a malformed file: the user
 * asked for it); every permission gets a "set-..." audit line. */
int permfile_reset(const struct permfile *pf, const char *who,
		   long long now, struct perm_set *ps);

/*
 * Consume "once" grants for a call that starts now: every permission in
 * state "once" goes back to "ask" in the file.  *consumed gets one bit
 * per permission (1 << enum perm).  The "once-used" audit lines are the
 * caller's (the module's pending audit path, which honours storage).
 */
int permfile_consume_once(const struct permfile *pf, struct perm_set *ps,
			  unsigned *consumed);

#endif
