/**
 * @file permfile.c  Changing the permissions file (module and CLI)
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common/fileio.h"
#include "common/profile.h"
#include "permfile.h"


int permfile_init(struct permfile *pf, const char *profile)
{
	int err;

	if (!pf || !profile)
		return EINVAL;

	err  = fio_path(pf->path, sizeof(pf->path), profile,
			PROFILE_PERMISSIONS);
	err |= fio_path(pf->audit, sizeof(pf->audit), profile,
			PROFILE_PERMISSIONS_AUDIT);

	return err ? ENAMETOOLONG : 0;
}


int permfile_set(const struct permfile *pf, enum perm p,
		 enum perm_state st, const char *who, long long now,
		 struct perm_set *ps, char *errbuf, size_t errsz)
{
	struct perm_set cur;
	char dec[32], why[64];
	int err;

	if (!pf || (unsigned)p >= PERM_COUNT)
		return EINVAL;

	err = perm_load(pf->path, &cur, errbuf, errsz);
	if (err)
		return err;

	cur.state[p] = st;

	err = perm_save(pf->path, &cur);
	if (err) {
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "cannot write %s: %s",
				       pf->path, strerror(err));
		return err;
	}

	/* P-PERM-2: storage deny wins, the change itself included */
	if (perm_permits(&cur, PERM_STORAGE)) {
		(void)snprintf(dec, sizeof(dec), "set-%s",
			       perm_state_name(st));
		(void)snprintf(why, sizeof(why), "changed by %s",
			       who ? who : "?");
		(void)perm_audit_append(pf->audit, now, perm_name(p), dec,
					why);
	}

	if (ps)
		*ps = cur;

	return 0;
}


int permfile_reset(const struct permfile *pf, const char *who,
		   long long now, struct perm_set *ps)
{
	struct perm_set def;
	char dec[32], why[64];
	int i, err;

	if (!pf)
		return EINVAL;

	perm_set_defaults(&def);

	err = perm_save(pf->path, &def);
	if (err)
		return err;

	if (ps)
		*ps = def;

	/* P-PERM-2: storage deny wins, the change itself included */
	if (!perm_permits(&def, PERM_STORAGE))
		return 0;

	(void)snprintf(why, sizeof(why), "reset by %s", who ? who : "?");
	for (i = 0; i < PERM_COUNT; ++i) {
		(void)snprintf(dec, sizeof(dec), "set-%s",
			       perm_state_name(def.state[i]));
		(void)perm_audit_append(pf->audit, now, perm_name(i), dec,
					why);
	}

	return 0;
}


int permfile_consume_once(const struct permfile *pf, struct perm_set *ps,
			  unsigned *consumed)
{
	unsigned bits = 0;
	int i;

	if (!pf || !ps || !consumed)
		return EINVAL;

	for (i = 0; i < PERM_COUNT; ++i) {
		if (ps->state[i] != PERM_ONCE)
			continue;

		ps->state[i] = PERM_ASK;
		bits |= 1u << i;
	}

	*consumed = bits;
	if (!bits)
		return 0;

	return perm_save(pf->path, ps);
}
