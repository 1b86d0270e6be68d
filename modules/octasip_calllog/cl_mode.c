/**
 * @file cl_mode.c  Memory-only or not: the config, the API and the
 *                  storage permission decide where the call log writes
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include "common/perm.h"
#include "calllog.h"


/*
 * The storage permission, read with perm_load() and cached by the
 * file's identity and mtime: deny, ask or a malformed file mean
 * memory-only; a missing file or line means the product default (allow).
 * "once" too means memory-only: only the policy applies a grant (to the
 * one call that takes it), and once it has set the mode through the API
 * this file check no longer decides (update_mode()).
 */
bool calllog_storage_allowed(void)
{
	struct perm_set ps;
	struct stat st;
	char errbuf[128] = "";
	bool exists;
	int err;

	exists = stat(d.perm_path, &st) == 0;

	if (d.perm.valid && exists == d.perm.exists &&
	    (!exists || (st.st_dev == d.perm.dev &&
			 st.st_ino == d.perm.ino &&
			 st.st_size == d.perm.size &&
			 st.st_mtim.tv_sec == d.perm.mtime.tv_sec &&
			 st.st_mtim.tv_nsec == d.perm.mtime.tv_nsec)))
		return d.perm.allowed;

	err = perm_load(d.perm_path, &ps, errbuf, sizeof(errbuf));
	if (err)
		warning("octasip_calllog: permissions file %s: %s;"
			" storage treated as denied\n", d.perm_path,
			errbuf);

	d.perm.valid = true;
	d.perm.exists = exists;
	if (exists) {
		d.perm.dev = st.st_dev;
		d.perm.ino = st.st_ino;
		d.perm.size = st.st_size;
		d.perm.mtime = st.st_mtim;
	}
	d.perm.allowed = perm_allows(&ps, PERM_STORAGE);   /* P-PERM-1 */

	return d.perm.allowed;
}


void update_mode(void)
{
	bool mo = d.cfg_memory_only || (d.api_set ? d.api_memory_only :
					  !calllog_storage_allowed());

	if (mo == d.memory_only)
		return;

	d.memory_only = mo;
	clw_set_memory_only(d.w, mo);

	info("octasip_calllog: %s\n", mo ?
	     "memory-only: calls are not written to calllog.db" :
	     "writing calls to calllog.db");
}


/*
 * The storage permission is checked at each call start, unless the
 * profile directory's watch runs: it then re-reads the file when it
 * changed (perm_changed), and a call start costs no system call.
 */
void check_started(void)
{
	if (!d.started)
		return;

	d.started = false;
	if (!dirwatch_active(&d.watch))
		update_mode();
}


void perm_changed(int flags, void *arg)
{
	(void)flags;
	(void)arg;

	if (bsip_dirwatch_read(&d.watch))
		update_mode();
}
